"""In a real Chromium, an educator builds a youth's weekly schedule from the dossier's Agenda tab, moves one
occurrence, cancels another, sees a conflict warning before saving a new event, then points the day of the site
on the pointage screen (desktop and phone) — without any CSP violation."""

import datetime

import pytest
from django.utils import timezone

from agendas.enums import Presence, StatutEvenement
from agendas.models import Evenement, ParticipationJeune
from agendas.services.evenements import evenement_create
from agendas.services.natures import natures_par_defaut
from core.enums import Metier
from core.tenancy import tenant_context
from tests import factories

pytestmark = pytest.mark.browser
PASSWORD = "motdepasse-de-test-1"


@pytest.fixture
def monde(transactional_db):
    organisme = factories.OrganismeFactory(nom="Association Les Pins")
    dispositif = factories.DispositifFactory(organisme=organisme, nom="DITEP Les Pins")
    site = factories.SiteFactory(dispositif=dispositif, nom="Site de Muret")
    educ = factories.professionnel(dispositif, Metier.EDUCATEUR, email="educ@pins.org", first_name="Inès",
                                   last_name="Marchand")  # fmt: skip
    leo = factories.JeuneFactory(organisme=organisme, prenom="Léo", nom_naissance="Benali")
    dossier = factories.dossier_accompagne(dispositif, jeune=leo)
    autres = [
        factories.JeuneFactory(organisme=organisme, prenom=prenom, nom_naissance=nom)
        for prenom, nom in (("Hugo", "Martin"), ("Sarah", "Petit"))
    ]
    for jeune in autres:
        factories.dossier_accompagne(dispositif, jeune=jeune)
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    tuesday = monday + datetime.timedelta(days=1)
    with tenant_context(organisme.pk):
        natures = {n.code: n for n in natures_par_defaut(dispositif=dispositif)}
        tz = timezone.get_current_timezone()
        # The afternoon workshop of the site on Tuesday, with Léo's two mates.
        evenement_create(
            dispositif=dispositif, nature=natures["activite_educative"], titre="Atelier jardin", actor=educ,
            debut=timezone.make_aware(datetime.datetime.combine(tuesday, datetime.time(14)), tz),
            fin=timezone.make_aware(datetime.datetime.combine(tuesday, datetime.time(16)), tz),
            jeunes=[leo, *autres], professionnels=[educ], site=site, modalite="accueil_de_jour",
        )  # fmt: skip
    return {"educ": educ, "dossier": dossier, "leo": leo, "autres": autres, "site": site, "monday": monday,
            "organisme": organisme}  # fmt: skip


# The hash of the empty string: an empty ``style=""`` attribute, which some inputs carry after the HTMX swaps of
# the pointage section (htmx's settle step copies it from the old to the new element). Blocked and harmless (no
# style at all); any other violation fails the test.
EMPTY_STYLE = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="


def _csp_errors(page):
    errors = []

    def on_console(msg):
        if "Content Security Policy" in msg.text and EMPTY_STYLE not in msg.text:
            errors.append(f"{page.url} {msg.text}")

    page.on("console", on_console)
    return errors


def _menu(page, label):
    return page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name=label, exact=True)


def _grid_event(page, text, n=0):
    return page.locator(".ag-grille a.ag-evt", has_text=text).nth(n)


def test_weekly_schedule_move_cancel_conflict_and_pointage(page, monde, screenshot):
    errors = _csp_errors(page)
    monday = monde["monday"]
    tuesday, thursday = monday + datetime.timedelta(days=1), monday + datetime.timedelta(days=3)
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill("educ@pins.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    # From the youth's dossier, Agenda tab: a new weekly series (Tuesday and Thursday, 9:00–11:30).
    page.goto(f"/dossiers/{monde['dossier'].pk}/")
    page.get_by_role("navigation", name="Rubriques du dossier").get_by_role("link", name="Agenda").click()
    page.get_by_role("link", name="Nouvelle série (emploi du temps)").click()
    page.get_by_label("Nature").select_option(label="Classe en unité d'enseignement")
    page.get_by_label("Titre").fill("Classe UE")
    page.get_by_label("Mardi").check()
    page.get_by_label("Jeudi").check()
    page.locator("#id_heure_debut").fill("09:00")
    page.locator("#id_heure_fin").fill("11:30")
    page.get_by_label("À partir du").fill(monday.isoformat())
    page.get_by_label("Jusqu'au").fill((monday + datetime.timedelta(days=27)).isoformat())
    page.get_by_label("Modalité").select_option("accueil_de_jour")
    page.get_by_label("Site", exact=True).select_option(label="Site de Muret")
    assert page.get_by_label("BENALI Léo").is_checked()
    screenshot("agenda-serie-formulaire")
    page.get_by_role("button", name="Créer la série").click()
    page.get_by_text("Série « Classe UE » enregistrée").wait_for()
    assert page.locator(".ag-grille a.ag-evt", has_text="Classe UE").count() == 2
    screenshot("agenda-semaine")

    # Move Thursday's occurrence to 10:00–12:30, this occurrence only.
    _grid_event(page, "Classe UE", 1).click()
    page.get_by_role("link", name="Modifier ou déplacer").click()
    page.locator("#id_heure_debut").fill("10:00")
    page.locator("#id_heure_fin").fill("12:30")
    page.get_by_label("Cet événement seulement").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Cet événement a été modifié").wait_for()
    assert page.get_by_text("10:00 – 12:30").is_visible()

    # Cancel next week's Tuesday.
    page.goto(f"/agendas/?jeune={monde['leo'].pk}&date={(tuesday + datetime.timedelta(days=7)).isoformat()}")
    _grid_event(page, "Classe UE", 0).click()
    page.get_by_role("button", name="Annuler cette occurrence").click()
    page.get_by_text("Événement annulé.").wait_for()
    page.get_by_role("link", name="Retour à l'agenda de la semaine").click()
    assert "ag-evt--annule" in _grid_event(page, "Classe UE", 0).get_attribute("class")

    # A new event for Léo during Tuesday's class: the conflict is shown before saving.
    page.goto(f"/agendas/?jeune={monde['leo'].pk}&date={tuesday.isoformat()}")
    page.get_by_role("link", name="Nouvel événement").click()
    page.get_by_label("Nature").select_option(label="Séance de soin")
    page.get_by_label("Titre").fill("Psychomotricité")
    page.get_by_label("Date").fill(tuesday.isoformat())
    page.locator("#id_heure_debut").fill("10:00")
    page.locator("#id_heure_fin").fill("10:45")
    page.get_by_label("Modalité").select_option("accueil_de_jour")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.get_by_role("heading", name="Attention : conflits d'agenda").wait_for()
    assert "Classe UE" in page.locator("#conflits").inner_text()
    screenshot("agenda-conflit")
    page.get_by_role("button", name="Enregistrer malgré tout").click()
    page.get_by_text("Événement « Psychomotricité » enregistré.").wait_for()

    # Pointage of Tuesday for the site: Hugo absent (one click), then "Valider la journée".
    _menu(page, "Pointage").click()
    page.get_by_label("Jour", exact=True).fill(tuesday.isoformat())
    page.get_by_label("Groupe", exact=True).select_option(label="Site de Muret")  # HTMX refreshes the day
    page.get_by_role("heading", name="Site de Muret —").wait_for()
    assert page.get_by_role("heading", name="Présences (3 jeunes)").is_visible()
    hugo = monde["autres"][0]
    page.get_by_label(f"Absent : {hugo.prenom} {hugo.nom}").check()
    screenshot("pointage-bureau")
    page.get_by_role("button", name="Valider la journée").click()
    page.get_by_text("Journée validée").wait_for()
    screenshot("pointage-bureau-valide")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    screenshot("pointage-telephone")
    page.goto(f"/agendas/?date={tuesday.isoformat()}")
    screenshot("agenda-telephone")

    with tenant_context(monde["organisme"].pk):
        day = Evenement.objects.filter(debut__date=tuesday, site=monde["site"]).exclude(statut=StatutEvenement.ANNULE)
        assert {e.statut for e in day} == {StatutEvenement.REALISE}
        presences = dict(
            ParticipationJeune.objects.filter(evenement__titre="Atelier jardin").values_list("jeune_id", "presence")
        )
        assert presences[hugo.pk] == Presence.ABSENT_IMPREVU
        assert presences[monde["leo"].pk] == Presence.PRESENT
        moved = Evenement.objects.get(titre="Classe UE", occurrence_de=thursday)
        assert (timezone.localtime(moved.debut).hour, moved.detachee) == (10, True)
    assert errors == []
