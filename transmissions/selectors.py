"""Read side of the transmissions: the journal, the handover view ("À lire"), the youth's timeline and the French
full-text search. Every list is built from ``perms.readable_transmissions`` and ``with_display`` so that a page
costs the same number of queries whatever its number of rows."""

import datetime
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.utils import timezone

from core.tenancy import Access
from dossiers.models import Jeune, fold
from transmissions.enums import Importance, StatutTransmission
from transmissions.models import Lecture, Mention, PriseDePoste, Transmission
from transmissions.perms import readable_transmissions

# Handover view without any recorded shift: what was written in the last day.
DEFAULT_HANDOVER_WINDOW = datetime.timedelta(hours=24)


def readable(access: Access, queryset=None):
    return readable_transmissions(access, queryset)


def with_display(queryset, user):
    """Everything a list row shows, in a fixed number of queries: author, catégorie, site, youths, the original of
    an addendum, the addenda of an original (with their authors), whether ``user`` has read it, and how many
    colleagues have read it."""
    jeunes = Jeune.objects.order_by("nom_naissance", "prenom").only(
        "pk", "prenom", "nom_naissance", "nom_usage", "organisme_id"
    )
    addenda = (
        Transmission.objects.filter(statut=StatutTransmission.VALIDEE)
        .select_related("auteur")
        .order_by("validee_le", "pk")
    )
    return (
        queryset.select_related("auteur", "categorie", "site", "dispositif", "addendum_de__auteur")
        .prefetch_related(Prefetch("jeunes", queryset=jeunes), Prefetch("addenda", queryset=addenda))
        .annotate(
            lu=Exists(Lecture.objects.filter(transmission_id=OuterRef("pk"), user_id=user.pk)),
            nb_lectures=Subquery(
                Lecture.objects.filter(transmission_id=OuterRef("pk"))
                .order_by()
                .values("transmission_id")
                .annotate(n=Count("pk"))
                .values("n")[:1],
                output_field=IntegerField(),
            ),
        )
    )


# --- Search --------------------------------------------------------------------------------------------------------


def search_query(text: str) -> SearchQuery | None:
    """The user's words, accents folded like the stored vectors, as a web-search query (quotes, ``or``, ``-``)."""
    folded = fold(text)
    if not folded:
        return None
    return SearchQuery(folded, search_type="websearch", config="french")


def apply_search(queryset, text: str):
    query = search_query(text)
    if query is None:
        return queryset
    return queryset.filter(recherche=query)


# --- Journal --------------------------------------------------------------------------------------------------------


@dataclass
class JournalFilters:
    q: str = ""
    jeune_id: int | None = None
    site_id: int | None = None
    dispositif_id: int | None = None
    categorie_id: int | None = None
    auteur_id: int | None = None
    debut: datetime.date | None = None
    fin: datetime.date | None = None
    importance: str = ""
    brouillons: bool = False


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def journal(access: Access, filters: JournalFilters):
    """Validated transmissions (or the user's own drafts), filtered, most recent first."""
    qs = readable(access)
    if filters.brouillons:
        qs = qs.filter(statut=StatutTransmission.BROUILLON, auteur_id=access.user.pk)
    else:
        qs = qs.filter(statut=StatutTransmission.VALIDEE)
    if filters.jeune_id:
        qs = qs.filter(liens_jeunes__jeune_id=filters.jeune_id)
    if filters.site_id:
        qs = qs.filter(site_id=filters.site_id)
    if filters.dispositif_id:
        qs = qs.filter(dispositif_id=filters.dispositif_id)
    if filters.categorie_id:
        qs = qs.filter(categorie_id=filters.categorie_id)
    if filters.auteur_id:
        qs = qs.filter(auteur_id=filters.auteur_id)
    if filters.importance:
        qs = qs.filter(importance=filters.importance)
    if filters.debut:
        qs = qs.filter(survenue_le__gte=_day_start(filters.debut))
    if filters.fin:
        qs = qs.filter(survenue_le__lt=_day_start(filters.fin + datetime.timedelta(days=1)))
    query = search_query(filters.q)
    if query is not None:
        # Most recent first, like the journal (ranking every match would cost a pass over all of them).
        qs = qs.filter(recherche=query)
    return qs.order_by("-survenue_le", "-pk")


# --- Handover view ------------------------------------------------------------------------------------------------


def derniere_prise_de_poste(user) -> PriseDePoste | None:
    return PriseDePoste.objects.filter(user_id=user.pk).order_by("-at").first()


def handover_since(user, chosen: datetime.datetime | None = None) -> datetime.datetime:
    """From when the handover view reads: the chosen time, else the last shift, else the last 24 hours."""
    if chosen is not None:
        return chosen
    last = PriseDePoste.objects.filter(user_id=user.pk).order_by("-at").values_list("at", flat=True).first()
    return last or timezone.now() - DEFAULT_HANDOVER_WINDOW


def _scope(access: Access):
    """The youths and units the user works with: in each dispositif of their affectations, the whole dispositif
    when the affectation has no site, else the notes of their sites and those without a site; plus whatever
    mentions them."""
    whole = {a.dispositif_id for a in access.affectations if not a.site_id}
    sites = {a.site_id for a in access.affectations if a.site_id}
    partial = {a.dispositif_id for a in access.affectations if a.site_id} - whole
    condition = Q(dispositif_id__in=whole) | Exists(
        Mention.objects.filter(transmission_id=OuterRef("pk"), user_id=access.user.pk)
    )
    if partial:
        condition |= Q(dispositif_id__in=partial) & (Q(site_id__in=sites) | Q(site__isnull=True))
    return condition


def a_lire(access: Access, *, since: datetime.datetime, unread_only: bool = False):
    """What colleagues validated since ``since`` about the user's youths and units: important first, then the most
    recent."""
    qs = (
        readable(access)
        .filter(statut=StatutTransmission.VALIDEE, validee_le__gte=since)
        .exclude(auteur_id=access.user.pk)
        .filter(_scope(access))
    )
    if unread_only:
        qs = qs.exclude(Exists(Lecture.objects.filter(transmission_id=OuterRef("pk"), user_id=access.user.pk)))
    important = ExpressionWrapper(Q(importance=Importance.IMPORTANTE), output_field=BooleanField())
    return qs.order_by(important.desc(), "-validee_le", "-pk")


def a_lire_count(access: Access, *, cap: int = 99) -> int:
    """The unread count of the menu (capped: "99+" is enough to say "a lot")."""
    since = handover_since(access.user)
    qs = a_lire(access, since=since, unread_only=True).order_by().values("pk")[: cap + 1]
    return len(qs)


def lecteurs(transmission: Transmission):
    """Who has read a transmission (shown to its author and the chefs de service for important ones)."""
    return Lecture.objects.filter(transmission_id=transmission.pk).select_related("user").order_by("lu_le", "user_id")


# --- Timeline ---------------------------------------------------------------------------------------------------


@dataclass
class TimelineItem:
    kind: str  # "transmission" or "evenement"
    at: datetime.datetime
    obj: object


# The timeline shows at most this many transmissions (the most recent of the period); a longer period is read in
# several pages by moving its end date back.
TIMELINE_LIMIT = 100


def timeline_transmissions(access: Access, dossier, *, debut: datetime.datetime, fin: datetime.datetime):
    return (
        readable(access)
        .filter(
            statut=StatutTransmission.VALIDEE,
            dispositif_id=dossier.dispositif_id,
            liens_jeunes__jeune_id=dossier.jeune_id,
            survenue_le__gte=debut,
            survenue_le__lt=fin,
        )
        .order_by("-survenue_le", "-pk")
    )


def timeline_evenements(dossier, *, debut: datetime.datetime, fin: datetime.datetime):
    """The youth's agenda events of the period in the dossier's dispositif (read-only; the dossier reader is staff
    and sees every event of a readable dossier, discreet natures included)."""
    from agendas.models import Evenement, ParticipationJeune

    return (
        Evenement.objects.filter(dispositif_id=dossier.dispositif_id)
        .entre(debut, fin)
        .filter(Exists(ParticipationJeune.objects.filter(evenement_id=OuterRef("pk"), jeune_id=dossier.jeune_id)))
        .select_related("nature", "site")
        .order_by("-debut", "-pk")
    )


def timeline(transmissions, evenements) -> list[TimelineItem]:
    """Interleave both (most recent first)."""
    items = [TimelineItem("transmission", t.survenue_le, t) for t in transmissions]
    items += [TimelineItem("evenement", e.debut, e) for e in evenements]
    items.sort(key=lambda item: item.at, reverse=True)
    return items
