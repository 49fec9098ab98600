"""Right-of-access exports produced in the background: the status page (polled with HTMX every 2 seconds while
the job runs) and the download — the only way the stored file leaves the server: the direction only (as for the
request), the dossier fetched through its permission check (another organisme: 404), an EXPORT row in the audit
journal for every download."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from dossiers.models import ExportDossier
from dossiers.perms import can_export_rgpd
from dossiers.services import exports as services
from dossiers.views.dossier import dossier_context, dossier_view

RECENT_EXPORTS = 10


def recent_exports(dossier) -> list[ExportDossier]:
    """The latest exports of the dossier with their requester (one query)."""
    return list(ExportDossier.objects.filter(dossier_id=dossier.pk).select_related("demande_par")[:RECENT_EXPORTS])


def _export(request, dossier, export_pk) -> ExportDossier:
    if not can_export_rgpd(request.access):
        raise PermissionDenied
    return get_object_or_404(ExportDossier.objects.select_related("demande_par"), dossier_id=dossier.pk, pk=export_pk)


@require_GET
@dossier_view()
def export_statut(request, dossier, export_pk):
    """The progress of one export; the HTMX poll gets the status fragment only (not a page view: not audited)."""
    export = _export(request, dossier, export_pk)
    context = {"dossier": dossier, "export": export, "retention_jours": services.EXPORT_RETENTION_DAYS}
    if request.htmx:
        return render(request, "dossiers/rgpd/_export_statut.html", context)
    context.update(dossier_context(request, dossier, "acces"))
    return render(request, "dossiers/rgpd/export_statut.html", context)


@require_GET
@dossier_view()
def export_telecharger(request, dossier, export_pk):
    export = _export(request, dossier, export_pk)
    try:
        content, mime, filename = services.export_download(export=export, actor=request.user, request=request)
    except (ValidationError, FileNotFoundError):
        raise Http404 from None
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
