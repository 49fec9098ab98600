"""Administration of a dispositif's agenda (menu « Gestion de l'agenda »): natures of events with their cadre and
SERAFIN-PH code, bookable resources (rooms, vehicles) and their bookings, closure periods.

Every professional of the dispositif reads these lists; changing them needs ``can_manage_agenda``.
"""

import datetime
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agendas.forms.gestion import FermetureForm, NatureForm, RessourceForm, serafin_prestations
from agendas.models import Evenement, Fermeture, Nature, ParticipationProfessionnel, Ressource
from agendas.services import gestion as services
from agendas.services.natures import nature_save, natures_par_defaut
from core.enums import Metier, Role
from core.models import Dispositif, SerafinCode
from core.perms import get_object_for_request
from core.views.administration.common import add_service_errors
from dossiers.perms import _is_clinical_reader
from dossiers.views.famille import _save_form

# --- who may do what --------------------------------------------------------------------------------------------


def can_manage_agenda(access, dispositif_id: int) -> bool:
    """Natures, resources and closures of a dispositif are set by the direction, the organisme's administrator,
    and the dispositif's chefs de service (with the contributor role)."""
    if not access.is_professionnel:
        return False
    if access.is_direction or access.is_admin:
        return True
    return any(
        a.dispositif_id == dispositif_id and a.metier == Metier.CHEF_DE_SERVICE and a.role == Role.CONTRIBUTEUR
        for a in access.affectations
    )


def can_read_gestion(access, dispositif_id: int) -> bool:
    """Every professional of the dispositif reads its natures, resources and closures."""
    return access.is_professionnel and access.can_read_dispositif(dispositif_id)


def managed_dispositifs(access):
    qs = Dispositif.objects.filter(organisme_id=access.organisme_id).order_by("nom")
    if not access.sees_all_dispositifs:
        qs = qs.filter(pk__in=access.dispositif_ids)
    return qs


def professional_required(view_func):
    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if not request.access.is_professionnel:
            raise PermissionDenied
        return view_func(request, *args, **kwargs)

    return wrapper


def _dispositif(request, pk, *, write=False) -> Dispositif:
    dispositif = get_object_for_request(request, Dispositif, pk=pk)
    if write and not can_manage_agenda(request.access, dispositif.pk):
        raise PermissionDenied
    return dispositif


def _owned(request, model, pk, *, write=False):
    """A nature, resource or closure of a dispositif the user reads (another organisme: 404)."""
    obj = get_object_for_request(request, model.objects.select_related("dispositif"), pk=pk)
    allowed = can_manage_agenda if write else can_read_gestion
    if not allowed(request.access, obj.dispositif_id):
        raise PermissionDenied
    return obj


def _context(request, dispositif, section: str, **extra) -> dict:
    return {
        "dispositif": dispositif,
        "section": section,
        "can_manage": can_manage_agenda(request.access, dispositif.pk),
        **extra,
    }


@require_GET
@professional_required
def gestion_index(request):
    dispositifs = list(managed_dispositifs(request.access))
    if len(dispositifs) == 1:
        return redirect("agendas:nature_list", dispositif_pk=dispositifs[0].pk)
    return render(request, "agendas/gestion/index.html", {"dispositifs": dispositifs})


# --- natures ----------------------------------------------------------------------------------------------------


@require_GET
@professional_required
def nature_list(request, dispositif_pk):
    dispositif = _dispositif(request, dispositif_pk)
    natures = list(Nature.objects.filter(dispositif=dispositif).order_by("-is_active", "libelle", "pk"))
    labels = dict(
        SerafinCode.objects.filter(code__in={n.serafin_code for n in natures}).values_list("code", "libelle")
    )
    for nature in natures:
        nature.serafin_libelle = labels.get(nature.serafin_code, "")
    return render(request, "agendas/gestion/natures.html", _context(request, dispositif, "natures", natures=natures))


def _nature_page(request, dispositif, form, heading):
    context = _context(request, dispositif, "natures", form=form, heading=heading, prestations=form.prestations)
    return render(request, "agendas/gestion/nature_form.html", context, status=422 if form.errors else 200)


def _save_nature(request, dispositif, form, nature=None) -> bool:
    if request.method != "POST" or not form.is_valid():
        return False
    data = dict(form.cleaned_data)
    if nature is not None:
        data["code"] = nature.code
    try:
        nature_save(dispositif=dispositif, nature=nature, actor=request.user, request=request, **data)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


@require_http_methods(["GET", "POST"])
@professional_required
def nature_create(request, dispositif_pk):
    dispositif = _dispositif(request, dispositif_pk, write=True)
    form = NatureForm(request.POST or None, prestations=serafin_prestations(), initial={"visible_famille": True})
    if _save_nature(request, dispositif, form):
        messages.success(request, "Nature ajoutée.")
        return redirect("agendas:nature_list", dispositif_pk=dispositif.pk)
    return _nature_page(request, dispositif, form, "Nouvelle nature")


@require_http_methods(["GET", "POST"])
@professional_required
def nature_edit(request, pk):
    nature = _owned(request, Nature, pk, write=True)
    initial = {name: getattr(nature, name) for name in NatureForm.base_fields}
    form = NatureForm(request.POST or None, initial=initial, prestations=serafin_prestations(), editing=True)
    if _save_nature(request, nature.dispositif, form, nature):
        messages.success(request, "Nature modifiée. Les événements déjà enregistrés gardent leurs réglages.")
        return redirect("agendas:nature_list", dispositif_pk=nature.dispositif_id)
    return _nature_page(request, nature.dispositif, form, f"Modifier « {nature.libelle} »")


@require_POST
@professional_required
def natures_defaut(request, dispositif_pk):
    dispositif = _dispositif(request, dispositif_pk, write=True)
    created = natures_par_defaut(dispositif=dispositif, actor=request.user)
    if created:
        messages.success(request, f"{len(created)} nature(s) de la liste par défaut ajoutée(s).")
    else:
        messages.info(request, "Toutes les natures de la liste par défaut sont déjà présentes.")
    return redirect("agendas:nature_list", dispositif_pk=dispositif.pk)


# --- resources --------------------------------------------------------------------------------------------------


@require_GET
@professional_required
def ressource_list(request, dispositif_pk):
    dispositif = _dispositif(request, dispositif_pk)
    ressources = Ressource.objects.filter(dispositif=dispositif).select_related("site")
    ressources = list(ressources.order_by("-is_active", "type", "nom", "pk"))
    context = _context(request, dispositif, "ressources", ressources=ressources)
    return render(request, "agendas/gestion/ressources.html", context)


def _form_page(request, dispositif, section, form, heading, cancel_url):
    context = _context(request, dispositif, section, form=form, heading=heading, cancel_url=cancel_url)
    return render(request, "agendas/gestion/form.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@professional_required
def ressource_create(request, dispositif_pk):
    dispositif = _dispositif(request, dispositif_pk, write=True)
    form = RessourceForm(request.POST or None, instance=Ressource(organisme_id=dispositif.organisme_id,
                                                                   dispositif=dispositif))  # fmt: skip
    save = lambda: services.ressource_save(ressource=form.instance, actor=request.user, request=request)  # noqa: E731
    if _save_form(request, form, save, "Ressource ajoutée."):
        return redirect("agendas:ressource_list", dispositif_pk=dispositif.pk)
    cancel = reverse("agendas:ressource_list", args=[dispositif.pk])
    return _form_page(request, dispositif, "ressources", form, "Nouvelle ressource", cancel)


@require_http_methods(["GET", "POST"])
@professional_required
def ressource_edit(request, pk):
    ressource = _owned(request, Ressource, pk, write=True)
    form = RessourceForm(request.POST or None, instance=ressource)

    def save():
        services.ressource_save(ressource=form.instance, actor=request.user, request=request,
                                changed=form.changed_data)  # fmt: skip

    if _save_form(request, form, save, "Ressource modifiée."):
        return redirect("agendas:ressource_list", dispositif_pk=ressource.dispositif_id)
    cancel = reverse("agendas:ressource_list", args=[ressource.dispositif_id])
    return _form_page(request, ressource.dispositif, "ressources", form, f"Modifier « {ressource.nom} »", cancel)


@require_POST
@professional_required
def ressource_toggle(request, pk):
    ressource = _owned(request, Ressource, pk, write=True)
    services.ressource_set_active(
        ressource=ressource, is_active=not ressource.is_active, actor=request.user, request=request
    )
    messages.success(request, f"« {ressource.nom} » {'réactivée' if ressource.is_active else 'désactivée'}.")
    return redirect("agendas:ressource_list", dispositif_pk=ressource.dispositif_id)


def _week(request) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(request.GET.get("semaine", ""))
    except ValueError:
        day = timezone.localdate()
    return day - datetime.timedelta(days=day.weekday())


def _resource_week_url(ressource, monday) -> str:
    """The screens' week grid of this resource (``agendas:agenda?ressource=``)."""
    return f"{reverse('agendas:agenda')}?ressource={ressource.pk}&date={monday.isoformat()}"


@require_GET
@professional_required
def ressource_reservations(request, pk):
    """Who books this room or vehicle in a week: the events, their times, status and professionals (no youth names:
    booking a vehicle needs none)."""
    ressource = _owned(request, Ressource, pk)
    monday = _week(request)
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min), tz)
    end = timezone.make_aware(datetime.datetime.combine(monday + datetime.timedelta(days=7), datetime.time.min), tz)
    evenements = (
        Evenement.objects.filter(reservations__ressource=ressource)
        .entre(start, end)
        .select_related("nature", "dispositif")
        .prefetch_related(
            Prefetch(
                "participations_professionnels",
                queryset=ParticipationProfessionnel.objects.select_related("user").order_by("user__last_name"),
                to_attr="pros",
            )
        )
        .order_by("debut", "pk")
    )
    context = _context(
        request, ressource.dispositif, "ressources",
        ressource=ressource, evenements=list(evenements), monday=monday,
        sunday=monday + datetime.timedelta(days=6),
        previous=monday - datetime.timedelta(days=7), next=monday + datetime.timedelta(days=7),
        week_url=_resource_week_url(ressource, monday) if _is_clinical_reader(request.access) else "",
    )  # fmt: skip
    return render(request, "agendas/gestion/reservations.html", context)


# --- closures ---------------------------------------------------------------------------------------------------


@require_GET
@professional_required
def fermeture_list(request, dispositif_pk):
    dispositif = _dispositif(request, dispositif_pk)
    today = timezone.localdate()
    show_past = request.GET.get("passees") == "1"
    fermetures = Fermeture.objects.filter(dispositif=dispositif)
    if not show_past:
        fermetures = fermetures.filter(fin__gte=today - datetime.timedelta(days=31))
    context = _context(request, dispositif, "fermetures", fermetures=list(fermetures.order_by("debut", "pk")),
                       show_past=show_past)  # fmt: skip
    return render(request, "agendas/gestion/fermetures.html", context)


@require_http_methods(["GET", "POST"])
@professional_required
def fermeture_create(request, dispositif_pk):
    dispositif = _dispositif(request, dispositif_pk, write=True)
    form = FermetureForm(request.POST or None, instance=Fermeture(organisme_id=dispositif.organisme_id,
                                                                   dispositif=dispositif))  # fmt: skip
    save = lambda: services.fermeture_save(fermeture=form.instance, actor=request.user, request=request)  # noqa: E731
    if _save_form(request, form, save, "Fermeture ajoutée."):
        return redirect("agendas:fermeture_list", dispositif_pk=dispositif.pk)
    cancel = reverse("agendas:fermeture_list", args=[dispositif.pk])
    return _form_page(request, dispositif, "fermetures", form, "Nouvelle fermeture", cancel)


@require_http_methods(["GET", "POST"])
@professional_required
def fermeture_edit(request, pk):
    fermeture = _owned(request, Fermeture, pk, write=True)
    form = FermetureForm(request.POST or None, instance=fermeture)

    def save():
        services.fermeture_save(fermeture=form.instance, actor=request.user, request=request,
                                changed=form.changed_data)  # fmt: skip

    if _save_form(request, form, save, "Fermeture modifiée."):
        return redirect("agendas:fermeture_list", dispositif_pk=fermeture.dispositif_id)
    cancel = reverse("agendas:fermeture_list", args=[fermeture.dispositif_id])
    return _form_page(request, fermeture.dispositif, "fermetures", form, f"Modifier « {fermeture.libelle} »", cancel)


@require_POST
@professional_required
def fermeture_delete(request, pk):
    fermeture = _owned(request, Fermeture, pk, write=True)
    dispositif_id = fermeture.dispositif_id
    services.fermeture_delete(fermeture=fermeture, actor=request.user, request=request)
    messages.success(request, "Fermeture supprimée.")
    return redirect("agendas:fermeture_list", dispositif_pk=dispositif_id)
