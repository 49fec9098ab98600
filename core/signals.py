"""Authentication signals: the tenant and the TOTP enrolment go into the session at login; logins, logouts,
failed logins and lockouts go into the audit journal."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core.enums import AuditAction
from core.services.audit import audit_record
from core.tenancy import SESSION_ORGANISME_KEY, SESSION_OTP_ENROLLED_KEY, tenant_context


@receiver(user_logged_in, dispatch_uid="core.login")
def remember_tenant_on_login(sender, request, user, **kwargs):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # The next requests set the tenant from the session before loading the user.
    request.session[SESSION_ORGANISME_KEY] = user.organisme_id
    # Whoever enrolled TOTP must give a code at every login (one query here, none per request).
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        request.session[SESSION_OTP_ENROLLED_KEY] = True
    audit_record(actor=user, action=AuditAction.LOGIN, record=user, request=request)


@receiver(user_logged_out, dispatch_uid="core.logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None and user.is_authenticated:
        audit_record(actor=user, action=AuditAction.LOGOUT, record=user, request=request)


def _audit_attempt(*, email: str, action: str, request, details: dict) -> None:
    """Journal an event about the account with this email, if there is one (an unknown email has no organisme)."""
    from core.auth import lookup_email
    from core.models import User

    found = lookup_email((email or "").strip().lower())
    if not found:
        return
    user_id, organisme_id = found
    with tenant_context(organisme_id):
        user = User.objects.filter(pk=user_id).first()
        if user is not None:
            audit_record(actor=None, action=action, record=user, request=request, details=details)


@receiver(user_login_failed, dispatch_uid="core.login_failed")
def audit_login_failed(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    _audit_attempt(
        email=credentials.get("username") or credentials.get("email") or "",
        action=AuditAction.LOGIN_FAILED,
        request=request,
        details={"locked_out": bool(getattr(request, "axes_locked_out", False))},
    )


@receiver(user_locked_out, dispatch_uid="core.locked_out")
def audit_locked_out(sender, request, username, ip_address, **kwargs):
    _audit_attempt(email=username, action=AuditAction.SECURITY, request=request, details={"event": "account_locked"})
