"""The file active list, the name search and the waiting list.

Only professionals with clinical access reach them (admin_organisme alone: 403; family and youth accounts: 404 from
the middleware); every list starts from ``readable_dossiers``. Each page's URL also serves its HTMX partial (the
results), and every page works without JavaScript.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from dossiers import selectors
from dossiers.forms.dossier import DossierFilterForm, ProchaineEtapeForm, SearchForm
from dossiers.perms import _is_clinical_reader, can_write_dossier
from dossiers.services.parcours import dossier_update
from dossiers.views.dossier import dossier_view

PAGE_SIZE = 25


def can_list_dossiers(access) -> bool:
    """The lists of youths are for professionals with clinical access (not for admin_organisme alone)."""
    return _is_clinical_reader(access)


def clinical_required(view_func):
    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if not can_list_dossiers(request.access):
            raise PermissionDenied
        return view_func(request, *args, **kwargs)

    return wrapper


def _render(request, page_template, partial_template, context):
    partial = request.htmx and not request.htmx.boosted
    response = render(request, partial_template if partial else page_template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@clinical_required
def liste(request):
    access = request.access
    form = DossierFilterForm(request.GET or None, choices=selectors.filter_choices(access))
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(selectors.dossier_list(access, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_display(page.object_list, timezone.localdate())
    context = {
        "form": form,
        "page": page,
        "search_form": SearchForm(),
        "today": timezone.localdate(),
        "tri": filters.get("tri") or "nom",
        "can_create": selectors.writable_dispositifs(access).exists(),
    }
    return _render(request, "dossiers/liste/liste.html", "dossiers/liste/_resultats.html", context)


@require_GET
@clinical_required
def recherche(request):
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = selectors.with_display(selectors.search_dossiers(request.access, query), timezone.localdate())
    context = {"search_form": form, "query": query, "results": results, "today": timezone.localdate()}
    return _render(request, "dossiers/liste/recherche.html", "dossiers/liste/_recherche_resultats.html", context)


@require_GET
@clinical_required
def liste_attente(request):
    access = request.access
    today = timezone.localdate()
    dossiers = selectors.with_display(selectors.waiting_list(access), today)
    for dossier in dossiers:
        dossier.attente_jours = (today - dossier.attente_depuis).days if dossier.attente_depuis else None
        dossier.can_write = can_write_dossier(access, dossier)
    return render(request, "dossiers/liste/attente.html", {"dossiers": dossiers, "today": today})


@require_POST
@dossier_view(write=True)
def prochaine_etape(request, dossier):
    """Inline edit of the next step from the waiting list: HTMX swaps the cell, without JS back to the list."""
    form = ProchaineEtapeForm(request.POST)
    if form.is_valid():
        try:
            dossier_update(dossier=dossier, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
    if request.htmx:
        dossier.can_write = True
        return render(request, "dossiers/liste/_etape.html", {"dossier": dossier, "form": form})
    if form.errors:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        messages.success(request, f"Prochaine étape enregistrée pour {dossier.jeune}.")
    return redirect("dossiers:liste_attente")
