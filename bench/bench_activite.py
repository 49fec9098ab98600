"""Activity facts and AIRe table at scale: full recomputation of an organisme-year of facts, and the AIRe table of a
dispositif of 150 youths over a quarter and a year, and of a whole organisme (10 such dispositifs, about a million
events) over a year — each printed next to a raw SQL scan of the same events measured in the same run.

1. Embedded PostgreSQL under ``var/bench`` (a fresh database ``bench_activite`` each run), ``migrate``.
2. Structure through the ORM as the application role (``tenant_context``): a bench organisme, ``--dispositifs``
   dispositifs with their default natures, partners, 12 professionals each, ``--jeunes`` youths each with a dossier
   and parcours periods (70 % accompagnés for two years, 10 % admitted during the year after a pre-admission,
   10 % in follow-up after an exit, 10 % ponctuel).
3. Events generated in SQL by the server's superuser (``INSERT ... SELECT generate_series``, triggers off for the
   load only), for the year ``--annee`` and the last weeks of the year before: every school day (Monday–Friday,
   school holidays of zone C off except for internat) a morning session 9:00–12:00 and an afternoon one
   14:00–16:30 (accueil de jour or internat by youth; ambulatoire youths one 1-hour acte a day instead), one nuitée
   per night Monday–Thursday for internat youths, a weekly synthesis (indirect, 3 professionals), 2 % absences,
   1 % cancelled, 1 % hors prestation, and appui-ressources interventions; one or two professionals per session.
   ``ANALYZE``.
4. Measures as the application role under RLS: the full recomputation of the organisme's facts for the year
   (``faits_recalculer_periode``, one statement), its rerun (idempotent upsert), then ``table_aire`` (facts up to
   date) for one dispositif over Q1 and over the year, and for every dispositif over the year (summed), each next
   to ``SELECT count(*), sum(extract(epoch FROM fin - debut)) FROM events JOIN participations`` over the same
   dispositifs and period. Median of ``--repeat`` runs.

Run: ``uv run python bench/bench_activite.py`` (``--dispositifs 10 --jeunes 150 --annee 2025 --repeat 3``).
"""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FINESS_JURIDIQUE = "319999990"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dispositifs", type=int, default=10)
    parser.add_argument("--jeunes", type=int, default=150)
    parser.add_argument("--annee", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="reuse the data set of the previous run (measures only)")
    args = parser.parse_args()

    from ditep.embedded import start_postgres

    var_dir = ROOT / "var" / "bench"
    os.environ.setdefault("XDG_RUNTIME_DIR", str(var_dir / "run"))
    (var_dir / "run").mkdir(parents=True, exist_ok=True, mode=0o700)
    database = "bench_activite"
    server, app_url, owner_url = start_postgres(var_dir / "pgdata", database=database)
    import psycopg

    if not args.reuse:
        with psycopg.connect(server.get_uri(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        server, app_url, owner_url = start_postgres(var_dir / "pgdata", database=database)
    env = {**os.environ, "DATABASE_URL": app_url, "DATABASE_OWNER_URL": owner_url, "DITEP_TESTING": "1"}
    if not args.reuse:
        started = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True)
        print(f"migrate: {time.perf_counter() - started:.1f} s")

    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DATABASE_OWNER_URL", "DITEP_TESTING")})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ditep.settings")
    import django

    django.setup()

    if args.reuse:
        from core.models import Dispositif
        from core.services.organisation import find_organisme_id_by_finess
        from core.tenancy import tenant_context

        organisme_id = find_organisme_id_by_finess(FINESS_JURIDIQUE)
        with tenant_context(organisme_id):
            dispositif_ids = list(Dispositif.objects.order_by("pk").values_list("pk", flat=True))
    else:
        started = time.perf_counter()
        organisme_id, dispositif_ids = _structure(args.dispositifs, args.jeunes)
        print(f"structure (ORM): {time.perf_counter() - started:.1f} s")
    with psycopg.connect(server.get_uri(database), autocommit=True) as su:
        started = time.perf_counter()
        if not args.reuse:
            _events(su, organisme_id, args.annee)
            su.execute("ANALYZE")
        n_ev = su.execute("SELECT count(*) FROM agendas_evenement").fetchone()[0]
        n_pj = su.execute("SELECT count(*) FROM agendas_participationjeune").fetchone()[0]
        print(f"events (SQL): {n_ev:,} events, {n_pj:,} youth participations in {time.perf_counter() - started:.1f} s")
    _measure(organisme_id, dispositif_ids, args.annee, args.repeat)


# --- Data set ------------------------------------------------------------------------------------------------------


def _structure(n_dispositifs: int, n_jeunes: int):
    import random

    from agendas.services.natures import natures_par_defaut
    from core.enums import AccountKind, Metier, Role, TypePartenaire
    from core.models import Affectation, Dispositif, User
    from core.services.organisation import organisme_create
    from core.tenancy import tenant_context
    from dossiers.models import Dossier, Jeune, Parcours, Partenaire

    rng = random.Random(8)
    organisme = organisme_create(nom="Association Bench Activité", finess_juridique=FINESS_JURIDIQUE)
    dispositif_ids = []
    with tenant_context(organisme.pk):
        types = list(TypePartenaire.values)
        Partenaire.objects.bulk_create(
            [Partenaire(organisme=organisme, nom=f"Partenaire {i}", type=types[i % len(types)]) for i in range(30)]
        )
        for i in range(n_dispositifs):
            d = Dispositif.objects.create(organisme=organisme, nom=f"DITEP Bench {i + 1}", finess=f"3199{i:05d}")
            dispositif_ids.append(d.pk)
            natures_par_defaut(dispositif=d)
            users = User.objects.bulk_create(
                [User(organisme=organisme, kind=AccountKind.PROFESSIONNEL, email=f"pro{j}.d{i}@bench.test",
                      first_name="Pro", last_name=f"{j}") for j in range(12)]
            )  # fmt: skip
            Affectation.objects.bulk_create(
                [Affectation(organisme=organisme, user=u, dispositif=d, metier=Metier.EDUCATEUR,
                             role=Role.CONTRIBUTEUR) for u in users]
            )  # fmt: skip
            jeunes = Jeune.objects.bulk_create(
                [Jeune(organisme=organisme, nom_naissance=f"Bench{i}-{j}", prenom="Jeune", sexe="MF"[j % 2],
                       date_naissance=datetime.date(2010 + j % 8, 1 + j % 12, 1 + j % 28)) for j in range(n_jeunes)]
            )  # fmt: skip
            dossiers = Dossier.objects.bulk_create(
                [Dossier(organisme=organisme, jeune=j, dispositif=d) for j in jeunes]
            )
            periodes = []
            for k, dossier in enumerate(dossiers):
                cas = k % 10
                if cas < 7:
                    rows = [("accompagne", datetime.date(2023, 9, 1), None)]
                elif cas == 7:
                    admission = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randint(30, 300))
                    rows = [("pre_admission", datetime.date(2024, 11, 1), admission - datetime.timedelta(days=1)),
                            ("accompagne", admission, None)]  # fmt: skip
                elif cas == 8:
                    sortie = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randint(30, 300))
                    rows = [("accompagne", datetime.date(2022, 9, 1), sortie),
                            ("suivi_post_sortie", sortie + datetime.timedelta(days=1), None)]  # fmt: skip
                else:
                    rows = [("ponctuel", datetime.date(2024, 9, 1), None)]
                for statut, debut, fin in rows:
                    periodes.append(
                        Parcours(organisme=organisme, dossier=dossier, statut=statut, debut=debut, fin=fin)
                    )
            Parcours.objects.bulk_create(periodes)
    return organisme.pk, dispositif_ids


def _events(su, organisme_id: int, annee: int) -> None:
    """Events and participations of the year (and of December before), set-based."""
    su.execute("SET session_replication_role = replica")  # triggers and FK checks off for the load only
    su.execute("DROP TABLE IF EXISTS bench_jeune, bench_ev")
    # Youths with their dispositif, modalité (by youth number: 30 % internat, 40 % accueil de jour, 30 %
    # ambulatoire) and two professionals of their dispositif.
    su.execute(
        """CREATE TEMP TABLE bench_jeune AS
           SELECT d.jeune_id, d.dispositif_id, rn,
                  CASE WHEN rn %% 10 < 3 THEN 'internat' WHEN rn %% 10 < 7 THEN 'accueil_de_jour'
                       ELSE 'ambulatoire' END AS modalite,
                  (SELECT array_agg(a.user_id ORDER BY a.user_id) FROM core_affectation a
                   WHERE a.dispositif_id = d.dispositif_id) AS pros
           FROM (SELECT jeune_id, dispositif_id,
                        (row_number() OVER (PARTITION BY dispositif_id ORDER BY id))::int AS rn
                 FROM dossiers_dossier WHERE organisme_id = %s) d""",
        [organisme_id],
    )
    debut, fin = datetime.date(annee - 1, 12, 1), datetime.date(annee, 12, 31)
    # One row per event to create: (youths, kind, start, end, professionals).
    su.execute(
        """CREATE TEMP TABLE bench_ev AS
        WITH jours AS (
            SELECT g::date AS jour, extract(isodow FROM g)::int AS dow,
                   (extract(month FROM g) IN (7, 8) OR (extract(month FROM g) = 12 AND extract(day FROM g) > 20)
                    OR (extract(month FROM g) = 2 AND extract(day FROM g) BETWEEN 15 AND 28)
                    OR (extract(month FROM g) = 4 AND extract(day FROM g) BETWEEN 12 AND 26)) AS vacances
            FROM generate_series(%(debut)s::date, %(fin)s::date, interval '1 day') g
        ),
        seances AS (
            -- Morning and afternoon sessions (internat / accueil de jour) on school days (internat also in holidays).
            SELECT j.jeune_id, j.dispositif_id, j.modalite, 'activite_educative' AS nature, s.h1, s.h2, jr.jour,
                   j.pros[1 + (j.rn + s.n) %% cardinality(j.pros)] AS pro1,
                   CASE WHEN (j.rn + extract(doy FROM jr.jour)::int) %% 3 = 0
                        THEN j.pros[1 + (j.rn + s.n + 5) %% cardinality(j.pros)] END AS pro2
            FROM bench_jeune j CROSS JOIN jours jr
            CROSS JOIN (VALUES (0, time '09:00', time '12:00'), (1, time '14:00', time '16:30')) s(n, h1, h2)
            WHERE j.modalite <> 'ambulatoire' AND jr.dow <= 5 AND (NOT jr.vacances OR j.modalite = 'internat')
            UNION ALL
            -- Ambulatoire: one 1-hour acte a school day.
            SELECT j.jeune_id, j.dispositif_id, 'ambulatoire', 'seance_soin', time '17:00', time '18:00', jr.jour,
                   j.pros[1 + j.rn %% cardinality(j.pros)], NULL
            FROM bench_jeune j CROSS JOIN jours jr
            WHERE j.modalite = 'ambulatoire' AND jr.dow <= 5 AND NOT jr.vacances
            UNION ALL
            -- Nuitées Monday–Thursday for internat youths (20:00 → 08:00 the next day).
            SELECT j.jeune_id, j.dispositif_id, 'internat', 'nuitee', time '20:00', time '08:00', jr.jour,
                   j.pros[1 + (j.rn + 3) %% cardinality(j.pros)], NULL
            FROM bench_jeune j CROSS JOIN jours jr
            WHERE j.modalite = 'internat' AND jr.dow <= 4
            UNION ALL
            -- Weekly synthesis (indirect) on Tuesdays, 3 professionals.
            SELECT j.jeune_id, j.dispositif_id, '', 'reunion_synthese', time '13:00', time '14:00', jr.jour,
                   j.pros[1 + j.rn %% cardinality(j.pros)], j.pros[1 + (j.rn + 1) %% cardinality(j.pros)]
            FROM bench_jeune j CROSS JOIN jours jr WHERE jr.dow = 2
        )
        SELECT nextval('agendas_evenement_id_seq') AS id, s.*,
               (s.jour + s.h1) AT TIME ZONE 'Europe/Paris' AS debut,
               ((s.jour + CASE WHEN s.h2 < s.h1 THEN 1 ELSE 0 END) + s.h2) AT TIME ZONE 'Europe/Paris' AS fin,
               CASE WHEN random() < 0.01 THEN 'annule' WHEN s.jour > current_date THEN 'prevu' ELSE 'realise' END
                   AS statut,
               random() < 0.01 AS hors_prestation,
               CASE WHEN random() < 0.02 THEN 'absent_imprevu' ELSE 'present' END AS presence
        FROM seances s""",
        {"debut": debut, "fin": fin},
    )
    common = """organisme_id, dispositif_id, titre, nature_id, modalite, lieu_type, lieu_detail, visible_famille,
                ref, detachee, debut, fin, statut, cadre, serafin_code, serafin_version, hors_prestation,
                commentaire, created_at, updated_at"""
    su.execute(
        f"""INSERT INTO agendas_evenement (id, {common})
            SELECT b.id, %s, b.dispositif_id, '', n.id, b.modalite, 'site', '', true, '', false, b.debut, b.fin,
                   b.statut, n.cadre, n.serafin_code, '2023', b.hors_prestation, '', now(), now()
            FROM bench_ev b JOIN agendas_nature n ON n.dispositif_id = b.dispositif_id AND n.code = b.nature""",
        [organisme_id],
    )
    su.execute(
        """INSERT INTO agendas_participationjeune (organisme_id, evenement_id, jeune_id, presence, motif_absence)
           SELECT %s, b.id, b.jeune_id, CASE WHEN b.nature = 'reunion_synthese' THEN '' ELSE b.presence END,
                  CASE WHEN b.presence = 'present' OR b.nature = 'reunion_synthese' THEN '' ELSE 'maladie' END
           FROM bench_ev b""",
        [organisme_id],
    )
    su.execute(
        """INSERT INTO agendas_participationprofessionnel (organisme_id, evenement_id, user_id)
           SELECT %s, b.id, p.user_id FROM bench_ev b
           CROSS JOIN LATERAL (SELECT DISTINCT u AS user_id FROM unnest(ARRAY[b.pro1, b.pro2]) u
                               WHERE u IS NOT NULL) p""",
        [organisme_id],
    )
    # Appui-ressources: two interventions per dispositif and school week, with a partner, 2 professionals.
    su.execute(
        f"""WITH a AS (
                SELECT nextval('agendas_evenement_id_seq') AS id, d.id AS dispositif_id, g::date AS jour,
                       (SELECT id FROM dossiers_partenaire p WHERE p.organisme_id = %(org)s
                        ORDER BY id OFFSET (extract(doy FROM g)::int + d.id) %% 30 LIMIT 1) AS partenaire_id,
                       (SELECT array_agg(user_id ORDER BY user_id) FROM core_affectation WHERE dispositif_id = d.id)
                           AS pros
                FROM core_dispositif d
                CROSS JOIN generate_series(%(debut)s::date, %(fin)s::date, interval '1 day') g
                WHERE d.organisme_id = %(org)s AND extract(isodow FROM g) IN (2, 4)
            ), ins AS (
                INSERT INTO agendas_evenement (id, partenaire_id, {common})
                SELECT a.id, a.partenaire_id, %(org)s, a.dispositif_id, '', n.id, '', 'partenaire', '', false, '',
                       false, (a.jour + time '10:00') AT TIME ZONE 'Europe/Paris',
                       (a.jour + time '11:30') AT TIME ZONE 'Europe/Paris',
                       CASE WHEN a.jour > current_date THEN 'prevu' ELSE 'realise' END, n.cadre, n.serafin_code,
                       '2023', false, '', now(), now()
                FROM a JOIN agendas_nature n ON n.dispositif_id = a.dispositif_id AND n.code = 'appui_ressources'
                RETURNING id
            )
            INSERT INTO agendas_participationprofessionnel (organisme_id, evenement_id, user_id)
            SELECT %(org)s, a.id, u FROM a CROSS JOIN LATERAL unnest(a.pros[1:2]) u""",
        {"org": organisme_id, "debut": debut, "fin": fin},
    )
    su.execute("SET session_replication_role = DEFAULT")


# --- Measures ------------------------------------------------------------------------------------------------------


def _timed(func, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _raw_scan(organisme_id, dispositif_ids, debut, fin):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*), sum(extract(epoch FROM e.fin - e.debut))
               FROM agendas_evenement e JOIN agendas_participationjeune pj ON pj.evenement_id = e.id
               WHERE e.organisme_id = %s AND e.dispositif_id = ANY(%s) AND e.debut >= %s AND e.debut < %s""",
            [organisme_id, list(dispositif_ids), debut, fin],
        )
        return cursor.fetchone()


def _measure(organisme_id, dispositif_ids, annee, repeat):
    from zoneinfo import ZoneInfo

    from activite.models import FaitSemaine
    from activite.services.aire import lundis_de_la_periode, table_aire
    from activite.services.faits import faits_recalculer_periode
    from core.models import Dispositif
    from core.tenancy import tenant_context

    tz = ZoneInfo("Europe/Paris")
    an = (datetime.date(annee, 1, 1), datetime.date(annee, 12, 31))
    t1 = (datetime.date(annee, 1, 1), datetime.date(annee, 3, 31))

    def instants(debut, fin):
        lundis = lundis_de_la_periode(debut, fin)
        return (
            datetime.datetime.combine(lundis[0], datetime.time(), tzinfo=tz),
            datetime.datetime.combine(lundis[-1] + datetime.timedelta(days=7), datetime.time(), tzinfo=tz),
        )

    lundis_an = lundis_de_la_periode(*an)
    with tenant_context(organisme_id):
        dispositifs = list(Dispositif.objects.filter(pk__in=dispositif_ids).order_by("pk"))
        d0 = dispositifs[0]
        started = time.perf_counter()
        counts = faits_recalculer_periode(du=lundis_an[0], au=lundis_an[-1] + datetime.timedelta(days=7))
        first = time.perf_counter() - started
        rerun, _ = _timed(
            lambda: faits_recalculer_periode(du=lundis_an[0], au=lundis_an[-1] + datetime.timedelta(days=7)), 1
        )
        n_faits = FaitSemaine.objects.count()
        print(f"\nfacts of the organisme-year: {n_faits:,} youth-weeks ({counts['anomalies']:,} anomalies)")
        print(f"  full recomputation (one statement): {first:.2f} s; rerun (idempotent upsert): {rerun:.2f} s")
        d0_q1_recalc, _ = _timed(
            lambda: faits_recalculer_periode(
                du=lundis_de_la_periode(*t1)[0], au=lundis_de_la_periode(*t1)[-1] + datetime.timedelta(days=7),
                dispositif_ids=[d0.pk],
            ),
            repeat,
        )  # fmt: skip
        print(f"  recomputation of one dispositif-quarter: {d0_q1_recalc:.2f} s")

        rows = []
        for label, targets, (debut, fin) in (
            (f"dispositif of {len(_jeunes(d0))} youths, Q1", [d0], t1),
            (f"dispositif of {len(_jeunes(d0))} youths, year", [d0], an),
            (f"organisme ({len(dispositifs)} dispositifs), year", dispositifs, an),
        ):
            table_time, tables = _timed(lambda t=targets, a=debut, b=fin: [table_aire(d, a, b) for d in t], repeat)
            scan_time, scan = _timed(
                lambda t=targets, a=debut, b=fin: _raw_scan(organisme_id, [d.pk for d in t], *instants(a, b)), repeat
            )
            semaines = sum(t["semaines_jeune"]["total"] for t in tables)
            rows.append((label, scan[0], semaines, table_time, scan_time))
            if len(targets) > 1:  # the same raw scan run per dispositif, as the tables are
                per_time, _ = _timed(
                    lambda t=targets, a=debut, b=fin: [_raw_scan(organisme_id, [d.pk], *instants(a, b)) for d in t],
                    repeat,
                )
                rows.append(("  same, raw scan per dispositif", scan[0], semaines, table_time, per_time))
    print(f"\n{'AIRe table':<42} {'pairs scanned':>14} {'youth-weeks':>12} {'table':>9} {'raw scan':>9} {'ratio':>6}")
    for label, pairs, semaines, table_time, scan_time in rows:
        print(f"{label:<42} {pairs:>14,} {semaines:>12,} {table_time:>8.3f}s {scan_time:>8.3f}s "
              f"{table_time / scan_time:>5.2f}×")  # fmt: skip
    print("\ntargets: dispositif-quarter < 1 s, organisme-year < 30 s, table within 3× the raw scan")


def _jeunes(dispositif):
    from dossiers.models import Dossier

    return list(Dossier.objects.filter(dispositif=dispositif).values_list("jeune_id", flat=True))


if __name__ == "__main__":
    main()
