"""The youth's photo: upload checked by content (JPEG, PNG, WebP, 5 MB), served only through the permission-checked
view (private cache), shown in the dossier header, replaced and removed files deleted, purged with the youth."""

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core.enums import AuditAction
from core.models import AuditEntry
from core.tenancy import tenant_context
from dossiers.models import Dossier, Jeune
from dossiers.services import photo as photo_services
from dossiers.services import rgpd
from dossiers.services.acces import dossier_set_restreint
from dossiers.services.parcours import dossier_archive, dossier_close_pre_admission
from tests import factories

pytestmark = pytest.mark.django_db


def image(fmt="PNG", size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def dossier(world):
    return factories.dossier_accompagne(world.dispositif)


def upload_url(dossier):
    return reverse("dossiers:photo_modifier", kwargs={"pk": dossier.pk})


def photo_url(dossier):
    return reverse("dossiers:jeune_photo", kwargs={"pk": dossier.jeune_id})


def post_photo(client, dossier, content, name="photo.png"):
    return client.post(upload_url(dossier), {"photo": SimpleUploadedFile(name, content)})


def stored_photo(dossier) -> str:
    with tenant_context(dossier.organisme_id):
        return Jeune.objects.get(pk=dossier.jeune_id).photo.name


@pytest.mark.parametrize("fmt,mime", [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")])
def test_writer_uploads_a_photo_shown_in_the_header_and_served_privately(client, world, login_as, dossier, fmt, mime):
    login_as(world.educateur)
    page = client.get(upload_url(dossier))
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    response = post_photo(client, dossier, image(fmt), name="vacances.gif")  # the name does not matter
    assert response.status_code == 302
    name = stored_photo(dossier)
    assert name and "vacances" not in name and default_storage.exists(name)
    synthese = client.get(reverse("dossiers:dossier", kwargs={"pk": dossier.pk}))
    assert f'src="{photo_url(dossier)}?v=' in synthese.text
    with tenant_context(world.organisme.pk):
        prenom = Jeune.objects.get(pk=dossier.jeune_id).prenom
    assert f'alt="Photo de {prenom}' in synthese.text
    response = client.get(photo_url(dossier))
    assert response.status_code == 200
    assert response["Content-Type"] == mime
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response.content == image(fmt)
    with tenant_context(world.organisme.pk):
        entry = AuditEntry.objects.get(record_type="dossiers.jeune", action=AuditAction.UPDATE)
    assert entry.details["champs"] == ["photo"] and entry.actor_id == world.educateur.pk


def test_only_images_of_5_mb_at_most(client, world, login_as, dossier):
    login_as(world.educateur)
    cases = [
        (b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", "La photo doit être une image JPEG, PNG ou WebP."),
        (image("GIF"), "La photo doit être une image JPEG, PNG ou WebP."),
        (image("PNG")[:40], "Cette image est illisible ou endommagée."),
        (image("PNG") + b"\0" * (5 * 1024 * 1024), "La photo dépasse la taille maximale de 5 Mo."),
    ]
    for content, message in cases:
        response = post_photo(client, dossier, content)
        assert response.status_code == 422
        assert message.replace("'", "&#x27;") in response.text
    assert stored_photo(dossier) == ""
    with pytest.raises(Exception, match="illisible"):
        photo_services.check_photo(image("PNG")[:40])


def test_replacing_and_removing_delete_the_old_file(
    client, world, login_as, dossier, django_capture_on_commit_callbacks
):
    login_as(world.educateur)
    with django_capture_on_commit_callbacks(execute=True):
        post_photo(client, dossier, image("PNG"))
    first = stored_photo(dossier)
    with django_capture_on_commit_callbacks(execute=True):
        post_photo(client, dossier, image("JPEG"))
    second = stored_photo(dossier)
    assert second != first and default_storage.exists(second) and not default_storage.exists(first)
    assert client.get(reverse("dossiers:photo_retirer", kwargs={"pk": dossier.pk})).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dossiers:photo_retirer", kwargs={"pk": dossier.pk}))
    assert response.status_code == 302
    assert stored_photo(dossier) == "" and not default_storage.exists(second)
    assert client.get(photo_url(dossier)).status_code == 404


def set_photo(dossier):
    with tenant_context(dossier.organisme_id):
        jeune = Jeune.objects.get(pk=dossier.jeune_id)
        photo_services.jeune_photo_set(jeune=jeune, content=image(), actor=None)


def test_personas(client, world, login_as, dossier):
    set_photo(dossier)
    # Read-only colleague: sees the photo, cannot change it.
    login_as(world.lecteur)
    assert client.get(photo_url(dossier)).status_code == 200
    assert client.get(upload_url(dossier)).status_code == 403
    assert post_photo(client, dossier, image()).status_code == 403
    assert client.post(reverse("dossiers:photo_retirer", kwargs={"pk": dossier.pk})).status_code == 403
    # The organisme's administrator sees no clinical data, not even the photo.
    login_as(world.admin)
    assert client.get(photo_url(dossier)).status_code == 403
    # Another organisme: 404.
    login_as(world.autre_educateur)
    assert client.get(photo_url(dossier)).status_code == 404
    assert post_photo(client, dossier, image()).status_code == 404
    # Family and youth accounts: staff pages are 404.
    for persona in ("proche", "jeune"):
        login_as(getattr(world, persona))
        assert client.get(photo_url(dossier)).status_code == 404
    assert stored_photo(dossier)


def test_restricted_dossier_photo_and_archived_dossier(client, world, login_as, dossier):
    set_photo(dossier)
    with tenant_context(world.organisme.pk):
        dossier_set_restreint(dossier=dossier, est_restreint=True, actor=world.direction)
    login_as(world.educateur)
    assert client.get(photo_url(dossier)).status_code == 403
    login_as(world.direction)
    assert client.get(photo_url(dossier)).status_code == 200
    pre = factories.dossier_en_pre_admission(world.dispositif)
    with tenant_context(world.organisme.pk):
        dossier_close_pre_admission(dossier=pre, date=datetime.date(2025, 9, 5), issue="abandon", actor=None)
        dossier_archive(dossier=pre, actor=None)
    assert post_photo(client, pre, image()).status_code == 403
    with tenant_context(world.organisme.pk), pytest.raises(Exception, match="archivé"):
        photo_services.jeune_photo_set(jeune=Jeune.objects.get(pk=pre.jeune_id), content=image(), actor=None)


def test_retention_purge_deletes_the_photo(world, django_capture_on_commit_callbacks):
    with tenant_context(world.organisme.pk):
        jeune = factories.JeuneFactory(organisme=world.organisme, date_naissance=datetime.date(1990, 1, 1))
    dossier = factories.dossier_en_pre_admission(world.dispositif, jeune=jeune, debut=datetime.date(2000, 1, 10))
    set_photo(dossier)
    name = stored_photo(dossier)
    assert default_storage.exists(name)
    with tenant_context(world.organisme.pk):
        dossier_close_pre_admission(dossier=dossier, date=datetime.date(2000, 3, 1), issue="refus", actor=None)
        dossier_archive(dossier=dossier, actor=None)
        Dossier.objects.filter(pk=dossier.pk).update(archived_at=timezone.now() - datetime.timedelta(days=9000))
        dossier = Dossier.objects.select_related("jeune").get(pk=dossier.pk)
        with django_capture_on_commit_callbacks(execute=True):
            rgpd.dossier_purge(dossier=dossier, confirmation=rgpd.purge_confirmation(dossier), actor=world.direction)
    assert not default_storage.exists(name)
