"""PPA drafting pages (the dossier tab "PPA")."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from dossiers import tabs
from dossiers.perms import can_read_dossier
from dossiers.views.dossier import dossier_context, dossier_view

tabs.register("ppa", "PPA", "ppa:dossier_ppa", visible=can_read_dossier, order=30)


@require_GET
@dossier_view()
def dossier_ppa(request, dossier):
    context = dossier_context(request, dossier, "ppa")
    return render(request, "ppa/redaction/dossier_ppa.html", context)
