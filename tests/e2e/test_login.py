"""A director logs in with password and TOTP in a real browser; repeated failures lock the account."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from core.enums import AuditAction, Metier
from core.models import AuditEntry
from core.tenancy import tenant_context
from tests import factories

pytestmark = pytest.mark.browser
PASSWORD = "motdepasse-de-test-1"


@pytest.fixture
def direction(transactional_db):
    organisme = factories.OrganismeFactory(nom="Association Les Pins")
    dispositif = factories.DispositifFactory(organisme=organisme, nom="DITEP Les Pins")
    return factories.professionnel(
        dispositif, Metier.DIRECTION, email="direction@pins.org", first_name="Claire", last_name="Martin"
    )


def app_code(secret: str, *, later: int = 0) -> str:
    """What the authenticator app shows, from the secret typed in by hand (``later`` steps from now)."""
    totp = TOTP(b32decode(secret), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time() + later * 30
    return f"{totp.token():06d}"


def password_step(page, email, password):
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_direction_enrols_totp_and_logs_in_again_with_a_code(page, live_server, direction, screenshot):
    page.goto("/")
    assert "/connexion/" in page.url
    screenshot("01-connexion")
    password_step(page, direction.email, PASSWORD)

    # TOTP is mandatory for the direction: first login goes to the enrolment page.
    page.wait_for_url("**/compte/double-authentification/**")
    assert page.get_by_role("heading", name="Activer la double authentification").is_visible()
    assert page.get_by_role("img", name="QR code à scanner avec l'application").is_visible()
    secret = page.locator("#cle-secrete").inner_text().strip()
    screenshot("02-activation-totp")
    page.get_by_label("Code affiché par l'application").fill(app_code(secret))
    page.get_by_role("button", name="Activer").click()

    assert page.get_by_text("La double authentification est activée.").is_visible()
    assert page.locator(".codes-secours li").count() == 10
    screenshot("03-codes-de-secours")
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_text("Association Les Pins").first.is_visible()
    screenshot("04-accueil-direction")

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/connexion/**")

    password_step(page, direction.email, PASSWORD)
    page.wait_for_url("**/connexion/code/**")
    screenshot("05-code-de-verification")
    page.get_by_label("Code de vérification").fill(app_code(secret, later=1))
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("link", name="Claire Martin").is_visible()

    with tenant_context(direction.organisme_id):
        events = list(
            AuditEntry.objects.filter(action=AuditAction.SECURITY, record_id=str(direction.pk)).values_list(
                "details__event", flat=True
            )
        )
    assert "totp_enabled" in events and "totp_verified" in events


def test_five_wrong_passwords_show_the_lockout_page(page, direction, screenshot):
    for _ in range(5):
        password_step(page, direction.email, "pas le bon mot de passe")
    assert page.get_by_role("heading", name="Compte temporairement bloqué").is_visible()
    password_step(page, direction.email, PASSWORD)
    assert page.get_by_role("heading", name="Compte temporairement bloqué").is_visible()
    assert page.get_by_text("Vous pourrez réessayer dans 15 minutes").is_visible()
    screenshot("06-compte-bloque")
