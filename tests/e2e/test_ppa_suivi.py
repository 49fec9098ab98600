"""In a real Chromium: the follow-up of a PPA in force. An educator links the youth's weekly agenda series to an
objective on the realisation page and sees the sessions and hours realised; opens a review, reads the period's
summary, evaluates every objective and finishes it; then downloads the PDF and the easy-read PDF.

Data are written through the services (drafting, agreement, validation, start; the agenda series and the marking
of past sessions as realised), dated relative to today: the live server runs on the real clock."""

import datetime

import pytest
from django.utils import timezone

from agendas.enums import StatutEvenement
from agendas.models import Evenement
from agendas.services.evenements import evenement_set_statut
from agendas.services.series import serie_create
from core.enums import Metier
from core.tenancy import tenant_context
from dossiers.models import Proche
from ppa.enums import ResultatEvaluation, StatutPpa
from ppa.models import LienObjectif, Ppa, Revue
from ppa.services.redaction import (
    accord_enregistrer,
    objectif_create,
    ppa_version_create,
    version_demarrer,
    version_update,
    version_valider,
)
from tests import factories
from tests.ppa.conftest_suivi import PARIS

pytestmark = pytest.mark.browser
PASSWORD = "motdepasse-de-test-1"


@pytest.fixture
def suivi(transactional_db):
    """A youth accompanied for months with a PPA in force (started five weeks ago, two objectives) and a weekly
    Monday workshop series since then; the two last past sessions are realised."""
    today = timezone.localdate()
    organisme = factories.OrganismeFactory(nom="Association Les Pins")
    dispositif = factories.DispositifFactory(organisme=organisme, nom="DITEP Les Pins")
    lea = factories.professionnel(dispositif, Metier.EDUCATEUR, email="lea@pins.org", first_name="Léa",
                                  last_name="Roux")  # fmt: skip
    jeune = factories.JeuneFactory(organisme=organisme, prenom="Élodie", nom_naissance="Martin")
    dossier = factories.dossier_accompagne(dispositif, jeune=jeune, admission=today - datetime.timedelta(days=200))
    lundi = today - datetime.timedelta(days=today.weekday() + 35)  # the Monday five weeks ago
    with tenant_context(organisme.pk):
        mere = Proche.objects.create(organisme=organisme, jeune=jeune, nom="Martin", prenom="Claire", lien="MTH",
                                     representant_legal=True, ordre_appel=1)  # fmt: skip
        version = ppa_version_create(dossier=dossier, actor=lea)
        version_update(version=version, actor=lea, date_debut=lundi, attentes_jeune="Je veux aller au collège.")
        college = objectif_create(version=version, actor=lea, titre="Reprendre le chemin du collège",
                                  besoin_code="1.3.3.1", prestations=["2.3.3.1"])  # fmt: skip
        objectif_create(version=version, actor=lea, titre="Mieux dormir", besoin_code="1.1.10",
                        prestations=["2.1.1.1"])  # fmt: skip
        accord_enregistrer(version=version, actor=lea, signataire="jeune", mode="oral")
        accord_enregistrer(version=version, actor=lea, signataire="representant_legal", proche=mere, mode="oral")
        version_valider(version=version, actor=lea)
        version_demarrer(version=version, actor=lea)
        serie = serie_create(
            dispositif=dispositif, nature="activite_educative", rrule="FREQ=WEEKLY;BYDAY=MO",
            debut=datetime.datetime.combine(lundi, datetime.time(14), tzinfo=PARIS),
            duree=datetime.timedelta(hours=2), actor=lea, jeunes=[jeune.pk], titre="Atelier scolaire du lundi",
            modalite="accueil_de_jour",
        )  # fmt: skip
        passees = list(
            Evenement.objects.filter(serie=serie, debut__lt=timezone.now() - datetime.timedelta(days=1)).order_by(
                "-debut"
            )[:2]
        )
        assert len(passees) == 2
        for ev in passees:
            evenement_set_statut(evenement=ev, statut=StatutEvenement.REALISE, actor=lea)
        version.refresh_from_db()
    return {"lea": lea, "dossier": dossier, "organisme": organisme, "version": version, "college": college,
            "serie": serie}  # fmt: skip


def _login(page, user):
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def _texte(locator) -> str:
    """The visible text with whitespace collapsed (the figures are laid out in blocks)."""
    return " ".join(locator.inner_text().split())


def _check_pdf(page, link_name):
    href = page.get_by_role("link", name=link_name).get_attribute("href")
    response = page.request.get(href)
    assert response.ok, response.status
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF"), body[:20]
    assert len(body) > 5_000, len(body)
    return body


def test_realisation_revue_pdfs(page, suivi, screenshot):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and "favicon" not in msg.location.get("url", "") else None)  # fmt: skip
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_default_timeout(30_000)  # the machine is shared: first requests may be slow
    dossier, version, college = suivi["dossier"], suivi["version"], suivi["college"]
    _login(page, suivi["lea"])

    # The PPA tab: the version in force, with its follow-up actions.
    page.goto(f"/dossiers/{dossier.pk}/")
    page.get_by_role("navigation", name="Rubriques du dossier").get_by_role("link", name="PPA").click()
    page.get_by_role("link", name="Réalisation et agenda").click()
    page.get_by_role("heading", name="Réalisation du PPA (version 1) et agenda").wait_for()
    objectif = page.locator(f"#objectif-{college.pk}")
    assert objectif.get_by_text("Aucune série ni séance liée à cet objectif.").is_visible()

    # Link the weekly series to the first objective: the two realised sessions count (2 × 2 h).
    select = objectif.get_by_label("Lier une série de l'emploi du temps")
    value = select.locator("option", has_text="Atelier scolaire du lundi").get_attribute("value")
    select.select_option(value)
    objectif.get_by_role("button", name="Lier la série").click()
    page.get_by_text("Lien ajouté à l'objectif « Reprendre le chemin du collège ».").wait_for()
    objectif = page.locator(f"#objectif-{college.pk}")
    liens = objectif.locator("ul.liens-objectif li")
    assert liens.count() == 1
    assert "Atelier scolaire du lundi — Activité éducative" in _texte(liens)
    chiffres = _texte(objectif.locator("ul.realisation-chiffres"))
    assert "2 séances réalisées" in chiffres, chiffres
    assert "4 h au total" in chiffres, chiffres
    assert "2 séances réalisées au total" in _texte(page.locator("p.aide", has_text="Période :"))
    screenshot("ppa-suivi-01-realisation")

    # Open a review from the tab: the period summary is read-only beside the evaluation form.
    page.get_by_role("link", name="← PPA version 1").click()
    page.get_by_role("link", name="Réviser (évaluer les objectifs)").click()
    page.get_by_role("heading", name="Réviser le PPA (version 1)").wait_for()
    page.get_by_role("button", name="Ouvrir la révision").click()
    page.get_by_text("Révision ouverte").wait_for()
    section = page.locator("section.revue-objectif", has_text="Reprendre le chemin du collège")
    resume = _texte(section.locator(".revue-resume"))
    assert "2 séances réalisées" in resume and "4 h" in resume, resume
    assert section.locator(".revue-resume input, .revue-resume textarea, .revue-resume select").count() == 0
    resultats = {"Reprendre le chemin du collège": ("Partiellement atteint", "Deux ateliers suivis sur cinq."),
                 "Mieux dormir": ("Atteint", "Elle s'endort seule et se lève à l'heure.")}  # fmt: skip
    for titre, (resultat, commentaire) in resultats.items():
        section = page.locator("section.revue-objectif", has_text=titre)
        section.get_by_label("Résultat").select_option(label=resultat)
        section.get_by_label("Commentaire").fill(commentaire)
    page.get_by_label("Synthèse de la révision").fill("Élodie progresse ; on garde les deux objectifs.")
    screenshot("ppa-suivi-02-revue")
    page.get_by_role("button", name="Terminer la révision").click()
    page.get_by_text("Révision terminée : l'échéance du PPA est mise à jour.").wait_for()
    screenshot("ppa-suivi-03-onglet-apres-revue")
    with tenant_context(suivi["organisme"].pk):
        echeance = Ppa.objects.get(dossier=dossier).prochaine_echeance
    assert echeance > timezone.localdate()
    assert f"Prochaine échéance : {echeance:%d/%m/%Y}" in _texte(page.locator("ul.ppa-etat"))
    # The finished review is listed on the tab, and opens again from there.
    revues = page.locator("section", has=page.locator("#ppa-revues"))
    assert "Terminée" in _texte(revues)
    revues.get_by_role("link").first.click()
    page.get_by_role("heading", name="Révision", exact=False).first.wait_for()
    page.go_back()

    # PDFs of the version in force, from the links of the tab.
    _check_pdf(page, "PDF du PPA")
    _check_pdf(page, "Version facile à lire (PDF)")

    with tenant_context(suivi["organisme"].pk):
        assert LienObjectif.objects.filter(objectif=college, serie=suivi["serie"]).count() == 1
        revue = Revue.objects.get(version=version)
        assert revue.terminee and revue.synthese.startswith("Élodie progresse")
        evaluations = {e.objectif.titre: (e.resultat, e.commentaire) for e in revue.evaluations.select_related(
            "objectif")}  # fmt: skip
        assert evaluations == {
            "Reprendre le chemin du collège": (ResultatEvaluation.PARTIELLEMENT, "Deux ateliers suivis sur cinq."),
            "Mieux dormir": (ResultatEvaluation.ATTEINT, "Elle s'endort seule et se lève à l'heure."),
        }
        version.refresh_from_db()
        assert version.statut == StatutPpa.EN_COURS
    assert not errors, errors
