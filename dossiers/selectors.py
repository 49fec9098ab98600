"""Reads of the dossier screens spanning several models: the file active list, the name search, the waiting list,
the synthèse and the cartographie du parcours. Every list starts from ``dossiers.perms.readable_dossiers`` so a
user never lists a dossier they could not open (restricted dossiers included)."""

import calendar
import datetime
from dataclasses import dataclass, field

from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    Case,
    CharField,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Func
from django.db.models.functions import Cast, Coalesce, Greatest

from core.enums import AccountKind, Modalite
from core.models import Dispositif, Site, User
from dossiers.enums import Priorite, StatutParcours
from dossiers.models import Dossier, Parcours, trigrams
from dossiers.perms import readable_dossiers

# --- File active list ------------------------------------------------------------------------------------------

SORTS = {
    "nom": ("jeune__nom_naissance", "jeune__prenom", "pk"),
    "-nom": ("-jeune__nom_naissance", "-jeune__prenom", "-pk"),
    # Youngest first = most recent birth date first.
    "age": ("-jeune__date_naissance", "jeune__nom_naissance", "pk"),
    "-age": ("jeune__date_naissance", "jeune__nom_naissance", "pk"),
    "statut": ("statut", "jeune__nom_naissance", "pk"),
    "-statut": ("-statut", "jeune__nom_naissance", "pk"),
    "admission": (F("date_admission").asc(nulls_last=True), "jeune__nom_naissance", "pk"),
    "-admission": (F("date_admission").desc(nulls_last=True), "jeune__nom_naissance", "pk"),
}


def _last_start(statut: str):
    """The start of the dossier's latest period of ``statut`` (one correlated subquery, no per-row query)."""
    return Subquery(
        Parcours.objects.filter(dossier=OuterRef("pk"), statut=statut).order_by("-debut").values("debut")[:1]
    )


def dossier_list(access, filters: dict | None = None):
    """The file active: readable dossiers with their jeune, dispositif, site and référent joined, and the date of
    the last admission annotated (``date_admission``). ``filters`` are the cleaned data of the list filter form."""
    filters = filters or {}
    qs = readable_dossiers(access).select_related("jeune", "dispositif", "site", "referent")
    qs = qs.annotate(date_admission=_last_start(StatutParcours.ACCOMPAGNE))
    if not filters.get("archives"):
        qs = qs.filter(archived_at__isnull=True)
    if filters.get("dispositif"):
        qs = qs.filter(dispositif=filters["dispositif"])
    if filters.get("site"):
        qs = qs.filter(site=filters["site"])
    if filters.get("statut"):
        # "aucun": no open period (refused, abandoned, after follow-up).
        qs = qs.filter(statut="" if filters["statut"] == "aucun" else filters["statut"])
    if filters.get("modalite"):
        qs = qs.filter(modalites__contains=[filters["modalite"]])
    if filters.get("referent"):
        qs = qs.filter(referent=filters["referent"])
    return qs.order_by(*SORTS.get(filters.get("tri") or "nom", SORTS["nom"]))


def with_display(dossiers, today: datetime.date) -> list:
    """The rows of a list with their display values computed once (no query): ``age``, ``modalites_labels``,
    ``modalites_demandees_labels``."""
    labels = dict(Modalite.choices)
    rows = list(dossiers)
    for dossier in rows:
        dossier.age = dossier.jeune.age_on(today)
        dossier.modalites_labels = [labels.get(m, m) for m in dossier.modalites]
        dossier.modalites_demandees_labels = [labels.get(m, m) for m in dossier.modalites_demandees]
    return rows


def filter_choices(access) -> dict:
    """Querysets of the list filters: the dispositifs and sites the user reads, the professionals of the organisme."""
    dispositifs = Dispositif.objects.filter(organisme_id=access.organisme_id)
    if not access.sees_all_dispositifs:
        dispositifs = dispositifs.filter(pk__in=access.dispositif_ids)
    return {
        "dispositifs": dispositifs,
        "sites": Site.objects.filter(dispositif__in=dispositifs).select_related("dispositif"),
        "professionnels": User.objects.filter(
            organisme_id=access.organisme_id, kind=AccountKind.PROFESSIONNEL, is_active=True
        ),
    }


def writable_dispositifs(access):
    """Active dispositifs where the user may open a dossier (contributeur there, or the direction)."""
    qs = Dispositif.objects.filter(organisme_id=access.organisme_id, is_active=True)
    if not access.is_direction:
        qs = qs.filter(pk__in=[d for d in access.dispositif_ids if access.can_write_dispositif(d)])
    return qs


# --- Name search -----------------------------------------------------------------------------------------------

SIMILARITY_THRESHOLD = 0.3  # |q ∩ name| / |q ∪ name| (pg_trgm's similarity)
COVERAGE_THRESHOLD = 0.5  # |q ∩ name| / |q|: share of the typed trigrams found in the name (pg_trgm's word similarity)
SEARCH_LIMIT = 20


class TrigramSetSize(Func):
    """Size of the set operation (INTERSECT or UNION) of two trigram arrays, computed in SQL:
    ``cardinality(ARRAY(SELECT unnest(a) INTERSECT SELECT unnest(b)))``."""

    output_field = IntegerField()

    def __init__(self, left, right, operator: str):
        if operator not in ("INTERSECT", "UNION"):
            raise ValueError(operator)
        self.operator = operator
        super().__init__(left, right)

    def as_sql(self, compiler, connection, **extra_context):
        left, left_params = compiler.compile(self.source_expressions[0])
        right, right_params = compiler.compile(self.source_expressions[1])
        sql = f"cardinality(ARRAY(SELECT unnest({left}) {self.operator} SELECT unnest({right})))"
        return sql, (*left_params, *right_params)


def search_dossiers(access, query: str):
    """Dossiers whose jeune's name looks like ``query``, accents and typos tolerated, best first.

    Candidates share at least one trigram with the query (``&&`` on the GIN-indexed ``Jeune.trigrammes``); they
    are kept when their similarity (|q ∩ name| / |q ∪ name|) reaches 0.3 or when the name contains at least half of
    the typed trigrams (a first name or a misspelt last name typed alone), and ranked by both. Archived dossiers are
    found too (greyed in the results); restricted ones only by those who may open them."""
    grams = trigrams(query)
    if not grams:
        return Dossier.objects.none()
    typed = Value(grams, output_field=ArrayField(CharField(max_length=3)))
    common = TrigramSetSize(F("jeune__trigrammes"), typed, "INTERSECT")
    union = Greatest(TrigramSetSize(F("jeune__trigrammes"), typed, "UNION"), Value(1))
    qs = (
        readable_dossiers(access)
        .filter(jeune__trigrammes__overlap=grams)
        .select_related("jeune", "dispositif", "site")
        .annotate(
            similarite=Cast(common, FloatField()) / Cast(union, FloatField()),
            couverture=Cast(common, FloatField()) / Value(float(len(grams))),
        )
        .filter(Q(similarite__gte=SIMILARITY_THRESHOLD) | Q(couverture__gte=COVERAGE_THRESHOLD))
        .order_by("-couverture", "-similarite", "jeune__nom_naissance", "jeune__prenom", "pk")
    )
    return qs[:SEARCH_LIMIT]


# --- Waiting list ----------------------------------------------------------------------------------------------

PRIORITY_RANK = Case(
    When(priorite=Priorite.URGENTE, then=Value(0)),
    When(priorite=Priorite.HAUTE, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def waiting_list(access):
    """Open pre-admissions, most urgent first, then the longest wait (from the orientation date, or from the start
    of the pre-admission when the orientation date is unknown): ``attente_depuis`` is annotated."""
    return (
        readable_dossiers(access)
        .filter(statut=StatutParcours.PRE_ADMISSION, archived_at__isnull=True)
        .select_related("jeune", "dispositif", "site")
        .annotate(
            debut_pre_admission=_last_start(StatutParcours.PRE_ADMISSION),
            attente_depuis=Coalesce("date_orientation", "debut_pre_admission"),
            rang_priorite=PRIORITY_RANK,
        )
        .order_by("rang_priorite", F("attente_depuis").asc(nulls_last=True), "jeune__nom_naissance", "pk")
    )


# --- Synthèse --------------------------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


CONTRAT_REMISE_JOURS = 15  # contrat de séjour / DIPC handed over within 15 days of admission (CASF L311-4)


@dataclass
class Echeance:
    label: str
    due: datetime.date
    done: datetime.date | None
    late: bool


def contrat_echeances(dossier: Dossier, date_admission: datetime.date | None, today: datetime.date) -> list:
    """The contrat de séjour / DIPC deadlines of the current admission: handed over within 15 days, signed within
    the month; ``late`` when the deadline passed and the date is not recorded."""
    if date_admission is None:
        return []
    remise = date_admission + datetime.timedelta(days=CONTRAT_REMISE_JOURS)
    signature = add_months(date_admission, 1)
    return [
        Echeance("Remise", remise, dossier.contrat_remis_le, not dossier.contrat_remis_le and today > remise),
        Echeance("Signature", signature, dossier.contrat_signe_le, not dossier.contrat_signe_le and today > signature),
    ]


def period_on(periods: list, day: datetime.date):
    """The period covering ``day`` (``periods`` ordered by start), or None."""
    for period in reversed(periods):
        if period.debut <= day and (period.fin is None or period.fin >= day):
            return period
    return None


def current_admission(periods: list, today: datetime.date) -> datetime.date | None:
    """The start of the ``accompagne`` period covering today (contrat deadlines apply to it)."""
    period = period_on(periods, today)
    return period.debut if period is not None and period.statut == StatutParcours.ACCOMPAGNE else None


def current_notification(notifications: list, today: datetime.date):
    """The MDPH notification valid today, else the one ending last (``notifications`` ordered by ``-date_fin``)."""
    for notification in notifications:
        if notification.date_debut <= today <= notification.date_fin:
            return notification
    return notifications[0] if notifications else None


# --- Cartographie du parcours ----------------------------------------------------------------------------------

MAP_LABEL_WIDTH = 150  # SVG units left for the lane names
MAP_WIDTH = 1000
LANE_HEIGHT = 34
LANE_GAP = 10
MAP_TOP = 28  # room for the year ticks


@dataclass
class Segment:
    debut: datetime.date
    fin: datetime.date | None  # None: still open (drawn up to today)
    label: str
    css: str
    x: float = 0
    width: float = 0
    show_label: bool = False  # the label fits inside the bar


@dataclass
class Lane:
    key: str
    label: str
    segments: list = field(default_factory=list)
    y: float = 0
    text_y: float = 0
    bottom: float = 0
    markers: list = field(default_factory=list)  # dated points (modalité changes)


def _modalites_label(values) -> str:
    labels = dict(Modalite.choices)
    return ", ".join(labels.get(v, v) for v in values) or "Modalités non renseignées"


def parcours_map(dossier: Dossier, *, periods, changements, scolarite, notifications, today: datetime.date) -> dict:
    """Lanes of dated segments (statut periods, modalités between their changes, schooling, MDPH validity) with
    their SVG geometry, and the ticks of the years covered. Rendered server-side as inline SVG (no script), with
    a table equivalent in the template."""
    statut_labels = dict(StatutParcours.choices)
    lanes = [
        Lane("statut", "Statut", [Segment(p.debut, p.fin, statut_labels[p.statut], p.statut) for p in periods]),
        Lane("modalites", "Modalités"),
        Lane(
            "scolarite",
            "Scolarité",
            [Segment(s.debut, s.fin, s.get_type_enseignement_display(), "scolarite") for s in scolarite],
        ),
        Lane(
            "mdph",
            "Notifications MDPH",
            [Segment(n.date_debut, n.date_fin, n.get_type_droit_display(), "mdph") for n in notifications],
        ),
    ]
    # Modalités: within each accompaniment, one segment between two changes (changes are dated points).
    changes = sorted(changements, key=lambda c: c.date)
    modalites = lanes[1]
    for period in periods:
        if period.statut != StatutParcours.ACCOMPAGNE:
            continue
        inside = [c for c in changes if period.debut <= c.date and (period.fin is None or c.date <= period.fin)]
        start = period.debut
        current = inside[0].modalites_avant if inside else (dossier.modalites if period.fin is None else [])
        for change in inside:
            if change.date > start:
                modalites.segments.append(Segment(start, change.date, _modalites_label(current), "modalite"))
            start, current = change.date, change.modalites_apres
        modalites.segments.append(Segment(start, period.fin, _modalites_label(current), "modalite"))
    modalites.markers = [{"date": c.date, "label": _modalites_label(c.modalites_apres)} for c in changes]

    dates = [d for lane in lanes for s in lane.segments for d in (s.debut, s.fin or today)]
    if not dates:
        return {"lanes": lanes, "empty": True}
    start = datetime.date(min(dates).year, 1, 1)
    end = datetime.date(max(*dates, today).year + 1, 1, 1)
    span = (end - start).days
    scale = (MAP_WIDTH - MAP_LABEL_WIDTH) / span

    def x_of(day):
        return round(MAP_LABEL_WIDTH + (day - start).days * scale, 1)

    for index, lane in enumerate(lanes):
        lane.y = MAP_TOP + index * (LANE_HEIGHT + LANE_GAP)
        lane.text_y = lane.y + LANE_HEIGHT / 2 + 5
        lane.bottom = lane.y + LANE_HEIGHT
        for segment in lane.segments:
            segment.x = x_of(segment.debut)
            # Inclusive end date: the segment covers its last day.
            last = (segment.fin or today) + datetime.timedelta(days=1)
            segment.width = max(round(x_of(last) - segment.x, 1), 2)
            segment.show_label = segment.width >= len(segment.label) * 7 + 10
        for marker in lane.markers:
            marker["x"] = x_of(marker["date"])
    height = MAP_TOP + len(lanes) * (LANE_HEIGHT + LANE_GAP)
    return {
        "lanes": lanes,
        "empty": False,
        "years": [{"year": y, "x": x_of(datetime.date(y, 1, 1))} for y in range(start.year, end.year)],
        "today_x": x_of(today),
        "width": MAP_WIDTH,
        "height": height,
        "label_width": MAP_LABEL_WIDTH,
        "track_width": MAP_WIDTH - MAP_LABEL_WIDTH,
        "lane_height": LANE_HEIGHT,
    }
