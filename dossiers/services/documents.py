"""Storing documents: type checked by content (magic bytes, never the extension or the browser's claim), size
bounded, stored through Django's storage API (local files by default, S3-compatible when configured)."""

import hashlib

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from core.enums import AuditAction, Visibilite
from core.services.audit import audit_record
from dossiers.enums import SourceDocument, StatutDocument
from dossiers.models import Document, Dossier

# Formats accepted in a dossier, by detected MIME type.
ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "image JPEG",
    "image/png": "image PNG",
    "image/tiff": "image TIFF",
    "image/webp": "image WebP",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "document Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "classeur Excel",
    "application/vnd.oasis.opendocument.text": "document OpenDocument",
    "application/vnd.oasis.opendocument.spreadsheet": "classeur OpenDocument",
}
MAX_SIZE = getattr(settings, "DITEP_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)


def detect_type(content: bytes) -> str | None:
    """The MIME type read from the content, or None when it is not a known format."""
    try:
        return puremagic.from_string(content[:65536] if len(content) > 65536 else content, mime=True) or None
    except puremagic.PureError:
        return None


def check_content(content: bytes, *, field: str = "fichier") -> str:
    """Validate size and type; return the detected MIME type. French errors, nothing stored."""
    if not content:
        raise ValidationError({field: "Le fichier est vide."})
    if len(content) > MAX_SIZE:
        raise ValidationError({field: f"Le fichier dépasse la taille maximale de {MAX_SIZE // (1024 * 1024)} Mo."})
    mime = detect_type(content)
    if mime not in ALLOWED_TYPES:
        accepted = ", ".join(sorted(set(ALLOWED_TYPES.values())))
        raise ValidationError({field: f"Ce type de fichier n'est pas accepté. Formats acceptés : {accepted}."})
    return mime


@transaction.atomic
def document_create(
    *,
    dossier: Dossier,
    content: bytes,
    nom_fichier: str,
    type: str,
    titre: str,
    actor,
    request=None,
    visibilite: str = Visibilite.EQUIPE,
    date_document=None,
    source: str = SourceDocument.EQUIPE,
    statut: str = StatutDocument.VALIDE,
    donnees_tiers: bool = False,
    judiciaire: bool = False,
) -> Document:
    """Store ``content`` as a document of ``dossier``. Family uploads arrive with ``source=famille`` and
    ``statut=a_valider`` (the team's inbox)."""
    if dossier.archived_at is not None and source != SourceDocument.GENERE:
        raise ValidationError("Ce dossier est archivé : il est en lecture seule.")
    mime = check_content(content)
    document = Document(
        organisme_id=dossier.organisme_id,
        dossier=dossier,
        type=type,
        titre=titre,
        visibilite=visibilite,
        nom_fichier=nom_fichier[:255],
        content_type=mime,
        taille=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        source=source,
        statut=statut,
        donnees_tiers=donnees_tiers,
        judiciaire=judiciaire,
        uploaded_by=actor,
    )
    if date_document is not None:
        document.date_document = date_document
    document.fichier.save("document", ContentFile(content), save=False)
    try:
        document.full_clean()
        document.save()
    except Exception:
        document.fichier.delete(save=False)  # no orphan file when the row is refused
        raise
    audit_record(actor=actor, action=AuditAction.CREATE, record=document, request=request,
                 details={"dossier": dossier.pk, "type": type, "taille": len(content)})  # fmt: skip
    return document


def _check_a_valider(document: Document) -> None:
    if document.statut != StatutDocument.A_VALIDER:
        raise ValidationError("Ce document n'est pas en attente de validation.")
    if document.dossier.archived_at is not None:
        raise ValidationError("Ce dossier est archivé : il est en lecture seule.")


@transaction.atomic
def document_validate(*, document: Document, actor, request=None, type: str | None = None,
                      visibilite: str | None = None) -> Document:  # fmt: skip
    """Classify a document sent by the family (inbox "à valider"): it joins the dossier's documents, optionally
    with a corrected type and visibility."""
    _check_a_valider(document)
    changed = ["statut"]
    document.statut = StatutDocument.VALIDE
    if type:
        document.type, changed = type, [*changed, "type"]
    if visibilite:
        document.visibilite, changed = visibilite, [*changed, "visibilite"]
    document.full_clean()
    document.save(update_fields=changed)
    audit_record(actor=actor, action=AuditAction.UPDATE, record=document, request=request,
                 details={"champs": changed, "statut": StatutDocument.VALIDE})  # fmt: skip
    return document


@transaction.atomic
def document_refuse(*, document: Document, actor, motif: str = "", request=None) -> Document:
    """Refuse a document sent by the family (wrong file, not about this youth...): it leaves the inbox and is not
    classified; the file is kept for the record."""
    _check_a_valider(document)
    document.statut = StatutDocument.REFUSE
    document.save(update_fields=["statut"])
    audit_record(actor=actor, action=AuditAction.UPDATE, record=document, request=request,
                 details={"champs": ["statut"], "statut": StatutDocument.REFUSE, "motif": motif[:300]})  # fmt: skip
    return document


DOCUMENT_METADATA_FIELDS = ("titre", "type", "date_document", "visibilite", "donnees_tiers", "judiciaire")


@transaction.atomic
def document_update(*, document: Document, actor, request=None, **changes) -> Document:
    """Correct a classified document's metadata (title, type, date, visibility, review flags); the file itself
    never changes (upload a new document instead). A family upload waiting in the inbox is classified with
    ``document_validate``."""
    unknown = set(changes) - set(DOCUMENT_METADATA_FIELDS)
    if unknown:
        raise ValidationError(f"Champs non modifiables : {', '.join(sorted(unknown))}.")
    if document.dossier.archived_at is not None:
        raise ValidationError("Ce dossier est archivé : il est en lecture seule.")
    if document.statut != StatutDocument.VALIDE:
        raise ValidationError("Ce document n'est pas classé : validez-le d'abord depuis les documents à valider.")
    changed = sorted(name for name, value in changes.items() if getattr(document, name) != value)
    if not changed:
        return document
    for name in changed:
        setattr(document, name, changes[name])
    document.full_clean()
    document.save(update_fields=changed)
    audit_record(actor=actor, action=AuditAction.UPDATE, record=document, request=request,
                 details={"champs": changed, "dossier": document.dossier_id})  # fmt: skip
    return document
