"""The documents tab: list (confidentiel_soin hidden), upload, family inbox, permission-checked download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from core.tenancy import tenant_context
from dossiers.models import Document
from dossiers.services.documents import document_create
from tests import factories
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 40


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def dossier(world):
    return factories.dossier_accompagne(world.dispositif)


def make_doc(dossier, actor, **kwargs):
    kwargs.setdefault("titre", "Bilan orthophonique")
    with tenant_context(dossier.organisme_id):
        return document_create(
            dossier=dossier, content=PDF, nom_fichier="bilan.pdf", type=kwargs.pop("type", "bilan"), actor=actor,
            **kwargs,
        )  # fmt: skip


def tab_url(dossier):
    return reverse("dossiers:documents", args=[dossier.pk])


def download_url(document):
    return reverse("dossiers:document_download", args=[document.pk])


# --- List --------------------------------------------------------------------------------------------------------


def test_list_shows_documents_and_flags(world, login_as, dossier):
    make_doc(dossier, world.educateur, titre="Jugement", judiciaire=True, donnees_tiers=True)
    response = login_as(world.lecteur).get(tab_url(dossier))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Jugement" in html and "Judiciaire" in html and "Données de tiers" in html
    assert 'aria-current="page">Documents' in html
    assert "Ajouter un document" not in html  # read-only colleague


def test_confidentiel_soin_hidden_from_non_care_metiers_except_uploader(world, login_as, client, dossier):
    make_doc(dossier, world.psychologue, titre="Compte rendu psy", visibilite="confidentiel_soin")
    make_doc(dossier, world.educateur, titre="Note éduc confidentielle", visibilite="confidentiel_soin")
    html = login_as(world.lecteur).get(tab_url(dossier)).content.decode()
    assert "Compte rendu psy" not in html and "Note éduc confidentielle" not in html
    client.logout()
    html = login_as(world.educateur).get(tab_url(dossier)).content.decode()
    assert "Compte rendu psy" not in html and "Note éduc confidentielle" in html  # their own upload
    client.logout()
    html = login_as(world.psychologue).get(tab_url(dossier)).content.decode()
    assert "Compte rendu psy" in html and "Note éduc confidentielle" in html


def test_list_personas(world, login_as, client, dossier):
    assert login_as(world.autre_educateur).get(tab_url(dossier)).status_code == 404
    client.logout()
    assert login_as(world.admin).get(tab_url(dossier)).status_code == 403
    client.logout()
    assert login_as(world.proche).get(tab_url(dossier)).status_code == 404
    client.logout()
    assert login_as(world.jeune).get(tab_url(dossier)).status_code == 404


def test_list_query_count_is_constant(world, login_as, dossier):
    client = login_as(world.educateur)

    def add_rows(n):
        for i in range(n):
            make_doc(dossier, world.educateur, titre=f"Doc {i}")
        with tenant_context(world.organisme.pk):
            doc = Document.objects.filter(dossier=dossier).first()
            Document.objects.filter(pk=doc.pk).update(source="famille", statut="a_valider")

    assert_constant_queries(lambda: client.get(tab_url(dossier)), add_rows)


# --- Upload --------------------------------------------------------------------------------------------------------


def upload_data(content=PDF, name="bilan.pdf", **extra):
    data = {"fichier": SimpleUploadedFile(name, content), "type": "bilan", "titre": "Bilan psychomoteur",
            "date_document": "2025-10-02", "visibilite": "equipe"}  # fmt: skip
    data.update(extra)
    return data


def test_upload_stores_and_audits(world, login_as, dossier):
    response = login_as(world.educateur).post(
        reverse("dossiers:document_upload", args=[dossier.pk]), upload_data(PNG, "photo.png", judiciaire="on")
    )
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        doc = Document.objects.get(dossier=dossier)
        assert doc.content_type == "image/png" and doc.judiciaire and doc.nom_fichier == "photo.png"
        assert AuditEntry.objects.filter(action="create", record_type="dossiers.document").count() == 1


def test_upload_bad_type_french_error_nothing_written(world, login_as, dossier, tmp_path):
    response = login_as(world.educateur).post(
        reverse("dossiers:document_upload", args=[dossier.pk]), upload_data(b"MZ\x90\x00" + b"\0" * 60, "x.pdf")
    )
    assert response.status_code == 200
    assert "Ce type de fichier n&#x27;est pas accepté" in response.content.decode()
    with tenant_context(world.organisme.pk):
        assert not Document.objects.filter(dossier=dossier).exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_upload_too_big_french_error(world, login_as, dossier, monkeypatch):
    monkeypatch.setattr("dossiers.forms.documents.MAX_SIZE", 10)
    response = login_as(world.educateur).post(reverse("dossiers:document_upload", args=[dossier.pk]), upload_data())
    assert "dépasse la taille maximale" in response.content.decode()


def test_upload_personas(world, login_as, client, dossier):
    url = reverse("dossiers:document_upload", args=[dossier.pk])
    assert login_as(world.lecteur).post(url, upload_data()).status_code == 403
    client.logout()
    assert login_as(world.autre_educateur).post(url, upload_data()).status_code == 404
    client.logout()
    assert login_as(world.proche).post(url, upload_data()).status_code == 404
    with tenant_context(world.organisme.pk):
        assert not Document.objects.exists()


# --- Download ------------------------------------------------------------------------------------------------------


def test_download_is_attachment_nosniff_and_audited(world, login_as, dossier):
    doc = make_doc(dossier, world.educateur)
    response = login_as(world.lecteur).get(download_url(doc))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # read after the request transaction: no database needed
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="bilan.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    with tenant_context(world.organisme.pk):
        reads = AuditEntry.objects.filter(action="read", record_type="dossiers.document")
        assert reads.filter(record_id=str(doc.pk)).count() == 1


def test_download_permissions(world, login_as, client, dossier):
    doc = make_doc(dossier, world.psychologue, visibilite="confidentiel_soin")
    assert login_as(world.autre_educateur).get(download_url(doc)).status_code == 404
    client.logout()
    assert login_as(world.educateur).get(download_url(doc)).status_code == 403  # non-care métier
    client.logout()
    assert login_as(world.proche).get(download_url(doc)).status_code == 404  # family account
    client.logout()
    assert login_as(world.jeune).get(download_url(doc)).status_code == 404
    client.logout()
    assert login_as(world.admin).get(download_url(doc)).status_code == 403
    client.logout()
    response = login_as(world.psychologue).get(download_url(doc))
    assert response.status_code == 200
    response.close()  # the file handle of the FileResponse


def test_download_restricted_dossier_refused(world, login_as, dossier):
    doc = make_doc(dossier, world.educateur)
    with tenant_context(world.organisme.pk):
        type(dossier).objects.filter(pk=dossier.pk).update(est_restreint=True)
    assert login_as(world.lecteur).get(download_url(doc)).status_code == 403


# --- Family inbox ---------------------------------------------------------------------------------------------------


def family_doc(dossier, world):
    return make_doc(dossier, world.proche, titre="Attestation d'assurance", source="famille", statut="a_valider",
                    type="autre")  # fmt: skip


def test_inbox_validate(world, login_as, dossier):
    doc = family_doc(dossier, world)
    client = login_as(world.educateur)
    html = client.get(tab_url(dossier)).content.decode()
    assert "À valider" in html and "Attestation d&#x27;assurance" in html
    response = client.post(
        reverse("dossiers:document_valider", args=[doc.pk]), {"type": "assurance", "visibilite": "partageable_famille"}
    )
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        doc.refresh_from_db()
        assert (doc.statut, doc.type, doc.visibilite) == ("valide", "assurance", "partageable_famille")
        assert AuditEntry.objects.filter(
            action="update", record_type="dossiers.document", record_id=str(doc.pk)
        ).exists()


def test_inbox_refuse(world, login_as, dossier):
    doc = family_doc(dossier, world)
    client = login_as(world.educateur)
    response = client.post(reverse("dossiers:document_refuser", args=[doc.pk]), {"motif": "Mauvais jeune"})
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        doc.refresh_from_db()
        assert doc.statut == "refuse"
        entry = AuditEntry.objects.get(action="update", record_type="dossiers.document", record_id=str(doc.pk))
        assert entry.details["motif"] == "Mauvais jeune"
    response = client.get(tab_url(dossier))
    assert response.context["a_valider"] == [] and response.context["documents"] == []


def test_inbox_personas(world, login_as, client, dossier):
    doc = family_doc(dossier, world)
    url = reverse("dossiers:document_valider", args=[doc.pk])
    data = {"type": "assurance", "visibilite": "equipe"}
    assert login_as(world.lecteur).post(url, data).status_code == 403
    client.logout()
    assert login_as(world.autre_educateur).post(url, data).status_code == 404
    client.logout()
    assert login_as(world.proche).post(url, data).status_code == 404
    assert login_as(world.educateur).get(url).status_code == 405
    with tenant_context(world.organisme.pk):
        doc.refresh_from_db()
        assert doc.statut == "a_valider"


def test_validating_twice_is_refused_in_french(world, login_as, dossier):
    doc = family_doc(dossier, world)
    client = login_as(world.educateur)
    url = reverse("dossiers:document_valider", args=[doc.pk])
    client.post(url, {"type": "assurance", "visibilite": "equipe"})
    response = client.post(url, {"type": "assurance", "visibilite": "equipe"}, follow=True)
    assert "pas en attente de validation" in response.content.decode()


def test_archived_dossier_is_read_only(world, login_as, dossier):
    make_doc(dossier, world.educateur, titre="Ancien bilan")
    with tenant_context(world.organisme.pk):
        type(dossier).objects.filter(pk=dossier.pk).update(archived_at=timezone.now())
    client = login_as(world.educateur)
    html = client.get(tab_url(dossier)).content.decode()
    assert "Ancien bilan" in html and "Ajouter un document" not in html and "archive" in html
    assert client.post(reverse("dossiers:document_upload", args=[dossier.pk]), upload_data()).status_code == 403


def test_restricted_dossier_tab_shows_break_glass_page(world, login_as, dossier):
    with tenant_context(world.organisme.pk):
        type(dossier).objects.filter(pk=dossier.pk).update(est_restreint=True)
    assert login_as(world.lecteur).get(tab_url(dossier)).status_code == 403


def test_inbox_hidden_from_read_only_colleague(world, login_as, dossier):
    family_doc(dossier, world)
    html = login_as(world.lecteur).get(tab_url(dossier)).content.decode()
    assert "À valider" not in html
