"""In a real Chromium at a phone viewport (375×740): a parent writes to the team, answers a satisfaction
questionnaire and files a suggestion on the portal; the youth's référent answers from the staff inbox; the parent
reads the answer. Every page is screenshotted (``var/screenshots/portail_echanges-*.png``)."""

import pytest

from core.enums import AccountKind, Metier
from core.tenancy import tenant_context
from portail_famille.models import Reclamation, Reponse
from portail_famille.services import questionnaires as qs
from tests import factories
from tests.portail_famille.conftest import acces_create, proche_create

pytestmark = pytest.mark.browser
PASSWORD = "motdepasse-de-test-1"
TELEPHONE = {"width": 375, "height": 740}


@pytest.fixture
def famille(transactional_db):
    organisme = factories.OrganismeFactory(nom="Association Les Pins")
    dispositif = factories.DispositifFactory(organisme=organisme, nom="DITEP Les Pins")
    lea = factories.professionnel(
        dispositif, Metier.EDUCATEUR, email="lea@pins.org", first_name="Léa", last_name="Roux"
    )
    direction = factories.professionnel(dispositif, Metier.DIRECTION, email="dir@pins.org")
    jeune = factories.JeuneFactory(organisme=organisme, prenom="Hugo", nom_naissance="Bernard")
    dossier = factories.dossier_accompagne(dispositif, jeune=jeune)
    mere = factories.UserFactory(
        organisme=organisme, kind=AccountKind.PROCHE, email="sophie@famille.fr", first_name="Sophie",
        last_name="Bernard",
    )  # fmt: skip
    with tenant_context(organisme.pk):
        dossier.referent = lea
        dossier.save(update_fields=["referent"])
    proche = proche_create(jeune, prenom="Sophie", nom="Bernard", email="sophie@famille.fr")
    acces_create(mere, jeune, proche=proche, invite_par=lea)
    with tenant_context(organisme.pk):
        q = qs.questionnaire_creer(
            actor=direction, dispositif=dispositif, titre="Satisfaction des familles",
            introduction="Cinq minutes pour nous dire ce que vous pensez de l'accompagnement.", public="familles",
        )  # fmt: skip
        qs.question_ajouter(
            actor=direction, questionnaire=q, libelle="Êtes-vous satisfaite de l'accueil de votre enfant ?",
            type="echelle", echelle_max=5, libelle_min="Pas du tout", libelle_max="Tout à fait", obligatoire=True,
        )  # fmt: skip
        qs.question_ajouter(
            actor=direction, questionnaire=q, libelle="Comment préférez-vous être contactée ?", type="choix",
            choix=["Téléphone", "Portail", "Courrier"],
        )  # fmt: skip
        qs.question_ajouter(actor=direction, questionnaire=q, libelle="Une remarque ?", type="texte")
        qs.questionnaire_ouvrir(actor=direction, questionnaire=q)
    return {"organisme": organisme, "lea": lea, "mere": mere, "questionnaire": q}


def _login(page, url, email):
    page.goto(url)
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


@pytest.fixture
def shot(screenshot):
    """Screenshots in the common directory, and a copy in ``var/screenshots-portail-echanges/`` (the common one is
    emptied whenever another browser session starts)."""
    import shutil
    from pathlib import Path

    from django.conf import settings

    keep = Path(settings.VAR_DIR) / "screenshots-portail-echanges"
    keep.mkdir(parents=True, exist_ok=True)

    def take(name):
        path = screenshot(name)
        shutil.copy(path, keep / path.name)
        return path

    return take


def test_parent_message_questionnaire_suggestion_et_reponse_de_l_equipe(page, famille, shot):
    page.set_viewport_size(TELEPHONE)
    # The machine running the suite may be busy: generous timeouts (the pages themselves are small).
    page.set_default_timeout(30_000)
    page.set_default_navigation_timeout(60_000)
    errors = []

    def on_console(msg):
        # A 400 is the answer to a form sent with errors (on purpose below); favicons are not served.
        if msg.type == "error" and "favicon" not in msg.location.get("url", "") and "status of 400" not in msg.text:
            errors.append(msg.text)

    page.on("console", on_console)

    # The parent writes to the team.
    _login(page, "/portail/connexion/", "sophie@famille.fr")
    page.goto("/portail/messages/")
    shot("portail_echanges-01-messages-vide")
    _no_horizontal_scroll(page)
    page.get_by_role("link", name="Écrire un nouveau message").click()
    page.get_by_label("Sujet").fill("Transport de jeudi")
    page.get_by_label("Votre message").fill("Bonjour, le taxi pourra-t-il passer à 8 h jeudi ? Merci.")
    shot("portail_echanges-02-nouveau-message")
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_load_state()
    assert page.get_by_text("Votre message a été envoyé à l'équipe.").is_visible()
    shot("portail_echanges-03-conversation")
    _no_horizontal_scroll(page)

    # The parent answers the questionnaire.
    page.goto("/portail/questionnaires/")
    shot("portail_echanges-04-questionnaires")
    page.get_by_role("link", name="Répondre").click()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.wait_for_load_state()
    assert page.get_by_text("Cette question demande une réponse.").is_visible()
    shot("portail_echanges-05-questionnaire-erreur")
    page.locator("label[for$='_4']").first.click()
    page.get_by_role("radio", name="Portail").check()
    page.get_by_label("Votre réponse").fill("Merci pour votre écoute.")
    shot("portail_echanges-06-questionnaire-rempli")
    _no_horizontal_scroll(page)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Merci !").is_visible()
    shot("portail_echanges-07-merci")

    # The parent files a suggestion.
    page.goto("/portail/reclamations/")
    page.get_by_label("Une suggestion (une idée)").check()
    page.get_by_label("À propos de").select_option(label="L'établissement en général")
    page.get_by_label("Objet (en quelques mots)").fill("Un potager")
    page.get_by_label("Description").fill("Les enfants pourraient faire un potager au printemps.")
    shot("portail_echanges-08-suggestion")
    page.get_by_role("button", name="Envoyer à la direction").click()
    page.wait_for_load_state()
    assert page.get_by_text("Merci, votre demande a été transmise à la direction.").is_visible()
    shot("portail_echanges-09-reclamations")
    _no_horizontal_scroll(page)

    # The référent answers from the staff inbox.
    page.context.clear_cookies()
    _login(page, "/connexion/", "lea@pins.org")
    page.goto("/familles/messages/")
    shot("portail_echanges-10-equipe-boite")
    page.get_by_role("link", name="Transport de jeudi").click()
    page.get_by_label("Votre réponse").fill("Bonjour, oui : le taxi passera à 8 h. Bonne journée !")
    page.get_by_role("button", name="Envoyer la réponse").click()
    page.wait_for_load_state()
    assert page.get_by_text("Réponse envoyée à la famille.").is_visible()
    shot("portail_echanges-11-equipe-conversation")

    # The parent reads the answer.
    page.context.clear_cookies()
    _login(page, "/portail/connexion/", "sophie@famille.fr")
    page.goto("/portail/messages/")
    assert page.get_by_text("1 nouveau").is_visible()
    shot("portail_echanges-12-messages-non-lu")
    page.get_by_role("link", name="Transport de jeudi").click()
    assert page.get_by_text("le taxi passera à 8 h").is_visible()
    shot("portail_echanges-13-reponse-lue")
    _no_horizontal_scroll(page)
    assert not errors, errors

    with tenant_context(famille["organisme"].pk):
        assert Reponse.objects.filter(questionnaire=famille["questionnaire"]).count() == 1
        assert Reclamation.objects.get().objet == "Un potager"
