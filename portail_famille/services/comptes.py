"""Portal accounts and accesses (issue Portail famille §1).

- ``acces_inviter``: a professional invites a proche (each représentant légal separately, with their own rights)
  or the youth (from the age set per dispositif, ``ParametresPortail``, default 12). The account is created
  without a usable password (or reused: the same email already has a portal account of the same kind in the
  organisme, e.g. a parent of two siblings), the ``AccesPortail`` row is written (``invite``), ``Proche.compte`` /
  ``Jeune.compte`` are linked when free, and the invitation link (Django's token, valid ``PASSWORD_RESET_TIMEOUT``,
  single use: it changes with the password) is emailed after commit. An account that already has a password gets
  its new access at once (``actif``) and an email without content.
- ``invitation_accepter``: the person chose a password from the link: every ``invite`` access becomes ``actif``.
- ``acces_suspendre`` / ``acces_reactiver`` / ``acces_revoquer`` (with a motif) and ``acces_droits_modifier``: a
  suspended or revoked access stops at once (``portail_famille.acces`` reads the status on every request).
- ``invitation_renvoyer``: a new link for an access still ``invite``.

Everything is audited; errors are ``ValidationError`` with French messages and nothing is written.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.enums import AccountKind, AuditAction
from core.models import User
from core.services.audit import audit_record
from core.services.organisation import account_create, email_in_use
from dossiers.models import Proche
from portail_famille.acces import DROITS
from portail_famille.enums import AGE_MINIMUM_JEUNE_PAR_DEFAUT, Espace, StatutAcces
from portail_famille.models import AccesPortail, ParametresPortail


def age_minimum_jeune(dispositif_id: int) -> int:
    qs = ParametresPortail.objects.filter(dispositif_id=dispositif_id)
    value = qs.values_list("age_minimum_jeune", flat=True).first()
    return AGE_MINIMUM_JEUNE_PAR_DEFAUT if value is None else value


def _droits(droits: dict | None) -> dict:
    droits = droits or {}
    unknown = set(droits) - set(DROITS)
    if unknown:
        raise ValidationError(f"Droits inconnus : {', '.join(sorted(unknown))}.")
    return {name: bool(droits.get(name, True)) for name in DROITS} if droits else {name: True for name in DROITS}


def _audit(actor, action, acces, request, **details):
    audit_record(actor=actor, action=action, record=acces, request=request, details=details)


def _compte_portail(*, organisme, kind, email, first_name, last_name, actor, request) -> User:
    """The portal account of this email in the organisme (reused), or a new one without a usable password."""
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": "Une adresse électronique est nécessaire pour envoyer l'invitation."})
    existing = User.objects.filter(organisme=organisme, email__iexact=email).first()
    if existing is not None:
        if existing.kind != kind:
            label = "un jeune" if kind == AccountKind.JEUNE else "un proche"
            raise ValidationError(
                {"email": f"Cette adresse est celle d'un autre type de compte : elle ne peut pas servir à {label}."}
            )
        if not existing.is_active:
            raise ValidationError({"email": "Le compte de cette adresse est désactivé."})
        return existing
    if email_in_use(email):
        raise ValidationError({"email": "Cette adresse électronique est déjà utilisée par un autre compte."})
    return account_create(
        organisme=organisme, kind=kind, email=email, first_name=first_name or "", last_name=last_name or "",
        actor=actor, request=request,
    )  # fmt: skip


def _envoyer(acces: AccesPortail, *, nouveau_compte: bool) -> None:
    from portail_famille.tasks import envoyer_invitation_portail

    envoyer_invitation_portail.delay_on_commit(
        user_id=acces.user_id, invitation=nouveau_compte, organisme_id=acces.organisme_id
    )


@transaction.atomic
def acces_inviter(
    *, dossier, actor, proche=None, email: str = "", droits: dict | None = None, request=None
) -> AccesPortail:
    """Invite ``proche`` (a proche of the dossier's youth) or, without ``proche``, the youth themself."""
    jeune = dossier.jeune
    droits = _droits(droits)
    if dossier.archived_at is not None:
        raise ValidationError("Ce dossier est archivé : on ne peut plus inviter au portail.")
    if proche is not None:
        if proche.jeune_id != jeune.pk:
            raise ValidationError("Ce proche n'est pas un proche de ce jeune.")
        email = proche.email
        if not email:
            raise ValidationError(
                {"email": "Ce proche n'a pas d'adresse électronique : ajoutez-la dans l'onglet Famille."}
            )
        kind, espace = AccountKind.PROCHE, Espace.FAMILLE
        first_name, last_name = proche.prenom, proche.nom
    else:
        minimum = age_minimum_jeune(dossier.dispositif_id)
        age = jeune.age_on(timezone.localdate())
        if age < minimum:
            raise ValidationError(
                f"Un jeune peut avoir son propre compte à partir de {minimum} ans dans ce dispositif "
                f"({jeune.prenom} a {age} ans)."
            )
        kind, espace = AccountKind.JEUNE, Espace.JEUNE
        first_name, last_name = jeune.prenom, jeune.nom
    user = _compte_portail(
        organisme=dossier.organisme, kind=kind, email=email, first_name=first_name, last_name=last_name,
        actor=actor, request=request,
    )  # fmt: skip
    if kind == AccountKind.JEUNE and AccesPortail.objects.filter(user=user).exclude(jeune=jeune).exists():
        raise ValidationError({"email": "Cette adresse est celle du compte d'un autre jeune."})
    acces = AccesPortail.objects.select_for_update().filter(user=user, jeune=jeune).first()
    if acces is not None and acces.statut != StatutAcces.REVOQUE:
        statut = acces.get_statut_display().lower()
        raise ValidationError(f"Ce compte a déjà un accès au portail pour {jeune.prenom} ({statut}).")
    if acces is not None and (acces.proche_id != (proche.pk if proche else None)):
        raise ValidationError("Cette adresse est celle d'un accès révoqué d'une autre personne.")
    has_password = user.has_usable_password()
    now = timezone.now()
    created = acces is None
    if created:
        acces = AccesPortail(organisme_id=dossier.organisme_id, user=user, jeune=jeune, proche=proche, espace=espace)
    acces.statut = StatutAcces.ACTIF if has_password else StatutAcces.INVITE
    acces.invite_par, acces.invite_le = actor, now
    acces.active_le = now if has_password else None
    acces.suspendu_le = acces.revoque_le = None
    acces.motif = ""
    for name, value in droits.items():
        setattr(acces, name, value)
    acces.full_clean(validate_unique=False)
    acces.save()
    if proche is not None and proche.compte_id is None and not Proche.objects.filter(compte=user).exists():
        proche.compte = user  # one Proche per account: a parent of two siblings stays linked to the first
        proche.save(update_fields=["compte"])
    if proche is None and jeune.compte_id is None:
        jeune.compte = user
        jeune.save(update_fields=["compte"])
    _audit(actor, AuditAction.CREATE if created else AuditAction.UPDATE, acces, request, invitation=True,
           espace=espace, droits=[k for k, v in droits.items() if v], compte_existant=has_password)  # fmt: skip
    _envoyer(acces, nouveau_compte=not has_password)
    return acces


@transaction.atomic
def invitation_renvoyer(*, acces: AccesPortail, actor, request=None) -> AccesPortail:
    acces = AccesPortail.objects.select_for_update().select_related("user").get(pk=acces.pk)
    if acces.statut != StatutAcces.INVITE:
        raise ValidationError("Seule une invitation en attente peut être renvoyée.")
    if acces.user.has_usable_password():
        raise ValidationError("Cette personne a déjà choisi son mot de passe.")
    acces.invite_le = timezone.now()
    acces.save(update_fields=["invite_le"])
    _audit(actor, AuditAction.SECURITY, acces, request, invitation_renvoyee=True)
    _envoyer(acces, nouveau_compte=True)
    return acces


@transaction.atomic
def invitation_accepter(*, user, request=None) -> int:
    """The account's owner chose their password: their pending accesses become active. Returns how many."""
    now = timezone.now()
    rows = list(AccesPortail.objects.select_for_update().filter(user=user, statut=StatutAcces.INVITE))
    for acces in rows:
        acces.statut, acces.active_le = StatutAcces.ACTIF, now
        acces.save(update_fields=["statut", "active_le"])
        _audit(user, AuditAction.UPDATE, acces, request, statut=StatutAcces.ACTIF, invitation_acceptee=True)
    return len(rows)


def _motif(motif: str) -> str:
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": "Indiquez le motif (il reste dans l'historique)."})
    return motif


@transaction.atomic
def acces_suspendre(*, acces: AccesPortail, actor, motif: str, request=None) -> AccesPortail:
    motif = _motif(motif)
    acces = AccesPortail.objects.select_for_update().get(pk=acces.pk)
    if acces.statut not in (StatutAcces.ACTIF, StatutAcces.INVITE):
        raise ValidationError(f"Cet accès ne peut pas être suspendu (il est « {acces.get_statut_display()} »).")
    acces.statut, acces.suspendu_le, acces.motif = StatutAcces.SUSPENDU, timezone.now(), motif
    acces.save(update_fields=["statut", "suspendu_le", "motif"])
    _audit(actor, AuditAction.UPDATE, acces, request, statut=StatutAcces.SUSPENDU, motif=motif)
    return acces


@transaction.atomic
def acces_reactiver(*, acces: AccesPortail, actor, request=None) -> AccesPortail:
    acces = AccesPortail.objects.select_for_update().select_related("user").get(pk=acces.pk)
    if acces.statut != StatutAcces.SUSPENDU:
        raise ValidationError("Seul un accès suspendu peut être réactivé.")
    acces.statut = StatutAcces.ACTIF if acces.user.has_usable_password() else StatutAcces.INVITE
    if acces.statut == StatutAcces.ACTIF and acces.active_le is None:
        acces.active_le = timezone.now()
    acces.suspendu_le = None
    acces.save(update_fields=["statut", "suspendu_le", "active_le"])
    _audit(actor, AuditAction.UPDATE, acces, request, statut=acces.statut, reactive=True)
    return acces


@transaction.atomic
def acces_revoquer(*, acces: AccesPortail, actor, motif: str, request=None) -> AccesPortail:
    motif = _motif(motif)
    acces = AccesPortail.objects.select_for_update().get(pk=acces.pk)
    if acces.statut == StatutAcces.REVOQUE:
        raise ValidationError("Cet accès est déjà révoqué.")
    acces.statut, acces.revoque_le, acces.motif = StatutAcces.REVOQUE, timezone.now(), motif
    acces.save(update_fields=["statut", "revoque_le", "motif"])
    _audit(actor, AuditAction.UPDATE, acces, request, statut=StatutAcces.REVOQUE, motif=motif)
    return acces


@transaction.atomic
def acces_droits_modifier(*, acces: AccesPortail, actor, droits: dict, request=None) -> AccesPortail:
    droits = _droits(droits)
    acces = AccesPortail.objects.select_for_update().get(pk=acces.pk)
    if acces.statut == StatutAcces.REVOQUE:
        raise ValidationError("Cet accès est révoqué : ses droits ne peuvent plus changer.")
    changed = [name for name, value in droits.items() if getattr(acces, name) != value]
    for name in changed:
        setattr(acces, name, droits[name])
    if changed:
        acces.save(update_fields=changed)
        _audit(actor, AuditAction.UPDATE, acces, request, droits={name: droits[name] for name in changed})
    return acces
