"""Writes on the jeune's surroundings: proches, schooling, MDPH notifications, situations complexes."""

from django.db import transaction

from core.enums import AuditAction
from core.services.audit import audit_record
from dossiers.models import NotificationMdph, PeriodeScolaire, Proche, SituationComplexe


def _save(obj, *, actor, request=None, changed=None):
    created = obj.pk is None
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


@transaction.atomic
def proche_save(*, proche: Proche, actor, request=None, changed=None) -> Proche:
    """Create or update a proche. A représentant légal is, by default, a responsable légal (role GUARD)."""
    if proche.representant_legal and not proche.role:
        proche.role = "GUARD"
    return _save(proche, actor=actor, request=request, changed=changed)


@transaction.atomic
def periode_scolaire_save(*, periode: PeriodeScolaire, actor, request=None, changed=None) -> PeriodeScolaire:
    return _save(periode, actor=actor, request=request, changed=changed)


@transaction.atomic
def notification_mdph_save(*, notification: NotificationMdph, actor, request=None, changed=None) -> NotificationMdph:
    return _save(notification, actor=actor, request=request, changed=changed)


@transaction.atomic
def situation_complexe_save(*, situation: SituationComplexe, actor, request=None, changed=None) -> SituationComplexe:
    if situation.pk is None and situation.created_by_id is None and actor is not None:
        situation.created_by = actor
    return _save(situation, actor=actor, request=request, changed=changed)
