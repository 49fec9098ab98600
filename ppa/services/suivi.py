"""Following a PPA (DOMAIN §7): links of agenda events and series to objectives, reviews and evaluations.

Rules:
- **Links** (``lien_creer``): an agenda event, or a whole series (all its occurrences, present and future), is
  linked to an objective of a version that is not closed (the schedule follows the plan being drafted and the plan
  in force; a closed version is history). The event or series must belong to the same organisme, involve the
  dossier's youth (a participation in the event, the youth in the series) and be readable by the actor (its
  dispositif's agenda). One link per (objective, event) and per (objective, series). Removing a link
  (``lien_supprimer``) follows the same rules.
- When an avenant is validated, the **series links** of the previous version are re-created on the new version's
  objectives with the same ``cle`` (``liens_reporter``, called by ``redaction.version_valider``); links of single
  events stay with the version they served (its realisation).
- **Reviews** (``revue_create``): on a version in force (``valide`` or ``en_cours``), one review being written at a
  time per version. The period evaluated ends at most on the review date. A review with a motif other than the yearly
  one, not finished, is a *requested* review: its date becomes the deadline (``echeances``).
  ``revue_enregistrer`` saves the synthèse and the evaluation of each objective (result and comment) while the
  review is not finished; ``revue_terminer`` needs an evaluation for every objective of the version, freezes the
  review and recomputes the deadline (a year after the review).

Every service checks that the actor may write the dossier's PPA (``PermissionDenied`` otherwise), validates before
writing (French ``ValidationError``; nothing written on error) and writes the audit journal.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.enums import AuditAction
from core.services.audit import audit_record
from core.tenancy import Access
from ppa.enums import MotifRevue, ResultatEvaluation, StatutPpa
from ppa.models import Evaluation, LienObjectif, Objectif, PpaVersion, Revue
from ppa.perms import can_write_ppa
from ppa.services.echeances import EN_VIGUEUR, echeance_mettre_a_jour


def _access(actor, request) -> Access:
    access = getattr(request, "access", None) if request is not None else None
    return access if access is not None and access.user == actor else Access.for_user(actor)


def _check_writer(actor, request, obj) -> Access:
    access = _access(actor, request)
    if not can_write_ppa(access, obj):
        raise PermissionDenied("Vous ne pouvez pas modifier le PPA de ce dossier.")
    return access


def _audit(actor, action, record, request, **details):
    audit_record(actor=actor, action=action, record=record, request=request, details=details or None)


# --- Links to the agenda -------------------------------------------------------------------------------------------


def _check_version_ouverte(version: PpaVersion) -> None:
    if version.statut == StatutPpa.CLOS:
        raise ValidationError(
            f"La version {version.numero} du PPA est close : ses objectifs ne sont plus liés à l'agenda."
        )


@transaction.atomic
def lien_creer(*, objectif: Objectif, actor, evenement=None, serie=None, request=None) -> LienObjectif:
    """Link ``evenement`` or ``serie`` (exactly one) to ``objectif``; see the module rules."""
    from agendas.models import ParticipationJeune, SerieJeune
    from agendas.perms import can_read_evenement

    objectif = Objectif.objects.select_related("version__ppa__dossier").get(pk=objectif.pk)
    access = _check_writer(actor, request, objectif)
    version = objectif.version
    dossier = version.ppa.dossier
    _check_version_ouverte(version)
    if (evenement is None) == (serie is None):
        raise ValidationError("Choisissez un événement ou une série de l'agenda (l'un ou l'autre).")
    cible = evenement if evenement is not None else serie
    champ = "evenement" if evenement is not None else "serie"
    if cible.organisme_id != objectif.organisme_id or not can_read_evenement(access, cible):
        raise ValidationError({champ: "Cet élément de l'agenda n'est pas accessible."})
    if evenement is not None:
        concerne = ParticipationJeune.objects.filter(evenement_id=evenement.pk, jeune_id=dossier.jeune_id).exists()
        deja = LienObjectif.objects.filter(objectif=objectif, evenement_id=evenement.pk).exists()
    else:
        concerne = SerieJeune.objects.filter(serie_id=serie.pk, jeune_id=dossier.jeune_id).exists()
        deja = LienObjectif.objects.filter(objectif=objectif, serie_id=serie.pk).exists()
    if not concerne:
        quoi = "Cet événement" if evenement is not None else "Cette série"
        raise ValidationError(
            {champ: f"{quoi} ne concerne pas {dossier.jeune.prenom} : choisissez-en un de son agenda."}
        )
    if deja:
        quoi = "Cet événement est déjà lié" if evenement is not None else "Cette série est déjà liée"
        raise ValidationError({champ: f"{quoi} à l'objectif « {objectif.titre} »."})
    lien = LienObjectif.objects.create(
        organisme_id=objectif.organisme_id, objectif=objectif, evenement=evenement, serie=serie, created_by=actor
    )
    _audit(actor, AuditAction.CREATE, lien, request, objectif=objectif.pk, **{champ: cible.pk})
    return lien


@transaction.atomic
def lien_supprimer(*, lien: LienObjectif, actor, request=None) -> None:
    lien = LienObjectif.objects.select_related("objectif__version__ppa__dossier").get(pk=lien.pk)
    _check_writer(actor, request, lien)
    _check_version_ouverte(lien.objectif.version)
    _audit(actor, AuditAction.DELETE, lien, request, objectif=lien.objectif_id, evenement=lien.evenement_id,
           serie=lien.serie_id)  # fmt: skip
    lien.delete()


def liens_reporter(ancienne: PpaVersion, nouvelle: PpaVersion, *, actor=None, request=None) -> int:
    """Re-create the series links of ``ancienne``'s objectives on ``nouvelle``'s objectives with the same ``cle``
    (an avenant being validated); return how many were created. Existing links are kept (idempotent)."""
    cles = dict(Objectif.objects.filter(version=nouvelle).values_list("cle", "pk"))
    anciens = LienObjectif.objects.filter(objectif__version=ancienne, serie__isnull=False).values_list(
        "objectif__cle", "serie_id", "created_by_id"
    )
    existants = set(
        LienObjectif.objects.filter(objectif__version=nouvelle, serie__isnull=False).values_list(
            "objectif_id", "serie_id"
        )
    )
    nouveaux = []
    for cle, serie_id, created_by_id in anciens:
        objectif_id = cles.get(cle)
        if objectif_id is not None and (objectif_id, serie_id) not in existants:
            existants.add((objectif_id, serie_id))
            nouveaux.append(
                LienObjectif(
                    organisme_id=nouvelle.organisme_id,
                    objectif_id=objectif_id,
                    serie_id=serie_id,
                    created_by_id=created_by_id,
                )  # fmt: skip
            )
    LienObjectif.objects.bulk_create(nouveaux)
    if nouveaux:
        _audit(actor, AuditAction.CREATE, nouvelle, request, liens_series_reportes=len(nouveaux),
               depuis_version=ancienne.numero)  # fmt: skip
    return len(nouveaux)


# --- Reviews -------------------------------------------------------------------------------------------------------


def _lock_version(version: PpaVersion) -> PpaVersion:
    return PpaVersion.objects.select_for_update().select_related("ppa__dossier__jeune").get(pk=version.pk)


@transaction.atomic
def revue_create(
    *,
    version: PpaVersion,
    actor,
    motif: str = MotifRevue.ANNUELLE,
    date: datetime.date | None = None,
    periode_debut: datetime.date | None = None,
    periode_fin: datetime.date | None = None,
    request=None,
) -> Revue:
    """Open a review of ``version`` (in force). Defaults: today; the period from the start of the version (or of
    the last finished review) to the review date."""
    version = _lock_version(version)
    _check_writer(actor, request, version)
    if version.statut not in EN_VIGUEUR:
        raise ValidationError(
            f"La version {version.numero} est {version.get_statut_display().lower()} : seule la version en vigueur "
            "(validée ou en cours) se révise."
        )
    if motif not in MotifRevue.values:
        raise ValidationError({"motif": "Choisissez le motif de la révision."})
    if version.revues.filter(terminee=False).exists():
        raise ValidationError("Une révision de cette version est déjà en cours : terminez-la d'abord.")
    date = date or timezone.localdate()
    if periode_debut is None:
        derniere = version.revues.filter(terminee=True).order_by("-periode_fin").first()
        periode_debut = (
            derniere.periode_fin + datetime.timedelta(days=1)
            if derniere
            else (version.date_debut or version.valide_le or date)
        )
    periode_fin = periode_fin or date
    errors = {}
    if periode_fin < periode_debut:
        errors["periode_fin"] = "La fin de la période évaluée ne peut pas précéder son début."
    if periode_fin > date:
        errors["periode_fin"] = "La période évaluée se termine au plus tard le jour de la révision."
    if errors:
        raise ValidationError(errors)
    revue = Revue(
        organisme_id=version.organisme_id, version=version, motif=motif, date=date, periode_debut=periode_debut,
        periode_fin=periode_fin, created_by=actor,
    )  # fmt: skip
    revue.full_clean()
    revue.save()
    _audit(actor, AuditAction.CREATE, revue, request, motif=motif, date=date.isoformat())
    echeance_mettre_a_jour(version.ppa)
    return revue


def _lock_revue(revue: Revue) -> Revue:
    return Revue.objects.select_for_update().select_related("version__ppa__dossier").get(pk=revue.pk)


@transaction.atomic
def revue_enregistrer(
    *, revue: Revue, actor, synthese: str | None = None, evaluations: dict | None = None, request=None
) -> Revue:
    """Save the synthèse and the evaluations of a review being written. ``evaluations``: ``{objectif_id:
    (resultat, commentaire)}`` for objectives of the reviewed version; an empty result removes that evaluation."""
    revue = _lock_revue(revue)
    _check_writer(actor, request, revue)
    if revue.terminee:
        raise ValidationError("Cette révision est terminée : elle ne peut plus être modifiée.")
    evaluations = evaluations or {}
    objectifs = {o.pk: o for o in Objectif.objects.filter(version_id=revue.version_id)}
    errors = {}
    for objectif_id, (resultat, _commentaire) in evaluations.items():
        if objectif_id not in objectifs:
            errors[f"objectif_{objectif_id}"] = "Cet objectif n'appartient pas à la version révisée."
        elif resultat and resultat not in ResultatEvaluation.values:
            errors[f"objectif_{objectif_id}"] = (
                "Choisissez un résultat : atteint, partiellement, non atteint, abandonné."
            )
    if errors:
        raise ValidationError(errors)
    existing = {e.objectif_id: e for e in revue.evaluations.all()}
    changed = []
    for objectif_id, (resultat, commentaire) in evaluations.items():
        commentaire = (commentaire or "").strip()
        current = existing.get(objectif_id)
        if not resultat:
            if current is not None:
                current.delete()
                changed.append(objectif_id)
            continue
        if current is None:
            Evaluation.objects.create(organisme_id=revue.organisme_id, revue=revue, objectif_id=objectif_id,
                                      resultat=resultat, commentaire=commentaire)  # fmt: skip
            changed.append(objectif_id)
        elif (current.resultat, current.commentaire) != (resultat, commentaire):
            current.resultat, current.commentaire = resultat, commentaire
            current.save(update_fields=["resultat", "commentaire"])
            changed.append(objectif_id)
    champs = []
    if synthese is not None and synthese.strip() != revue.synthese:
        revue.synthese = synthese.strip()
        revue.save(update_fields=["synthese"])
        champs.append("synthese")
    if changed or champs:
        _audit(actor, AuditAction.UPDATE, revue, request, champs=champs, evaluations=sorted(changed))
    return revue


@transaction.atomic
def revue_terminer(*, revue: Revue, actor, request=None) -> Revue:
    """Finish the review: every objective of the version evaluated; the deadline is recomputed."""
    revue = _lock_revue(revue)
    _check_writer(actor, request, revue)
    if revue.terminee:
        raise ValidationError("Cette révision est déjà terminée.")
    evalues = set(revue.evaluations.values_list("objectif_id", flat=True))
    manquants = [o.titre for o in Objectif.objects.filter(version_id=revue.version_id) if o.pk not in evalues]
    if manquants:
        raise ValidationError(f"Évaluez chaque objectif avant de terminer la révision : {', '.join(manquants)}.")
    revue.terminee = True
    revue.save(update_fields=["terminee"])
    _audit(actor, AuditAction.UPDATE, revue, request, champs=["terminee"])
    echeance_mettre_a_jour(revue.version.ppa)
    return revue
