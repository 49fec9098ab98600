"""Private iCal feeds (RFC 5545) of a professional's agenda and of a youth's (family-visible events only).

- A subscription's token is shown once; only its SHA-256 is stored (``AbonnementCalendrier.token_hash``).
- Calendar clients fetch ``/agendas/ical/<token>.ics`` without a session: the token is looked up before the tenant
  is known through the SECURITY DEFINER function of ``agendas/rls.py`` (ids only), then the tenant is set for the
  request transaction and the feed is built in memory (never streamed: a streamed body would run after the
  transaction, without a tenant).
- Times are written with ``TZID=Europe/Paris`` and the matching VTIMEZONE (covering the feed's dates), so that
  clients place events right across daylight-saving changes. UIDs are stable per event; cancelled events stay in
  the feed with ``STATUS:CANCELLED`` so that clients remove them.
- The feed leaves the DUI (phones, third-party calendar servers): it carries no participant list and no comment.
  A professional's feed shows the event's title (or its nature); the youth feed shows the nature's label only
  (never the free title, which may name people), and never discreet natures.
"""

import datetime
import hashlib
import secrets
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone
from icalendar import Calendar, Event

from agendas.enums import StatutEvenement, TypeLieu
from agendas.models import AbonnementCalendrier, Evenement

PARIS = ZoneInfo("Europe/Paris")
PRODID = "-//DUI DITEP//Agendas//FR"
# The window of a feed: recent past (so that a moved or cancelled event updates) and the year ahead.
FEED_PAST = datetime.timedelta(days=92)
FEED_FUTURE = datetime.timedelta(days=400)
MAX_EVENTS = 5000

STATUS = {
    StatutEvenement.PREVU: "CONFIRMED",
    StatutEvenement.REALISE: "CONFIRMED",
    StatutEvenement.ANNULE: "CANCELLED",
}


def new_token() -> str:
    """An unguessable token (256 bits), URL-safe."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def lookup(token: str) -> tuple[int, int] | None:
    """(subscription id, organisme id) of a live subscription with this token, before any tenant is set."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT abonnement_id, organisme_id FROM ditep_agendas_lookup_abonnement(%s)", [hash_token(token)]
        )
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def event_uid(evenement: Evenement) -> str:
    return f"evenement-{evenement.organisme_id}-{evenement.pk}@dui-ditep"


def feed_events(abonnement: AbonnementCalendrier, *, now: datetime.datetime | None = None):
    """The events of a subscription's feed, in its window (one query)."""
    now = now or timezone.now()
    qs = Evenement.objects.filter(organisme_id=abonnement.organisme_id).entre(now - FEED_PAST, now + FEED_FUTURE)
    if abonnement.user_id:
        qs = qs.filter(participations_professionnels__user_id=abonnement.user_id)
    else:
        qs = qs.filter(
            participations_jeunes__jeune_id=abonnement.jeune_id, visible_famille=True, nature__discrete=False
        )
    return qs.select_related("nature", "site").order_by("debut", "pk")[:MAX_EVENTS]


def ical_time(value: datetime.datetime) -> datetime.datetime:
    """Local time with TZID=Europe/Paris, except during the repeated hour of the autumn change, where a wall-clock
    time names two instants and clients take the first one (RFC 5545 §3.3.5): such times are written in UTC, so
    that every instant round-trips exactly."""
    local = value.astimezone(PARIS)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return value.astimezone(datetime.UTC)
    return local


def _location(evenement: Evenement) -> str:
    if evenement.lieu_type == TypeLieu.SITE and evenement.site is not None:
        return evenement.site.nom
    if evenement.lieu_type == TypeLieu.DOMICILE:
        return evenement.get_lieu_type_display()
    return evenement.lieu_detail or evenement.get_lieu_type_display()


def build_calendar(abonnement: AbonnementCalendrier, evenements, *, name: str) -> bytes:
    """The VCALENDAR of these events. ``abonnement`` decides how much an event tells (youth feed: nature only)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    stamp = timezone.now().astimezone(datetime.UTC)
    youth_feed = abonnement.jeune_id is not None
    first = last = None
    for ev in evenements:
        event = Event()
        event.add("uid", event_uid(ev))
        event.add("dtstamp", stamp)
        event.add("dtstart", ical_time(ev.debut))
        event.add("dtend", ical_time(ev.fin))
        event.add("summary", ev.nature.libelle if youth_feed else (ev.titre or ev.nature.libelle))
        event.add("location", _location(ev))
        event.add("status", STATUS.get(ev.statut, "CONFIRMED"))
        event.add("last-modified", ev.updated_at.astimezone(datetime.UTC))
        event.add("transp", "OPAQUE")
        cal.add_component(event)
        start, end = ev.debut.astimezone(PARIS).date(), ev.fin.astimezone(PARIS).date()
        first = start if first is None or start < first else first
        last = end if last is None or end > last else last
    if first is not None:
        # VTIMEZONE with the transitions the feed's dates need (one year of margin on each side).
        cal.add_missing_timezones(
            first_date=first - datetime.timedelta(days=366), last_date=last + datetime.timedelta(days=366)
        )
    return cal.to_ical()
