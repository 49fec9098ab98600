"""The parcours tab (periods, cartographie du parcours, the lifecycle steps as forms) and the creation of a new
youth in pre-admission.

Each step is a POST-only thin view: scoped fetch (writable dossier) → form → service → message → redirect; on
invalid input the tab is shown again with the form's French errors. A step's form is offered only when the step
is possible from the current period (``available_steps``); the services check it again.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.views.administration.common import add_service_errors
from dossiers import selectors
from dossiers.doublons import similar_jeunes
from dossiers.enums import StatutParcours
from dossiers.forms.dossier import (
    AdmissionForm,
    ArchiveForm,
    CloturePreAdmissionForm,
    FinPonctuelForm,
    FinSuiviForm,
    NouveauJeuneForm,
    PonctuelForm,
    SortieForm,
)
from dossiers.services import parcours as services
from dossiers.views.dossier import dossier_context, dossier_view
from dossiers.views.liste import clinical_required

STEP_FORMS = {
    "admission": AdmissionForm,
    "cloture": CloturePreAdmissionForm,
    "sortie": SortieForm,
    "fin_suivi": FinSuiviForm,
    "ponctuel": PonctuelForm,
    "fin_ponctuel": FinPonctuelForm,
    "archivage": ArchiveForm,
}


def available_steps(dossier, periods) -> list[str]:
    """The lifecycle steps possible now, from the open period (DOMAIN §4)."""
    if dossier.is_archived:
        return []
    open_period = next((p for p in reversed(periods) if p.fin is None), None)
    if open_period is None:
        return ["admission", "ponctuel", "archivage"]
    return {
        StatutParcours.PRE_ADMISSION: ["admission", "cloture"],
        StatutParcours.ACCOMPAGNE: ["sortie"],
        StatutParcours.SUIVI_POST_SORTIE: ["fin_suivi"],
        StatutParcours.PONCTUEL: ["fin_ponctuel"],
    }.get(open_period.statut, [])


def _step_form(step, dossier, data=None):
    form_class = STEP_FORMS[step]
    kwargs = {"dossier": dossier} if form_class is AdmissionForm else {}
    return form_class(data, auto_id=f"id_{step}_%s", **kwargs)


def _parcours_page(request, dossier, *, bound=None, status=200, audit=True):
    """The parcours tab; ``bound`` = (step, form) to show a submitted form with its errors."""
    today = timezone.localdate()
    periods = list(dossier.parcours.order_by("debut"))
    jeune = dossier.jeune
    context = dossier_context(request, dossier, "parcours", audit=audit)
    steps = available_steps(dossier, periods) if context["can_write"] else []
    forms = {step: _step_form(step, dossier) for step in steps}
    if bound:
        forms[bound[0]] = bound[1]
    context.update(
        periods=periods,
        forms=forms,
        carte=selectors.parcours_map(
            dossier,
            periods=periods,
            changements=list(dossier.changements_modalite.all()),
            scolarite=list(jeune.periodes_scolaires.order_by("debut")),
            notifications=list(jeune.notifications_mdph.order_by("date_debut")),
            today=today,
        ),
        today=today,
    )
    return render(request, "dossiers/dossier/parcours.html", context, status=status)


@require_GET
@dossier_view()
def parcours(request, dossier):
    return _parcours_page(request, dossier)


def _run_step(request, dossier, step, call, success):
    periods = list(dossier.parcours.order_by("debut"))
    if step not in available_steps(dossier, periods):
        messages.error(request, "Cette étape n'est pas possible dans la situation actuelle du dossier.")
        return redirect("dossiers:parcours", pk=dossier.pk)
    form = _step_form(step, dossier, request.POST)
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("dossiers:parcours", pk=dossier.pk)
    return _parcours_page(request, dossier, bound=(step, form), status=422, audit=False)


def _actor(request):
    return {"actor": request.user, "request": request}


@require_POST
@dossier_view(write=True)
def admettre(request, dossier):
    return _run_step(
        request, dossier, "admission",
        lambda data: services.dossier_admit(dossier=dossier, **data, **_actor(request)),
        "Admission enregistrée. Le contrat de séjour ou le DIPC est à remettre sous 15 jours.",
    )  # fmt: skip


@require_POST
@dossier_view(write=True)
def cloturer_pre_admission(request, dossier):
    return _run_step(
        request, dossier, "cloture",
        lambda data: services.dossier_close_pre_admission(dossier=dossier, **data, **_actor(request)),
        "Pré-admission close.",
    )  # fmt: skip


@require_POST
@dossier_view(write=True)
def sortie(request, dossier):
    return _run_step(
        request, dossier, "sortie",
        lambda data: services.dossier_exit(dossier=dossier, **data, **_actor(request)),
        "Sortie enregistrée.",
    )  # fmt: skip


@require_POST
@dossier_view(write=True)
def fin_suivi(request, dossier):
    return _run_step(
        request, dossier, "fin_suivi",
        lambda data: services.dossier_end_follow_up(dossier=dossier, **data, **_actor(request)),
        "Fin du suivi post-sortie enregistrée.",
    )  # fmt: skip


@require_POST
@dossier_view(write=True)
def ponctuel(request, dossier):
    return _run_step(
        request, dossier, "ponctuel",
        lambda data: services.dossier_add_ponctuel(dossier=dossier, **data, **_actor(request)),
        "Accompagnement ponctuel enregistré.",
    )  # fmt: skip


@require_POST
@dossier_view(write=True)
def fin_ponctuel(request, dossier):
    return _run_step(
        request, dossier, "fin_ponctuel",
        lambda data: services.dossier_end_ponctuel(dossier=dossier, **data, **_actor(request)),
        "Fin de l'accompagnement ponctuel enregistrée.",
    )  # fmt: skip


@require_POST
@dossier_view(write=True)
def archiver(request, dossier):
    return _run_step(
        request, dossier, "archivage",
        lambda data: services.dossier_archive(dossier=dossier, **_actor(request)),
        "Dossier archivé : il est désormais en lecture seule.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@clinical_required
def nouveau(request):
    """A new youth and their dossier opened in pre-admission. Before creating, youths of the organisme born the
    same day with a similar name are shown ("Ce jeune existe peut-être déjà"): open their dossier, open a dossier
    in the chosen dispositif for that youth, or create anyway."""
    dispositifs = selectors.writable_dispositifs(request.access)
    if not dispositifs.exists():
        raise PermissionDenied
    form = NouveauJeuneForm(request.POST or None, dispositifs=dispositifs)
    doublons = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        doublons = similar_jeunes(request.access, dispositif=data["dispositif"], **form.jeune_identity())
        try:
            if data.get("jeune_existant"):
                dossier = _open_for_existing(request, form, doublons)
            elif doublons and not data["confirmer_doublon"]:
                dossier = None  # show the possible duplicates first
            else:
                with transaction.atomic():
                    jeune = services.jeune_create(
                        organisme_id=request.access.organisme_id, **form.jeune_fields(), **_actor(request)
                    )
                    dossier = services.dossier_open_pre_admission(
                        jeune=jeune, **form.dossier_fields(), **_actor(request)
                    )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if dossier is not None:
                messages.success(request, f"Dossier de {dossier.jeune} ouvert en pré-admission.")
                return redirect("dossiers:dossier", pk=dossier.pk)
    context = {"form": form, "doublons": doublons}
    return render(request, "dossiers/dossier/nouveau.html", context, status=422 if form.errors else 200)


def _open_for_existing(request, form, doublons):
    """A dossier in the chosen dispositif for a youth already known, among the duplicates of the typed identity
    only (never an arbitrary id)."""
    pk = form.cleaned_data["jeune_existant"]
    jeune = next((d.jeune for d in doublons if d.jeune.pk == pk and not d.a_un_dossier_ici), None)
    if jeune is None:
        raise ValidationError(
            "Ce jeune ne correspond pas à l'identité saisie, ou il a déjà un dossier dans ce dispositif."
        )
    return services.dossier_open_pre_admission(jeune=jeune, **form.dossier_fields(), **_actor(request))
