"""The activite demo step: parameters v1 for every demo dispositif and the facts of the demo organisme."""

import time

import pytest

from activite.models import FaitSemaine, ParametresActivite
from agendas.models import SemaineAInvalider
from core.demo import _DEMO_STEPS, DEMO_FINESS_JURIDIQUE, load_demo_data
from core.models import Dispositif
from core.services.organisation import find_organisme_id_by_finess
from core.tenancy import tenant_context

pytestmark = pytest.mark.django_db


def test_step_registered_after_the_agendas():
    orders = {name: order for order, name, _ in _DEMO_STEPS}
    assert orders["activite"] == 90 and orders["activite"] > orders["agendas"]


def test_demo_computes_the_facts(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    timings = {}

    def timed(name, step):
        def wrapper(*args):
            start = time.monotonic()
            step(*args)
            timings[name] = time.monotonic() - start

        return wrapper

    monkeypatch.setattr("core.demo._DEMO_STEPS", [(o, n, timed(n, s)) for o, n, s in _DEMO_STEPS])
    load_demo_data(scale=1)
    organisme_id = find_organisme_id_by_finess(DEMO_FINESS_JURIDIQUE)
    with tenant_context(organisme_id):
        dispositifs = Dispositif.objects.count()
        assert ParametresActivite.objects.filter(version=1).count() == dispositifs
        assert FaitSemaine.objects.count() > 100
        assert not SemaineAInvalider.objects.exists()
    print(f"\nactivite demo step: {timings['activite']:.2f} s (all steps: {timings})")  # noqa: T201
    assert timings["activite"] < 10
