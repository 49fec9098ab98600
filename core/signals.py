from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from core.enums import AuditAction
from core.services.audit import audit_record
from core.tenancy import SESSION_ORGANISME_KEY


@receiver(user_logged_in, dispatch_uid="core.login")
def remember_tenant_on_login(sender, request, user, **kwargs):
    # The next requests set the tenant from the session before loading the user.
    request.session[SESSION_ORGANISME_KEY] = user.organisme_id
    audit_record(actor=user, action=AuditAction.LOGIN, record=user, request=request)


@receiver(user_logged_out, dispatch_uid="core.logout")
def audit_logout(sender, request, user, **kwargs):
    if user is not None and user.is_authenticated:
        audit_record(actor=user, action=AuditAction.LOGOUT, record=user, request=request)
