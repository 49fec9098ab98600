"""Writes of the dossiers app. The partner directory comes first (exchange-format import, administration)."""

from django.db import transaction

from core.enums import AuditAction
from core.services.audit import audit_record
from dossiers.models import Partenaire


@transaction.atomic
def partenaire_save(*, partenaire: Partenaire, actor, request=None, changed: list[str] | None = None) -> Partenaire:
    """Create or update an external partner (school, ASE, hospital...) of the organisme."""
    created = partenaire.pk is None
    partenaire.full_clean()
    partenaire.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        record=partenaire,
        request=request,
        details={"champs": changed} if changed else None,
    )
    return partenaire
