"""Dispositifs, their yearly parameters, and sites."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.enums import Modalite
from core.forms.administration import DispositifAnneeForm, DispositifForm, SiteForm
from core.models import Affectation, Dispositif, DispositifAnnee, Site
from core.perms import get_object_for_request
from core.services.organisation import dispositif_annee_save, dispositif_save, site_save
from core.views.administration.common import add_service_errors, admin_required

MODALITE_LABELS = dict(Modalite.choices)


def _with_modalite_labels(sites):
    for site in sites:
        site.modalite_labels = [MODALITE_LABELS.get(code, code) for code in site.modalites]
    return sites


# --- Dispositifs ------------------------------------------------------------------------------------------------


@require_GET
@admin_required
def dispositif_list(request):
    annee = timezone.localdate().year
    professionnels = (
        Affectation.objects.active_on_today()
        .filter(dispositif=OuterRef("pk"))
        .order_by()
        .values("dispositif")
        .annotate(n=Count("user", distinct=True))
        .values("n")
    )
    dispositifs = (
        Dispositif.objects.filter(organisme_id=request.access.organisme_id)
        .annotate(
            nb_sites=Count("sites", filter=Q(sites__is_active=True), distinct=True),
            nb_professionnels=Coalesce(Subquery(professionnels), 0),
        )
        .prefetch_related(
            Prefetch("annees", queryset=DispositifAnnee.objects.filter(annee=annee), to_attr="annee_courante")
        )
    )
    return render(request, "core/administration/dispositif_list.html", {"dispositifs": dispositifs, "annee": annee})


@require_GET
@admin_required
def dispositif_detail(request, pk):
    dispositif = get_object_for_request(request, Dispositif, pk=pk)
    context = {
        "dispositif": dispositif,
        "annees": DispositifAnnee.objects.filter(organisme_id=dispositif.organisme_id, dispositif=dispositif),
        "sites": _with_modalite_labels(
            list(Site.objects.filter(organisme_id=dispositif.organisme_id, dispositif=dispositif))
        ),
    }
    return render(request, "core/administration/dispositif_detail.html", context)


def _dispositif_form(request, dispositif: Dispositif, *, created: bool):
    form = DispositifForm(request.POST or None, instance=dispositif, organisme_id=request.access.organisme_id)
    if request.method == "POST" and form.is_valid():
        if not created and not form.has_changed():
            messages.info(request, "Aucune modification.")
            return redirect("core:admin_dispositif_detail", pk=dispositif.pk)
        try:
            dispositif_save(dispositif=form.instance, actor=request.user, request=request, changed=form.changed_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Dispositif « {dispositif.nom} » enregistré.")
            return redirect("core:admin_dispositif_detail", pk=dispositif.pk)
    return render(
        request,
        "core/administration/dispositif_form.html",
        {"form": form, "dispositif": dispositif, "created": created},
    )


@require_http_methods(["GET", "POST"])
@admin_required
def dispositif_create(request):
    return _dispositif_form(request, Dispositif(organisme_id=request.access.organisme_id), created=True)


@require_http_methods(["GET", "POST"])
@admin_required
def dispositif_edit(request, pk):
    dispositif = get_object_for_request(request, Dispositif, write=True, pk=pk)
    return _dispositif_form(request, dispositif, created=False)


# --- Yearly parameters -----------------------------------------------------------------------------------------


def _annee_form(request, annee: DispositifAnnee, *, created: bool):
    dispositif = annee.dispositif
    form = DispositifAnneeForm(request.POST or None, instance=annee, dispositif=dispositif)
    if request.method == "POST" and form.is_valid():
        if not created and not form.has_changed():
            messages.info(request, "Aucune modification.")
            return redirect("core:admin_dispositif_detail", pk=dispositif.pk)
        try:
            dispositif_annee_save(annee=form.instance, actor=request.user, request=request, changed=form.changed_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Paramètres {annee.annee} de « {dispositif.nom} » enregistrés.")
            return redirect("core:admin_dispositif_detail", pk=dispositif.pk)
    context = {"form": form, "dispositif": dispositif, "annee": annee, "created": created}
    return render(request, "core/administration/annee_form.html", context)


@require_http_methods(["GET", "POST"])
@admin_required
def annee_create(request, pk):
    dispositif = get_object_for_request(request, Dispositif, write=True, pk=pk)
    annee = DispositifAnnee(organisme_id=dispositif.organisme_id, dispositif=dispositif)
    return _annee_form(request, annee, created=True)


@require_http_methods(["GET", "POST"])
@admin_required
def annee_edit(request, pk):
    annee = get_object_for_request(request, DispositifAnnee.objects.select_related("dispositif"), write=True, pk=pk)
    return _annee_form(request, annee, created=False)


# --- Sites ----------------------------------------------------------------------------------------------------


@require_GET
@admin_required
def site_list(request):
    organisme_id = request.access.organisme_id
    dispositifs = list(Dispositif.objects.filter(organisme_id=organisme_id))
    sites = Site.objects.filter(organisme_id=organisme_id).select_related("dispositif")
    selected = next((d for d in dispositifs if str(d.pk) == request.GET.get("dispositif", "")), None)
    if selected is not None:
        sites = sites.filter(dispositif=selected)
    sites = _with_modalite_labels(list(sites.order_by("dispositif__nom", "nom")))
    context = {"sites": sites, "dispositifs": dispositifs, "selected": selected}
    return render(request, "core/administration/site_list.html", context)


def _site_form(request, site: Site, *, created: bool):
    initial = {}
    if created and request.GET.get("dispositif", "").isdigit():
        initial["dispositif"] = int(request.GET["dispositif"])
    form = SiteForm(request.POST or None, instance=site, initial=initial, organisme_id=request.access.organisme_id)
    if request.method == "POST" and form.is_valid():
        if not created and not form.has_changed():
            messages.info(request, "Aucune modification.")
            return redirect("core:admin_site_list")
        try:
            site_save(site=form.instance, actor=request.user, request=request, changed=form.changed_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Site « {site.nom} » enregistré.")
            return redirect(f"{reverse('core:admin_site_list')}?dispositif={site.dispositif_id}")
    return render(request, "core/administration/site_form.html", {"form": form, "site": site, "created": created})


@require_http_methods(["GET", "POST"])
@admin_required
def site_create(request):
    return _site_form(request, Site(organisme_id=request.access.organisme_id), created=True)


@require_http_methods(["GET", "POST"])
@admin_required
def site_edit(request, pk):
    site = get_object_for_request(request, Site.objects.select_related("dispositif"), write=True, pk=pk)
    return _site_form(request, site, created=False)


def _site_set_active(request, pk, is_active: bool):
    site = get_object_for_request(request, Site.objects.select_related("dispositif"), write=True, pk=pk)
    if site.is_active != is_active:
        site.is_active = is_active
        site_save(site=site, actor=request.user, request=request, changed=["is_active"])
    if is_active:
        messages.success(request, f"Site « {site.nom} » réactivé.")
    else:
        messages.success(request, f"Site « {site.nom} » désactivé : il n'est plus proposé pour les affectations.")
    return redirect(f"{reverse('core:admin_site_list')}?dispositif={site.dispositif_id}")


@require_POST
@admin_required
def site_deactivate(request, pk):
    return _site_set_active(request, pk, False)


@require_POST
@admin_required
def site_reactivate(request, pk):
    return _site_set_active(request, pk, True)
