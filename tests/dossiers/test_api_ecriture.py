"""Writes of the dossiers API on proches, documents and partenaires, through the services: personas (writer,
read-only colleague 403, other organisme 404, family and youth accounts 404, admin_organisme 403 on clinical data),
French 400 errors, audit rows, and list query counts that stay constant after writes."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.enums import AuditAction
from core.models import AuditEntry
from core.tenancy import tenant_context
from dossiers.models import Document, Partenaire, Proche
from dossiers.services.documents import document_create
from dossiers.services.famille import proche_save
from dossiers.services.parcours import dossier_archive, dossier_close_pre_admission
from tests import factories
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JSON = "application/json"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def dossier(world):
    return factories.dossier_accompagne(world.dispositif)


@pytest.fixture
def dossier_b(world):
    return factories.dossier_accompagne(world.dispositif_b)


def add_proche(dossier, **kwargs):
    with tenant_context(dossier.organisme_id):
        values = {"nom": "Durand", "lien": "MTH"} | kwargs
        return proche_save(proche=Proche(organisme_id=dossier.organisme_id, jeune=dossier.jeune, **values), actor=None)


def add_document(dossier, author, **kwargs):
    with tenant_context(dossier.organisme_id):
        return document_create(dossier=dossier, content=PDF, nom_fichier="bilan.pdf", type="bilan", titre="Bilan",
                               actor=author, **kwargs)  # fmt: skip


def audits(world, record_type, action):
    with tenant_context(world.organisme.pk):
        return list(AuditEntry.objects.filter(record_type=record_type, action=action).values_list("actor", flat=True))


# --- proches ------------------------------------------------------------------------------------------------------


def test_writer_creates_updates_and_removes_a_proche(client, world, login_as, dossier):
    login_as(world.educateur)
    data = {"jeune": dossier.jeune_id, "nom": "Benali", "prenom": "Samia", "lien": "MTH", "representant_legal": True,
            "telephone": "06 12 34 56 78", "acces_portail": True}  # fmt: skip
    response = client.post(reverse("proche-list"), data, content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["role"] == "GUARD" and body["lien_libelle"] and body["a_un_compte"] is False
    pk = body["id"]
    response = client.patch(reverse("proche-detail", args=[pk]), {"telephone": "07 00 00 00 00"}, content_type=JSON)
    assert response.status_code == 200 and response.json()["telephone"] == "07 00 00 00 00"
    # The youth of a proche never changes.
    other = factories.dossier_accompagne(world.dispositif)
    response = client.patch(reverse("proche-detail", args=[pk]), {"jeune": other.jeune_id}, content_type=JSON)
    assert response.status_code == 200 and response.json()["jeune"] == dossier.jeune_id
    second = add_proche(dossier, prenom="Karim", lien="FTH", representant_legal=True)
    assert client.delete(reverse("proche-detail", args=[pk])).status_code == 204
    with tenant_context(world.organisme.pk):
        assert list(Proche.objects.values_list("pk", flat=True)) == [second.pk]
        entries = AuditEntry.objects.filter(record_type="dossiers.proche", record_id=str(pk)).order_by("at", "id")
        assert list(entries.values_list("action", flat=True)) == ["create", "update", "delete"]
        assert entries[1].details == {"champs": ["telephone"]}


def test_last_representant_of_a_minor_stays_french_400(client, world, login_as, dossier):
    proche = add_proche(dossier, prenom="Nadia", representant_legal=True)
    login_as(world.educateur)
    url = reverse("proche-detail", args=[proche.pk])
    response = client.delete(url)
    assert response.status_code == 400
    assert "dernier représentant légal" in response.json()["non_field_errors"][0]
    response = client.patch(url, {"representant_legal": False}, content_type=JSON)
    assert response.status_code == 400 and "dernier représentant légal" in str(response.json())
    response = client.post(reverse("proche-list"), {"jeune": dossier.jeune_id, "nom": "X", "lien": "??"},
                           content_type=JSON)  # fmt: skip
    assert response.status_code == 400 and "lien" in response.json()
    response = client.post(reverse("proche-list"), {"jeune": dossier.jeune_id, "lien": "MTH"}, content_type=JSON)
    assert response.json() == {"nom": ["Ce champ est obligatoire."]}
    with tenant_context(world.organisme.pk):
        assert Proche.objects.get(pk=proche.pk).representant_legal is True


@pytest.mark.parametrize("persona", ["lecteur", "admin"])
def test_read_only_colleague_and_admin_cannot_write_proches(client, world, login_as, dossier, persona):
    proche = add_proche(dossier)
    login_as(getattr(world, persona))
    response = client.post(reverse("proche-list"), {"jeune": dossier.jeune_id, "nom": "X", "lien": "MTH"},
                           content_type=JSON)  # fmt: skip
    assert response.status_code == 403
    url = reverse("proche-detail", args=[proche.pk])
    assert client.patch(url, {"nom": "Y"}, content_type=JSON).status_code == 403
    assert client.delete(url).status_code == 403
    with tenant_context(world.organisme.pk):
        assert list(Proche.objects.values_list("nom", flat=True)) == ["Durand"]


def test_writer_of_another_dispositif_and_archived_dossier_get_403(client, world, login_as, dossier):
    other = factories.dossier_en_pre_admission(world.autre_dispositif)
    login_as(world.educateur)
    response = client.post(reverse("proche-list"), {"jeune": other.jeune_id, "nom": "X", "lien": "MTH"},
                           content_type=JSON)  # fmt: skip
    assert response.status_code == 403
    archived = factories.dossier_en_pre_admission(world.dispositif)
    with tenant_context(world.organisme.pk):
        dossier_close_pre_admission(dossier=archived, date=datetime.date(2025, 9, 10), issue="abandon", actor=None)
        dossier_archive(dossier=archived, actor=None)
    response = client.post(reverse("proche-list"), {"jeune": archived.jeune_id, "nom": "X", "lien": "MTH"},
                           content_type=JSON)  # fmt: skip
    assert response.status_code == 403


def test_other_organisme_gets_404_and_family_accounts_404(client, world, login_as, dossier):
    proche = add_proche(dossier)
    url = reverse("proche-detail", args=[proche.pk])
    login_as(world.autre_educateur)
    assert client.patch(url, {"nom": "Y"}, content_type=JSON).status_code == 404
    assert client.delete(url).status_code == 404
    response = client.post(reverse("proche-list"), {"jeune": dossier.jeune_id, "nom": "X", "lien": "MTH"},
                           content_type=JSON)  # fmt: skip
    assert response.status_code == 400  # another organisme's youth does not exist here
    assert "jeune" in response.json()
    for persona in ("proche", "jeune"):
        client.logout()
        login_as(getattr(world, persona))
        assert client.patch(url, {"nom": "Y"}, content_type=JSON).status_code == 404
        assert client.post(reverse("proche-list"), {}, content_type=JSON).status_code == 404
        assert client.post(reverse("document-list"), {}).status_code == 404
        assert client.post(reverse("partenaire-list"), {}, content_type=JSON).status_code == 404
    with tenant_context(world.organisme.pk):
        assert Proche.objects.get(pk=proche.pk).nom == "Durand"


# --- documents ----------------------------------------------------------------------------------------------------


def upload(client, dossier, content=PDF, name="bilan.pdf", **extra):
    data = {"dossier": dossier.pk, "fichier": SimpleUploadedFile(name, content, content_type="application/pdf"),
            "type": "bilan", "titre": "Bilan orthophonique", "date_document": "2026-01-15"} | extra  # fmt: skip
    return client.post(reverse("document-list"), data)  # multipart


def test_writer_uploads_a_document_in_multipart(client, world, login_as, dossier):
    login_as(world.educateur)
    response = upload(client, dossier, visibilite="partageable_famille", donnees_tiers="true")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == "application/pdf" and body["taille"] == len(PDF)
    assert body["visibilite"] == "partageable_famille" and body["donnees_tiers"] is True
    assert body["telechargement"].endswith(reverse("dossiers:document_download", kwargs={"pk": body["id"]}))
    with tenant_context(world.organisme.pk):
        document = Document.objects.get(pk=body["id"])
        assert document.uploaded_by_id == world.educateur.pk
        with document.fichier.open("rb") as stored:
            assert stored.read() == PDF
    assert audits(world, "dossiers.document", AuditAction.CREATE) == [world.educateur.pk]


def test_upload_checks_the_content_not_the_name(client, world, login_as, dossier):
    login_as(world.educateur)
    response = upload(client, dossier, content=b"MZ\x90\x00 not a pdf at all", name="rapport.pdf")
    assert response.status_code == 400
    assert "Ce type de fichier n'est pas accepté" in response.json()["fichier"][0]
    response = upload(client, dossier, type="inconnu")
    assert response.status_code == 400 and "type" in response.json()
    with tenant_context(world.organisme.pk):
        assert not Document.objects.exists()


@pytest.mark.parametrize("persona", ["lecteur", "admin"])
def test_read_only_colleague_and_admin_cannot_upload_or_edit(client, world, login_as, dossier, persona):
    document = add_document(dossier, world.educateur)
    login_as(getattr(world, persona))
    assert upload(client, dossier).status_code == 403
    url = reverse("document-detail", args=[document.pk])
    assert client.patch(url, {"titre": "X"}, content_type=JSON).status_code == 403
    with tenant_context(world.organisme.pk):
        assert Document.objects.count() == 1


def test_other_organisme_gets_404_on_documents(client, world, login_as, dossier, dossier_b):
    document = add_document(dossier, world.educateur)
    login_as(world.autre_educateur)
    url = reverse("document-detail", args=[document.pk])
    assert client.patch(url, {"titre": "X"}, content_type=JSON).status_code == 404
    response = upload(client, dossier)
    assert response.status_code == 400 and "dossier" in response.json()
    assert upload(client, dossier_b).status_code == 201  # their own organisme's dossier


def test_metadata_update_and_confidential_documents(client, world, login_as, dossier):
    document = add_document(dossier, world.educateur)
    soin = add_document(dossier, world.psychologue, visibilite="confidentiel_soin")
    login_as(world.educateur)
    url = reverse("document-detail", args=[document.pk])
    response = client.patch(url, {"titre": "Bilan 2026", "judiciaire": True, "visibilite": "partageable_famille"},
                            content_type=JSON)  # fmt: skip
    assert response.status_code == 200, response.content
    assert (response.json()["titre"], response.json()["judiciaire"]) == ("Bilan 2026", True)
    response = client.patch(url, {"visibilite": "secret"}, content_type=JSON)
    assert response.status_code == 400 and "visibilite" in response.json()
    # Confidentiel soin: neither readable nor editable by an educator who did not upload it.
    assert (
        client.patch(reverse("document-detail", args=[soin.pk]), {"titre": "X"}, content_type=JSON).status_code == 403
    )
    client.logout()
    login_as(world.psychologue)
    response = client.patch(reverse("document-detail", args=[soin.pk]), {"visibilite": "equipe"}, content_type=JSON)
    assert response.status_code == 200
    with tenant_context(world.organisme.pk):
        entry = AuditEntry.objects.filter(record_type="dossiers.document", record_id=str(document.pk),
                                          action=AuditAction.UPDATE).get()  # fmt: skip
        assert entry.details["champs"] == ["judiciaire", "titre", "visibilite"]


def test_metadata_of_a_family_upload_waits_for_validation(client, world, login_as, dossier):
    pending = add_document(dossier, world.educateur, source="famille", statut="a_valider")
    login_as(world.educateur)
    response = client.patch(reverse("document-detail", args=[pending.pk]), {"titre": "X"}, content_type=JSON)
    assert response.status_code == 400
    assert "validez-le d'abord" in response.json()["non_field_errors"][0]


# --- partenaires --------------------------------------------------------------------------------------------------


def test_direction_and_admin_edit_the_partners_directory(client, world, login_as):
    login_as(world.direction)
    data = {"nom": "Collège Jean Moulin", "type": "education_nationale", "ref": "college-moulin",
            "email": "ce.0310001a@ac-toulouse.fr"}  # fmt: skip
    response = client.post(reverse("partenaire-list"), data, content_type=JSON)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["intervenants"] == []
    response = client.post(reverse("partenaire-list"), data | {"nom": "Autre"}, content_type=JSON)
    assert response.status_code == 400
    assert response.json() == {"ref": ["Un autre partenaire de l'organisme a déjà cette référence externe."]}
    response = client.post(reverse("partenaire-list"), {"nom": "X", "type": "x"}, content_type=JSON)
    assert response.status_code == 400 and "type" in response.json()
    client.logout()
    login_as(world.admin)  # the directory is not clinical: the organisme's administrator keeps it too
    response = client.patch(reverse("partenaire-detail", args=[pk]), {"is_active": False}, content_type=JSON)
    assert response.status_code == 200 and response.json()["is_active"] is False
    with tenant_context(world.organisme.pk):
        assert Partenaire.objects.get(pk=pk).is_active is False
    assert audits(world, "dossiers.partenaire", AuditAction.CREATE) == [world.direction.pk]
    assert audits(world, "dossiers.partenaire", AuditAction.UPDATE) == [world.admin.pk]


@pytest.mark.parametrize("persona", ["educateur", "lecteur"])
def test_team_members_cannot_edit_the_directory(client, world, login_as, persona):
    partenaire = factories.PartenaireFactory(organisme=world.organisme)
    login_as(getattr(world, persona))
    assert (
        client.post(reverse("partenaire-list"), {"nom": "X", "type": "sanitaire"}, content_type=JSON).status_code
        == 403
    )
    url = reverse("partenaire-detail", args=[partenaire.pk])
    assert client.patch(url, {"nom": "Y"}, content_type=JSON).status_code == 403


def test_other_organisme_gets_404_on_partners(client, world, login_as):
    partenaire = factories.PartenaireFactory(organisme=world.organisme)
    other_direction = factories.professionnel(world.dispositif_b, "direction", email="direction@b.org")
    login_as(other_direction)
    assert client.patch(reverse("partenaire-detail", args=[partenaire.pk]), {"nom": "Y"},
                        content_type=JSON).status_code == 404  # fmt: skip


# --- query counts -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["educateur", "direction"])
def test_lists_stay_constant_after_api_writes(client, world, login_as, persona):
    login_as(getattr(world, persona))
    names = ["proche-list", "document-list", "partenaire-list"]

    def add_rows(n):
        writer = world.direction
        for i in range(n):
            dossier = factories.dossier_accompagne(world.dispositif)
            add_proche(dossier, prenom=f"P{i}")
            add_document(dossier, writer)
            factories.PartenaireFactory(organisme=world.organisme)

    def measure():
        return {name: count_queries(lambda name=name: client.get(reverse(name))) for name in names}

    add_rows(1)
    few = measure()
    add_rows(49)
    assert measure() == few
    assert client.get(reverse("proche-list")).json()["count"] == 50
