from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.navigation import gestion_items_for


@require_GET
def gestion(request):
    """The « Gestion » page: settings, directories, registers and follow-up lists the user may open (one menu
    entry instead of a dozen)."""
    items = gestion_items_for(request.access)
    if not items:
        raise Http404
    return render(request, "core/gestion.html", {"items": items})
