"""Attachments of a transmission: upload on a draft by its author (checked by content), permission-checked audited
download, removal; fixed once validated (service and database trigger)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.utils import IntegrityError
from django.urls import reverse

from core.models import AuditEntry
from core.tenancy import tenant_context
from transmissions.models import PieceJointe
from transmissions.services import transmission_create_draft, transmission_validate
from transmissions.services_extras import piece_jointe_add, piece_jointe_remove

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _status(client, url) -> int:
    response = client.get(url)
    _close(response)
    return response.status_code


def _close(response) -> None:
    # A FileResponse holds the stored file open: consuming it through the test client's wrapper closes it (a bare
    # ``response.close()`` would also close the test's database connection through request_finished).
    if response.streaming:
        b"".join(response.streaming_content)


def _draft(tw, auteur=None, **kwargs):
    with tenant_context(tw.organisme.pk):
        return transmission_create_draft(
            auteur=auteur or tw.educateur, dispositif=tw.dispositif, categorie=tw.categories["sante"],
            jeunes=[tw.jeune], texte="Ordonnance jointe", **kwargs,
        )  # fmt: skip


def _with_piece(tw, validate=True, **kwargs):
    t = _draft(tw, **kwargs)
    with tenant_context(tw.organisme.pk):
        piece = piece_jointe_add(transmission=t, content=PDF, nom_fichier="ordonnance.pdf", by=tw.educateur)
        if validate:
            transmission_validate(transmission=t, by=tw.educateur)
    return t, piece


def test_upload_on_draft_by_author(tw, login_as):
    t = _draft(tw)
    client = login_as(tw.educateur)
    url = reverse("transmissions:piece_jointe_add", args=[t.pk])
    response = client.post(url, {"fichier": SimpleUploadedFile("bilan.pdf", PDF, "application/pdf")})
    assert response.status_code == 302
    with tenant_context(tw.organisme.pk):
        piece = PieceJointe.objects.get(transmission=t)
        assert (piece.nom_fichier, piece.content_type, piece.taille) == ("bilan.pdf", "application/pdf", len(PDF))
        assert AuditEntry.objects.filter(record_type="transmissions.piecejointe", action="create").exists()
    # Content checked, not the name: a text file called .pdf is refused with a French message.
    response = client.post(url, {"fichier": SimpleUploadedFile("faux.pdf", b"hello", "application/pdf")}, follow=True)
    assert "Ce type de fichier n&#x27;est pas accepté" in response.content.decode()


@pytest.mark.parametrize("persona", ["lecteur", "psychologue"])
def test_upload_by_other_than_author_refused(tw, login_as, persona):
    t = _draft(tw)
    url = reverse("transmissions:piece_jointe_add", args=[t.pk])
    response = login_as(getattr(tw, persona)).post(url, {"fichier": SimpleUploadedFile("b.pdf", PDF)})
    assert response.status_code == 403  # another user's draft is not even readable


def test_upload_other_organisme_404_and_portal_404(tw, login_as, client):
    t = _draft(tw)
    url = reverse("transmissions:piece_jointe_add", args=[t.pk])
    assert login_as(tw.autre_educateur).post(url, {"fichier": SimpleUploadedFile("b.pdf", PDF)}).status_code == 404
    client.logout()
    assert login_as(tw.w.proche).post(url, {"fichier": SimpleUploadedFile("b.pdf", PDF)}).status_code == 404


def test_download_permission_and_audit(tw, login_as, client):
    _, piece = _with_piece(tw)
    url = reverse("transmissions:piece_jointe_download", args=[piece.pk])
    response = login_as(tw.lecteur).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    with tenant_context(tw.organisme.pk):
        assert AuditEntry.objects.filter(record_type="transmissions.piecejointe", action="read",
                                         actor=tw.lecteur).count() == 1  # fmt: skip
    client.logout()
    assert _status(login_as(tw.admin), url) == 403  # no clinical content
    client.logout()
    assert _status(login_as(tw.autre_educateur), url) == 404
    client.logout()
    assert _status(login_as(tw.w.jeune), url) == 404


def test_confidential_attachment_only_for_care_and_author(tw, login_as, client):
    _, piece = _with_piece(tw, visibilite="confidentiel_soin")
    url = reverse("transmissions:piece_jointe_download", args=[piece.pk])
    assert _status(login_as(tw.lecteur), url) == 403
    client.logout()
    assert _status(login_as(tw.psychologue), url) == 200
    client.logout()
    assert _status(login_as(tw.educateur), url) == 200  # the author


def test_draft_attachment_hidden_from_colleagues(tw, login_as):
    _, piece = _with_piece(tw, validate=False)
    url = reverse("transmissions:piece_jointe_download", args=[piece.pk])
    assert _status(login_as(tw.lecteur), url) == 403


def test_remove_on_draft_then_fixed_once_validated(tw, login_as):
    t, piece = _with_piece(tw, validate=False)
    client = login_as(tw.educateur)
    assert client.post(reverse("transmissions:piece_jointe_delete", args=[piece.pk])).status_code == 302
    with tenant_context(tw.organisme.pk):
        assert not PieceJointe.objects.filter(pk=piece.pk).exists()
        piece = piece_jointe_add(transmission=t, content=PDF, nom_fichier="b.pdf", by=tw.educateur)
        transmission_validate(transmission=t, by=tw.educateur)
        with pytest.raises(ValidationError):
            piece_jointe_add(transmission=t, content=PDF, nom_fichier="c.pdf", by=tw.educateur)
        with pytest.raises(ValidationError):
            piece_jointe_remove(piece=piece, by=tw.educateur)
    # The view answers 403: a validated transmission is not writable.
    assert client.post(reverse("transmissions:piece_jointe_delete", args=[piece.pk])).status_code == 403


def test_database_refuses_changes_to_attachments_of_validated(tw):
    _, piece = _with_piece(tw)
    with tenant_context(tw.organisme.pk):
        for sql in (
            "UPDATE transmissions_piecejointe SET nom_fichier = 'x' WHERE id = %s",
            "DELETE FROM transmissions_piecejointe WHERE id = %s",
        ):
            with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [piece.pk])
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO transmissions_piecejointe (organisme_id, transmission_id, fichier, nom_fichier,"
                " content_type, taille, sha256, created_at) SELECT organisme_id, transmission_id, fichier, 'y',"
                " content_type, taille, sha256, now() FROM transmissions_piecejointe WHERE id = %s",
                [piece.pk],
            )


def test_service_refuses_non_author(tw):
    t = _draft(tw)
    with tenant_context(tw.organisme.pk), pytest.raises(PermissionDenied):
        piece_jointe_add(transmission=t, content=PDF, nom_fichier="b.pdf", by=tw.direction)


def test_detail_page_shows_attachments_and_actions(tw, login_as, client):
    draft, _ = _with_piece(tw, validate=False)
    html = login_as(tw.educateur).get(reverse("transmissions:detail", args=[draft.pk])).content.decode()
    assert "ordonnance.pdf" in html and "Joindre un fichier" in html and "Signaler un événement" not in html
    t, _ = _with_piece(tw)
    html = client.get(reverse("transmissions:detail", args=[t.pk])).content.decode()
    assert "ordonnance.pdf" in html and "Joindre un fichier" not in html
    assert reverse("transmissions:signaler", args=[t.pk]) in html
    client.logout()
    html = login_as(tw.lecteur).get(reverse("transmissions:detail", args=[t.pk])).content.decode()
    assert "ordonnance.pdf" in html and reverse("transmissions:signaler", args=[t.pk]) not in html


def test_timeline_links_the_report(tw, login_as):
    html = login_as(tw.lecteur).get(reverse("transmissions:timeline", args=[tw.dossier.pk])).content.decode()
    assert f"{reverse('transmissions:rapport')}?jeune={tw.jeune.pk}" in html
