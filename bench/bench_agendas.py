"""Generating a school year of occurrences for N youths (default 150), against baselines measured in the same run.

Loads one organisme with one dispositif (closures of the school year) and N accompanied youths through the
exchange-format import, then for the school year 2025-09-01 → 2026-07-03 (weekly series, four days a week,
9:00–12:00 local time, one professional):

1. ``rrule seule``: the raw expansion of the N rules (``agendas.services.series.occurrences``: local wall-clock
   times, closures skipped), no database;
2. ``une série à la fois``: ``serie_create`` per youth generating its own year (the path of the series form);
3. ``en masse``: the N series created without generation, then ``series_generer_bulk`` once (the beat job, the
   demo).

Each write path runs in a transaction rolled back at the end (same data for both). Prints times and occurrence
rates. Run: ``uv run python bench/bench_agendas.py --jeunes 150`` (embedded PostgreSQL in ``var/bench/``).
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FINESS_JURIDIQUE = "990000993"
FINESS = "990000985"
DEBUT_ANNEE, FIN_ANNEE = "2025-09-01", "2026-07-03"
RRULE = "FREQ=WEEKLY;BYDAY=MO,TU,TH,FR"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jeunes", type=int, default=150)
    args = parser.parse_args()

    from ditep.embedded import start_postgres

    var_dir = ROOT / "var" / "bench"
    os.environ.setdefault("XDG_RUNTIME_DIR", str(var_dir / "run"))
    (var_dir / "run").mkdir(parents=True, exist_ok=True, mode=0o700)
    _server, app_url, owner_url = start_postgres(var_dir / "pgdata", database="bench_agendas")
    env = {
        **os.environ, "DATABASE_URL": app_url, "DATABASE_OWNER_URL": owner_url, "DITEP_TESTING": "1",
        "PYTHONPATH": str(ROOT),
    }  # fmt: skip
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    script = f"from bench.bench_agendas import run; run(jeunes={args.jeunes})"
    subprocess.run([*manage, "shell", "-c", script], env=env, check=True)


def _document(jeunes: int) -> dict:
    return {
        "format": "ditep-echange",
        "version": 1,
        "organisme": {"nom": "Organisme du banc d'essai agendas", "finess_juridique": FINESS_JURIDIQUE},
        "dispositifs": [
            {
                "finess": FINESS,
                "nom": "DITEP du banc d'essai",
                "jours_ouverture": 210,
                "places": {"internat": 12, "accueil_de_jour": 150, "ambulatoire": 40},
                "sites": [{"finess": "990000977", "nom": "Site du banc", "modalites": ["accueil_de_jour"]}],
            },
        ],  # fmt: skip
        "professionnels": [
            {
                "ref": "bench-educ",
                "nom": "Banc",
                "prenom": "Éducatrice",
                "email": "educ@bench-agendas.example.org",
                "metier": "educateur",
                "dispositif": FINESS,
            },
        ],  # fmt: skip
        "jeunes": [
            {
                "ref": f"bench-j{i:04d}",
                "nom": f"Essai{i:04d}",
                "prenom": "Jeune",
                "date_naissance": "2013-05-02",
                "sexe": "M" if i % 2 else "F",
                "dispositif": FINESS,
                "modalites": ["accueil_de_jour"],
                "parcours": [{"statut": "accompagne", "debut": "2025-06-01"}],
            }
            for i in range(jeunes)
        ],  # fmt: skip
    }


def run(*, jeunes: int) -> None:
    import datetime
    import time
    from zoneinfo import ZoneInfo

    from django.db import transaction

    from agendas.demo import vacances_zone_c
    from agendas.models import Evenement, Fermeture, Nature
    from agendas.services.natures import natures_par_defaut
    from agendas.services.series import fermetures_par_dispositif, occurrences, serie_create, series_generer_bulk
    from core.echange import import_document
    from core.models import Dispositif, User
    from core.services.organisation import find_organisme_id_by_finess
    from core.tenancy import tenant_context
    from dossiers.models import Jeune

    if find_organisme_id_by_finess(FINESS_JURIDIQUE) is None:
        print(f"Chargement de {jeunes} jeunes accompagnés (import format d'échange)…", flush=True)
        import_document(_document(jeunes), create_organisme=True)
    organisme_id = find_organisme_id_by_finess(FINESS_JURIDIQUE)
    paris = ZoneInfo("Europe/Paris")
    debut_annee, fin_annee = datetime.date.fromisoformat(DEBUT_ANNEE), datetime.date.fromisoformat(FIN_ANNEE)
    first = datetime.datetime.combine(debut_annee, datetime.time(9), tzinfo=paris)
    duree = datetime.timedelta(hours=3)

    with tenant_context(organisme_id):
        dispositif = Dispositif.objects.get(finess=FINESS)
        natures_par_defaut(dispositif=dispositif)
        for libelle, debut, fin in vacances_zone_c(debut_annee.year):
            Fermeture.objects.get_or_create(
                organisme_id=organisme_id, dispositif=dispositif, debut=debut, fin=fin, defaults={"libelle": libelle}
            )
        nature = Nature.objects.get(dispositif=dispositif, code="activite_educative")
        educ = User.objects.get(ref="bench-educ")
        youths = list(Jeune.objects.filter(ref__startswith="bench-j").order_by("ref")[:jeunes])
        closures = fermetures_par_dispositif([dispositif.pk])[dispositif.pk]

    def serie_kwargs(jeune):
        return dict(
            dispositif=dispositif, nature=nature, rrule=RRULE, debut=first, duree=duree, actor=educ, jeunes=[jeune],
            professionnels=[educ], modalite="accueil_de_jour", fin_serie=fin_annee,
        )  # fmt: skip

    results = []

    # 1. Raw expansion (no database).
    started = time.perf_counter()
    total = 0
    for _ in youths:
        total += len(
            occurrences(rrule=RRULE, debut=first, duree=duree, du=debut_annee, au=fin_annee, fermetures=closures)
        )
    results.append(("rrule seule (sans base)", time.perf_counter() - started, total))

    # 2. One series at a time, each generating its own year.
    with tenant_context(organisme_id):
        started = time.perf_counter()
        with transaction.atomic():
            for jeune in youths:
                serie_create(generer_jusqu_au=fin_annee, **serie_kwargs(jeune))
            count = Evenement.objects.filter(dispositif=dispositif).count()
            elapsed = time.perf_counter() - started
            transaction.set_rollback(True)
        results.append(("une série à la fois", elapsed, count))

    # 3. Bulk: series created without generation, then one generation pass.
    with tenant_context(organisme_id):
        started = time.perf_counter()
        with transaction.atomic():
            series = [serie_create(generer=False, **serie_kwargs(jeune)) for jeune in youths]
            created_at = time.perf_counter()
            count = series_generer_bulk(series=series, jusqu_au=fin_annee)
            elapsed = time.perf_counter() - started
            transaction.set_rollback(True)
        results.append(("en masse (séries + génération)", elapsed, count))
        results.append(("  dont génération seule", elapsed - (created_at - started), count))

    print(f"\n{len(youths)} jeunes, année scolaire {DEBUT_ANNEE} → {FIN_ANNEE}, règle {RRULE}, fermetures sautées\n")
    print(f"{'chemin':34} {'temps':>10} {'occurrences':>12} {'occ./s':>10}")
    for label, seconds, n in results:
        print(f"{label:34} {seconds:8.2f} s {n:12d} {n / seconds if seconds else 0:10.0f}")


if __name__ == "__main__":
    main()
