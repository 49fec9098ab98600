"""Reading: the handover view « À lire », the journal with filters and French full-text search, and the menu's
unread badge."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_POST

from transmissions import selectors
from transmissions.forms import JournalFilterForm
from transmissions.services import lecture_marquer, prise_de_poste
from transmissions.views.common import audit_reads, require_reader

PAGE_SIZE = 30


class Page:
    """A page without a total count (a count over a million rows costs more than the page): one row more than the
    page tells whether there is a next one."""

    def __init__(self, rows, number, has_next):
        self.rows, self.number, self.has_next = rows, number, has_next
        self.has_previous = number > 1
        self.has_other_pages = self.has_previous or has_next
        self.previous_page_number, self.next_page_number = number - 1, number + 1

    @classmethod
    def of(cls, queryset, raw_number):
        number = int(raw_number) if str(raw_number or "").isdigit() and int(raw_number) > 0 else 1
        offset = (number - 1) * PAGE_SIZE
        rows = list(queryset[offset : offset + PAGE_SIZE + 1])
        return cls(rows[:PAGE_SIZE], number, len(rows) > PAGE_SIZE)


def _without_shown_addenda(rows: list) -> list:
    """An addendum whose original is on the same page is shown under it, not a second time on its own."""
    ids = {t.pk for t in rows}
    return [t for t in rows if t.addendum_de_id not in ids]


def _chosen_since(request) -> datetime.datetime | None:
    """``?depuis=`` (a ``datetime-local`` value) or ``?heures=`` (the last N hours), if given."""
    raw = request.GET.get("depuis", "")
    if raw:
        value = parse_datetime(raw)
        if value is not None:
            return timezone.make_aware(value) if timezone.is_naive(value) else value
    hours = request.GET.get("heures", "")
    if hours.isdigit() and 0 < int(hours) <= 24 * 31:
        return timezone.now() - datetime.timedelta(hours=int(hours))
    return None


@require_GET
def a_lire(request):
    """What colleagues wrote since the user's last shift (or a chosen time) about their youths and units,
    important first; « Lu » per item, « Tout marquer comme lu », « Je prends mon poste »."""
    require_reader(request)
    access = request.access
    chosen = _chosen_since(request)
    last = selectors.derniere_prise_de_poste(request.user)
    since = chosen or (last.at if last else timezone.now() - selectors.DEFAULT_HANDOVER_WINDOW)
    unread_only = request.GET.get("non_lues") == "1"
    qs = selectors.with_display(selectors.a_lire(access, since=since, unread_only=unread_only), request.user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _without_shown_addenda(list(page.object_list))
    audit_reads(request, rows, context="à lire")
    context = {
        "page": page,
        "rows": rows,
        "since": since,
        "chosen": chosen,
        "last": last,
        "unread_only": unread_only,
        "voit_lectures": access.is_direction or "chef_de_service" in access.metiers,
        "unread_ids": ",".join(str(t.pk) for t in rows if not t.lu),
        "query": request.GET.urlencode(),
    }
    return render(request, "transmissions/a_lire.html", context)


@require_POST
def tout_lu(request):
    """Mark every transmission of the handover view (since the same time) as read."""
    require_reader(request)
    access = request.access
    since = selectors.handover_since(request.user)
    if raw := request.POST.get("depuis"):
        parsed = parse_datetime(raw)
        if parsed is not None:
            since = parsed if not timezone.is_naive(parsed) else timezone.make_aware(parsed)
    ids = selectors.a_lire(access, since=since, unread_only=True).order_by().values_list("pk", flat=True)
    count = lecture_marquer(transmissions=list(ids), user=request.user)
    s = "s" if count > 1 else ""
    messages.success(request, f"{count} transmission{s} marquée{s} comme lue{s}.")
    return redirect("transmissions:a_lire")


@require_POST
def prendre_poste(request):
    """« Je prends mon poste »: from now on the handover view shows what is written after this moment."""
    require_reader(request)
    prise_de_poste(user=request.user)
    messages.success(request, "Prise de poste enregistrée : « À lire » montre désormais ce qui est écrit ensuite.")
    return redirect("transmissions:a_lire")


@require_GET
def badge(request):
    """The menu's unread count, fetched by HTMX after the page is shown (no cost for the page itself)."""
    if not request.access.is_professionnel:
        return HttpResponse("")
    count = selectors.a_lire_count(request.access)
    if not count:
        return HttpResponse("")
    label = "99+" if count > 99 else str(count)
    return HttpResponse(f'<span class="badge" aria-label="{label} à lire">{label}</span>')


def _filters(form) -> selectors.JournalFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.JournalFilters(
        q=data.get("q") or "",
        jeune_id=data.get("jeune"),
        site_id=data["site"].pk if data.get("site") else None,
        categorie_id=data["categorie"].pk if data.get("categorie") else None,
        auteur_id=data["auteur"].pk if data.get("auteur") else None,
        debut=data.get("debut"),
        fin=data.get("fin"),
        importance=data.get("importance") or "",
        brouillons=bool(data.get("brouillons")),
    )


@require_GET
def journal(request):
    """The journal of the user's dispositifs: filters (youth, unit, catégorie, author, period, importance) and
    French full-text search (accents and plurals tolerated). HTMX requests get the results only."""
    require_reader(request)
    access = request.access
    form = JournalFilterForm(request.GET or None, access=access)
    filters = _filters(form)
    qs = selectors.with_display(selectors.journal(access, filters), request.user)
    page = Page.of(qs, request.GET.get("page"))
    rows = _without_shown_addenda(page.rows)
    audit_reads(request, rows, context="journal", jeune_id=filters.jeune_id)
    jeune = None
    if filters.jeune_id:
        from dossiers.models import Jeune

        jeune = Jeune.objects.filter(pk=filters.jeune_id).only("prenom", "nom_naissance", "nom_usage").first()
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "filters": filters,
        "jeune": jeune,
        "params": params.urlencode(),
    }
    template = (
        "transmissions/partials/journal_resultats.html"
        if request.headers.get("HX-Request")
        else "transmissions/journal.html"
    )
    return render(request, template, context)
