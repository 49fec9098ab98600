"""Administration of the organisme in the product, for ``admin_organisme`` (DOMAIN §3)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core import perms


@require_GET
def admin_home(request):
    if not perms.is_admin(request.access):
        raise PermissionDenied
    return render(request, "core/administration/home.html", {})
