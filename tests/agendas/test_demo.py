"""Demo step of the agendas: a school year of schedules, realised past occurrences with presences and absences."""

import datetime
import time

import pytest
from django.utils import timezone

from agendas.demo import rentree, vacances_zone_c
from agendas.enums import Cadre, Presence, StatutEvenement
from agendas.models import Absence, Evenement, Fermeture, ParticipationJeune, Serie
from core.demo import DEMO_FINESS_JURIDIQUE, load_demo_data
from core.services.organisation import find_organisme_id_by_finess
from core.tenancy import tenant_context

pytestmark = pytest.mark.django_db


def test_holidays_of_a_school_year():
    periods = vacances_zone_c(2025)
    labels = [label for label, _, _ in periods]
    assert labels[0] == "Vacances de la Toussaint"
    assert "Vacances de Noël" in labels and "Lundi de Pâques" in labels
    noel = next(p for p in periods if p[0] == "Vacances de Noël")
    assert noel[1] <= datetime.date(2025, 12, 20) and noel[2] >= datetime.date(2026, 1, 4)
    assert rentree(datetime.date(2026, 3, 1)) == datetime.date(2025, 9, 1)


def test_demo_agendas():
    started = time.perf_counter()
    load_demo_data(1)
    elapsed = time.perf_counter() - started
    assert elapsed < 60, f"demo_data --scale 1 took {elapsed:.1f}s"
    organisme_id = find_organisme_id_by_finess(DEMO_FINESS_JURIDIQUE)
    now = timezone.now()
    with tenant_context(organisme_id):
        assert Serie.objects.count() > 20
        assert Fermeture.objects.count() >= 10
        past = Evenement.objects.filter(fin__lt=now)
        assert not past.filter(statut=StatutEvenement.PREVU).exists()
        assert past.filter(statut=StatutEvenement.ANNULE).exists()
        assert Evenement.objects.filter(debut__gt=now, statut=StatutEvenement.PREVU).exists()
        cadres = set(Evenement.objects.values_list("cadre", flat=True))
        assert cadres == {Cadre.DIRECT, Cadre.INDIRECT, Cadre.APPUI_RESSOURCES, Cadre.INSTITUTIONNEL}
        assert Evenement.objects.filter(nature__code="nuitee").exists()
        assert set(Evenement.objects.values_list("modalite", flat=True)) >= {"internat", "accueil_de_jour",
                                                                           "ambulatoire"}  # fmt: skip
        presences = set(
            ParticipationJeune.objects.filter(evenement__statut="realise", evenement__cadre="direct").values_list(
                "presence", flat=True
            )
        )
        assert presences == {Presence.PRESENT, Presence.ABSENT_PREVU, Presence.ABSENT_IMPREVU}
        assert Absence.objects.filter(origine="famille").exists() and Absence.objects.filter(origine="equipe").exists()
        # No occurrence during a closure.
        for fermeture in Fermeture.objects.all():
            assert not Evenement.objects.filter(
                serie__isnull=False, occurrence_de__gte=fermeture.debut, occurrence_de__lte=fermeture.fin
            ).exists()
    print(f"demo_data --scale 1: {elapsed:.1f}s")
