"""In a real Chromium: a director logs in (password + TOTP), opens « Activité », reads the dashboard, requests the
previous quarter's AIRe table as PDF and as XLSX and the annual report, sees the progress reach 100 % and downloads
the files (valid PDF and XLSX with the dashboard's figures)."""

import datetime
import io
import time

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook

from activite.services.tableau import trimestre_bornes, trimestre_precedent
from core.enums import Metier
from core.tenancy import tenant_context
from tests import factories

pytestmark = pytest.mark.browser
PASSWORD = "motdepasse-de-test-1"
CLE = "3132333435363738393031323334353637383930"


@pytest.fixture
def activite_e2e(transactional_db, settings, tmp_path):
    """A dispositif with two accompanied youths and realised events in the previous quarter, facts computed."""
    from activite.services.faits import faits_recalculer_dispositif
    from tests.activite.conftest import at, make_scenario

    settings.MEDIA_ROOT = tmp_path
    organisme = factories.OrganismeFactory(nom="Association Les Pins")
    dispositif = factories.DispositifFactory(organisme=organisme, nom="DITEP Les Pins", finess="310000001")
    factories.DispositifFactory(organisme=organisme, nom="DITEP La Source")
    direction = factories.professionnel(dispositif, Metier.DIRECTION, email="direction@pins.org",
                                        first_name="Claire", last_name="Martin")  # fmt: skip
    with tenant_context(organisme.pk):
        TOTPDevice.objects.create(user=direction, name="Application", confirmed=True, key=CLE)
    debut, _fin = trimestre_bornes(*trimestre_precedent(timezone.localdate()))

    class W:
        pass

    w = W()
    w.organisme, w.dispositif, w.direction = organisme, dispositif, direction
    with tenant_context(organisme.pk):
        sc = make_scenario(w, dispositif=dispositif, actor=direction)
        a = sc.accompagne(debut=datetime.date(2025, 9, 1), nom_naissance="ALPHA", prenom="Anna")
        b = sc.accompagne(debut=datetime.date(2025, 9, 1), nom_naissance="BRAVO", prenom="Basile")
        for semaine in range(0, 12, 2):
            mardi = debut + datetime.timedelta(days=7 * semaine + (1 - debut.weekday()) % 7)
            mercredi = mardi + datetime.timedelta(days=1)
            j1, j2 = (mardi.year, mardi.month, mardi.day), (mercredi.year, mercredi.month, mercredi.day)
            sc.evenement("classe_ue", at(*j1, 9), at(*j1, 16), jeunes=[a])
            sc.evenement("entretien_jeune", at(*j2, 10), at(*j2, 11), jeunes=[a, b])
            sc.evenement("nuitee", at(*j1, 20), at(*j2, 8), jeunes=[b])
        sc.evenement("appui_ressources", at(*j1, 14), at(*j1, 16), partenaire=sc.partenaire())
        faits_recalculer_dispositif(dispositif)
    return w


def _code() -> str:
    totp = TOTP(bytes.fromhex(CLE), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    return f"{totp.token():06d}"


def _telecharger(page, nom_bouton):
    page.get_by_role("button", name=nom_bouton).click()
    page.wait_for_url("**/activite/rapports/*/")
    page.get_by_text("100 %").first.wait_for()
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger").click()
    return info.value


def test_director_reads_the_dashboard_and_downloads_the_reports(page, activite_e2e, screenshot, tmp_path):
    w = activite_e2e
    page.set_default_timeout(30_000)  # the machine is shared: PDF rendering under load takes seconds
    errors = []
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill(w.direction.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/connexion/code/**")
    page.get_by_label("Code de vérification").fill(_code())
    page.get_by_role("button", name="Valider").click()
    page.wait_for_load_state()

    # Click 1: the menu.
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Activité").click()
    page.get_by_role("heading", name="Activité — DITEP La Source").or_(
        page.get_by_role("heading", name="Activité — DITEP Les Pins")).first.wait_for()  # fmt: skip
    page.get_by_label("Dispositif", exact=True).select_option(label="DITEP Les Pins")
    annee, trimestre = trimestre_precedent(timezone.localdate())
    page.get_by_label("Année", exact=True).select_option(str(annee))
    page.get_by_label("Période", exact=True).select_option(str(trimestre))
    page.get_by_role("button", name="Afficher").click()
    page.get_by_role("heading", name="Activité — DITEP Les Pins").wait_for()
    assert page.get_by_role("img", name="File active par statut").is_visible()
    screenshot("activite-tableau")
    # The previous quarter's figures on the dashboard (the downloaded table must show the same).
    with tenant_context(w.organisme.pk):
        from activite.services.aire import table_aire

        table = table_aire(w.dispositif, *trimestre_bornes(*trimestre_precedent(timezone.localdate())))
    assert table["file_active"]["total"] == 2 and table["semaines_jeune"]["total"] > 0

    # A figure drills down to the youths.
    page.locator(".activite-chiffres").get_by_role("link").first.click()
    page.get_by_role("heading", name="File active : Total (jeunes distincts)").wait_for()
    screenshot("activite-detail")
    page.go_back()

    # Click 2: the button; click 3: the download.
    telechargement = _telecharger(page, "Tableau AIRe du trimestre précédent — PDF")
    screenshot("activite-rapport-termine")
    chemin = tmp_path / telechargement.suggested_filename
    telechargement.save_as(chemin)
    assert chemin.read_bytes().startswith(b"%PDF-") and chemin.name.startswith("aire_310000001_")

    page.get_by_role("link", name="Activité").first.click()
    page.get_by_label("Dispositif", exact=True).select_option(label="DITEP Les Pins")
    page.get_by_role("button", name="Afficher").click()
    telechargement = _telecharger(page, "Tableau AIRe du trimestre précédent — XLSX")
    chemin = tmp_path / telechargement.suggested_filename
    telechargement.save_as(chemin)
    wb = load_workbook(io.BytesIO(chemin.read_bytes()))
    ws = wb["Semaines-jeune par combinaison"]
    totaux = [row for row in ws.iter_rows(values_only=True) if row[0] == "Total des semaines-jeune"]
    assert totaux and totaux[0][2] == table["semaines_jeune"]["total"]
    fa = [row for row in wb["File active"].iter_rows(values_only=True) if row[0] == "Total (jeunes distincts)"]
    assert fa[0][1] == 2

    page.get_by_role("link", name="Activité").first.click()
    page.get_by_label("Dispositif", exact=True).select_option(label="DITEP Les Pins")
    page.get_by_role("button", name="Afficher").click()
    annee = timezone.localdate().year
    telechargement = _telecharger(page, f"Rapport d'activité annuel {annee} — PDF")
    screenshot("activite-rapport-annuel")
    chemin = tmp_path / telechargement.suggested_filename
    telechargement.save_as(chemin)
    assert chemin.read_bytes().startswith(b"%PDF-") and chemin.name == f"rapport-annuel_310000001_{annee}.pdf"

    page.goto("/activite/rapports/")
    page.get_by_role("heading", name="Rapports d'activité").wait_for()
    screenshot("activite-rapports")
    assert page.locator("#rapports-liste tbody tr").count() == 3
    assert not errors, errors
