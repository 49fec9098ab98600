"""Writes on the tenant structure: organismes, dispositifs and their yearly parameters, sites, accounts."""

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.enums import AccountKind, AuditAction
from core.models import Affectation, Dispositif, DispositifAnnee, Organisme, Site, User
from core.services.audit import audit_record, save_audited
from core.tenancy import set_tenant_for_transaction


def find_organisme_id_by_finess(finess_juridique: str) -> int | None:
    """Pre-tenant lookup (platform commands only): the id of the organisme with this FINESS juridique."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT ditep_organisme_by_finess(%s)", [finess_juridique])
        return cursor.fetchone()[0]


@transaction.atomic
def organisme_create(*, nom: str, finess_juridique: str, actor=None) -> Organisme:
    """Create a tenant. The id is drawn first so that the row is inserted under its own tenant setting (RLS)."""
    if find_organisme_id_by_finess(finess_juridique) is not None:
        raise ValidationError({"finess_juridique": "Un organisme avec ce FINESS juridique existe déjà."})
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('core_organisme', 'id'))")
        new_id = cursor.fetchone()[0]
    set_tenant_for_transaction(new_id)
    organisme = Organisme(id=new_id, nom=nom, finess_juridique=finess_juridique)
    organisme.full_clean(validate_unique=False)
    organisme.save(force_insert=True)
    audit_record(actor=actor, action=AuditAction.CREATE, record=organisme)
    return organisme


@transaction.atomic
def organisme_update(*, organisme: Organisme, actor, request=None, **fields) -> Organisme:
    for name, value in fields.items():
        setattr(organisme, name, value)
    return save_audited(organisme, actor=actor, request=request, changed=sorted(fields))


@transaction.atomic
def dispositif_save(*, dispositif: Dispositif, actor, request=None, changed=None) -> Dispositif:
    return save_audited(dispositif, actor=actor, request=request, changed=changed)


@transaction.atomic
def dispositif_annee_save(*, annee: DispositifAnnee, actor, request=None, changed=None) -> DispositifAnnee:
    return save_audited(annee, actor=actor, request=request, changed=changed)


@transaction.atomic
def site_save(*, site: Site, actor, request=None, changed=None) -> Site:
    if site.dispositif_id and site.organisme_id != site.dispositif.organisme_id:
        raise ValidationError({"dispositif": "Ce dispositif n'appartient pas à l'organisme."})
    return save_audited(site, actor=actor, request=request, changed=changed)


def email_in_use(email: str) -> bool:
    from core.auth import lookup_email

    return lookup_email(email.strip().lower()) is not None


@transaction.atomic
def account_create(
    *,
    organisme: Organisme,
    kind: AccountKind | str,
    email: str,
    first_name: str,
    last_name: str,
    actor,
    ref: str = "",
    password: str | None = None,
    request=None,
) -> User:
    """Create an account. Without a password it cannot log in until its owner follows the invitation link."""
    email = email.strip().lower()
    if email_in_use(email):
        raise ValidationError({"email": "Cette adresse électronique est déjà utilisée par un compte."})
    user = User(organisme=organisme, kind=kind, email=email, first_name=first_name, last_name=last_name, ref=ref)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(validate_unique=False)
    user.save()
    audit_record(actor=actor, action=AuditAction.CREATE, record=user, request=request)
    return user


@transaction.atomic
def account_update(*, user: User, actor, request=None, **fields) -> User:
    if "email" in fields:
        fields["email"] = fields["email"].strip().lower()
        if fields["email"] != user.email and email_in_use(fields["email"]):
            raise ValidationError({"email": "Cette adresse électronique est déjà utilisée par un compte."})
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(validate_unique=False)
    user.save()
    audit_record(
        actor=actor, action=AuditAction.UPDATE, record=user, request=request, details={"champs": sorted(fields)}
    )
    return user


@transaction.atomic
def account_set_active(*, user: User, is_active: bool, actor, request=None) -> User:
    """Deactivate (or reactivate) an account: it can no longer log in; its history stays."""
    user.is_active = is_active
    user.save(update_fields=["is_active"])
    if not is_active:
        user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(
        actor=actor, action=AuditAction.UPDATE, record=user, request=request, details={"is_active": is_active}
    )
    return user


def invitation_path(user: User) -> str:
    """Path of the link that lets the account's owner choose a password (Django's password-reset token)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("core:password_reset_confirm", kwargs={"uidb64": uid, "token": token})


@transaction.atomic
def account_invite(*, user: User, actor, request=None) -> None:
    """Email the invitation link (no sensitive content) once the transaction commits."""
    from core.tasks import send_invitation_email

    audit_record(actor=actor, action=AuditAction.SECURITY, record=user, request=request, details={"invitation": True})
    send_invitation_email.delay_on_commit(user_id=user.pk, organisme_id=user.organisme_id)


@transaction.atomic
def affectation_save(*, affectation: Affectation, actor, request=None) -> Affectation:
    if affectation.user_id and affectation.user.kind != AccountKind.PROFESSIONNEL:
        raise ValidationError({"user": "Seuls les comptes professionnels ont des affectations."})
    if affectation.site_id and affectation.site.dispositif_id != affectation.dispositif_id:
        raise ValidationError({"site": "Ce site n'appartient pas au dispositif choisi."})
    return save_audited(affectation, actor=actor, request=request)


@transaction.atomic
def affectation_end(*, affectation: Affectation, fin, actor, request=None) -> Affectation:
    affectation.fin = fin
    return save_audited(affectation, actor=actor, request=request, changed=["fin"])


@transaction.atomic
def professionnel_invite(
    *,
    organisme: Organisme,
    email: str,
    first_name: str,
    last_name: str,
    dispositif: Dispositif,
    metier: str,
    role: str,
    debut,
    actor,
    site: Site | None = None,
    request=None,
) -> User:
    """Create a professional's account with its first affectation and email the invitation link, all or nothing
    (the email leaves only if the account and the affectation are written)."""
    user = account_create(
        organisme=organisme,
        kind=AccountKind.PROFESSIONNEL,
        email=email,
        first_name=first_name,
        last_name=last_name,
        actor=actor,
        request=request,
    )
    affectation = Affectation(
        organisme=organisme, user=user, dispositif=dispositif, site=site, metier=metier, role=role, debut=debut
    )
    affectation_save(affectation=affectation, actor=actor, request=request)
    account_invite(user=user, actor=actor, request=request)
    return user
