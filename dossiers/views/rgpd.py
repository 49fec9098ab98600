"""Right of access export of a dossier (review of flagged items, then PDF or JSON produced in the background) and
the retention page (archived dossiers past their retention period, purge after typed confirmation). Direction
only."""

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.enums import AuditAction
from core.models import Organisme
from core.perms import get_object_for_request
from core.services.audit import audit_record
from core.views.administration.common import add_service_errors
from dossiers.forms.acces import ExportForm, PurgeForm
from dossiers.perms import can_export_rgpd, can_manage_conservation
from dossiers.services import exports as export_services
from dossiers.services import rgpd as services
from dossiers.views.dossier import dossier_context, dossier_queryset, dossier_view
from dossiers.views.exports import recent_exports

PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
@dossier_view()
def rgpd_export(request, dossier):
    """GET: the review page (flagged items to exclude, format) and the recent exports of this dossier. POST: the
    export is produced in the background; the status page shows its progress (``dossiers.views.exports``)."""
    if not can_export_rgpd(request.access):
        raise PermissionDenied
    flagged = services.flagged_items(dossier)
    form = ExportForm(request.POST or None, flagged=flagged)
    if request.method == "POST" and form.is_valid():
        try:
            export = export_services.export_request(
                dossier=dossier, format=form.cleaned_data["format"], exclude=form.cleaned_data["exclure"],
                actor=request.user, request=request,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.info(request, "L'export est en cours de production : vous serez notifié quand il sera prêt.")
            return redirect(export_services.status_url(export))
    context = dossier_context(request, dossier, "acces", audit=request.method == "GET")
    context.update(form=form, flagged=flagged, exports=recent_exports(dossier))
    return render(request, "dossiers/rgpd/export.html", context, status=400 if form.errors else 200)


def _conservation_guard(request) -> Organisme:
    if not can_manage_conservation(request.access):
        raise PermissionDenied
    return Organisme.objects.get(pk=request.access.organisme_id)


def _conservable_until(dossier, organisme):
    return max(
        dossier.dernier_contact + relativedelta(years=organisme.duree_conservation_annees),
        dossier.jeune.date_naissance + relativedelta(years=services.AGE_MINIMUM_PURGE),
    )


@require_GET
def conservation(request):
    """Archived dossiers past the organisme's retention period (constant queries)."""
    organisme = _conservation_guard(request)
    rows = (
        services.conservation_candidates(organisme)
        .select_related("jeune", "dispositif")
        .order_by("dernier_contact", "pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for dossier in page.object_list:
        dossier.conservable_jusqu_au = _conservable_until(dossier, organisme)
    audit_record(
        actor=request.user, action=AuditAction.READ, record_type="dossiers.conservation", record_id="*",
        record_label="Dossiers à supprimer (durée de conservation échue)", request=request,
        details={"page": page.number},
    )  # fmt: skip
    context = {"organisme": organisme, "page": page, "age_minimum": services.AGE_MINIMUM_PURGE}
    return render(request, "dossiers/rgpd/conservation.html", context)


@require_http_methods(["GET", "POST"])
def conservation_purge(request, pk):
    organisme = _conservation_guard(request)
    dossier = get_object_for_request(request, dossier_queryset(), pk=pk)
    candidate = services.conservation_candidates(organisme).filter(pk=dossier.pk).first()
    if candidate is None:
        raise Http404
    dossier.dernier_contact = candidate.dernier_contact
    dossier.conservable_jusqu_au = _conservable_until(dossier, organisme)
    expected = services.purge_confirmation(dossier)
    form = PurgeForm(request.POST or None, expected=expected)
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_purge(
                dossier=dossier, confirmation=form.cleaned_data["confirmation"], actor=request.user, request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Le dossier {expected.split(' ', 1)[1]} a été supprimé définitivement.")
            return redirect("dossiers:conservation")
    if request.method == "GET":
        audit_record(actor=request.user, action=AuditAction.READ, record=dossier, request=request,
                     details={"page": "suppression"})  # fmt: skip
    context = {"dossier": dossier, "form": form, "expected": expected, "organisme": organisme}
    return render(request, "dossiers/rgpd/purge.html", context, status=400 if form.errors else 200)
