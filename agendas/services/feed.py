"""Change feed for the Activité app (DOMAIN §8.3): every change to an event with youths upserts the affected
(youth, ISO week, dispositif) rows of ``SemaineAInvalider`` in the caller's transaction. The Activité app consumes
them (debounced job + nightly reconciliation)."""

import datetime
from collections.abc import Iterable

from django.utils import timezone

from agendas.models import SemaineAInvalider
from agendas.services._common import local_date, monday
from core.tenancy import current_organisme_id

ONE_MICROSECOND = datetime.timedelta(microseconds=1)


def weeks_of(debut: datetime.datetime, fin: datetime.datetime) -> set[datetime.date]:
    """ISO-week Mondays touched by [debut, fin) in local time (an overnight event may span a Sunday night)."""
    first, last = monday(local_date(debut)), monday(local_date(fin - ONE_MICROSECOND))
    weeks, day = set(), first
    while day <= last:
        weeks.add(day)
        day += datetime.timedelta(days=7)
    return weeks


def keys_for(*, jeune_ids: Iterable[int], dispositif_id: int, debut, fin) -> set[tuple[int, int, datetime.date]]:
    weeks = weeks_of(debut, fin)
    return {(jeune_id, dispositif_id, week) for jeune_id in jeune_ids for week in weeks}


def semaines_invalider(*, organisme_id: int, keys: Iterable[tuple[int, int, datetime.date]]) -> int:
    """Upsert (jeune_id, dispositif_id, lundi) keys: one statement, refreshes ``signale_le`` on conflicts."""
    now = timezone.now()
    rows = [
        SemaineAInvalider(organisme_id=organisme_id, jeune_id=j, dispositif_id=d, lundi=lundi, signale_le=now)
        for j, d, lundi in sorted(set(keys))
    ]
    if not rows:
        return 0
    SemaineAInvalider.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["organisme", "jeune", "dispositif", "lundi"],
        update_fields=["signale_le"],
    )
    return len(rows)


def invalider_evenements(evenements, *, jeune_ids_by_event: dict[int, Iterable[int]] | None = None, extra=()) -> int:
    """Feed rows for a list of events (their current youths unless given) plus ``extra`` keys (old weeks)."""
    evenements = list(evenements)
    if not evenements:
        return semaines_invalider(organisme_id=current_organisme_id(), keys=extra) if extra else 0
    if jeune_ids_by_event is None:
        from agendas.models import ParticipationJeune

        jeune_ids_by_event = {}
        for ev_id, jeune_id in ParticipationJeune.objects.filter(evenement__in=evenements).values_list(
            "evenement_id", "jeune_id"
        ):
            jeune_ids_by_event.setdefault(ev_id, []).append(jeune_id)
    keys = set(extra)
    for ev in evenements:
        keys |= keys_for(
            jeune_ids=jeune_ids_by_event.get(ev.pk, ()), dispositif_id=ev.dispositif_id, debut=ev.debut, fin=ev.fin
        )
    return semaines_invalider(organisme_id=evenements[0].organisme_id, keys=keys)
