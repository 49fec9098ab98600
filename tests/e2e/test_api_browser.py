"""In a real Chromium: the API docs page renders from the vendored Swagger UI under the strict CSP, the
notification centre marks as read with HTMX, and the token page shows a new key once."""

import pytest

from core.enums import Metier
from core.services.notifications import notify
from core.tenancy import tenant_context
from tests import factories

pytestmark = pytest.mark.browser
PASSWORD = "motdepasse-de-test-1"


@pytest.fixture
def educateur(transactional_db):
    organisme = factories.OrganismeFactory(nom="Association Les Pins")
    dispositif = factories.DispositifFactory(organisme=organisme, nom="DITEP Les Pins")
    factories.SiteFactory(dispositif=dispositif, nom="Site de Muret")
    return factories.professionnel(dispositif, Metier.EDUCATEUR, email="educ@pins.org", first_name="Léa")


def _login(page, user):
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def _csp_errors(page):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    return errors


def test_api_docs_render_under_the_csp(page, educateur, screenshot):
    errors = _csp_errors(page)
    _login(page, educateur)
    page.goto("/api/v1/docs/")
    page.get_by_text("/api/v1/dispositifs/", exact=True).first.wait_for()
    screenshot("api-docs")
    assert errors == []


def test_notification_centre_marks_read_with_htmx(page, educateur, screenshot):
    with tenant_context(educateur.organisme_id):
        notify(recipients=[educateur], titre="Réunion de synthèse jeudi", email=False)
        notify(recipients=[educateur], titre="Nouveau document partagé", email=False)
    errors = _csp_errors(page)
    _login(page, educateur)
    assert page.locator(".site-header .badge").inner_text() == "2"
    page.goto("/notifications/")
    assert page.get_by_text("2 notifications non lues").is_visible()
    screenshot("notifications-avant")
    page.get_by_role("button", name="Marquer comme lue : Réunion de synthèse jeudi").click()
    page.get_by_text("1 notification non lue", exact=True).wait_for()
    assert page.url.endswith("/notifications/")  # swapped in place, no navigation
    page.get_by_role("button", name="Tout marquer comme lu").click()
    page.get_by_text("Aucune notification non lue").wait_for()
    screenshot("notifications-apres")
    assert errors == []


def test_token_page_shows_the_key_once(page, educateur, screenshot):
    _login(page, educateur)
    page.goto("/compte/jetons/")
    page.get_by_label("Nom du jeton").fill("Synchronisation agenda")
    page.get_by_role("button", name="Créer le jeton").click()
    key = page.get_by_label("Jeton", exact=True).input_value()
    assert len(key) > 40
    screenshot("jeton-cree")
    response = page.request.get("/api/v1/me/", headers={"Authorization": f"Token {key}"})
    assert response.status == 200 and response.json()["email"] == "educ@pins.org"
    page.goto("/compte/jetons/")
    assert key not in page.content()
    page.get_by_role("button", name="Révoquer le jeton Synchronisation agenda").click()
    assert page.get_by_text("Le jeton « Synchronisation agenda » est révoqué.").is_visible()
