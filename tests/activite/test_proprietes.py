"""Properties of the AIRe figures (hypothesis), on small random agendas around the year 2026:

- the four quarters add up to the year for every additive figure (youth-weeks, combinaisons, intensity bands,
  volumes, appui-ressources), thanks to the Thursday rule;
- ``par_combinaison`` sums to ``semaines_jeune.total``; the intensity bands sum to the youth-weeks with direct
  pairs; the file active total is at most the sum of its statuts (and at least each of them);
- recomputation is idempotent, and the change-feed path (per youth-week keys) gives the same facts as a full
  recomputation.

Each example runs inside a savepoint rolled back at its end (the ``activite`` fixture is set up once per test).
Durations are multiples of a quarter of an hour, so hours are exact and sums of rounded figures are exact too.
"""

import datetime

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activite.models import FaitSemaine
from activite.services.aire import table_aire
from activite.services.faits import faits_recalculer_invalides
from tests.activite.conftest import PARIS, D, recompute

TRIMESTRES = [(D(2026, 1, 1), D(2026, 3, 31)), (D(2026, 4, 1), D(2026, 6, 30)), (D(2026, 7, 1), D(2026, 9, 30)),
              (D(2026, 10, 1), D(2026, 12, 31))]  # fmt: skip
ANNEE = (D(2026, 1, 1), D(2026, 12, 31))
PREMIER_JOUR = D(2025, 12, 20)
# Days of interest are over-represented: year and quarter boundaries, the two daylight-saving changes.
JOURS_CLES = [D(2025, 12, 28), D(2025, 12, 29), D(2026, 1, 1), D(2026, 3, 28), D(2026, 3, 29), D(2026, 3, 30),
              D(2026, 4, 2), D(2026, 6, 28), D(2026, 7, 2), D(2026, 10, 1), D(2026, 10, 24), D(2026, 10, 25),
              D(2026, 12, 31), D(2027, 1, 3)]  # fmt: skip
PARCOURS = [
    [("accompagne", D(2025, 1, 1), None)],
    [
        ("pre_admission", D(2025, 11, 1), D(2026, 4, 14)),
        ("accompagne", D(2026, 4, 15), D(2026, 9, 30)),
        ("suivi_post_sortie", D(2026, 10, 1), None),
    ],  # fmt: skip
    [("ponctuel", D(2026, 2, 1), D(2026, 8, 31))],  # outside: anomalies
    [("accompagne", D(2020, 1, 1), D(2023, 6, 30)), ("suivi_post_sortie", D(2023, 7, 1), None)],  # limit mid-2026
]
NATURES = [("activite_educative", "internat"), ("activite_educative", "accueil_de_jour"),
           ("activite_educative", "ambulatoire"), ("nuitee", "internat"), ("reunion_synthese", None),
           ("appui_ressources", None), ("reunion_equipe", None)]  # fmt: skip

jour = st.one_of(st.sampled_from(JOURS_CLES), st.integers(0, 390).map(lambda n: PREMIER_JOUR + datetime.timedelta(n)))
evenement = st.fixed_dictionaries(
    {
        "jour": jour,
        "quart": st.integers(0, 95),  # start, in quarters of an hour from midnight
        "duree": st.integers(1, 60),  # quarters of an hour (up to 15 h: some cross midnight)
        "nature": st.sampled_from(NATURES),
        "jeunes": st.lists(st.integers(0, 3), min_size=1, max_size=3, unique=True),
        "absent": st.booleans(),
        "statut": st.sampled_from(["realise", "realise", "realise", "annule"]),
        "pros": st.integers(1, 3),
    }
)


def _construire(sc, events):
    jeunes = [sc.jeune(*periodes) for periodes in PARCOURS]
    pros = [sc.pro() for _ in range(3)]
    for e in events:
        debut = datetime.datetime.combine(e["jour"], datetime.time(), tzinfo=PARIS) + datetime.timedelta(
            minutes=15 * e["quart"]
        )
        debut = debut.astimezone(PARIS)
        fin = (debut + datetime.timedelta(minutes=15 * e["duree"])).astimezone(PARIS)
        code, modalite = e["nature"]
        cadre = sc.natures[code].cadre
        concernes = [jeunes[i] for i in e["jeunes"]] if cadre in ("direct", "indirect") else []
        absents = {concernes[0]: "absent_imprevu"} if e["absent"] and cadre == "direct" else None
        sc.evenement(code, debut, fin, jeunes=concernes, modalite=modalite, statut=e["statut"], absents=absents,
                     professionnels=pros[: e["pros"]])  # fmt: skip
    return jeunes


ADDITIFS = [
    ("semaines_jeune", "total"),
    *[("semaines_jeune", "par_combinaison", c) for c in ("I", "AJ", "A", "I+AJ", "I+A", "AJ+A", "I+AJ+A", "indirect")],
    *[("semaines_jeune", "par_intensite", b) for b in ("moins_1h", "1h_3h", "3h_6h", "6h_12h", "12h_plus")],
    *[
        ("volumes", v)
        for v in (
            "nuitees",
            "journees",
            "actes_ambulatoires",
            "heures_directes",
            "heures_indirectes",
            "heures_professionnels",
        )
    ],  # fmt: skip
    ("appui_ressources", "interventions"),
    ("appui_ressources", "heures_professionnels"),
]


def _get(table, path):
    for key in path:
        table = table[key]
    return table


def _snapshot():
    return sorted(FaitSemaine.objects.values_list("jeune_id", "lundi", "statuts", "modalites", "combinaison",
                  "paires_directes", "paires_indirectes", "secondes_directes", "secondes_indirectes", "nuitees",
                  "demi_journees", "actes_ambulatoires"))  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])  # fmt: skip
@given(events=st.lists(evenement, min_size=1, max_size=14))
def test_proprietes_du_tableau(activite, events):
    sc = activite.sc
    with transaction.atomic():
        _construire(sc, events)
        # The change-feed path first, then a full recomputation: the same facts; and again: idempotent.
        faits_recalculer_invalides(delai=None)
        par_flux = _snapshot()
        recompute(sc)
        assert _snapshot() == par_flux
        recompute(sc)
        assert _snapshot() == par_flux

        annee = table_aire(sc.dispositif, *ANNEE)
        trimestres = [table_aire(sc.dispositif, *t) for t in TRIMESTRES]
        for path in ADDITIFS:
            assert sum(_get(t, path) for t in trimestres) == _get(annee, path), path
        for table in (annee, *trimestres):
            sj = table["semaines_jeune"]
            assert sum(sj["par_combinaison"].values()) == sj["total"]
            fa = table["file_active"]
            statuts = [fa[s] for s in ("pre_admission", "accompagne", "suivi_post_sortie", "ponctuel")]
            assert max(statuts, default=0) <= fa["total"] <= sum(statuts)
            assert table["jeunes_multi_modalites"] <= fa["total"]
            assert table["situations_complexes"] <= fa["total"]
        directes = FaitSemaine.objects.filter(
            dispositif=sc.dispositif, lundi__gte=D(2025, 12, 29), lundi__lte=D(2026, 12, 28), paires_directes__gt=0
        ).count()
        assert sum(annee["semaines_jeune"]["par_intensite"].values()) == directes
        transaction.set_rollback(True)
