"""Document templates: restricted syntax checked at save time, direction-only pages, default templates, and the
"produire" action of the documents tab (PDF stored in the dossier)."""

import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditEntry
from core.tenancy import tenant_context
from dossiers.models import Document, ModeleDocument, Proche
from dossiers.services.modeles import (
    DEFAULT_MODELES,
    fill_context,
    modeles_par_defaut,
    render_corps,
    validate_corps,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- The restricted syntax ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("corps", "message"),
    [
        ("{% load static %}", "La balise {% load %} n'est pas autorisée"),
        ('{% include "base.html" %}', "La balise {% include %} n'est pas autorisée"),
        ('{% extends "base.html" %}', "La balise {% extends %} n'est pas autorisée"),
        ("{% autoescape off %}x{% endautoescape %}", "La balise {% autoescape %}"),
        ("{% debug %}", "La balise {% debug %}"),
        ("{{ jeune.prenom|safe }}", "Le filtre « safe » n'est pas autorisé"),
        ("{{ jeune.prenon }}", "Champ inconnu dans le modèle : « jeune.prenon »"),
        ("{{ mot_de_passe }}", "« mot_de_passe »"),
        ("{% if jeune.prenom %}ok{% else %}{{ jeune.inconnu }}{% endif %}", "« jeune.inconnu »"),
        ("{% for p in representants_legaux %}{{ p.salaire }}{% endfor %}", "« representants_legaux.salaire »"),
        ("{% for p in representants_legaux %}{% empty %}{{ rien }}{% endfor %}", "« rien »"),
        ("{{ jeune.items }}", "« jeune.items »"),
        ("{{ jeune.__class__ }}", "erreur de syntaxe"),
        ("{% if %}", "erreur de syntaxe"),
    ],
)
def test_invalid_bodies_are_refused_in_french(corps, message):
    with pytest.raises(ValidationError) as excinfo:
        validate_corps(corps)
    assert message in " ".join(excinfo.value.message_dict["corps"])


def test_valid_body_and_default_templates_pass():
    validate_corps("{{ jeune.prenom|upper }} {% for p in representants_legaux %}{{ p.nom }}{% endfor %} {% now 'Y' %}")
    for spec in DEFAULT_MODELES:
        validate_corps(spec["corps"])


def test_values_are_escaped():
    html = render_corps("<p>{{ jeune.prenom }}</p>", {"jeune": {"prenom": "<script>alert(1)</script>"}})
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_fill_context_has_the_sample_keys(world, tenant_a):
    from dossiers.services.modeles import SAMPLE_CONTEXT

    dossier = factories.dossier_accompagne(world.dispositif)
    Proche.objects.create(organisme=world.organisme, jeune=dossier.jeune, nom="Durand", prenom="Ana", lien="MTH",
                          representant_legal=True)  # fmt: skip
    context = fill_context(dossier, actor=world.educateur)
    assert context.keys() == SAMPLE_CONTEXT.keys()
    for key, value in SAMPLE_CONTEXT.items():
        if isinstance(value, dict):
            assert context[key].keys() == value.keys(), key
    assert context["representants_legaux"][0]["lien"] == "Mère"
    assert context["dossier"]["date_admission"] == "01/10/2025"
    assert context["dispositif"]["nom"] == "DITEP Les Pins"


# --- Pages (direction only) ------------------------------------------------------------------------------------------


def test_list_offers_defaults_then_creates_them(world, login_as):
    client = login_as(world.direction)
    html = client.get(reverse("dossiers:modele_list")).content.decode()
    assert "Créer les modèles par défaut" in html
    assert client.post(reverse("dossiers:modele_defaults")).status_code == 302
    with tenant_context(world.organisme.pk):
        assert set(ModeleDocument.objects.values_list("nom", flat=True)) == {
            "Fiche de liaison", "Contrat de séjour", "Attestation de prise en charge",
        }  # fmt: skip
        assert AuditEntry.objects.filter(record_type="dossiers.modeledocument", action="create").count() == 3
        # idempotent
        assert modeles_par_defaut(organisme_id=world.organisme.pk, actor=world.direction) == []
    html = client.get(reverse("dossiers:modele_list")).content.decode()
    assert "Créer les modèles par défaut" not in html and "Contrat de séjour" in html


def test_create_and_edit(world, login_as):
    client = login_as(world.direction)
    data = {"nom": "Courrier", "type": "courrier", "corps": "<p>Bonjour {{ jeune.prenon }}</p>", "is_active": "on"}
    response = client.post(reverse("dossiers:modele_create"), data)
    assert response.status_code == 200
    assert "Champ inconnu dans le modèle" in response.content.decode()
    data["corps"] = "<p>Bonjour {{ jeune.prenom }}</p>"
    assert client.post(reverse("dossiers:modele_create"), data).status_code == 302
    with tenant_context(world.organisme.pk):
        modele = ModeleDocument.objects.get()
        assert modele.updated_by == world.direction and modele.organisme == world.organisme
    data["corps"] = "{% load static %}"
    response = client.post(reverse("dossiers:modele_edit", args=[modele.pk]), data)
    assert "n&#x27;est pas autorisée" in response.content.decode()
    data["nom"], data["corps"] = "Courrier aux parents", "<p>Madame, Monsieur,</p>"
    assert client.post(reverse("dossiers:modele_edit", args=[modele.pk]), data).status_code == 302
    with tenant_context(world.organisme.pk):
        modele.refresh_from_db()
        assert modele.nom == "Courrier aux parents"
        assert AuditEntry.objects.filter(record_type="dossiers.modeledocument", action="update").count() == 1


def test_pages_personas(world, login_as, client):
    with tenant_context(world.organisme.pk):
        modele = ModeleDocument.objects.create(organisme=world.organisme, nom="X", type="autre", corps="x")
    urls = [reverse("dossiers:modele_list"), reverse("dossiers:modele_create"),
            reverse("dossiers:modele_edit", args=[modele.pk])]  # fmt: skip
    for user, status in ((world.educateur, 403), (world.psychologue, 403), (world.admin, 403), (world.proche, 404)):
        client.logout()
        login_as(user)
        for url in urls:
            assert client.get(url).status_code == status, (user.email, url)
        assert client.post(reverse("dossiers:modele_defaults")).status_code == status
    client.logout()
    other_direction = factories.professionnel(world.dispositif_b, "direction", email="dir@b.org")
    assert login_as(other_direction).get(reverse("dossiers:modele_edit", args=[modele.pk])).status_code == 404


# --- Produce a PDF from the documents tab --------------------------------------------------------------------------


def test_produce_pdf_stored_in_dossier(world, login_as, tmp_path):
    dossier = factories.dossier_accompagne(
        world.dispositif, jeune=factories.JeuneFactory(organisme=world.organisme, prenom="Inès", nom_naissance="Roy")
    )
    with tenant_context(world.organisme.pk):
        modeles_par_defaut(organisme_id=world.organisme.pk, actor=world.direction)
        modele = ModeleDocument.objects.get(nom="Attestation de prise en charge")
    client = login_as(world.educateur)
    assert "Produire depuis un modèle" in client.get(reverse("dossiers:documents", args=[dossier.pk])).content.decode()
    url = reverse("dossiers:document_produire", args=[dossier.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"modele": modele.pk, "visibilite": "equipe"})
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        document = Document.objects.get(dossier=dossier)
        assert (document.source, document.type, document.content_type) == ("genere", "attestation", "application/pdf")
        assert document.nom_fichier.startswith("attestation-de-prise-en-charge-roy-")
        assert AuditEntry.objects.filter(action="create", record_id=str(document.pk)).exists()
        with document.fichier.open("rb") as f:
            pdf = f.read()
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        path = tmp_path / "check.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
        assert "Inès Roy" in text and "DITEP Les Pins" in text


def test_produce_personas(world, login_as, client):
    dossier = factories.dossier_accompagne(world.dispositif)
    with tenant_context(world.organisme.pk):
        modele = ModeleDocument.objects.create(organisme=world.organisme, nom="X", type="autre", corps="<p>x</p>")
    url = reverse("dossiers:document_produire", args=[dossier.pk])
    data = {"modele": modele.pk, "visibilite": "equipe"}
    assert login_as(world.lecteur).post(url, data).status_code == 403
    client.logout()
    assert login_as(world.autre_educateur).post(url, data).status_code == 404
    client.logout()
    assert login_as(world.proche).post(url, data).status_code == 404
    client.logout()
    # An inactive template or another organisme's is not offered.
    with tenant_context(world.organisme.pk):
        ModeleDocument.objects.filter(pk=modele.pk).update(is_active=False)
    response = login_as(world.educateur).post(url, data)
    assert response.status_code == 200 and "Sélectionnez un choix valide" in response.content.decode()
    with tenant_context(world.organisme.pk):
        assert not Document.objects.exists()


def test_list_query_count_is_constant(world, login_as):
    from tests.helpers import assert_constant_queries

    client = login_as(world.direction)

    def add_rows(n):
        with tenant_context(world.organisme.pk):
            for i in range(n):
                ModeleDocument.objects.create(
                    organisme=world.organisme, nom=f"M{i}-{n}", type="autre", corps="x", updated_by=world.direction
                )

    assert_constant_queries(lambda: client.get(reverse("dossiers:modele_list")), add_rows)
