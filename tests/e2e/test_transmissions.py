"""In a real Chromium, on a desktop and on a phone: an educator writes and validates a transmission from the home
page (youth picker, catégorie buttons, autosaved draft), adds an addendum; a colleague finds it in « À lire », marks
it read, and finds it by full-text search with and without accents; the author sees who has read it."""

import pytest

from core.enums import Metier
from core.tenancy import tenant_context
from tests import factories
from transmissions.services import categories_par_defaut

pytestmark = pytest.mark.browser
PASSWORD = "motdepasse-de-test-1"
VIEWPORTS = {"bureau": {"width": 1280, "height": 900}, "telephone": {"width": 390, "height": 844}}


@pytest.fixture
def equipe(transactional_db):
    organisme = factories.OrganismeFactory(nom="Association Les Pins")
    dispositif = factories.DispositifFactory(organisme=organisme, nom="DITEP Les Pins")
    factories.SiteFactory(dispositif=dispositif, nom="Site de Muret")
    lea = factories.professionnel(
        dispositif, Metier.EDUCATEUR, email="lea@pins.org", first_name="Léa", last_name="Roux"
    )
    marc = factories.professionnel(
        dispositif, Metier.EDUCATEUR, email="marc@pins.org", first_name="Marc", last_name="Petit"
    )
    with tenant_context(organisme.pk):
        categories_par_defaut(organisme_id=organisme.pk)
    dossiers = {}
    for prenom, nom in (("Élodie", "Martin"), ("Hugo", "Bernard"), ("Inès", "Moreau")):
        jeune = factories.JeuneFactory(organisme=organisme, prenom=prenom, nom_naissance=nom)
        dossiers[prenom] = factories.dossier_accompagne(dispositif, jeune=jeune)
    return {"lea": lea, "marc": marc, "dossier": dossiers["Élodie"]}


def _login(page, user):
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def _logout(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("ecran", list(VIEWPORTS))
def test_write_addendum_handover_read_and_search(page, equipe, screenshot, ecran):
    page.set_viewport_size(VIEWPORTS[ecran])
    errors = []

    def on_console(msg):
        if msg.type == "error" and "favicon" not in msg.location.get("url", ""):
            errors.append(msg.text)

    page.on("console", on_console)
    lea, marc = equipe["lea"], equipe["marc"]

    # Léa writes from the home page: pick the youth, the catégorie, type, « Valider ».
    _login(page, lea)
    page.locator(".carte--transmissions").get_by_role("link", name="Nouvelle transmission").click()
    page.get_by_role("heading", name="Nouvelle transmission").wait_for()
    page.get_by_label("Rechercher un jeune").fill("elodie")
    page.locator("#jeunes-resultats").get_by_role("button", name="Élodie Martin").click()
    page.locator("#jeunes-choisis").get_by_label("Élodie Martin").wait_for()
    page.locator(".saisie__categories").get_by_text("Comportement", exact=True).click()
    page.get_by_label("Transmission", exact=True).fill(
        "L'élève a refusé d'entrer en classe ; comportements agressifs envers deux camarades."
    )
    page.get_by_label("Important (à lire en priorité)").check()
    page.get_by_text("Brouillon enregistré à").wait_for()  # autosave (2 s after the last key)
    screenshot(f"transmissions-{ecran}-saisie")
    page.get_by_role("button", name="Valider").click()
    page.get_by_text("Transmission validée.").wait_for()
    assert page.locator(".transmission .badge", has_text="Important").is_visible()
    screenshot(f"transmissions-{ecran}-validee")

    # An addendum: the validated transmission does not change, the addendum is shown with it.
    page.get_by_role("textbox", name="Addendum").fill("Précision : la mère a été prévenue par téléphone à 17 h.")
    page.get_by_role("button", name="Ajouter l'addendum").click()
    page.get_by_text("Addendum ajouté.").wait_for()
    assert page.locator(".transmission__addenda").get_by_text("la mère a été prévenue").is_visible()
    _logout(page)

    # Marc takes his shift: « À lire » is one click from home, the important transmission first.
    _login(page, marc)
    home_link = page.locator(".carte--transmissions").get_by_role("link", name="À lire")
    home_link.locator(".badge").wait_for()
    assert home_link.locator(".badge").inner_text() == "2"  # the transmission and its addendum
    home_link.click()
    premier = page.locator(".transmission").first
    assert "Élodie" in premier.inner_text() and "Important" in premier.inner_text()
    screenshot(f"transmissions-{ecran}-a-lire")
    premier.get_by_role("button", name="Lu").click()
    premier.locator(".badge", has_text="Lu").wait_for()
    page.get_by_role("button", name="Tout marquer comme lu").click()
    page.get_by_text("marquée comme lue").wait_for()
    screenshot(f"transmissions-{ecran}-a-lire-lu")

    # Full-text search, without and with accents, singular for a plural.
    for query in ("eleve refuse", "élève", "comportement agressif"):
        page.goto("/transmissions/")
        page.get_by_label("Rechercher dans les transmissions").fill(query)
        page.get_by_role("button", name="Filtrer").click()
        page.get_by_text(f"pour « {query} »").wait_for()
        assert page.locator("#journal-resultats .transmission").count() >= 1, query
        assert "refusé d'entrer en classe" in page.locator("#journal-resultats").inner_text()
    page.get_by_label("Rechercher dans les transmissions").fill("piscine")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_text("Aucune transmission ne correspond.").wait_for()
    page.get_by_label("Rechercher dans les transmissions").fill("eleve")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_text("pour « eleve »").wait_for()
    screenshot(f"transmissions-{ecran}-recherche")

    # The youth's timeline, a tab of the dossier.
    page.goto(f"/dossiers/{equipe['dossier'].pk}/")
    page.get_by_role("navigation", name="Rubriques du dossier").get_by_role("link", name="Transmissions").click()
    page.get_by_role("heading", name="Fil du jeune").wait_for()
    assert "refusé d'entrer en classe" in page.locator(".fil").inner_text()
    assert "la mère a été prévenue" in page.locator(".fil").inner_text()
    screenshot(f"transmissions-{ecran}-fil-du-jeune")
    _logout(page)

    # The author sees who has read her important transmission.
    _login(page, lea)
    page.goto("/transmissions/")
    page.locator("#journal-resultats .transmission__titre a", has_text="Comportement").first.click()
    assert page.locator("section", has_text="Lue par").get_by_text("Marc Petit").is_visible()
    screenshot(f"transmissions-{ecran}-lue-par")
    assert errors == []
