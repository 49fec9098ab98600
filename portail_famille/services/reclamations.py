"""Complaints and suggestions (réclamations) from families and youths, followed in a register to their answer.

Rules:
- A portal account files one about one of its youths (active access) or in general for the dispositif of one of
  its youths; it keeps the account's space (famille / jeune): a youth's réclamations are never shown to the
  parents' accounts, and a parent's never to the youth nor to the other parent (each account sees its own).
- The direction follows it: reçue → en cours (taken in charge) → réponse envoyée → close; dates and authors kept.
  Answering notifies the author without any content (the answer is read on the portal). Closing needs an answer.
- A new réclamation notifies the direction and the chefs de service of the dispositif (no content either).
- CVS members (``MembreCvs``) are added and removed by the direction; they read the register without the authors'
  identity nor the youths' names.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.enums import AccountKind, AuditAction, Metier
from core.models import Affectation, User
from core.services.audit import audit_record, save_audited
from core.services.notifications import notify
from dossiers.models import Dossier
from portail_famille.enums import StatutAcces, StatutReclamation, TypeReclamation
from portail_famille.models import MembreCvs, Reclamation

TEXTE_MAX = 5000


def _check_direction(actor):
    from core.tenancy import Access

    if not Access.for_user(actor).is_direction:
        raise ValidationError("Seule la direction tient le registre des réclamations.")


def _responsables(dispositif_id) -> list[User]:
    """The direction of the organisme's dispositif and its chefs de service (active affectations)."""
    today = timezone.localdate()
    ids = (
        Affectation.objects.filter(debut__lte=today)
        .filter(Q(fin__isnull=True) | Q(fin__gte=today))
        .filter(Q(metier=Metier.DIRECTION) | Q(metier=Metier.CHEF_DE_SERVICE, dispositif_id=dispositif_id))
        .values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=ids, is_active=True, kind=AccountKind.PROFESSIONNEL).order_by("pk"))


@transaction.atomic
def reclamation_deposer(
    *, actor, acces, type, objet, texte, au_sujet_du_jeune: bool = True, request=None
) -> Reclamation:
    """File a complaint or suggestion from a portal account, through one of its active accesses: about that youth
    (``au_sujet_du_jeune``) or in general for the dispositif of that youth's dossier."""
    if acces is None or acces.user_id != actor.pk or acces.statut != StatutAcces.ACTIF or not actor.is_active:
        raise ValidationError("Vous ne pouvez pas déposer de réclamation pour ce jeune.")
    errors = {}
    objet = (objet or "").strip()
    texte = (texte or "").strip()
    if type not in TypeReclamation.values:
        errors["type"] = "Choisissez : réclamation ou suggestion."
    if not objet:
        errors["objet"] = "Indiquez l'objet en quelques mots."
    elif len(objet) > 200:
        errors["objet"] = "L'objet est trop long (200 caractères au plus)."
    if not texte:
        errors["texte"] = "Décrivez votre demande."
    elif len(texte) > TEXTE_MAX:
        errors["texte"] = f"La description est trop longue ({TEXTE_MAX} caractères au plus)."
    dossier = Dossier.objects.filter(jeune_id=acces.jeune_id).order_by("archived_at", "-pk").first()
    if dossier is None:
        errors["__all__"] = "Le dossier de ce jeune est introuvable : contactez l'établissement."
    if errors:
        raise ValidationError(errors)
    reclamation = Reclamation(
        organisme_id=actor.organisme_id,
        dispositif_id=dossier.dispositif_id,
        jeune_id=acces.jeune_id if au_sujet_du_jeune else None,
        auteur=actor,
        espace=acces.espace,
        type=type,
        objet=objet,
        texte=texte,
    )
    save_audited(reclamation, actor=actor, request=request)
    recipients = _responsables(reclamation.dispositif_id)
    if recipients:
        notify(
            recipients=recipients,
            titre="Nouvelle réclamation ou suggestion au registre",
            lien=reverse("familles:reclamation", args=[reclamation.pk]),
            categorie="portail_reclamation",
        )
    return reclamation


def _lock(reclamation):
    return Reclamation.objects.select_for_update().get(pk=reclamation.pk)


@transaction.atomic
def reclamation_prendre_en_charge(*, actor, reclamation, request=None) -> Reclamation:
    _check_direction(actor)
    reclamation = _lock(reclamation)
    if reclamation.statut != StatutReclamation.RECUE:
        raise ValidationError("Cette réclamation est déjà prise en charge.")
    reclamation.statut = StatutReclamation.EN_COURS
    reclamation.prise_en_charge_le = timezone.now()
    reclamation.prise_en_charge_par = actor
    return save_audited(
        reclamation, actor=actor, request=request, changed=["statut", "prise_en_charge_le", "prise_en_charge_par"]
    )


@transaction.atomic
def reclamation_repondre(*, actor, reclamation, reponse, request=None) -> Reclamation:
    """Write (or correct) the answer; the author is notified without the text."""
    _check_direction(actor)
    reclamation = _lock(reclamation)
    if reclamation.statut == StatutReclamation.CLOSE:
        raise ValidationError("Cette réclamation est close.")
    reponse = (reponse or "").strip()
    if not reponse:
        raise ValidationError({"reponse": "Écrivez la réponse."})
    if len(reponse) > TEXTE_MAX:
        raise ValidationError({"reponse": f"La réponse est trop longue ({TEXTE_MAX} caractères au plus)."})
    now = timezone.now()
    if reclamation.prise_en_charge_le is None:
        reclamation.prise_en_charge_le = now
        reclamation.prise_en_charge_par = actor
    reclamation.reponse = reponse
    reclamation.repondue_le = now
    reclamation.repondue_par = actor
    reclamation.statut = StatutReclamation.REPONDUE
    save_audited(
        reclamation, actor=actor, request=request, changed=["reponse", "repondue_le", "repondue_par", "statut"]
    )
    notify(
        recipients=[reclamation.auteur],
        titre="Vous avez reçu une réponse",
        lien=reverse("portail:reclamations") + f"#reclamation-{reclamation.pk}",
        categorie="portail_reclamation",
    )
    return reclamation


@transaction.atomic
def reclamation_clore(*, actor, reclamation, request=None) -> Reclamation:
    _check_direction(actor)
    reclamation = _lock(reclamation)
    if reclamation.statut == StatutReclamation.CLOSE:
        raise ValidationError("Cette réclamation est déjà close.")
    if not reclamation.reponse:
        raise ValidationError("Répondez à l'auteur avant de clore.")
    reclamation.statut = StatutReclamation.CLOSE
    reclamation.close_le = timezone.now()
    return save_audited(reclamation, actor=actor, request=request, changed=["statut", "close_le"])


@transaction.atomic
def membre_cvs_ajouter(*, actor, dispositif, email, request=None) -> MembreCvs:
    """Add an account (professional or portal) of the organisme to the CVS of a dispositif."""
    _check_direction(actor)
    user = User.objects.filter(organisme_id=dispositif.organisme_id, email__iexact=(email or "").strip()).first()
    if user is None or not user.is_active:
        raise ValidationError({"email": "Aucun compte actif n'a cette adresse dans l'organisme."})
    membre = MembreCvs(organisme_id=dispositif.organisme_id, dispositif=dispositif, user=user)
    try:
        with transaction.atomic():
            membre.full_clean(validate_unique=False, validate_constraints=False)
            membre.save()
    except IntegrityError:
        raise ValidationError({"email": "Ce compte est déjà membre du CVS de ce dispositif."}) from None
    audit_record(
        actor=actor, action=AuditAction.CREATE, record=membre, record_label=f"Membre du CVS : {user}", request=request
    )
    return membre


@transaction.atomic
def membre_cvs_retirer(*, actor, membre, request=None) -> None:
    _check_direction(actor)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        record=membre,
        record_label=f"Membre du CVS : {membre.user}",
        request=request,
    )
    membre.delete()
