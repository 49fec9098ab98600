"""Satisfaction questionnaires: built by the direction of a dispositif, answered once per portal account,
anonymous results.

Rules:
- The direction creates a questionnaire (brouillon), adds and removes questions (échelle 1..N with end labels,
  choix unique, texte libre), opens it (at least one question; from then on the questions are frozen) and closes
  it.
- An open questionnaire is offered on the portal to the accounts with an active access to a youth accompanied in
  its dispositif, when its public matches the account's space (familles ↔ famille, jeunes ↔ jeune, tous).
- One answer per account: a ``Participation`` row (who answered, for uniqueness) apart from the ``Reponse`` (what
  was answered, without any link to the account, dated by day only). The audit journal records the participation,
  never the answers.
- Results are shown only when the number of answers reaches ``seuil_anonymat``.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.enums import AuditAction
from core.services.audit import audit_record, save_audited
from dossiers.models import Dossier
from portail_famille.enums import Espace, PublicQuestionnaire, StatutAcces, StatutQuestionnaire, TypeQuestion
from portail_famille.models import Participation, Question, Questionnaire, Reponse, ReponseQuestion

ECHELLE_MIN, ECHELLE_MAX = 2, 10
TEXTE_MAX = 3000

PUBLICS_PAR_ESPACE = {
    Espace.FAMILLE: (PublicQuestionnaire.FAMILLES, PublicQuestionnaire.TOUS),
    Espace.JEUNE: (PublicQuestionnaire.JEUNES, PublicQuestionnaire.TOUS),
}


def _check_direction(actor):
    from core.tenancy import Access

    if not Access.for_user(actor).is_direction:
        raise ValidationError("Seule la direction construit les questionnaires.")


def _check_brouillon(questionnaire):
    if questionnaire.statut != StatutQuestionnaire.BROUILLON:
        raise ValidationError("Le questionnaire est ouvert ou clos : ses questions ne peuvent plus changer.")


@transaction.atomic
def questionnaire_creer(
    *, actor, dispositif, titre, introduction="", public, seuil_anonymat=None, request=None
) -> Questionnaire:
    _check_direction(actor)
    questionnaire = Questionnaire(
        organisme_id=dispositif.organisme_id,
        dispositif=dispositif,
        titre=(titre or "").strip(),
        introduction=(introduction or "").strip(),
        public=public,
        created_by=actor,
    )
    if seuil_anonymat is not None:
        questionnaire.seuil_anonymat = seuil_anonymat
    if not questionnaire.titre:
        raise ValidationError({"titre": "Donnez un titre au questionnaire."})
    if questionnaire.seuil_anonymat < 1:
        raise ValidationError({"seuil_anonymat": "Le seuil d'anonymat est d'au moins une réponse."})
    return save_audited(questionnaire, actor=actor, request=request)


@transaction.atomic
def questionnaire_modifier(*, actor, questionnaire, request=None, **fields) -> Questionnaire:
    _check_direction(actor)
    _check_brouillon(questionnaire)
    allowed = {"titre", "introduction", "public", "seuil_anonymat"}
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(name)
        setattr(questionnaire, name, value.strip() if isinstance(value, str) else value)
    if not questionnaire.titre:
        raise ValidationError({"titre": "Donnez un titre au questionnaire."})
    return save_audited(questionnaire, actor=actor, request=request, changed=list(fields))


@transaction.atomic
def question_ajouter(
    *,
    actor,
    questionnaire,
    libelle,
    type,
    echelle_max=4,
    libelle_min="",
    libelle_max="",
    choix=(),
    obligatoire=False,
    request=None,
) -> Question:
    _check_direction(actor)
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    _check_brouillon(questionnaire)
    libelle = (libelle or "").strip()
    errors = {}
    if not libelle:
        errors["libelle"] = "Écrivez la question."
    if type not in TypeQuestion.values:
        errors["type"] = "Choisissez le type de réponse."
    choix = [c.strip() for c in (choix or []) if c and c.strip()]
    if type == TypeQuestion.ECHELLE:
        if echelle_max is None or not ECHELLE_MIN <= echelle_max <= ECHELLE_MAX:
            errors["echelle_max"] = f"La note maximale est comprise entre {ECHELLE_MIN} et {ECHELLE_MAX}."
        choix = []
    elif type == TypeQuestion.CHOIX:
        if len(choix) < 2:
            errors["choix"] = "Proposez au moins deux choix (un par ligne)."
        elif len(set(choix)) != len(choix):
            errors["choix"] = "Deux choix sont identiques."
        elif any(len(c) > 200 for c in choix):
            errors["choix"] = "Un choix dépasse 200 caractères."
    if errors:
        raise ValidationError(errors)
    ordre = (questionnaire.questions.order_by("-ordre").values_list("ordre", flat=True).first() or 0) + 1
    question = Question(
        organisme_id=questionnaire.organisme_id,
        questionnaire=questionnaire,
        ordre=ordre,
        libelle=libelle,
        type=type,
        echelle_max=echelle_max if type == TypeQuestion.ECHELLE else 4,
        libelle_min=(libelle_min or "").strip() if type == TypeQuestion.ECHELLE else "",
        libelle_max=(libelle_max or "").strip() if type == TypeQuestion.ECHELLE else "",
        choix=choix,
        obligatoire=bool(obligatoire),
    )
    return save_audited(question, actor=actor, request=request)


@transaction.atomic
def question_supprimer(*, actor, question, request=None) -> None:
    _check_direction(actor)
    _check_brouillon(Questionnaire.objects.select_for_update().get(pk=question.questionnaire_id))
    audit_record(actor=actor, action=AuditAction.DELETE, record=question, request=request)
    question.delete()


@transaction.atomic
def questionnaire_ouvrir(*, actor, questionnaire, request=None) -> Questionnaire:
    _check_direction(actor)
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    _check_brouillon(questionnaire)
    if not questionnaire.questions.exists():
        raise ValidationError("Ajoutez au moins une question avant d'ouvrir le questionnaire.")
    questionnaire.statut = StatutQuestionnaire.OUVERT
    questionnaire.ouvert_le = timezone.localdate()
    return save_audited(questionnaire, actor=actor, request=request, changed=["statut", "ouvert_le"])


@transaction.atomic
def questionnaire_clore(*, actor, questionnaire, request=None) -> Questionnaire:
    _check_direction(actor)
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if questionnaire.statut != StatutQuestionnaire.OUVERT:
        raise ValidationError("Seul un questionnaire ouvert peut être clos.")
    questionnaire.statut = StatutQuestionnaire.CLOS
    questionnaire.clos_le = timezone.localdate()
    return save_audited(questionnaire, actor=actor, request=request, changed=["statut", "clos_le"])


# --- Portal side ----------------------------------------------------------------------------------------------


def questionnaires_ouverts(acces_list):
    """Open questionnaires offered to an account: dispositifs of its youths' dossiers, public of its spaces."""
    acces_list = [a for a in acces_list if a.statut == StatutAcces.ACTIF]
    if not acces_list:
        return Questionnaire.objects.none()
    jeune_ids = {a.jeune_id for a in acces_list}
    publics = set()
    for a in acces_list:
        publics.update(PUBLICS_PAR_ESPACE[a.espace])
    dispositifs = Dossier.objects.filter(jeune_id__in=jeune_ids, archived_at__isnull=True).values("dispositif_id")
    return Questionnaire.objects.filter(
        statut=StatutQuestionnaire.OUVERT, dispositif_id__in=dispositifs, public__in=publics
    ).select_related("dispositif")


def espace_pour(questionnaire, acces_list):
    """The account's space that may answer this questionnaire (famille first), or ``None``."""
    dispositif_jeunes = set(
        Dossier.objects.filter(
            dispositif_id=questionnaire.dispositif_id,
            archived_at__isnull=True,
            jeune_id__in=[a.jeune_id for a in acces_list],
        ).values_list("jeune_id", flat=True)
    )
    for a in sorted(acces_list, key=lambda a: a.espace != Espace.FAMILLE):
        if a.statut == StatutAcces.ACTIF and a.jeune_id in dispositif_jeunes:
            if questionnaire.public in PUBLICS_PAR_ESPACE[a.espace]:
                return a.espace
    return None


def _valeur(question, raw):
    """Check one answer; returns (note, choix, texte) or raises a French message."""
    raw = raw.strip() if isinstance(raw, str) else raw
    if raw in (None, ""):
        if question.obligatoire:
            raise ValueError("Cette question demande une réponse.")
        return None
    if question.type == TypeQuestion.ECHELLE:
        try:
            note = int(raw)
        except (TypeError, ValueError):
            raise ValueError(f"Choisissez une note entre 1 et {question.echelle_max}.") from None
        if not 1 <= note <= question.echelle_max:
            raise ValueError(f"Choisissez une note entre 1 et {question.echelle_max}.")
        return (note, "", "")
    if question.type == TypeQuestion.CHOIX:
        if raw not in question.choix:
            raise ValueError("Choisissez une des réponses proposées.")
        return (None, raw, "")
    if len(raw) > TEXTE_MAX:
        raise ValueError(f"Votre réponse est trop longue ({TEXTE_MAX} caractères au plus).")
    return (None, "", raw)


@transaction.atomic
def questionnaire_repondre(*, actor, acces_list, questionnaire, valeurs: dict, request=None) -> Reponse:
    """Answer an open questionnaire once. ``valeurs``: question id → raw value (str); errors are keyed
    ``q<id>``."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if questionnaire.statut != StatutQuestionnaire.OUVERT:
        raise ValidationError("Ce questionnaire n'est plus ouvert aux réponses.")
    acces_list = [a for a in acces_list if a.user_id == actor.pk]
    espace = espace_pour(questionnaire, acces_list)
    if espace is None:
        raise ValidationError("Ce questionnaire ne vous est pas proposé.")
    if Participation.objects.filter(questionnaire=questionnaire, user_id=actor.pk).exists():
        raise ValidationError("Vous avez déjà répondu à ce questionnaire. Merci !")
    errors, rows = {}, []
    for question in questionnaire.questions.order_by("ordre", "pk"):
        try:
            value = _valeur(question, valeurs.get(question.pk, valeurs.get(str(question.pk))))
        except ValueError as exc:
            errors[f"q{question.pk}"] = str(exc)
            continue
        if value is not None:
            rows.append((question, value))
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError("Répondez à au moins une question.")
    try:
        with transaction.atomic():
            participation = Participation.objects.create(
                organisme_id=questionnaire.organisme_id, questionnaire=questionnaire, user=actor
            )
    except IntegrityError:
        raise ValidationError("Vous avez déjà répondu à ce questionnaire. Merci !") from None
    reponse = Reponse.objects.create(
        organisme_id=questionnaire.organisme_id, questionnaire=questionnaire, espace=espace
    )
    ReponseQuestion.objects.bulk_create(
        [
            ReponseQuestion(
                organisme_id=questionnaire.organisme_id,
                reponse=reponse,
                question=q,
                note=note,
                choix=choix,
                texte=texte,
            )
            for q, (note, choix, texte) in rows
        ]
    )
    # The journal records that the account answered, never what it answered.
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        record=participation,
        record_label=f"Participation : {questionnaire.titre}"[:300],
        request=request,
        details={"questionnaire": questionnaire.pk},
    )
    return reponse
