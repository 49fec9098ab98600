"""Week and day views of the agenda: per professional (default: me), per youth, per site and per resource; and the
youth's agenda as a dossier tab.

The events are drawn in a CSS grid whose placement classes are computed here (one row per quarter-hour, one
column per day, lanes for overlapping events): the CSP forbids style attributes. The same events are also listed
as plain text (small screens and screen readers). Every page runs a constant number of queries whatever the number
of events: the events with their nature/site/partner joined, then one query per kind of participant.
"""

import datetime
from dataclasses import dataclass, field
from functools import wraps
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from agendas.enums import StatutEvenement
from agendas.models import (
    Evenement,
    ParticipationJeune,
    ParticipationProfessionnel,
    ReservationRessource,
    Ressource,
)
from agendas.perms import can_write_dispositif_agenda
from core.enums import AccountKind
from core.models import Dispositif, Site, User
from dossiers.models import Dossier
from dossiers.perms import _is_clinical_reader, can_write_dossier, readable_dossiers
from dossiers.views.dossier import dossier_context, dossier_view

QUARTER = 15  # minutes per grid row
DAY_START, DAY_END = 8, 19  # hours always shown; the window grows to include earlier or later events
MAX_LANES = 4  # side-by-side overlapping events in one day column (more share the last lane)
JOURS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MOIS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


def can_use_agenda(access) -> bool:
    """The agendas are for professionals with clinical access (admin_organisme alone configures, it reads no
    youth's schedule); family and youth accounts have the portal."""
    return _is_clinical_reader(access)


def agenda_required(view_func):
    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if not can_use_agenda(request.access):
            raise PermissionDenied
        return view_func(request, *args, **kwargs)

    return wrapper


def jour_long(day: datetime.date) -> str:
    return f"{JOURS[day.weekday()]} {day.day} {MOIS[day.month - 1]}"


def parse_date(value, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def day_bounds(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[first 00:00, last+1 00:00) in Europe/Paris, aware (a DST day is 23 or 25 hours long)."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min), tz)
    end = timezone.make_aware(datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min), tz)
    return start, end


# --- Queries ---------------------------------------------------------------------------------------------------


def visible_evenements(access):
    """Events of the dispositifs the user reads (the direction: every dispositif of the organisme)."""
    qs = Evenement.objects.filter(organisme_id=access.organisme_id)
    if not access.sees_all_dispositifs:
        qs = qs.filter(dispositif_id__in=access.dispositif_ids)
    return qs


def with_participants(qs):
    """Nature, site, partner and dispositif joined; youths, professionals and resources prefetched: 4 queries for
    any number of events."""
    return qs.select_related("nature", "site", "partenaire", "dispositif", "serie").prefetch_related(
        Prefetch(
            "participations_jeunes",
            queryset=ParticipationJeune.objects.select_related("jeune").order_by("jeune__prenom", "jeune__pk"),
        ),
        Prefetch(
            "participations_professionnels",
            queryset=ParticipationProfessionnel.objects.select_related("user").order_by("user__first_name", "pk"),
        ),
        Prefetch("reservations", queryset=ReservationRessource.objects.select_related("ressource").order_by("pk")),
    )


def filter_scope(qs, scope: "Scope"):
    if scope.kind == "pro":
        return qs.filter(
            Exists(ParticipationProfessionnel.objects.filter(evenement=OuterRef("pk"), user_id=scope.obj.pk))
        )
    if scope.kind == "jeune":
        return qs.filter(Exists(ParticipationJeune.objects.filter(evenement=OuterRef("pk"), jeune_id=scope.obj.pk)))
    if scope.kind == "site":
        of_site_youths = ParticipationJeune.objects.filter(
            evenement=OuterRef("pk"), jeune__dossiers__site_id=scope.obj.pk, jeune__dossiers__archived_at__isnull=True
        )
        return qs.filter(Q(site_id=scope.obj.pk) | Exists(of_site_youths))
    if scope.kind == "ressource":
        return qs.filter(
            Exists(ReservationRessource.objects.filter(evenement=OuterRef("pk"), ressource_id=scope.obj.pk))
        )
    return qs.none()


def mark_readable_youths(access, evenements) -> None:
    """Set ``lisible`` on each youth participation: a youth whose dossier the user may not open (restricted
    dossier) is shown without a name. One query (plus the user's grants, cached for the request)."""
    jeune_ids = {p.jeune_id for e in evenements for p in e.participations_jeunes.all()}
    readable = set()
    if jeune_ids:
        readable = set(
            readable_dossiers(access, Dossier.objects.filter(jeune_id__in=jeune_ids)).values_list(
                "jeune_id", flat=True
            )
        )
    for evenement in evenements:
        for participation in evenement.participations_jeunes.all():
            participation.lisible = participation.jeune_id in readable


# --- Scope (whose agenda) --------------------------------------------------------------------------------------


@dataclass
class Scope:
    kind: str  # pro | jeune | site | ressource
    obj: object
    label: str

    @property
    def param(self) -> dict:
        return {self.kind: self.obj.pk}


def scope_choices(access) -> dict:
    """The options of the "whose agenda" selector (4 queries)."""
    organisme_id = access.organisme_id
    pros = User.objects.filter(organisme_id=organisme_id, kind=AccountKind.PROFESSIONNEL, is_active=True)
    sites = Site.objects.filter(organisme_id=organisme_id, is_active=True).select_related("dispositif")
    ressources = Ressource.objects.filter(organisme_id=organisme_id, is_active=True)
    if not access.sees_all_dispositifs:
        pros = pros.filter(affectations__dispositif_id__in=access.dispositif_ids).distinct()
        sites = sites.filter(dispositif_id__in=access.dispositif_ids)
        ressources = ressources.filter(dispositif_id__in=access.dispositif_ids)
    dossiers = readable_dossiers(access).actifs().exclude(statut="").select_related("jeune")
    return {
        "pros": list(pros.order_by("last_name", "first_name")),
        "jeunes": sorted({d.jeune for d in dossiers}, key=lambda j: (j.nom.lower(), j.prenom.lower(), j.pk)),
        "sites": list(sites.order_by("nom")),
        "ressources": list(ressources.order_by("type", "nom")),
    }


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def resolve_scope(request) -> Scope:
    """Whose agenda the query string asks for (``jeune``, ``site``, ``ressource`` or ``pro``; default: me).
    Another organisme's id or an unreadable one: 404 / 403."""
    access = request.access
    params = request.GET.copy()
    # The selector form sends one ``voir=<kind>:<id>`` value; links send ``<kind>=<id>``.
    kind, _, value = params.get("voir", "").partition(":")
    if kind in ("pro", "jeune", "site", "ressource"):
        params[kind] = value
    if pk := _int(params.get("jeune")):
        dossiers = Dossier.objects.filter(organisme_id=access.organisme_id, jeune_id=pk).select_related("jeune")
        dossiers = list(dossiers)
        if not dossiers:
            raise Http404
        if not readable_dossiers(access, Dossier.objects.filter(pk__in=[d.pk for d in dossiers])).exists():
            raise PermissionDenied
        jeune = dossiers[0].jeune
        return Scope("jeune", jeune, f"Agenda de {jeune}")
    if pk := _int(params.get("site")):
        site = Site.objects.filter(organisme_id=access.organisme_id, pk=pk).first()
        if site is None:
            raise Http404
        if not access.can_read_dispositif(site.dispositif_id):
            raise PermissionDenied
        return Scope("site", site, f"Agenda du site {site.nom}")
    if pk := _int(params.get("ressource")):
        ressource = Ressource.objects.filter(organisme_id=access.organisme_id, pk=pk).first()
        if ressource is None:
            raise Http404
        if not access.can_read_dispositif(ressource.dispositif_id):
            raise PermissionDenied
        return Scope("ressource", ressource, f"Réservations : {ressource.nom}")
    if (pk := _int(params.get("pro"))) and pk != request.user.pk:
        pro = User.objects.filter(organisme_id=access.organisme_id, pk=pk, kind=AccountKind.PROFESSIONNEL).first()
        if pro is None:
            raise Http404
        return Scope("pro", pro, f"Agenda de {pro.get_full_name()}")
    return Scope("pro", request.user, "Mon agenda")


# --- Grid layout -----------------------------------------------------------------------------------------------


@dataclass
class Segment:
    """The part of an event drawn in one day column (an overnight event has a segment in each day)."""

    evenement: Evenement
    debut: datetime.datetime  # local
    fin: datetime.datetime  # local
    start_min: int  # minutes since midnight of the column's day, clipped to the day
    end_min: int
    avant: bool = False  # continues from the previous day
    apres: bool = False  # continues on the next day
    lane: int = 0
    lanes: int = 1
    row: int = 1
    span: int = 1

    @property
    def classes(self) -> str:
        e = self.evenement
        col = f"ag-c{min(self.lane, MAX_LANES - 1) + 1}" if self.lanes > 1 else "ag-cplein"
        return f"ag-evt ag-evt--{e.statut} ag-cadre--{e.cadre} ag-l{self.row} ag-s{self.span} {col}"


@dataclass
class Jour:
    date: datetime.date
    label: str
    aujourdhui: bool
    segments: list = field(default_factory=list)
    lanes: int = 1


def _minutes(dt: datetime.datetime) -> int:
    return dt.hour * 60 + dt.minute


def build_days(evenements, first: datetime.date, count: int, today: datetime.date):
    """Cut the events into per-day segments, assign lanes to overlapping segments, and compute the shown window
    (whole hours, at least DAY_START–DAY_END) and each segment's grid row and span (quarter-hours)."""
    days = [first + datetime.timedelta(days=i) for i in range(count)]
    jours = {d: Jour(d, jour_long(d), d == today) for d in days}
    for evenement in evenements:
        debut, fin = timezone.localtime(evenement.debut), timezone.localtime(evenement.fin)
        day = max(debut.date(), first)
        while day <= fin.date() and day in jours:
            start = _minutes(debut) if day == debut.date() else 0
            end = _minutes(fin) if day == fin.date() else 24 * 60
            if end > start or (day == debut.date() and end == start):
                jours[day].segments.append(
                    Segment(evenement, debut, fin, start, max(end, start + QUARTER),
                            avant=day > debut.date(), apres=day < fin.date())
                )  # fmt: skip
            day += datetime.timedelta(days=1)
    first_hour, last_hour = DAY_START, DAY_END
    for jour in jours.values():
        for seg in jour.segments:
            first_hour = min(first_hour, seg.start_min // 60)
            last_hour = max(last_hour, -(-seg.end_min // 60))
        _assign_lanes(jour)
    offset = first_hour * 60
    for jour in jours.values():
        for seg in jour.segments:
            seg.row = (seg.start_min - offset) // QUARTER + 1
            seg.span = max(1, -(-(seg.end_min - seg.start_min) // QUARTER))
    hours = [
        {"label": f"{h:02d}:00", "row": (h - first_hour) * 60 // QUARTER + 1} for h in range(first_hour, last_hour)
    ]
    return list(jours.values()), hours


def _assign_lanes(jour: Jour) -> None:
    """Greedy interval colouring per cluster of overlapping segments; each segment learns its cluster width."""
    segments = sorted(jour.segments, key=lambda s: (s.start_min, -s.end_min))
    cluster, cluster_end, lane_ends = [], -1, []
    for seg in segments:
        if seg.start_min >= cluster_end and cluster:
            _close_cluster(cluster, len(lane_ends), jour)
            cluster, lane_ends = [], []
        for i, end in enumerate(lane_ends):
            if end <= seg.start_min:
                seg.lane, lane_ends[i] = i, seg.end_min
                break
        else:
            seg.lane = len(lane_ends)
            lane_ends.append(seg.end_min)
        cluster.append(seg)
        cluster_end = max(cluster_end, seg.end_min)
    if cluster:
        _close_cluster(cluster, len(lane_ends), jour)
    jour.segments = segments


def _close_cluster(cluster, width, jour):
    for seg in cluster:
        seg.lanes = width
    jour.lanes = max(jour.lanes, min(width, MAX_LANES))


# --- Views -----------------------------------------------------------------------------------------------------


def week_context(request, scope: Scope, *, vue: str, day: datetime.date) -> dict:
    today = timezone.localdate()
    if vue == "jour":
        first, count, step = day, 1, datetime.timedelta(days=1)
    else:
        first, count, step = day - datetime.timedelta(days=day.weekday()), 7, datetime.timedelta(days=7)
    last = first + datetime.timedelta(days=count - 1)
    start, end = day_bounds(first, last)
    evenements = list(with_participants(filter_scope(visible_evenements(request.access), scope)).entre(start, end))
    mark_readable_youths(request.access, evenements)
    jours, hours = build_days(evenements, first, count, today)
    base = {**scope.param, "vue": vue} if scope.obj != request.user else {"vue": vue}

    def url(d):
        return "?" + urlencode({**base, "date": d.isoformat()})

    if vue == "jour":
        titre = jour_long(first).capitalize() + f" {first.year}"
    else:
        titre = f"Semaine du {first.day} {MOIS[first.month - 1]} au {last.day} {MOIS[last.month - 1]} {last.year}"
    return {
        "scope": scope,
        "vue": vue,
        "day": day,
        "jours": jours,
        "heures": hours,
        "evenements": evenements,
        "titre_periode": titre,
        "precedent": url(first - step),
        "suivant": url(first + step),
        "aujourdhui": url(today),
        "vue_jour": "?" + urlencode({**base, "vue": "jour", "date": day.isoformat()}),
        "vue_semaine": "?" + urlencode({**base, "vue": "semaine", "date": day.isoformat()}),
        "statuts": StatutEvenement,
    }


@require_GET
@agenda_required
def agenda(request):
    """The agenda page: a week (or a day) of the chosen scope, with the scope selector and the navigation."""
    scope = resolve_scope(request)
    vue = "jour" if request.GET.get("vue") == "jour" else "semaine"
    day = parse_date(request.GET.get("date"), timezone.localdate())
    context = week_context(request, scope, vue=vue, day=day)
    context["choices"] = scope_choices(request.access)
    context["can_create"] = writable_dispositifs(request.access).exists()
    return render(request, "agendas/agenda/agenda.html", context)


def writable_dispositifs(access):
    """Active dispositifs where the user may plan events (one query)."""
    qs = Dispositif.objects.filter(organisme_id=access.organisme_id, is_active=True).order_by("nom")
    if not access.is_direction:
        qs = qs.filter(pk__in=[d for d in access.dispositif_ids if can_write_dispositif_agenda(access, d)])
    return qs


@require_GET
@dossier_view()
def dossier_agenda(request, dossier):
    """The agenda tab of a dossier: the youth's week (or day), read audited like every dossier tab."""
    context = dossier_context(request, dossier, "agenda")
    scope = Scope("jeune", dossier.jeune, f"Agenda de {dossier.jeune}")
    vue = "jour" if request.GET.get("vue") == "jour" else "semaine"
    day = parse_date(request.GET.get("date"), timezone.localdate())
    context.update(week_context(request, scope, vue=vue, day=day))
    context["can_create"] = can_write_dossier(request.access, dossier)
    return render(request, "agendas/agenda/dossier.html", context)
