"""Account security services: TOTP enrolment and removal, backup codes. Every event is written to the journal."""

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.enums import AuditAction
from core.services.audit import audit_record

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Application d'authentification"
BACKUP_DEVICE_NAME = "Codes de secours"


def security_event(*, user, event: str, request=None, **details) -> None:
    audit_record(
        actor=user, action=AuditAction.SECURITY, record=user, request=request, details={"event": event, **details}
    )


def pending_totp_device(*, user) -> TOTPDevice:
    """The account's unconfirmed TOTP device, created on first use and reused until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def backup_codes_regenerate(*, user, request=None, audit: bool = True) -> list[str]:
    """Replace the account's backup codes (single use each) and return them: they are shown only once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    if audit:
        security_event(user=user, event="backup_codes_regenerated", request=request)
    return codes


@transaction.atomic
def totp_enrol(*, user, device: TOTPDevice, request=None) -> list[str]:
    """Confirm ``device`` (its code was checked by the caller), drop other pending devices, issue backup codes."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = backup_codes_regenerate(user=user, request=request, audit=False)
    security_event(user=user, event="totp_enabled", request=request)
    return codes


@transaction.atomic
def totp_disable(*, user, request=None) -> None:
    """Remove every second-factor device of the account (the caller checks that its métier allows it)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    security_event(user=user, event="totp_disabled", request=request)
