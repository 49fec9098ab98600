"""The youth's photo (identity): images only (JPEG, PNG, WebP) checked by content, 5 MB at most, stored through
Django's storage API under a random name, served only by the permission-checked view ``dossiers.views.photo``.
The replaced or removed file is deleted from storage once the transaction has committed (and the retention purge
deletes it with the youth: ``dossiers.services.rgpd.dossier_purge``)."""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from core.enums import AuditAction
from core.services.audit import audit_record
from dossiers.models import Jeune
from dossiers.services.documents import check_content

PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
PHOTO_MAX_SIZE = 5 * 1024 * 1024


def _check_writable(jeune: Jeune) -> None:
    dossiers = list(jeune.dossiers.values_list("archived_at", flat=True))
    if dossiers and all(archived_at is not None for archived_at in dossiers):
        raise ValidationError("Ce dossier est archivé : il est en lecture seule.")


def check_photo(content: bytes) -> str:
    """Validate a photo (size, type read from the content, decodable image); return its MIME type."""
    if len(content) > PHOTO_MAX_SIZE:
        raise ValidationError(
            {"photo": f"La photo dépasse la taille maximale de {PHOTO_MAX_SIZE // (1024 * 1024)} Mo."}
        )
    try:
        mime = check_content(content, field="photo")
    except ValidationError:
        mime = None
    if mime not in PHOTO_TYPES:
        raise ValidationError({"photo": "La photo doit être une image JPEG, PNG ou WebP."})
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError({"photo": "Cette image est illisible ou endommagée."}) from None
    return mime


def _delete_after_commit(storage, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def jeune_photo_set(*, jeune: Jeune, content: bytes, actor, request=None) -> Jeune:
    """Store (or replace) the youth's photo."""
    _check_writable(jeune)
    mime = check_photo(content)
    previous = jeune.photo.name if jeune.photo else ""
    storage = jeune.photo.storage
    jeune.photo.save(f"{uuid.uuid4().hex}.{PHOTO_TYPES[mime]}", ContentFile(content), save=False)
    try:
        jeune.save(update_fields=["photo"])
    except Exception:
        storage.delete(jeune.photo.name)  # no orphan file when the row is refused
        raise
    _delete_after_commit(storage, previous)
    audit_record(actor=actor, action=AuditAction.UPDATE, record=jeune, request=request,
                 details={"champs": ["photo"], "taille": len(content)})  # fmt: skip
    return jeune


@transaction.atomic
def jeune_photo_remove(*, jeune: Jeune, actor, request=None) -> Jeune:
    """Remove the youth's photo (the file is deleted from storage after commit)."""
    _check_writable(jeune)
    if not jeune.photo:
        raise ValidationError({"photo": "Ce jeune n'a pas de photo."})
    previous, storage = jeune.photo.name, jeune.photo.storage
    jeune.photo = ""
    jeune.save(update_fields=["photo"])
    _delete_after_commit(storage, previous)
    audit_record(actor=actor, action=AuditAction.UPDATE, record=jeune, request=request,
                 details={"champs": ["photo"], "retiree": True})  # fmt: skip
    return jeune
