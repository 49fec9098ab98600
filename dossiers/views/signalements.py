"""Adverse events (événements indésirables) and situations complexes.

- Declaring: any professional writing in a dispositif (form limited to those dispositifs); reading: the
  professionals of the dispositif (not ``admin_organisme``: no clinical content); follow-up and closing: the
  direction (``can_manage_evenements_indesirables``). The youth's name is shown only to who may open the dossier.
- The dossier's ``signalements`` tab lists its events and its situations complexes (add, end).
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.enums import AuditAction
from core.models import Dispositif
from core.perms import get_object_for_request
from core.services.audit import audit_record
from core.views.administration.common import add_service_errors
from dossiers.enums import GraviteEi, StatutEi
from dossiers.forms.signalements import (
    EvenementClotureForm,
    EvenementDeclareForm,
    EvenementFiltreForm,
    EvenementSuiviForm,
    SituationComplexeForm,
    SituationFinForm,
)
from dossiers.models import EvenementIndesirable, SituationComplexe
from dossiers.perms import can_manage_evenements_indesirables, can_read_dossier
from dossiers.services.famille import situation_complexe_save
from dossiers.services.signalements import (
    evenement_indesirable_cloturer,
    evenement_indesirable_declare,
    evenement_indesirable_suivre,
    situation_complexe_end,
)
from dossiers.views.dossier import dossier_context, dossier_view


def can_read_evenements(access) -> bool:
    """Professionals with clinical access (``admin_organisme`` alone configures the tenant and reads nothing)."""
    return access.is_professionnel and bool(access.metiers - {"admin_organisme"})


def can_declare_evenement(access) -> bool:
    return can_read_evenements(access) and (
        access.is_direction or any(access.can_write_dispositif(d) for d in access.dispositif_ids)
    )


def _guard(predicate, request):
    if not predicate(request.access):
        raise PermissionDenied


def _with_visible_dossier(access, evenements):
    """Mark each event with ``dossier_visible``: the youth's name only for who may open the dossier."""
    for evenement in evenements:
        evenement.dossier_visible = evenement.dossier is not None and can_read_dossier(access, evenement.dossier)
    return evenements


# --- List, counts, declaration, detail ---------------------------------------------------------------------------


@require_GET
def evenement_list(request):
    access = request.access
    _guard(can_read_evenements, request)
    today = timezone.localdate()
    form = EvenementFiltreForm(request.GET or None, access=access)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    du = filters.get("du") or datetime.date(today.year, 1, 1)
    au = filters.get("au") or today
    qs = EvenementIndesirable.objects.filter(
        organisme_id=access.organisme_id,
        dispositif__in=Dispositif.objects.for_access(access),
        survenu_le__date__gte=du,
        survenu_le__date__lte=au,
    )
    if filters.get("dispositif"):
        qs = qs.filter(dispositif=filters["dispositif"])
    counts = qs.aggregate(
        total=Count("pk"),
        ars=Count("pk", filter=Q(information_ars=True)),
        **{f"statut_{v}": Count("pk", filter=Q(statut=v)) for v in StatutEi.values},
        **{f"gravite_{v}": Count("pk", filter=Q(gravite=v)) for v in GraviteEi.values},
    )
    page = Paginator(
        qs.select_related("dispositif", "dossier__jeune", "declare_par").order_by("-survenu_le", "-pk"), 50
    ).get_page(request.GET.get("page"))
    _with_visible_dossier(access, page.object_list)
    context = {
        "form": form,
        "du": du,
        "au": au,
        "page": page,
        "total": counts["total"],
        "ars": counts["ars"],
        "par_statut": [(label, counts[f"statut_{v}"]) for v, label in StatutEi.choices],
        "par_gravite": [(label, counts[f"gravite_{v}"]) for v, label in GraviteEi.choices],
        "can_declare": can_declare_evenement(access),
        "querystring": _querystring(request),
    }
    return render(request, "dossiers/signalements/evenement_list.html", context)


def _querystring(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_http_methods(["GET", "POST"])
def evenement_declare(request):
    access = request.access
    _guard(can_declare_evenement, request)
    initial = {}
    if request.method == "GET" and request.GET.get("dossier", "").isdigit():
        initial["dossier"] = int(request.GET["dossier"])
    form = EvenementDeclareForm(request.POST or None, access=access, initial=initial)
    if request.method == "GET" and "dossier" in initial:
        # Pre-fill the dispositif from the dossier, if the user may declare there.
        dossier = form.fields["dossier"].queryset.filter(pk=initial["dossier"]).first()
        if dossier is not None:
            form.initial["dispositif"] = dossier.dispositif_id
    if request.method == "POST" and form.is_valid():
        try:
            evenement = evenement_indesirable_declare(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Événement indésirable déclaré. La direction en est informée.")
            return redirect("dossiers:evenement_detail", pk=evenement.pk)
    return render(request, "dossiers/signalements/evenement_form.html", {"form": form})


def _evenement(request, pk, *, write=False):
    qs = EvenementIndesirable.objects.select_related("dispositif", "dossier__jeune", "declare_par", "cloture_par")
    return get_object_for_request(request, qs, write=write, pk=pk)


def _detail_context(request, evenement, **forms):
    access = request.access
    _with_visible_dossier(access, [evenement])
    can_manage = can_manage_evenements_indesirables(access) and evenement.statut != StatutEi.CLOS
    return {
        "evenement": evenement,
        "can_manage": can_manage,
        "suivi_form": forms.get("suivi_form")
        or EvenementSuiviForm(initial={"signale_ars_le": evenement.signale_ars_le}),
        "cloture_form": forms.get("cloture_form") or EvenementClotureForm(),
    }


@require_GET
def evenement_detail(request, pk):
    evenement = _evenement(request, pk)
    audit_record(actor=request.user, action=AuditAction.READ, record=evenement, request=request)
    return render(request, "dossiers/signalements/evenement_detail.html", _detail_context(request, evenement))


@require_POST
def evenement_suivi(request, pk):
    evenement = _evenement(request, pk, write=True)
    form = EvenementSuiviForm(request.POST)
    if form.is_valid():
        try:
            evenement_indesirable_suivre(evenement=evenement, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):  # e.g. the event is closed: no form to show the error on
                messages.error(request, " ".join(error.messages))
                return redirect("dossiers:evenement_detail", pk=evenement.pk)
            add_service_errors(form, error)
        else:
            messages.success(request, "Suivi enregistré.")
            return redirect("dossiers:evenement_detail", pk=evenement.pk)
    evenement.refresh_from_db()
    context = _detail_context(request, evenement, suivi_form=form)
    return render(request, "dossiers/signalements/evenement_detail.html", context, status=400)


@require_POST
def evenement_cloturer(request, pk):
    evenement = _evenement(request, pk, write=True)
    form = EvenementClotureForm(request.POST)
    if form.is_valid():
        try:
            evenement_indesirable_cloturer(
                evenement=evenement, actor=request.user, request=request, conclusion=form.cleaned_data["conclusion"]
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, " ".join(error.messages))
                return redirect("dossiers:evenement_detail", pk=evenement.pk)
            add_service_errors(form, error)
        else:
            messages.success(request, "Événement indésirable clos.")
            return redirect("dossiers:evenement_detail", pk=evenement.pk)
    evenement.refresh_from_db()
    context = _detail_context(request, evenement, cloture_form=form)
    return render(request, "dossiers/signalements/evenement_detail.html", context, status=400)


# --- The dossier's tab: its events and situations complexes -----------------------------------------------------


def _tab_context(request, dossier, *, audit=True, situation_form=None):
    context = dossier_context(request, dossier, "signalements", audit=audit)
    context["evenements"] = list(
        EvenementIndesirable.objects.filter(organisme_id=dossier.organisme_id, dossier=dossier)
        .select_related("declare_par")
        .order_by("-survenu_le")
    )
    context["situations"] = list(
        SituationComplexe.objects.filter(organisme_id=dossier.organisme_id, dossier=dossier)
        .select_related("created_by")
        .order_by("-debut")
    )
    context["situation_form"] = situation_form or SituationComplexeForm(initial={"debut": timezone.localdate()})
    context["fin_form"] = SituationFinForm(initial={"fin": timezone.localdate()})
    context["can_declare"] = context["can_write"]
    return context


@require_GET
@dossier_view()
def dossier_signalements(request, dossier):
    return render(request, "dossiers/signalements/onglet.html", _tab_context(request, dossier))


@require_POST
@dossier_view(write=True)
def situation_create(request, dossier):
    form = SituationComplexeForm(request.POST)
    if form.is_valid():
        situation = SituationComplexe(organisme_id=dossier.organisme_id, dossier=dossier, **form.cleaned_data)
        try:
            situation_complexe_save(situation=situation, actor=request.user, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Situation complexe enregistrée.")
            return redirect("dossiers:signalements", pk=dossier.pk)
    context = _tab_context(request, dossier, audit=False, situation_form=form)
    return render(request, "dossiers/signalements/onglet.html", context, status=400)


@require_POST
def situation_end(request, pk):
    situation = get_object_for_request(request, SituationComplexe.objects.select_related("dossier"), write=True, pk=pk)
    form = SituationFinForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez une date de fin valide.")
    else:
        try:
            situation_complexe_end(situation=situation, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Situation complexe terminée.")
    return redirect("dossiers:signalements", pk=situation.dossier_id)
