"""Helpers shared by the transmissions views."""

from django.core.exceptions import PermissionDenied

from core.enums import AuditAction
from core.perms import get_object_for_request
from core.services.audit import audit_record
from transmissions import perms
from transmissions.models import Transmission


def require_reader(request) -> None:
    """The transmissions pages are for clinical readers (admin_organisme alone sees no clinical content)."""
    if not perms.can_use(request.access):
        raise PermissionDenied


def get_transmission(request, pk, *, write: bool = False) -> Transmission:
    qs = Transmission.objects.select_related("auteur", "categorie", "dispositif", "site", "addendum_de")
    return get_object_for_request(request, qs, write=write, pk=pk)


def audit_reads(request, transmissions, *, context: str, jeune_id: int | None = None) -> None:
    """One audit row per page view that shows youths' transmissions: which ones, about whom."""
    rows = list(transmissions)
    jeune_ids = sorted({j.pk for t in rows for j in t.jeunes.all()})
    if jeune_id is None and not jeune_ids:
        return  # only unit notes: nothing about a youth was read
    audit_record(
        actor=request.user,
        action=AuditAction.READ,
        record_type="transmissions.transmission",
        record_id=jeune_id or "",
        record_label=f"Transmissions ({context})",
        organisme_id=request.access.organisme_id,
        request=request,
        details={"transmissions": [t.pk for t in rows][:200], "jeunes": jeune_ids[:200], "vue": context},
    )
