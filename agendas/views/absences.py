"""Absences of the youths, team side (the family side comes with the portal): declare an absence, the list of
declarations to take into account (``a_confirmer``, e.g. declared by a family) with « prendre en compte » / « ne
pas retenir », and the counts per youth and per period (« journées d'absence » as the TBP defines them) for the
chefs de service.

Only the youths whose dossier the reader may open are shown; writing needs the contributor role in the
dispositif (the rules of ``agendas.perms``).
"""

import datetime
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agendas.enums import OrigineAbsence, StatutAbsence
from agendas.forms.gestion import AbsenceForm, PeriodeForm
from agendas.models import Absence
from agendas.perms import can_write_dispositif_agenda
from agendas.selectors import absences_par_jeune
from agendas.services.absences import absence_declarer, absence_prendre_en_compte, absence_refuser
from agendas.views.gestion import can_manage_agenda, managed_dispositifs
from core.enums import AuditAction
from core.perms import get_object_for_request
from core.services.audit import audit_record
from core.views.administration.common import add_service_errors
from dossiers.perms import _is_clinical_reader, readable_dossiers

RECENT = datetime.timedelta(days=62)


def clinical_required(view_func):
    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if not _is_clinical_reader(request.access):
            raise PermissionDenied
        return view_func(request, *args, **kwargs)

    return wrapper


def _dispositif_choice(request, dispositifs):
    """The dispositif picked with ``?dispositif=`` among the user's, else the first one."""
    wanted = request.GET.get("dispositif", "")
    for dispositif in dispositifs:
        if str(dispositif.pk) == wanted:
            return dispositif
    return dispositifs[0] if dispositifs else None


def _readable_absences(access, dispositif):
    readable = readable_dossiers(access).filter(dispositif=dispositif).values("jeune_id")
    return (
        Absence.objects.filter(dispositif=dispositif, jeune_id__in=readable)
        .select_related("jeune", "declaree_par", "traitee_par")
        .order_by("debut", "pk")
    )


@require_GET
@clinical_required
def absence_list(request):
    access = request.access
    dispositifs = list(managed_dispositifs(access))
    dispositif = _dispositif_choice(request, dispositifs)
    a_confirmer, recentes = [], []
    if dispositif is not None:
        qs = _readable_absences(access, dispositif)
        a_confirmer = list(qs.filter(statut=StatutAbsence.A_CONFIRMER))
        recentes = list(
            qs.exclude(statut=StatutAbsence.A_CONFIRMER).filter(fin__gte=timezone.now() - RECENT).order_by("-debut")
        )
    if a_confirmer or recentes:
        audit_record(
            actor=request.user, action=AuditAction.READ, record_type="agendas.absence",
            record_label=f"Absences — {dispositif}", organisme_id=access.organisme_id, request=request,
            details={"absences": [a.pk for a in a_confirmer + recentes]},
        )  # fmt: skip
    context = {
        "dispositifs": dispositifs,
        "dispositif": dispositif,
        "a_confirmer": a_confirmer,
        "recentes": recentes,
        "can_write": dispositif is not None and can_write_dispositif_agenda(access, dispositif.pk),
        "can_count": dispositif is not None and can_manage_agenda(access, dispositif.pk),
    }
    return render(request, "agendas/absences/liste.html", context)


def _writable_dossiers(access):
    dossiers = readable_dossiers(access).filter(archived_at__isnull=True).select_related("jeune", "dispositif")
    return [d for d in dossiers.order_by("jeune__nom_naissance", "jeune__prenom", "pk")
            if can_write_dispositif_agenda(access, d.dispositif_id)]  # fmt: skip


@require_http_methods(["GET", "POST"])
@clinical_required
def absence_create(request):
    """Declare an absence (team side): taken into account at once, the youth's direct events of the period are
    marked absent with the motif."""
    access = request.access
    dossiers = {d.pk: d for d in _writable_dossiers(access)}
    if not dossiers:
        raise PermissionDenied
    choices = [(pk, f"{d.jeune.prenom} {d.jeune.nom} — {d.dispositif.nom}") for pk, d in dossiers.items()]
    initial = {"dossier": request.GET.get("dossier")} if request.GET.get("dossier", "").isdigit() else {}
    form = AbsenceForm(request.POST or None, dossiers=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        dossier = dossiers[data.pop("dossier")]
        try:
            absence = absence_declarer(
                jeune=dossier.jeune, dispositif=dossier.dispositif, actor=request.user, request=request,
                origine=OrigineAbsence.EQUIPE, **data,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            marked = absence.jeune.participations.filter(absence=absence).count()
            messages.success(request, f"Absence enregistrée ({marked} séance(s) marquée(s) absent).")
            return redirect(f"{_list_url()}?dispositif={dossier.dispositif_id}")
    return render(request, "agendas/absences/form.html", {"form": form}, status=422 if form.errors else 200)


def _list_url():
    return reverse("agendas:absence_list")


def _absence_for_write(request, pk) -> Absence:
    return get_object_for_request(request, Absence.objects.select_related("jeune"), write=True, pk=pk)


@require_POST
@clinical_required
def absence_confirm(request, pk):
    absence = _absence_for_write(request, pk)
    try:
        marked = absence_prendre_en_compte(absence=absence, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Absence prise en compte ({marked} séance(s) marquée(s)).")
    return redirect(f"{_list_url()}?dispositif={absence.dispositif_id}")


@require_POST
@clinical_required
def absence_refuse(request, pk):
    absence = _absence_for_write(request, pk)
    try:
        absence_refuser(absence=absence, actor=request.user, request=request,
                        commentaire=request.POST.get("commentaire", "")[:500])  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Déclaration d'absence de {absence.jeune.prenom} non retenue.")
    return redirect(f"{_list_url()}?dispositif={absence.dispositif_id}")


def _default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The current month up to today."""
    return today.replace(day=1), today


@require_GET
@clinical_required
def absence_counts(request):
    """Per youth of the dispositif (open dossiers the reader may open): days of absence (TBP definition) and absent
    sessions, planned and unplanned, over a period."""
    access = request.access
    dispositifs = [d for d in managed_dispositifs(access) if can_manage_agenda(access, d.pk)]
    if not dispositifs:
        raise PermissionDenied
    dispositif = _dispositif_choice(request, dispositifs)
    du, au = _default_period(timezone.localdate())
    form = PeriodeForm(request.GET if "debut" in request.GET else None, initial={"debut": du, "fin": au})
    if form.is_bound and form.is_valid():
        du, au = form.cleaned_data["debut"], form.cleaned_data["fin"]
    dossiers = list(
        readable_dossiers(access)
        .filter(dispositif=dispositif, archived_at__isnull=True)
        .select_related("jeune")
        .order_by("jeune__nom_naissance", "jeune__prenom", "pk")
    )
    counts = absences_par_jeune(jeune_ids=[d.jeune_id for d in dossiers], dispositif=dispositif, du=du, au=au)
    rows = [{"jeune": d.jeune, "dossier": d, **counts.get(d.jeune_id, {})} for d in dossiers]
    totals = {key: sum(row.get(key, 0) for row in rows) for key in ("jours", "absent_prevu", "absent_imprevu")}
    if rows:
        audit_record(
            actor=request.user, action=AuditAction.READ, record_type="agendas.absence",
            record_label=f"Journées d'absence — {dispositif}", organisme_id=access.organisme_id, request=request,
            details={"du": du.isoformat(), "au": au.isoformat(), "jeunes": len(rows)},
        )  # fmt: skip
    context = {"dispositifs": dispositifs, "dispositif": dispositif, "form": form, "du": du, "au": au, "rows": rows,
               "totals": totals}  # fmt: skip
    return render(request, "agendas/absences/journees.html", context, status=422 if form.errors else 200)
