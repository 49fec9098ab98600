"""The Accès tab of a dossier (restriction, named accesses and delegations, break-the-glass of this dossier, "qui a
consulté ce dossier"), the break-the-glass page, and the direction's list of break-the-glass accesses.

Who: the tab and its writes are for ``can_manage_access`` (direction, chefs de service of the dispositif); the
break-the-glass page for a professional of the dispositif to whom the dossier is restricted
(``needs_break_glass``); the list of break-the-glass accesses for the direction. Writes go through
dossiers/services/acces.py (audited).
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import perms as core_perms
from core.enums import AuditAction
from core.models import User
from core.services.audit import audit_record
from core.views.administration.common import add_service_errors
from dossiers.forms.acces import AccesForm, BrisDeGlaceForm, PeriodeForm
from dossiers.models import AccesDelegue, BrisDeGlace, DossierUserObjectPermission
from dossiers.perms import can_list_break_glass, can_manage_access, can_read_dossier, needs_break_glass
from dossiers.services import acces as services
from dossiers.views.dossier import dossier_context, dossier_queryset, dossier_view

LOG_PAGE_SIZE = 25
LIST_PAGE_SIZE = 50
HISTORY_SIZE = 20


def acces_url(dossier) -> str:
    return reverse("dossiers:acces", kwargs={"pk": dossier.pk})


def _guard(request, dossier):
    if not can_manage_access(request.access, dossier):
        raise PermissionDenied


def _log_row(entry) -> dict:
    return {
        "at": entry.at,
        "par": entry.actor_label.split(" <", 1)[0],
        "action": entry.action,
        "action_libelle": entry.get_action_display(),
        "objet": "Document : " + entry.record_label if entry.record_type == "dossiers.document" else (
            "Identité du jeune" if entry.record_type == "dossiers.jeune" else "Dossier"
        ),
        "motif": entry.reason,
        "details": entry.details,
    }  # fmt: skip


def _acces_page(request, dossier, *, form=None, audit=True, status=200):
    """The tab: a constant number of queries whatever the number of accesses and journal rows."""
    context = dossier_context(request, dossier, "acces", audit=audit)
    today = timezone.localdate()
    schedule = list(
        AccesDelegue.objects.filter(dossier_id=dossier.pk)
        .filter(Q(fin__isnull=True) | Q(fin__gte=today))
        .select_related("user", "accorde_par")
        .order_by("debut", "pk")
    )
    for row in schedule:
        row.en_cours = row.debut <= today
    history = list(
        AccesDelegue.objects.filter(dossier_id=dossier.pk, fin__lt=today)
        .select_related("user", "accorde_par")
        .order_by("-fin", "-pk")[:HISTORY_SIZE]
    )
    scheduled_users = AccesDelegue.objects.filter(dossier_id=dossier.pk).values("user_id")
    unscheduled = list(
        DossierUserObjectPermission.objects.filter(
            content_object_id=dossier.pk, permission__codename=services.PERMISSION_CODENAME
        )
        .exclude(user_id__in=scheduled_users)
        .select_related("user")
        .order_by("user__last_name", "pk")
    )
    bris = list(BrisDeGlace.objects.filter(dossier_id=dossier.pk).select_related("user")[:HISTORY_SIZE])
    page = Paginator(services.access_log(dossier), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(
        form=form or AccesForm(candidates=services.grant_candidates(dossier)),
        schedule=schedule,
        history=history,
        unscheduled=unscheduled,
        bris_de_glace=bris,
        now=timezone.now(),
        page=page,
        log=[_log_row(entry) for entry in page.object_list],
        can_view_audit=core_perms.can_view_audit(request.access),
        can_export=request.access.is_direction,
    )
    return render(request, "dossiers/acces/onglet.html", context, status=status)


@require_GET
@dossier_view()
def acces(request, dossier):
    _guard(request, dossier)
    return _acces_page(request, dossier)


@require_POST
@dossier_view()
def acces_restriction(request, dossier):
    _guard(request, dossier)
    est_restreint = request.POST.get("est_restreint") == "1"
    services.dossier_set_restreint(
        dossier=dossier, est_restreint=est_restreint, actor=request.user, request=request,
        keep_actor_access=not request.access.is_direction,
    )  # fmt: skip
    messages.success(
        request,
        "Le dossier est désormais à accès restreint."
        if est_restreint
        else "Le dossier est de nouveau ouvert à l'équipe.",
    )
    return redirect(acces_url(dossier))


@require_POST
@dossier_view()
def acces_accorder(request, dossier):
    _guard(request, dossier)
    form = AccesForm(request.POST, candidates=services.grant_candidates(dossier))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.acces_delegue_create(
                dossier=dossier, user=data["user"], motif=data["motif"], debut=data["debut"], fin=data["fin"],
                actor=request.user, request=request,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Accès accordé à {data['user'].get_full_name()}.")
            return redirect(acces_url(dossier))
    return _acces_page(request, dossier, form=form, audit=False, status=400)


@require_POST
@dossier_view()
def acces_terminer(request, dossier, acces_pk):
    _guard(request, dossier)
    row = get_object_or_404(AccesDelegue.objects.select_related("user"), dossier_id=dossier.pk, pk=acces_pk)
    try:
        services.acces_delegue_end(acces=row, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Accès de {row.user.get_full_name()} terminé.")
    return redirect(acces_url(dossier))


@require_POST
@dossier_view()
def acces_retirer(request, dossier, user_pk):
    _guard(request, dossier)
    user = get_object_or_404(User, organisme_id=dossier.organisme_id, pk=user_pk)
    try:
        services.acces_retirer(dossier=dossier, user=user, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Accès de {user.get_full_name()} retiré.")
    return redirect(acces_url(dossier))


@require_http_methods(["GET", "POST"])
def bris_de_glace(request, pk):
    """Break-the-glass: a professional of the dispositif opens a dossier restricted to others, typing a reason."""
    access = request.access
    if access.organisme_id is None:
        raise PermissionDenied
    dossier = get_object_or_404(dossier_queryset(), pk=pk, organisme_id=access.organisme_id)
    if can_read_dossier(access, dossier):
        return redirect("dossiers:dossier", pk=dossier.pk)
    if not needs_break_glass(access, dossier):
        raise PermissionDenied
    form = BrisDeGlaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bris = services.bris_de_glace_open(
                dossier=dossier, user=request.user, motif=form.cleaned_data["motif"], request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.warning(
                request,
                f"Accès exceptionnel ouvert jusqu'à {timezone.localtime(bris.expire_le):%H:%M} le "
                f"{timezone.localtime(bris.expire_le):%d/%m/%Y}. Il est inscrit au journal et signalé à la direction.",
            )
            return redirect("dossiers:dossier", pk=dossier.pk)
    context = {"dossier": dossier, "form": form, "heures": settings.DITEP_BRIS_DE_GLACE_HEURES}
    return render(request, "dossiers/acces/bris_de_glace.html", context, status=400 if form.errors else 200)


@require_GET
def acces_exceptionnels(request):
    """The direction's list of break-the-glass accesses over a period (default: the last 90 days)."""
    if not can_list_break_glass(request.access):
        raise PermissionDenied
    form = PeriodeForm(request.GET or None)
    du, au = form.period()
    rows = (
        BrisDeGlace.objects.filter(organisme_id=request.access.organisme_id)
        .filter(ouvert_le__date__gte=du, ouvert_le__date__lte=au)
        .select_related("user", "dossier__jeune", "dossier__dispositif")
        .order_by("-ouvert_le", "-pk")
    )
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    audit_record(
        actor=request.user, action=AuditAction.READ, record_type="dossiers.brisdeglace", record_id="*",
        record_label="Accès exceptionnels (bris de glace)", request=request,
        details={"du": du.isoformat(), "au": au.isoformat(), "page": page.number},
    )  # fmt: skip
    context = {"form": form, "page": page, "du": du, "au": au, "now": timezone.now()}
    return render(request, "dossiers/acces/exceptionnels.html", context)
