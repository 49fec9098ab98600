"""The audit journal service: every app records reads and writes of records through ``audit_record``."""

from django.db import models

from core.enums import AuditAction
from core.models import AuditEntry


def _client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor,
    action: AuditAction | str,
    record: models.Model | None = None,
    record_type: str = "",
    record_id: str | int = "",
    record_label: str = "",
    organisme_id: int | None = None,
    request=None,
    reason: str = "",
    details: dict | None = None,
) -> AuditEntry:
    """Append one journal row (in the caller's transaction, so it is written only if the change is).

    ``record`` names the record (its ``app_label.model`` and pk); ``actor`` is a user or ``None`` for the system.
    """
    if record is not None:
        record_type = record_type or record._meta.label_lower
        record_id = record_id or record.pk
        record_label = record_label or str(record)[:300]
        organisme_id = (
            organisme_id
            or getattr(record, "organisme_id", None)
            or (record.pk if record._meta.label_lower == "core.organisme" else None)
        )
    if actor is not None and getattr(actor, "is_authenticated", False):
        organisme_id = organisme_id or actor.organisme_id
        actor_obj, actor_label = actor, f"{actor.get_full_name()} <{actor.email}>"
    else:
        actor_obj, actor_label = None, "système"
    if organisme_id is None:
        raise ValueError("audit_record needs an organisme (from the record or the actor)")
    return AuditEntry.objects.create(
        organisme_id=organisme_id,
        actor=actor_obj,
        actor_label=actor_label[:300],
        action=action,
        record_type=record_type,
        record_id=str(record_id),
        record_label=record_label,
        ip=_client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""),
        reason=reason,
        details=details or {},
    )


def save_audited(obj: models.Model, *, actor, request=None, changed=None) -> models.Model:
    """``full_clean()``, save, and one journal row (creation or update, with the changed fields): the common tail
    of the simple create/update services."""
    created = obj._state.adding
    obj.full_clean()
    obj.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        record=obj,
        request=request,
        details={"champs": sorted(changed)} if changed else None,
    )
    return obj


def audit_records(*, actor, action: AuditAction | str, records_details, request=None) -> list[AuditEntry]:
    """One journal row per ``(record, details)`` pair, written in one statement (a batch of changes made by one
    action of the user, e.g. a day's presences). Same rules as ``audit_record``."""
    entries = []
    for record, details in records_details:
        entry = AuditEntry(
            organisme_id=record.organisme_id,
            record_type=record._meta.label_lower,
            record_id=str(record.pk),
            record_label=str(record)[:300],
            action=action,
            ip=_client_ip(request),
            user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""),
            details=details or {},
        )
        if actor is not None and getattr(actor, "is_authenticated", False):
            entry.actor, entry.actor_label = actor, f"{actor.get_full_name()} <{actor.email}>"[:300]
        else:
            entry.actor_label = "système"
        entries.append(entry)
    return AuditEntry.objects.bulk_create(entries)
