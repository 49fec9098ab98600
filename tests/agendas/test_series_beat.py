"""The daily beat generates every organisme's series ahead (idempotent), one TenantTask per organisme."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from agendas.models import Evenement, Serie
from agendas.services.series import serie_create
from agendas.tasks import series_generer_all, series_generer_organisme
from core.tenancy import tenant_context
from tests.agendas.conftest import PARIS


def _weekly(w, **kwargs):
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    return serie_create(
        dispositif=w.dispositif, nature=w.natures["activite_educative"], rrule="FREQ=WEEKLY;BYDAY=MO",
        debut=datetime.datetime.combine(monday, datetime.time(9), tzinfo=PARIS), duree=datetime.timedelta(hours=2),
        actor=w.educateur, jeunes=[w.jeune1], modalite="accueil_de_jour", sauter_fermetures=False,
        generer_jusqu_au=monday + datetime.timedelta(days=6), **kwargs,
    )  # fmt: skip


def test_beat_generates_ahead_idempotently(agenda):
    w = agenda
    serie = _weekly(w)
    assert Evenement.objects.filter(serie=serie).count() == 1
    ended = _weekly(w, fin_serie=timezone.localdate() + datetime.timedelta(days=14))
    far = (timezone.localdate() + datetime.timedelta(weeks=8)).isoformat()
    created = series_generer_organisme.delay(organisme_id=w.organisme.pk, jusqu_au=far).get()
    assert Evenement.objects.filter(serie=serie).count() == 9
    assert Evenement.objects.filter(serie=ended).count() in (2, 3)
    assert created == Evenement.objects.count() - 2
    assert series_generer_organisme.delay(organisme_id=w.organisme.pk, jusqu_au=far).get() == 0
    serie.refresh_from_db()
    assert serie.genere_jusqu_au == datetime.date.fromisoformat(far)


def test_task_needs_organisme_and_fans_out(agenda):
    with pytest.raises(TypeError, match="organisme_id"):
        series_generer_organisme.delay()
    _weekly(agenda)


@pytest.mark.django_db
def test_fan_out_reaches_every_organisme(world):
    series_generer_all.delay()  # no series anywhere: runs per organisme without error
    with tenant_context(world.organisme.pk):
        assert not Serie.objects.exists()


def test_beat_entry():
    entry = settings.CELERY_BEAT_SCHEDULE["agendas-series"]
    assert entry["task"] == "agendas.tasks.series_generer_all"
