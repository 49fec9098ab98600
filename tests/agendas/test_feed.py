"""Change feed for the Activité app: every change upserts the (youth, ISO week, dispositif) rows it touches, in the
same transaction (rolled back with it)."""

import datetime

import pytest
from django.db import transaction

from agendas.models import SemaineAInvalider
from agendas.services.evenements import (
    evenement_create,
    evenement_delete,
    evenement_set_statut,
    evenement_update,
    presences_set,
)
from agendas.services.feed import weeks_of
from agendas.services.series import serie_create, serie_delete
from tests.agendas.conftest import at

D = datetime.date


def rows():
    return set(SemaineAInvalider.objects.values_list("jeune_id", "dispositif_id", "lundi"))


def _ev(w, **kwargs):
    fields = dict(
        dispositif=w.dispositif, nature=w.natures["activite_educative"], debut=at(2026, 1, 7, 9),
        fin=at(2026, 1, 7, 11), actor=w.educateur, jeunes=[w.jeune1], modalite="accueil_de_jour",
    )  # fmt: skip
    fields.update(kwargs)
    return evenement_create(**fields)


def test_weeks_of_local_dates():
    # Sunday 20:00 to Monday 8:00 (a night of internat) touches two ISO weeks; an event ending at midnight one.
    assert weeks_of(at(2026, 1, 11, 20), at(2026, 1, 12, 8)) == {D(2026, 1, 5), D(2026, 1, 12)}
    assert weeks_of(at(2026, 1, 11, 20), at(2026, 1, 12, 0)) == {D(2026, 1, 5)}
    # Local, not UTC: Monday 0:30 in Paris is Sunday in UTC.
    assert weeks_of(at(2026, 1, 12, 0, 30), at(2026, 1, 12, 1)) == {D(2026, 1, 12)}


def test_every_change_upserts_its_rows(agenda):
    w = agenda
    d = w.dispositif.pk
    ev = _ev(w)
    assert rows() == {(w.jeune1.pk, d, D(2026, 1, 5))}
    SemaineAInvalider.objects.all().delete()
    evenement_set_statut(evenement=ev, statut="realise", actor=w.educateur)
    assert rows() == {(w.jeune1.pk, d, D(2026, 1, 5))}
    SemaineAInvalider.objects.all().delete()
    presences_set(evenement=ev, presences={w.jeune1.pk: ("absent_imprevu", "fugue")}, actor=w.educateur)
    assert rows() == {(w.jeune1.pk, d, D(2026, 1, 5))}
    SemaineAInvalider.objects.all().delete()
    # Moved to the next week with another youth: old week of the old youth, new week of both.
    evenement_update(evenement=ev, actor=w.educateur, debut=at(2026, 1, 14, 9), fin=at(2026, 1, 14, 11),
                     jeunes=[w.jeune2])  # fmt: skip
    assert rows() == {(w.jeune1.pk, d, D(2026, 1, 5)), (w.jeune2.pk, d, D(2026, 1, 12))}
    # Upsert: a second change of the same week refreshes the row, never duplicates it.
    before = SemaineAInvalider.objects.get(jeune=w.jeune2).signale_le
    evenement_set_statut(evenement=ev, statut="annule", actor=w.educateur)
    assert SemaineAInvalider.objects.filter(jeune=w.jeune2).count() == 1
    assert SemaineAInvalider.objects.get(jeune=w.jeune2).signale_le >= before
    SemaineAInvalider.objects.all().delete()
    evenement_set_statut(evenement=ev, statut="prevu", actor=w.educateur)
    SemaineAInvalider.objects.all().delete()
    evenement_delete(evenement=ev, actor=w.educateur)
    assert rows() == {(w.jeune2.pk, d, D(2026, 1, 12))}


def test_events_without_youth_write_nothing(agenda):
    w = agenda
    evenement_create(dispositif=w.dispositif, nature=w.natures["reunion_equipe"], debut=at(2026, 1, 6, 14),
                     fin=at(2026, 1, 6, 16), actor=w.educateur, professionnels=[w.educateur])  # fmt: skip
    assert rows() == set()


def test_series_generation_and_deletion(agenda):
    w = agenda
    serie = serie_create(
        dispositif=w.dispositif, nature=w.natures["activite_educative"], rrule="FREQ=WEEKLY;BYDAY=WE",
        debut=at(2026, 1, 7, 9), duree=datetime.timedelta(hours=2), actor=w.educateur, jeunes=[w.jeune1],
        modalite="accueil_de_jour", generer_jusqu_au=D(2026, 1, 21), sauter_fermetures=False,
    )  # fmt: skip
    weeks = {D(2026, 1, 5), D(2026, 1, 12), D(2026, 1, 19)}
    assert rows() == {(w.jeune1.pk, w.dispositif.pk, week) for week in weeks}
    SemaineAInvalider.objects.all().delete()
    serie_delete(serie=serie, actor=w.educateur)
    assert rows() == {(w.jeune1.pk, w.dispositif.pk, week) for week in weeks}


def test_rolled_back_with_the_change(agenda):
    w = agenda
    with pytest.raises(RuntimeError), transaction.atomic():
        _ev(w)
        raise RuntimeError
    assert rows() == set()
