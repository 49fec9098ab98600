"""In a real Chromium: an educator drafts a PPA with two objectives chosen with the SERAFIN-PH picker (by words
without accents, by code, with the keyboard and the mouse), records the youth's agreement by drawing a signature
on the pad, the mother's by a scanned paper and the father's orally, validates, starts an avenant, changes it and
compares the two versions."""

import os
import shutil
from pathlib import Path

import pytest

from core.enums import Metier
from core.tenancy import tenant_context
from dossiers.models import Proche
from ppa.enums import StatutPpa
from ppa.models import Accord, PpaVersion
from tests import factories

pytestmark = pytest.mark.browser
PASSWORD = "motdepasse-de-test-1"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def equipe(transactional_db):
    organisme = factories.OrganismeFactory(nom="Association Les Pins")
    dispositif = factories.DispositifFactory(organisme=organisme, nom="DITEP Les Pins")
    lea = factories.professionnel(dispositif, Metier.EDUCATEUR, email="lea@pins.org", first_name="Léa",
                                  last_name="Roux")  # fmt: skip
    jeune = factories.JeuneFactory(organisme=organisme, prenom="Élodie", nom_naissance="Martin")
    dossier = factories.dossier_accompagne(dispositif, jeune=jeune)
    with tenant_context(organisme.pk):
        Proche.objects.create(organisme=organisme, jeune=jeune, nom="Martin", prenom="Claire", lien="MTH",
                              representant_legal=True, ordre_appel=1)  # fmt: skip
        Proche.objects.create(organisme=organisme, jeune=jeune, nom="Durand", prenom="Marc", lien="FTH",
                              representant_legal=True, ordre_appel=2)  # fmt: skip
    return {"lea": lea, "dossier": dossier, "organisme": organisme}


def _login(page, user):
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def _pick(page, label, query, option_text, *, keyboard=False, shot=None):
    """Choose a SERAFIN-PH code in the picker labelled ``label``."""
    field = page.get_by_role("combobox", name=label)
    field.click()
    field.fill(query)
    option = page.get_by_role("option", name=option_text)
    option.first.wait_for()
    if shot:
        shot()
    if keyboard:
        # The first match is active: move down and back up, then Entrée.
        field.press("ArrowDown")
        field.press("ArrowUp")
        field.press("Enter")
    else:
        option.first.click()


def test_draft_agree_validate_avenant_compare(page, equipe, screenshot):
    copies = os.environ.get("DITEP_PPA_SCREENSHOTS")  # a private copy: the shared directory is emptied by each run
    if copies:
        take = screenshot

        def screenshot(name):
            path = take(name)
            Path(copies).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, copies)
            return path

    errors = []
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and "favicon" not in msg.location.get("url", "") else None)  # fmt: skip
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    dossier = equipe["dossier"]
    page.set_default_timeout(30_000)  # the machine is shared: first requests may be slow
    _login(page, equipe["lea"])

    # The PPA tab of the dossier: nothing yet.
    page.goto(f"/dossiers/{dossier.pk}/")
    page.get_by_role("navigation", name="Rubriques du dossier").get_by_role("link", name="PPA").click()
    page.get_by_role("button", name="Commencer le PPA").wait_for()
    screenshot("ppa-01-vide")
    page.get_by_role("button", name="Commencer le PPA").click()

    # Content: attentes in their own words, besoins with the picker (words without accents).
    page.get_by_role("heading", name="Attentes et besoins — version 1").wait_for()
    page.get_by_label("Attentes du jeune").fill("Je veux retourner au collège et avoir des copains.")
    page.get_by_label("Attentes de la famille").fill("Qu'elle retrouve confiance et dorme mieux.")
    _pick(page, "Besoins repérés (SERAFIN-PH 1.x)", "vie scolaire", "1.3.3.1 — Besoins en lien avec la vie scolaire")
    _pick(page, "Besoins repérés (SERAFIN-PH 1.x)", "sante", "1.1.10 — Besoins pour entretenir et prendre soin",
          shot=lambda: screenshot("ppa-02-picker-sante"))  # fmt: skip
    assert page.locator(".serafin-choisis li").count() == 2
    screenshot("ppa-02-contenu")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Contenu du PPA enregistré.").wait_for()

    # Two objectives: besoin by words without accents (keyboard), prestations by code (mouse).
    page.locator(".ppa-entete").get_by_role("link", name="Ajouter un objectif").click()
    page.get_by_label("Titre de l'objectif").fill("Reprendre le chemin du collège")
    _pick(page, "Besoin SERAFIN-PH auquel répond l'objectif (1.x)", "scolaire etudiante",
          "1.3.3.1 — Besoins en lien avec la vie scolaire et étudiante", keyboard=True)  # fmt: skip
    _pick(page, "Prestations qui y répondent (SERAFIN-PH 2.x)", "2.3.3.1", "2.3.3.1")
    page.get_by_label("Phrase en facile à lire").fill("Je vais au collège deux matins par semaine.")
    screenshot("ppa-03-objectif-picker")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Objectif ajouté.").wait_for()

    page.locator(".ppa-entete").get_by_role("link", name="Ajouter un objectif").click()
    page.get_by_label("Titre de l'objectif").fill("Mieux dormir")
    _pick(page, "Besoin SERAFIN-PH auquel répond l'objectif (1.x)", "sante", "1.1.10")
    _pick(page, "Prestations qui y répondent (SERAFIN-PH 2.x)", "soins", "2.1.1.1")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Objectif ajouté.").wait_for()
    assert page.locator("article.objectif").count() == 2
    screenshot("ppa-04-brouillon")

    # Agreements: the youth signs on the pad.
    page.locator(".ppa-entete").get_by_role("link", name="Recueillir les accords").click()
    page.get_by_role("heading", name="Recueillir l'accord sur la version 1").wait_for()
    assert page.get_by_label("Élodie Martin (le jeune)").is_checked()
    canvas = page.locator("canvas.signature-pad__canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + box["height"] * 0.6)
    page.mouse.down()
    for i in range(1, 30):
        page.mouse.move(box["x"] + 40 + i * 12, box["y"] + box["height"] * (0.6 - 0.3 * ((i % 6) / 6)))
    page.mouse.up()
    page.get_by_text("Signature tracée.").wait_for()
    screenshot("ppa-05-signature")
    page.get_by_role("button", name="Enregistrer et recueillir le suivant").click()
    page.get_by_text("Accord enregistré : Élodie Martin.").wait_for()

    # The mother: a scanned paper signature.
    assert page.get_by_label("Claire Martin (Mère) — représentant légal").is_checked()
    page.get_by_label("Signature papier numérisée", exact=True).check()
    page.get_by_label("Signature papier numérisée (PDF ou image)").set_input_files(
        files=[{"name": "signature-mere.png", "mimeType": "image/png", "buffer": PNG}]
    )
    assert not page.locator("[data-signature-pad]").is_visible()
    screenshot("ppa-06-scan")
    page.get_by_role("button", name="Enregistrer et recueillir le suivant").click()
    page.get_by_text("Accord enregistré : Claire Martin (Mère).").wait_for()

    # The father: oral agreement during the meeting.
    assert page.get_by_label("Marc Durand (Père) — représentant légal").is_checked()
    page.get_by_label("Accord oral recueilli en entretien").check()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.get_by_text("Accord enregistré : Marc Durand (Père).").wait_for()
    assert page.locator("#accords svg.signature-trace").count() == 1
    screenshot("ppa-07-accords")

    # Validate: frozen.
    page.get_by_role("button", name="Valider le PPA").click()
    page.get_by_text("Version 1 du PPA validée").wait_for()
    assert not page.get_by_role("link", name="Modifier le contenu").count()
    screenshot("ppa-08-valide")

    # Avenant: a new draft with the same objectives; change the youth's words and one objective.
    page.get_by_role("link", name="Créer un avenant").click()
    page.get_by_label("Motif de l'avenant").fill("Demande d'Élodie : ajouter le sport.")
    page.get_by_role("button", name="Créer l'avenant").click()
    page.get_by_role("heading", name="PPA — version 2").wait_for()
    page.locator(".ppa-entete").get_by_role("link", name="Modifier le contenu").click()
    page.get_by_label("Attentes du jeune").fill("Je veux retourner au collège, avoir des copains et faire du foot.")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Contenu du PPA enregistré.").wait_for()
    page.locator(".ppa-entete").get_by_role("link", name="Ajouter un objectif").click()
    page.get_by_label("Titre de l'objectif").fill("Faire du sport en club")
    _pick(page, "Besoin SERAFIN-PH auquel répond l'objectif (1.x)", "vie sociale", "1.3.4.1")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Objectif ajouté.").wait_for()
    screenshot("ppa-09-avenant")

    # Compare version 1 and version 2.
    page.get_by_role("link", name="Comparer deux versions").click()
    page.get_by_role("heading", name="Comparer deux versions du PPA").wait_for()
    assert page.locator("ins", has_text="faire du foot").count() >= 1
    assert page.locator("article.objectif--ajoute", has_text="Faire du sport en club").count() == 1
    screenshot("ppa-10-comparer")

    with tenant_context(equipe["organisme"].pk):
        versions = {v.numero: v for v in PpaVersion.objects.filter(ppa__dossier=dossier)}
        assert versions[1].statut == StatutPpa.VALIDE and versions[2].statut == StatutPpa.EN_ELABORATION
        modes = dict(Accord.objects.filter(version=versions[1]).values_list("nom_signataire", "mode"))
        assert modes == {"Élodie Martin": "signature_tablette", "Claire Martin": "signature_scannee",
                         "Marc Durand": "oral"}  # fmt: skip
    assert not errors, errors
