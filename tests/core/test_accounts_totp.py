"""TOTP: enrolment, the second login step (mandatory for direction/admin, and for whoever enrolled), backup codes,
deactivation, throttling, and the personas on every TOTP view."""

import time
from base64 import b32encode

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.auth import lookup_user_organisme
from core.enums import AuditAction
from core.models import AuditEntry
from core.tenancy import tenant_context

pytestmark = pytest.mark.django_db
PASSWORD = "motdepasse-de-test-1"


def totp_code(device, *, later: int = 0) -> str:
    """The code the user's app shows ``later`` steps from now (later=1 after a code of this step was used)."""
    with tenant_context(lookup_user_organisme(device.user_id)):
        device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + later * device.step
    return f"{totp.token():0{device.digits}d}"


def password_login(client, user):
    response = client.post(reverse("core:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    return response


def confirmed_device(user) -> TOTPDevice:
    with tenant_context(user.organisme_id):
        return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def security_events(user) -> list[str]:
    with tenant_context(user.organisme_id):
        return list(
            AuditEntry.objects.filter(action=AuditAction.SECURITY, record_id=str(user.pk))
            .order_by("pk")
            .values_list("details__event", flat=True)
        )


def enrol(client, user) -> TOTPDevice:
    client.get(reverse("core:totp_setup"))
    with tenant_context(user.organisme_id):
        device = TOTPDevice.objects.select_related("user").get(user=user, confirmed=False)
    response = client.post(reverse("core:totp_setup"), {"code": totp_code(device)})
    assert response.status_code == 200
    return device


@pytest.mark.parametrize("name", ["totp_verify", "totp_setup", "account"])
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(f"core:{name}"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:login"))


@pytest.mark.parametrize("name", ["totp_remove", "backup_codes"])
def test_anonymous_post_is_sent_to_login(client, name):
    response = client.post(reverse(f"core:{name}"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:login"))


def test_direction_must_enrol_then_lands_home(client, world):
    password_login(client, world.direction)
    home = client.get(reverse("core:home"))
    assert home.status_code == 302
    assert home.url == reverse("core:totp_verify") + "?next=/"
    verify = client.get(home.url)
    assert verify.status_code == 302
    assert verify.url == reverse("core:totp_setup") + "?next=%2F"

    page = client.get(verify.url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "QR code" in body
    with tenant_context(world.organisme.pk):
        device = TOTPDevice.objects.select_related("user").get(user=world.direction, confirmed=False)
    assert b32encode(device.bin_key).decode() in body  # the secret, for manual entry

    wrong = client.post(verify.url, {"code": "000000" if totp_code(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "Code incorrect" in wrong.content.decode()

    with tenant_context(world.organisme.pk):  # skip django-otp's 1-second wait after a wrong code
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    done = client.post(verify.url, {"code": totp_code(device, later=1), "next": "/"})
    assert done.status_code == 200
    body = done.content.decode()
    assert "La double authentification est activée." in body
    with tenant_context(world.organisme.pk):
        codes = list(StaticToken.objects.filter(device__user=world.direction).values_list("token", flat=True))
        assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert len(codes) == 10 and all(code in body for code in codes)
    assert client.get(reverse("core:home")).status_code == 200
    assert "totp_enabled" in security_events(world.direction)


def test_setup_page_reuses_the_pending_device(client, world, login_as):
    login_as(world.educateur)
    client.get(reverse("core:totp_setup"))
    client.get(reverse("core:totp_setup"))
    with tenant_context(world.organisme.pk):
        assert TOTPDevice.objects.filter(user=world.educateur).count() == 1


def test_optional_totp_becomes_mandatory_once_enrolled(client, world):
    password_login(client, world.educateur)
    assert client.get(reverse("core:home")).status_code == 200  # not enrolled: no second step
    device = enrol(client, world.educateur)
    client.post(reverse("core:logout"))

    password_login(client, world.educateur)
    home = client.get(reverse("core:home"))
    assert home.status_code == 302
    assert home.url.startswith(reverse("core:totp_verify"))
    assert client.get(reverse("core:account")).status_code == 302
    page = client.get(home.url)
    assert page.status_code == 200
    assert "Code de vérification" in page.content.decode()
    response = client.post(reverse("core:totp_verify"), {"code": totp_code(device, later=1), "next": "/"})
    assert response.status_code == 302
    assert response.url == "/"
    assert client.get(reverse("core:home")).status_code == 200
    assert "totp_verified" in security_events(world.educateur)


def test_wrong_code_is_refused_in_french_and_throttled(client, world):
    device = confirmed_device(world.direction)
    password_login(client, world.direction)
    good = totp_code(device)
    wrong = "123456" if good != "123456" else "654321"
    response = client.post(reverse("core:totp_verify"), {"code": wrong})
    assert response.status_code == 200
    assert "Code incorrect ou expiré" in response.content.decode()
    # django-otp now asks to wait before the next try, even with the right code.
    response = client.post(reverse("core:totp_verify"), {"code": good})
    assert response.status_code == 200
    assert "Trop de codes erronés : patientez" in response.content.decode()
    assert client.get(reverse("core:home")).status_code == 302
    assert security_events(world.direction).count("totp_failed") == 2


def test_backup_code_works_once(client, world):
    device = confirmed_device(world.direction)
    with tenant_context(world.organisme.pk):
        static = StaticDevice.objects.create(user=world.direction, name="secours", confirmed=True)
        StaticToken.objects.create(device=static, token="abcd2345")
        StaticToken.objects.create(device=static, token="efgh6789")
    password_login(client, world.direction)
    response = client.post(reverse("core:totp_verify"), {"code": "ABCD 2345"})
    assert response.status_code == 302
    home = client.get(reverse("core:home"))
    assert home.status_code == 200
    assert "Code de secours utilisé : il vous en reste 1." in home.content.decode()
    client.post(reverse("core:logout"))
    password_login(client, world.direction)
    response = client.post(reverse("core:totp_verify"), {"code": "abcd2345"})
    assert response.status_code == 200
    assert "Code incorrect ou expiré" in response.content.decode()
    assert device.pk


def test_unverified_session_cannot_replace_the_device(client, world):
    confirmed_device(world.educateur)
    password_login(client, world.educateur)
    response = client.get(reverse("core:totp_setup"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:totp_verify"))
    with tenant_context(world.organisme.pk):
        assert TOTPDevice.objects.filter(user=world.educateur).count() == 1


def test_verify_ignores_foreign_next(client, world):
    device = confirmed_device(world.educateur)
    password_login(client, world.educateur)
    response = client.post(
        reverse("core:totp_verify"), {"code": totp_code(device), "next": "https://exemple.invalid/"}
    )
    assert response.status_code == 302
    assert response.url == reverse("core:home")


def test_account_page_offers_totp(client, world, login_as):
    login_as(world.educateur)
    body = client.get(reverse("core:account")).content.decode()
    assert "Non activée" in body
    assert reverse("core:totp_setup") in body


def test_optional_totp_can_be_removed(client, world):
    password_login(client, world.educateur)
    enrol(client, world.educateur)
    page = client.get(reverse("core:account")).content.decode()
    assert "Désactiver la double authentification" in page
    response = client.post(reverse("core:totp_remove"))
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        assert not TOTPDevice.objects.filter(user=world.educateur).exists()
        assert not StaticDevice.objects.filter(user=world.educateur).exists()
    assert "totp_disabled" in security_events(world.educateur)
    client.post(reverse("core:logout"))
    password_login(client, world.educateur)
    assert client.get(reverse("core:home")).status_code == 200


def test_required_totp_cannot_be_removed(client, world, login_as):
    login_as(world.direction)
    page = client.get(reverse("core:account")).content.decode()
    assert "Désactiver la double authentification" not in page
    assert "elle ne peut pas être désactivée" in page
    response = client.post(reverse("core:totp_remove"), follow=True)
    assert "La double authentification est obligatoire pour votre fonction" in response.content.decode()
    with tenant_context(world.organisme.pk):
        assert TOTPDevice.objects.filter(user=world.direction, confirmed=True).exists()


def test_remove_and_backup_codes_are_post_only(client, world, login_as):
    login_as(world.direction)
    assert client.get(reverse("core:totp_remove")).status_code == 405
    assert client.get(reverse("core:backup_codes")).status_code == 405


def test_backup_codes_regenerated(client, world, login_as):
    login_as(world.direction)
    response = client.post(reverse("core:backup_codes"))
    assert response.status_code == 200
    with tenant_context(world.organisme.pk):
        codes = list(StaticToken.objects.filter(device__user=world.direction).values_list("token", flat=True))
    assert len(codes) == 10 and all(code in response.content.decode() for code in codes)
    assert "backup_codes_regenerated" in security_events(world.direction)


def test_backup_codes_need_totp(client, world, login_as):
    login_as(world.educateur)
    response = client.post(reverse("core:backup_codes"), follow=True)
    assert "Activez d&#x27;abord la double authentification." in response.content.decode()


@pytest.mark.parametrize("persona", ["proche", "jeune"])
def test_family_accounts_may_use_totp(client, world, login_as, persona):
    user = getattr(world, persona)
    login_as(user)
    assert client.get(reverse("core:account")).status_code == 200
    assert client.get(reverse("core:totp_setup")).status_code == 200
    # Not enrolled and not required: the code page has nothing to ask.
    assert client.get(reverse("core:totp_verify")).status_code == 302


def test_other_organisme_user_enrols_in_its_own_tenant(client, world):
    password_login(client, world.autre_educateur)
    device = enrol(client, world.autre_educateur)
    assert lookup_user_organisme(device.user_id) == world.organisme_b.pk
    with tenant_context(world.organisme.pk):
        assert not TOTPDevice.objects.filter(pk=device.pk).exists()  # RLS: invisible from organisme A
