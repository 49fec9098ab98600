"""In a real Chromium, a chef de service takes a youth through the whole parcours: new youth in pre-admission,
admission, exit, end of follow-up, archive — the file active list, the waiting list and the name search reflect
each step, every step is in the audit journal, and no page breaks the CSP."""

import pytest

from core.enums import Metier
from core.models import AuditEntry
from core.tenancy import tenant_context
from tests import factories

pytestmark = pytest.mark.browser
PASSWORD = "motdepasse-de-test-1"


@pytest.fixture
def chef(transactional_db):
    organisme = factories.OrganismeFactory(nom="Association Les Pins")
    dispositif = factories.DispositifFactory(organisme=organisme, nom="DITEP Les Pins")
    factories.SiteFactory(dispositif=dispositif, nom="Site de Muret", modalites=["accueil_de_jour", "internat"])
    chef = factories.professionnel(dispositif, Metier.CHEF_DE_SERVICE, email="chef@pins.org", first_name="Paul")
    # Another youth already followed, so that the list and the search have something to tell apart.
    factories.dossier_accompagne(dispositif, jeune=factories.JeuneFactory(organisme=organisme, prenom="Hugo"))
    return chef


def _csp_errors(page):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    return errors


def _search(page, text):
    page.goto("/dossiers/")
    page.get_by_label("Rechercher un jeune par son nom").fill(text)
    return page.locator("#recherche-resultats")


def _menu(page, label):
    return page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name=label, exact=True)


def _row(page, name):
    return page.locator("#resultats tbody tr", has_text=name)


def test_chef_de_service_takes_a_youth_through_the_parcours(page, chef, screenshot):
    errors = _csp_errors(page)
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill(chef.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    _menu(page, "Jeunes").click()

    # New youth in pre-admission.
    page.get_by_role("link", name="Nouveau jeune (pré-admission)").click()
    page.get_by_label("Nom de naissance").fill("Lefèvre")
    page.get_by_label("Prénom").fill("Élodie")
    page.get_by_label("Date de naissance").fill("2014-03-04")
    page.get_by_label("Sexe").select_option("F")
    page.get_by_label("Date de l'orientation").fill("2025-06-15")
    page.get_by_label("Accueil de jour").check()
    page.get_by_label("Priorité").select_option("haute")
    page.get_by_label("Prochaine étape").fill("Visite de l'établissement")
    page.get_by_label("Début de la pré-admission").fill("2025-09-01")
    screenshot("dossier-nouveau")
    page.get_by_role("button", name="Ouvrir le dossier").click()
    page.get_by_text("ouvert en pré-admission").wait_for()
    assert page.locator(".dossier-entete").get_by_text("Pré-admission").is_visible()
    screenshot("dossier-synthese-pre-admission")

    _menu(page, "Liste d'attente").click()
    assert page.locator("tbody tr", has_text="LEFÈVRE Élodie").get_by_text("Haute").is_visible()
    screenshot("liste-attente")

    # The search finds her despite the missing accent and a typo (HTMX, results under the field).
    results = _search(page, "elodie lefevbre")
    results.get_by_role("link", name="LEFÈVRE Élodie").wait_for()
    assert "Pré-admission" in results.inner_text()
    assert "Hugo" not in results.inner_text()
    screenshot("recherche")
    results.get_by_role("link", name="LEFÈVRE Élodie").click()

    # Admission.
    page.get_by_role("link", name="Parcours").click()
    admission = page.locator("form", has=page.get_by_role("heading", name="Admettre"))
    admission.get_by_label("Date d'admission").fill("2025-10-01")
    admission.get_by_label("Site").select_option(label="Site de Muret")
    admission.get_by_role("button", name="Enregistrer l'admission").click()
    page.get_by_text("Admission enregistrée").wait_for()
    assert page.locator(".dossier-entete").get_by_text("Accompagné").is_visible()
    screenshot("parcours-admis")
    page.goto("/dossiers/?statut=accompagne")
    assert _row(page, "LEFÈVRE").is_visible()
    assert "Accueil de jour" in _row(page, "LEFÈVRE").inner_text()

    # Exit with a follow-up.
    _menu(page, "Jeunes").click()
    _row(page, "LEFÈVRE").get_by_role("link").click()
    page.get_by_role("link", name="Parcours").click()
    sortie = page.locator("form", has=page.get_by_role("heading", name="Sortie"))
    sortie.get_by_label("Date de sortie").fill("2026-01-31")
    sortie.get_by_label("Motif de sortie").select_option("retour_milieu_ordinaire")
    sortie.get_by_label("Destination").fill("Collège Jean Moulin")
    sortie.get_by_role("button", name="Enregistrer la sortie").click()
    page.get_by_text("Sortie enregistrée").wait_for()
    assert page.locator(".dossier-entete").get_by_text("Suivi post-sortie").is_visible()

    # End of the follow-up, then archive (with confirmation).
    fin = page.locator("form", has=page.get_by_role("heading", name="Fin du suivi post-sortie"))
    fin.get_by_label("Fin du suivi").fill("2026-02-10")
    fin.get_by_role("button", name="Terminer le suivi").click()
    page.get_by_text("Fin du suivi post-sortie enregistrée").wait_for()
    screenshot("parcours-avant-archivage")
    archive = page.locator("form", has=page.get_by_role("heading", name="Archiver le dossier"))
    archive.get_by_role("button", name="Archiver").click()
    page.get_by_text("Cochez la case pour confirmer l'archivage.").wait_for()
    archive = page.locator("form", has=page.get_by_role("heading", name="Archiver le dossier"))
    archive.get_by_label("Je confirme l'archivage").check()
    archive.get_by_role("button", name="Archiver").click()
    page.get_by_text("Dossier archivé : il est désormais en lecture seule.").wait_for()
    assert page.locator(".dossier-entete.archive").is_visible()
    assert page.get_by_role("heading", name="Étapes possibles").count() == 0
    screenshot("parcours-archive")

    # The list hides archived dossiers unless asked; the search still finds her, greyed.
    _menu(page, "Jeunes").click()
    assert _row(page, "LEFÈVRE").count() == 0 and _row(page, "Hugo").count() == 1
    page.get_by_label("Inclure les dossiers archivés").check()  # HTMX refreshes the results
    _row(page, "LEFÈVRE").wait_for()
    assert "archive" in _row(page, "LEFÈVRE").get_attribute("class")
    screenshot("file-active-archives")
    results = _search(page, "lefevre")
    results.get_by_role("link", name="LEFÈVRE Élodie").wait_for()
    assert "archivé" in results.inner_text()

    with tenant_context(chef.organisme_id):
        etapes = list(
            AuditEntry.objects.filter(record_type="dossiers.dossier", actor=chef, action__in=["create", "update"])
            .order_by("at", "id")
            .values_list("details__etape", flat=True)
        )
    assert etapes == ["pre_admission", "admission", "sortie", "fin_suivi", "archivage"]
    assert errors == []
