"""In a real Chromium at a phone viewport (375×740): a parent accepts the emailed invitation, chooses a password,
logs in on /portail/connexion/, reads this week's schedule, opens the plan, downloads a shared document, uploads
one, declares an absence; then a professional sees the upload in the dossier's inbox and the absence to take into
account, takes it into account, and the event shows the youth « absent (prévu) ». Every page is screenshotted."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from agendas.enums import Presence
from agendas.models import ParticipationJeune
from agendas.services.evenements import evenement_create
from core.enums import Metier, Visibilite
from core.tenancy import tenant_context
from dossiers.models import Proche
from dossiers.services.documents import document_create
from portail_famille.services.comptes import acces_inviter
from ppa.models import LienObjectif, Objectif, Ppa, PpaVersion
from tests import factories

pytestmark = pytest.mark.browser
PASSWORD = "motdepasse-de-test-1"
NEW_PASSWORD = "Un-mot-de-passe-solide-2026"
PHONE = {"width": 375, "height": 740}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def famille(transactional_db, tmp_path):
    organisme = factories.OrganismeFactory(nom="Association Les Pins")
    dispositif = factories.DispositifFactory(organisme=organisme, nom="DITEP Les Pins")
    site = factories.SiteFactory(dispositif=dispositif, nom="Site de Muret")
    lea = factories.professionnel(
        dispositif, Metier.EDUCATEUR, email="lea@pins.org", first_name="Léa", last_name="Roux"
    )
    jeune = factories.JeuneFactory(organisme=organisme, prenom="Léo", nom_naissance="Martin")
    dossier = factories.dossier_accompagne(dispositif, jeune=jeune)
    today = timezone.localdate()
    demain = today + datetime.timedelta(days=1)
    with tenant_context(organisme.pk):
        proche = Proche.objects.create(
            organisme=organisme, jeune=jeune, prenom="Sophie", nom="Martin", lien="MTH", email="sophie@exemple.fr",
            representant_legal=True, autorite_parentale=True,
        )  # fmt: skip
        ev = evenement_create(
            dispositif=dispositif, nature="activite_educative", debut=_at(demain, 10), fin=_at(demain, 12), actor=lea,
            jeunes=[jeune], professionnels=[lea], modalite="accueil_de_jour", site=site,
        )  # fmt: skip
        evenement_create(
            dispositif=dispositif, nature="seance_soin", debut=_at(today, 14), fin=_at(today, 15), actor=lea,
            jeunes=[jeune], professionnels=[lea], modalite="accueil_de_jour", lieu_type="domicile",
        )  # fmt: skip
        ppa = Ppa.objects.create(organisme=organisme, dossier=dossier)
        version = PpaVersion.objects.create(
            organisme=organisme, ppa=ppa, numero=1, statut="valide", valide_le=today,
            attentes_famille="Qu'il retrouve le goût de l'école.", attentes_jeune="Faire du foot.",
        )  # fmt: skip
        objectif = Objectif.objects.create(
            organisme=organisme, version=version, titre="Gestion des émotions", besoin_code="1.1.1",
            phrase_falc="Je sais dire quand je suis en colère.",
        )  # fmt: skip
        LienObjectif.objects.create(organisme=organisme, objectif=objectif, evenement=ev)
        document_create(
            dossier=dossier, content=PDF, nom_fichier="emploi-du-temps.pdf", type="courrier",
            titre="Emploi du temps du trimestre", actor=lea, visibilite=Visibilite.PARTAGEABLE_FAMILLE,
        )  # fmt: skip
        acces_inviter(dossier=dossier, actor=lea, proche=proche)
    upload = tmp_path / "certificat.pdf"
    upload.write_bytes(PDF)
    return {"lea": lea, "dossier": dossier, "evenement": ev, "jeune": jeune, "upload": upload, "demain": demain}


def test_parent_on_a_phone_then_the_team(page, famille, screenshot):
    page.set_viewport_size(PHONE)
    errors = []
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text) if msg.type == "error" and "favicon" not in msg.location.get("url", "") else None
        ),
    )
    link = re.search(r"https?://[^/\s]+(/portail/invitation/\S+)", mail.outbox[-1].body).group(1)

    # Accept the invitation.
    page.goto(link)
    page.wait_for_load_state()
    screenshot("portail-01-invitation")
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    page.wait_for_url("**/portail/connexion/")

    # Log in on the portal.
    screenshot("portail-02-connexion")
    page.get_by_label("Adresse électronique").fill("sophie@exemple.fr")
    page.get_by_label("Mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/portail/")
    assert page.get_by_role("heading", name="Bonjour Sophie").is_visible()
    screenshot("portail-03-accueil")

    # The week.
    page.get_by_role("link", name="La semaine de Léo").click()
    page.wait_for_load_state()
    assert page.get_by_text("Activité éducative").first.is_visible()
    assert page.get_by_text("Avec Léa").first.is_visible()
    assert "Roux" not in page.content()
    screenshot("portail-04-semaine")

    # The plan.
    page.get_by_role("navigation", name="Menu du portail").get_by_role("link", name="Projet").click()
    page.wait_for_load_state()
    assert page.get_by_text("Je sais dire quand je suis en colère.").is_visible()
    screenshot("portail-05-projet")

    # Documents: download, upload.
    page.get_by_role("navigation", name="Menu du portail").get_by_role("link", name="Documents").click()
    page.wait_for_load_state()
    with page.expect_download() as download:
        page.get_by_role("link", name="Emploi du temps du trimestre").click()
    assert download.value.suggested_filename == "emploi-du-temps.pdf"
    page.get_by_label("Quel document ?").select_option("certificat_medical")
    page.get_by_label("Titre").fill("Certificat de sport")
    page.get_by_label("Fichier").set_input_files(str(famille["upload"]))
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_load_state()
    assert page.get_by_text("En attente de l'équipe").is_visible()
    screenshot("portail-06-documents")

    # Absence tomorrow.
    page.get_by_role("navigation", name="Menu du portail").get_by_role("link", name="Absences").click()
    page.wait_for_load_state()
    screenshot("portail-07-absence-formulaire")
    page.get_by_label("Premier jour d'absence").fill(famille["demain"].isoformat())
    page.get_by_label("Motif").select_option("maladie")
    page.get_by_label("Un mot pour l'équipe (facultatif)").fill("Il a de la fièvre.")
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_load_state()
    assert page.get_by_text("pas encore lue par l'équipe").is_visible()
    screenshot("portail-08-absences")
    page.get_by_role("navigation", name="Menu du portail").get_by_role("link", name="Plus").click()
    page.wait_for_load_state()
    screenshot("portail-09-plus")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/portail/connexion/")

    # The team (on a desktop): the upload in the inbox, the absence to take into account.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill("lea@pins.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    page.goto(f"/dossiers/{famille['dossier'].pk}/documents/")
    assert page.get_by_text("Certificat de sport").first.is_visible()
    screenshot("portail-10-equipe-documents")
    page.goto("/agendas/absences/")
    assert page.get_by_text("Il a de la fièvre.").first.is_visible()
    screenshot("portail-11-equipe-absences")
    page.get_by_role("button", name="Prendre en compte").first.click()
    page.wait_for_load_state()
    with tenant_context(famille["jeune"].organisme_id):
        part = ParticipationJeune.objects.get(evenement=famille["evenement"], jeune=famille["jeune"])
        assert part.presence == Presence.ABSENT_PREVU
    page.goto(f"/agendas/evenements/{famille['evenement'].pk}/")
    assert page.get_by_text("absent (prévu)").first.is_visible()
    screenshot("portail-12-equipe-evenement")
    page.goto(f"/familles/dossiers/{famille['dossier'].pk}/portail/")
    screenshot("portail-13-equipe-onglet-portail")
    assert not errors, errors
