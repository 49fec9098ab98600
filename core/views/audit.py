"""The audit journal page: who read or changed which record (DOMAIN §3)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core import perms


@require_GET
def audit_list(request):
    if not perms.can_view_audit(request.access):
        raise PermissionDenied
    return render(request, "core/audit/list.html", {})
