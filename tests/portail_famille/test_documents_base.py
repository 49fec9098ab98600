"""Documents on the portal: shared ones (partageable_famille, classified) for every account of the youth; uploads
checked by content, to the team's inbox, visible to their author only; downloads audited; constant query count."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.enums import Visibilite
from core.models import AuditEntry
from core.tenancy import tenant_context
from dossiers.models import Document
from tests.fixtures import login
from tests.helpers import assert_constant_queries
from tests.portail_famille.helpers_base import PDF, document_partage


def liste(pw, jeune=None):
    return reverse("portail:documents", args=[(jeune or pw.jeune_a).pk])


def upload(client, pw, titre="Certificat", content=PDF, name="certificat.pdf", type="certificat_medical"):
    return client.post(liste(pw), {"type": type, "titre": titre, "fichier": SimpleUploadedFile(name, content)})


def test_shared_documents_only(client, pw):
    document_partage(pw, pw.dossier_a, titre="Emploi du temps")
    document_partage(pw, pw.dossier_a, titre="Bilan interne", visibilite=Visibilite.EQUIPE)
    document_partage(pw, pw.dossier_b, titre="Document de B")
    for user in (pw.mere, pw.ado):
        login(client, user)
        body = client.get(liste(pw)).content.decode()
        assert "Emploi du temps" in body
        assert "Bilan interne" not in body and "Document de B" not in body


def test_upload_lands_in_inbox_and_is_private_to_its_author(client, pw):
    login(client, pw.mere)
    response = upload(client, pw, titre="Certificat de la mère")
    assert response.status_code == 302
    with tenant_context(pw.organisme.pk):
        doc = Document.objects.get(titre="Certificat de la mère")
        assert (doc.source, doc.statut, doc.visibilite, doc.uploaded_by_id) == (
            "famille", "a_valider", "equipe", pw.mere.pk,
        )  # fmt: skip
    assert "Certificat de la mère" in client.get(liste(pw)).content.decode()
    response = client.get(reverse("portail:document", args=[pw.jeune_a.pk, doc.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    for other in (pw.pere, pw.ado):
        login(client, other)
        assert "Certificat de la mère" not in client.get(liste(pw)).content.decode()
        assert client.get(reverse("portail:document", args=[pw.jeune_a.pk, doc.pk])).status_code == 404
    login(client, pw.educateur)
    inbox = client.get(reverse("dossiers:documents", args=[pw.dossier_a.pk])).content.decode()
    assert "Certificat de la mère" in inbox


def test_upload_refuses_wrong_content_in_french_and_writes_nothing(client, pw):
    login(client, pw.mere)
    response = upload(client, pw, content=b"MZ\x90\x00 not a document", name="virus.pdf")
    assert response.status_code == 200
    assert "pas accepté. Formats acceptés" in response.content.decode()
    response = upload(client, pw, type="decision_judiciaire")
    assert "Sélectionnez un choix valide" in response.content.decode()
    with tenant_context(pw.organisme.pk):
        assert not Document.objects.filter(source="famille").exists()


def test_upload_without_the_right_404(client, pw):
    with tenant_context(pw.organisme.pk):
        pw.acces_pere.deposer_documents = False
        pw.acces_pere.save()
    login(client, pw.pere)
    assert upload(client, pw).status_code == 404
    assert client.get(liste(pw)).status_code == 200  # still reads the shared ones


def test_download_audited_and_isolated(client, pw):
    doc = document_partage(pw, pw.dossier_a)
    doc_b = document_partage(pw, pw.dossier_b)
    doc_c = document_partage(pw, pw.dossier_c)
    login(client, pw.mere)
    response = client.get(reverse("portail:document", args=[pw.jeune_a.pk, doc.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    with tenant_context(pw.organisme.pk):
        assert AuditEntry.objects.filter(actor=pw.mere, action="read", record_id=str(doc.pk)).exists()
    for jeune, d in ((pw.jeune_a, doc_b), (pw.jeune_b, doc_b), (pw.jeune_a, doc_c), (pw.jeune_c, doc_c)):
        assert client.get(reverse("portail:document", args=[jeune.pk, d.pk])).status_code == 404
    login(client, pw.suspendu)
    assert client.get(reverse("portail:document", args=[pw.jeune_a.pk, doc.pk])).status_code == 404


def test_documents_list_constant_queries(client, pw):
    login(client, pw.mere)
    client.get(liste(pw))

    def add(n):
        for i in range(n):
            document_partage(pw, pw.dossier_a, titre=f"Partagé {i}")
            with tenant_context(pw.organisme.pk):
                from dossiers.services.documents import document_create

                document_create(dossier=pw.dossier_a, content=PDF, nom_fichier="x.pdf", type="attestation",
                                titre=f"Envoi {i}", actor=pw.mere, source="famille", statut="a_valider")  # fmt: skip

    assert_constant_queries(lambda: client.get(liste(pw)), add, few=1, many=10)
