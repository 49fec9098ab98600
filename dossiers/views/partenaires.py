"""The partners directory (menu « Partenaires»): schools, ASE, hospital, leisure, other ESMS, their intervenants,
and the youths they work with (only the dossiers the reader may open).

Every professional reads the directory; editing it needs ``can_edit_partenaires`` (direction, chefs de service,
coordinators, secretariat, the organisme's administrator).
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from core.perms import get_object_for_request
from dossiers.forms.partenaires import IntervenantForm, PartenaireFilterForm, PartenaireForm
from dossiers.models import DossierPartenaire, Intervenant, Partenaire, PeriodeScolaire
from dossiers.perms import can_edit_partenaires, readable_dossiers
from dossiers.services.partenaires import intervenant_save, partenaire_save
from dossiers.views.famille import _save_form

PAGE_SIZE = 25


def editor_required(view_func):
    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if not can_edit_partenaires(request.access):
            raise PermissionDenied
        return view_func(request, *args, **kwargs)

    return wrapper


def reader_required(view_func):
    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if not request.access.is_professionnel:
            raise PermissionDenied
        return view_func(request, *args, **kwargs)

    return wrapper


@require_GET
@reader_required
def partenaire_list(request):
    """One URL for the page and, for HTMX live search, the results partial."""
    access = request.access
    form = PartenaireFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    partenaires = Partenaire.objects.filter(organisme_id=access.organisme_id)
    actif = filters.get("actif") or "oui"
    if actif != "tous":
        partenaires = partenaires.filter(is_active=actif == "oui")
    if filters.get("type"):
        partenaires = partenaires.filter(type=filters["type"])
    for word in (filters.get("q") or "").split():
        partenaires = partenaires.filter(
            Q(nom__icontains=word) | Q(adresse__icontains=word) | Q(intervenants__nom__icontains=word)
        )
    partenaires = partenaires.annotate(nb_intervenants=Count("intervenants", distinct=True)).order_by("nom", "pk")
    page = Paginator(partenaires, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "can_edit": can_edit_partenaires(access)}
    template = "dossiers/partenaires/partials/results.html" if request.htmx else "dossiers/partenaires/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@reader_required
def partenaire_detail(request, pk):
    access = request.access
    partenaire = get_object_for_request(request, Partenaire, pk=pk)
    today = timezone.localdate()
    readable = readable_dossiers(access)
    liens = (
        DossierPartenaire.objects.filter(partenaire=partenaire, dossier__in=readable)
        .filter(Q(fin__isnull=True) | Q(fin__gte=today))
        .select_related("dossier__jeune", "dossier__dispositif", "intervenant")
        .order_by("dossier__jeune__nom_naissance", "dossier__jeune__prenom", "pk")
    )
    eleves = (
        PeriodeScolaire.objects.filter(etablissement=partenaire, jeune_id__in=readable.values("jeune_id"))
        .filter(Q(fin__isnull=True) | Q(fin__gte=today), debut__lte=today)
        .select_related("jeune")
        .order_by("jeune__nom_naissance", "jeune__prenom", "pk")
    )
    context = {
        "partenaire": partenaire,
        "intervenants": list(partenaire.intervenants.order_by("nom", "prenom", "pk")),
        "liens": list(liens),
        "eleves": list(eleves),
        "can_edit": can_edit_partenaires(access),
    }
    return render(request, "dossiers/partenaires/detail.html", context)


def _form_page(request, form, *, heading, cancel_url):
    return render(request, "dossiers/partenaires/form.html", {"form": form, "heading": heading,
                                                                "cancel_url": cancel_url})  # fmt: skip


@require_http_methods(["GET", "POST"])
@editor_required
def partenaire_create(request):
    form = PartenaireForm(request.POST or None, instance=Partenaire(organisme_id=request.access.organisme_id))
    save = lambda: partenaire_save(partenaire=form.instance, actor=request.user, request=request)  # noqa: E731
    if _save_form(request, form, save, "Partenaire ajouté à l'annuaire."):
        return redirect("dossiers:partenaire_detail", pk=form.instance.pk)
    return _form_page(request, form, heading="Nouveau partenaire", cancel_url=reverse("dossiers:partenaire_list"))


@require_http_methods(["GET", "POST"])
@editor_required
def partenaire_edit(request, pk):
    partenaire = get_object_for_request(request, Partenaire, write=True, pk=pk)
    form = PartenaireForm(request.POST or None, instance=partenaire)

    def save():
        partenaire_save(partenaire=form.instance, actor=request.user, request=request, changed=form.changed_data)

    if _save_form(request, form, save, "Partenaire modifié."):
        return redirect("dossiers:partenaire_detail", pk=partenaire.pk)
    return _form_page(request, form, heading=f"Modifier {partenaire.nom}",
                      cancel_url=reverse("dossiers:partenaire_detail", args=[partenaire.pk]))  # fmt: skip


@require_http_methods(["GET", "POST"])
@editor_required
def intervenant_create(request, pk):
    partenaire = get_object_for_request(request, Partenaire, write=True, pk=pk)
    intervenant = Intervenant(organisme_id=partenaire.organisme_id, partenaire=partenaire)
    form = IntervenantForm(request.POST or None, instance=intervenant)
    save = lambda: intervenant_save(intervenant=form.instance, actor=request.user, request=request)  # noqa: E731
    if _save_form(request, form, save, "Intervenant ajouté."):
        return redirect("dossiers:partenaire_detail", pk=partenaire.pk)
    return _form_page(request, form, heading=f"Nouvel intervenant — {partenaire.nom}",
                      cancel_url=reverse("dossiers:partenaire_detail", args=[partenaire.pk]))  # fmt: skip


@require_http_methods(["GET", "POST"])
@editor_required
def intervenant_edit(request, pk):
    intervenant = get_object_for_request(request, Intervenant.objects.select_related("partenaire"), write=True, pk=pk)
    form = IntervenantForm(request.POST or None, instance=intervenant)

    def save():
        intervenant_save(intervenant=form.instance, actor=request.user, request=request, changed=form.changed_data)

    if _save_form(request, form, save, "Intervenant modifié."):
        return redirect("dossiers:partenaire_detail", pk=intervenant.partenaire_id)
    return _form_page(request, form, heading=f"Modifier {intervenant}",
                      cancel_url=reverse("dossiers:partenaire_detail", args=[intervenant.partenaire_id]))  # fmt: skip
