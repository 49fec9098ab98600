"""The transmissions demo step: a year of logbook through the services, fast, with the variety the demo needs."""

import time

import pytest

from core.demo import _DEMO_STEPS, load_demo_data
from core.tenancy import tenant_context
from transmissions.models import Lecture, Transmission

pytestmark = pytest.mark.django_db(transaction=False)


def test_step_registered():
    assert "transmissions" in [name for _, name, _ in _DEMO_STEPS]


def test_demo_writes_a_year_of_transmissions(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    timings = {}

    def timed(name, step):
        def wrapper(*args):
            start = time.monotonic()
            step(*args)
            timings[name] = time.monotonic() - start

        return wrapper

    monkeypatch.setattr("core.demo._DEMO_STEPS", [(o, n, timed(n, s)) for o, n, s in _DEMO_STEPS])
    start = time.monotonic()
    load_demo_data(scale=1)
    elapsed = time.monotonic() - start
    from core.demo import DEMO_FINESS_JURIDIQUE
    from core.services.organisation import find_organisme_id_by_finess

    organisme_id = find_organisme_id_by_finess(DEMO_FINESS_JURIDIQUE)
    with tenant_context(organisme_id):
        qs = Transmission.objects.all()
        total = qs.count()
        assert total > 3000, total
        assert qs.filter(statut="validee", recherche__isnull=True).count() == 0
        assert qs.filter(addendum_de__isnull=False).count() > 20
        assert qs.filter(importance="importante").count() > 100
        assert qs.filter(visibilite="confidentiel_soin").count() > 20
        assert qs.filter(visibilite="partageable_famille").count() > 10
        assert qs.exclude(donnees="").count() > 500 and qs.exclude(texte="").count() > 500
        assert qs.filter(liens_jeunes__isnull=True).count() > 20  # unit notes
        assert qs.values("categorie").distinct().count() >= 6
        assert qs.filter(statut="brouillon").count() >= 1
        assert Lecture.objects.count() > 1000
        oldest = qs.order_by("survenue_le").first().survenue_le
        newest = qs.order_by("-survenue_le").first().survenue_le
        assert (newest - oldest).days > 330
        # Every author writes in the transmission's dispositif.
        assert not qs.exclude(auteur__affectations__dispositif_id=models_F("dispositif_id")).exists()
    print(f"demo_data --scale 1: {elapsed:.1f} s; transmissions step {timings['transmissions']:.1f} s ({total})")
    assert timings["transmissions"] < 15


def models_F(name):
    from django.db.models import F

    return F(name)
