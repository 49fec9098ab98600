"""Threads between a portal account (a parent, or the youth) and the team of the youth's dossier.

Rules:
- A thread belongs to the portal account that opened it (``FilDiscussion.compte``) and to its space (famille /
  jeune): the other parent and the youth never see it, and the parents never see the youth's.
- Opening a thread and writing in it from the portal needs an active access to the youth with the ``messagerie``
  right; the team answers from the staff side with the write right on the youth's dossier.
- A closed thread takes no more message.
- Every new message notifies the other side, in the product and by email, without any content: the title is
  « Vous avez un nouveau message » and the link leads to the thread (the portal account when the team answers;
  the référent and the chefs de service of the dispositif when the family writes).
- Read state per account in ``LectureFil`` (unread counts on both sides); not audited (one's own reading state).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.enums import AccountKind, AuditAction, Metier
from core.models import Affectation, User
from core.services.audit import audit_record
from core.services.notifications import notify
from dossiers.models import Dossier
from portail_famille.enums import StatutAcces
from portail_famille.models import FilDiscussion, LectureFil, Message

TITRE_NOTIFICATION = "Vous avez un nouveau message"
TEXTE_MAX = 5000


def dossier_du_jeune(jeune_id: int, dispositif_id: int | None = None):
    """The youth's current dossier (not archived first, the most recent), in ``dispositif_id`` if given."""
    qs = Dossier.objects.filter(jeune_id=jeune_id)
    if dispositif_id is not None:
        qs = qs.filter(dispositif_id=dispositif_id)
    return qs.order_by("archived_at", "-pk").first()


def _check_texte(texte: str, field: str = "texte") -> str:
    texte = (texte or "").strip()
    if not texte:
        raise ValidationError({field: "Écrivez votre message."})
    if len(texte) > TEXTE_MAX:
        raise ValidationError({field: f"Le message est trop long ({len(texte)} caractères, {TEXTE_MAX} au plus)."})
    return texte


def _check_acces_portail(actor, acces) -> None:
    if (
        acces is None
        or acces.user_id != actor.pk
        or acces.statut != StatutAcces.ACTIF
        or not acces.messagerie
        or not actor.is_active
    ):
        raise ValidationError("Vous ne pouvez pas écrire à l'équipe pour ce jeune.")


def destinataires_equipe(fil) -> list[User]:
    """The référent of the youth's dossier and the chefs de service of the thread's dispositif."""
    dossier = dossier_du_jeune(fil.jeune_id, fil.dispositif_id)
    today = timezone.localdate()
    chefs = (
        Affectation.objects.filter(dispositif_id=fil.dispositif_id, metier=Metier.CHEF_DE_SERVICE, debut__lte=today)
        .filter(Q(fin__isnull=True) | Q(fin__gte=today))
        .values_list("user_id", flat=True)
    )
    ids = set(chefs)
    if dossier is not None and dossier.referent_id:
        ids.add(dossier.referent_id)
    return list(User.objects.filter(pk__in=ids, is_active=True, kind=AccountKind.PROFESSIONNEL).order_by("pk"))


def _notify(fil, message) -> None:
    if message.de_l_equipe:
        notify(
            recipients=[fil.compte],
            titre=TITRE_NOTIFICATION,
            lien=reverse("portail:message_fil", args=[fil.pk]),
            categorie="portail_message",
        )
    else:
        recipients = [u for u in destinataires_equipe(fil) if u.pk != message.auteur_id]
        if recipients:
            notify(
                recipients=recipients,
                titre=TITRE_NOTIFICATION,
                lien=reverse("familles:message_fil", args=[fil.pk]),
                categorie="portail_message",
            )


def _marquer_lu(fil, user, when) -> None:
    LectureFil.objects.update_or_create(organisme_id=fil.organisme_id, fil=fil, user=user, defaults={"lu_le": when})


@transaction.atomic
def fil_creer(*, actor, acces, sujet: str, texte: str, request=None) -> FilDiscussion:
    """A portal account opens a thread about the youth of ``acces`` with a first message."""
    _check_acces_portail(actor, acces)
    sujet = (sujet or "").strip()
    errors = {}
    if not sujet:
        errors["sujet"] = "Indiquez le sujet de votre message."
    elif len(sujet) > 200:
        errors["sujet"] = "Le sujet est trop long (200 caractères au plus)."
    try:
        texte = _check_texte(texte)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    dossier = dossier_du_jeune(acces.jeune_id)
    if dossier is None:
        errors[None] = "Le dossier de ce jeune est introuvable : contactez l'établissement."
    if errors:
        raise ValidationError({k or "__all__": v for k, v in errors.items()})
    now = timezone.now()
    fil = FilDiscussion(
        organisme_id=actor.organisme_id,
        jeune_id=acces.jeune_id,
        dispositif_id=dossier.dispositif_id,
        compte=actor,
        espace=acces.espace,
        sujet=sujet,
        created_at=now,
        dernier_message_le=now,
    )
    fil.full_clean()
    fil.save()
    message = Message.objects.create(
        organisme_id=fil.organisme_id, fil=fil, auteur=actor, de_l_equipe=False, texte=texte, created_at=now
    )
    _marquer_lu(fil, actor, now)
    audit_record(actor=actor, action=AuditAction.CREATE, record=fil, request=request, details={"espace": fil.espace})
    _notify(fil, message)
    return fil


@transaction.atomic
def message_envoyer(*, actor, fil, texte: str, acces=None, request=None) -> Message:
    """A message in a thread: from its portal account (with ``acces``), or from a professional of the team (the
    view checked the write right on the dossier)."""
    fil = FilDiscussion.objects.select_for_update().get(pk=fil.pk)
    de_l_equipe = actor.kind == AccountKind.PROFESSIONNEL
    if not de_l_equipe:
        if fil.compte_id != actor.pk:
            raise ValidationError("Cette conversation n'est pas la vôtre.")
        _check_acces_portail(actor, acces)
        if acces.jeune_id != fil.jeune_id:
            raise ValidationError("Cette conversation n'est pas la vôtre.")
    if fil.clos_le is not None:
        raise ValidationError("Cette conversation est close : ouvrez-en une nouvelle.")
    texte = _check_texte(texte)
    now = timezone.now()
    message = Message.objects.create(
        organisme_id=fil.organisme_id, fil=fil, auteur=actor, de_l_equipe=de_l_equipe, texte=texte, created_at=now
    )
    fil.dernier_message_le = now
    fil.save(update_fields=["dernier_message_le"])
    _marquer_lu(fil, actor, now)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        record=message,
        record_label=f"Message : {fil.sujet}"[:300],
        request=request,
        details={"fil": fil.pk, "de_l_equipe": de_l_equipe},
    )
    _notify(fil, message)
    return message


@transaction.atomic
def fil_clore(*, actor, fil, request=None) -> FilDiscussion:
    """The team closes a thread (no more message; the family opens a new one if needed)."""
    if actor.kind != AccountKind.PROFESSIONNEL:
        raise ValidationError("Seule l'équipe peut clore une conversation.")
    fil = FilDiscussion.objects.select_for_update().get(pk=fil.pk)
    if fil.clos_le is not None:
        raise ValidationError("Cette conversation est déjà close.")
    fil.clos_le = timezone.now()
    fil.save(update_fields=["clos_le"])
    audit_record(actor=actor, action=AuditAction.UPDATE, record=fil, request=request, details={"champs": ["clos_le"]})
    return fil


@transaction.atomic
def fil_rouvrir(*, actor, fil, request=None) -> FilDiscussion:
    if actor.kind != AccountKind.PROFESSIONNEL:
        raise ValidationError("Seule l'équipe peut rouvrir une conversation.")
    fil = FilDiscussion.objects.select_for_update().get(pk=fil.pk)
    if fil.clos_le is None:
        raise ValidationError("Cette conversation est ouverte.")
    fil.clos_le = None
    fil.save(update_fields=["clos_le"])
    audit_record(actor=actor, action=AuditAction.UPDATE, record=fil, request=request, details={"champs": ["clos_le"]})
    return fil


def fil_marquer_lu(*, user, fil) -> None:
    """The account has read the thread up to now (its own reading state: not audited)."""
    _marquer_lu(fil, user, timezone.now())
