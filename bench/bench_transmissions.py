"""Transmissions at scale: server times of the handover view ("À lire"), the youth timeline and the French
full-text search with 1,000,000 transmissions, against a baseline measured in the same run on a 10,000-row data set.

1. Embedded PostgreSQL under ``var/bench`` (its own database), ``migrate`` and ``demo_data --scale N`` (the demo
   organisme, its youths, teams and a year of logbook written through the services).
2. The data set grows to ``--baseline`` rows with SQL (``INSERT ... SELECT generate_series``, run by the server's
   superuser with triggers off for the load only): transmissions spread over the demo youths and dispositifs (10 %
   notes to the unit), written by the contributors of each dispositif, over three years at day-time hours,
   catégories and visibility in realistic proportions, 1 % addenda, French texts from the demo phrase book with
   their search vector (accents folded like ``transmissions.services.search_document``), read receipts for the
   last year. ``ANALYZE``, then each measure runs ``--repeat`` times.
3. The data set grows to ``--rows`` rows; ``ANALYZE``; the same measures again.

Measures go through the transmissions selectors as the views call them, as the application role under Row Level
Security (``tenant_context``), for the demo ``educateur@`` login: the handover page (``a_lire`` + ``with_display``,
paginated by 30 with its count), the youth timeline (30 days, ``timeline_transmissions`` + ``with_display``, up to
``TIMELINE_LIMIT`` + 1 rows, as the view), and the search (``journal`` with ``q``) with and without accents, twice:
ranked with its full count (a stricter reference), and most recent first with a count capped at 1,000 (closest to
the journal view, which shows no total). Prints p50 / p95 in milliseconds and the number of SQL queries (which must
not change with the data set).

Run: ``uv run python bench/bench_transmissions.py`` (``--rows 1000000 --baseline 10000 --repeat 30 --scale 1``).
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

# Share of each catégorie code in the generated logbook.
CATEGORY_WEIGHTS = {"comportement": 30, "vie_quotidienne": 25, "scolarite": 12, "sante": 10, "famille": 10,
                    "incident": 5, "information": 8}  # fmt: skip
SEARCHES = {"recherche « comportement »": "comportement", "recherche « college » (sans accent)": "college",
            "recherche « fugue gendarmerie »": "fugue gendarmerie"}  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args()

    from ditep.embedded import start_postgres

    var_dir = ROOT / "var" / "bench"
    os.environ.setdefault("XDG_RUNTIME_DIR", str(var_dir / "run"))
    (var_dir / "run").mkdir(parents=True, exist_ok=True, mode=0o700)
    database = f"bench_transmissions_s{args.scale}"
    server, app_url, owner_url = start_postgres(var_dir / "pgdata", database=database)
    # A fresh database each run: the baseline is measured on the small data set before it grows.
    import psycopg

    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    server, app_url, owner_url = start_postgres(var_dir / "pgdata", database=database)
    env = {**os.environ, "DATABASE_URL": app_url, "DATABASE_OWNER_URL": owner_url, "DITEP_TESTING": "1"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    started = time.perf_counter()
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*manage, "demo_data", "--scale", str(args.scale)], env=env, check=True)
    print(f"migrate + demo_data --scale {args.scale}: {time.perf_counter() - started:.1f} s")

    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DATABASE_OWNER_URL", "DITEP_TESTING")})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ditep.settings")
    import django

    django.setup()

    superuser_url = server.get_uri(database)
    with psycopg.connect(superuser_url, autocommit=True) as su:
        org = su.execute("SELECT id FROM core_organisme WHERE finess_juridique = '310790011'").fetchone()[0]
        results = {}
        for label, target in (("baseline", args.baseline), ("full", args.rows)):
            _grow(su, org, target)
            total = su.execute("SELECT count(*) FROM transmissions_transmission").fetchone()[0]
            results[label] = (total, _measure(org, args.repeat))
    _report(results)


# --- Data set ------------------------------------------------------------------------------------------------


def _phrases():
    """(catégorie code, cible, données, actions, résultats, texte, visibilité) from the demo phrase book."""
    from transmissions import demo

    prenoms = ["Léo", "Inès", "Yanis", "Chloé", "Mehdi", "Zoé", "Théo", "Amina"]
    rows = []
    for index, (code, cible, donnees, actions, resultats) in enumerate(demo.DAR):
        for p in prenoms[index % 3 :: 3]:
            rows.append((code, cible, donnees.format(p=p), actions.format(p=p), resultats.format(p=p), "", "equipe"))
    for index, (code, texte) in enumerate(demo.LIBRES):
        for p in prenoms[index % 2 :: 2]:
            rows.append((code, "", "", "", "", texte.format(p=p), "equipe"))
    for texte in demo.CONFIDENTIELS:
        rows.append(("sante", "", "", "", "", texte.format(p="Léo"), "confidentiel_soin"))
    return rows


def _prepare(su, org):
    """Temporary pools: phrases with their search vectors, the youths' dossiers, the authors per dispositif."""
    from dossiers.models import fold

    su.execute("DROP TABLE IF EXISTS bench_phrase, bench_dossier, bench_auteur, bench_equipe")
    su.execute(
        "CREATE TEMP TABLE bench_phrase (n serial, categorie_id bigint, cible text, donnees text, actions text,"
        " resultats text, texte text, visibilite text, recherche tsvector, poids int)"
    )
    categories = dict(su.execute("SELECT code, id FROM transmissions_categorie WHERE organisme_id = %s", [org]))
    libelles = dict(su.execute("SELECT code, libelle FROM transmissions_categorie WHERE organisme_id = %s", [org]))
    phrases = _phrases()
    per_code = {code: sum(1 for p in phrases if p[0] == code) for code in CATEGORY_WEIGHTS}
    with su.cursor() as cur:
        for code, cible, donnees, actions, resultats, texte, visibilite in phrases:
            head = fold(f"{libelles[code]} {cible}")
            body = fold(" ".join(part for part in (donnees, actions, resultats, texte) if part))
            # Weight of a phrase: its catégorie's share spread over the catégorie's phrases (x1000, integer).
            poids = max(1, round(1000 * CATEGORY_WEIGHTS.get(code, 1) / max(per_code.get(code, 1), 1)))
            cur.execute(
                "INSERT INTO bench_phrase (categorie_id, cible, donnees, actions, resultats, texte, visibilite,"
                " recherche, poids) VALUES (%s, %s, %s, %s, %s, %s, %s, setweight(to_tsvector('french', %s), 'A')"
                " || setweight(to_tsvector('french', %s), 'B'), %s)",
                [categories[code], cible, donnees, actions, resultats, texte, visibilite, head, body, poids],
            )
    # Cumulative weights: a phrase is drawn with one random number.
    su.execute("ALTER TABLE bench_phrase ADD COLUMN cumul_debut int, ADD COLUMN cumul_fin int")
    su.execute(
        "UPDATE bench_phrase p SET cumul_fin = c.s, cumul_debut = c.s - p.poids FROM"
        " (SELECT n, sum(poids) OVER (ORDER BY n) s FROM bench_phrase) c WHERE c.n = p.n"
    )
    su.execute(
        "CREATE TEMP TABLE bench_dossier AS SELECT row_number() OVER (ORDER BY d.id) i, d.dispositif_id, d.site_id,"
        " d.jeune_id FROM dossiers_dossier d WHERE d.organisme_id = %s AND d.archived_at IS NULL"
        " AND d.statut = 'accompagne' AND NOT d.est_restreint",
        [org],
    )
    su.execute(
        "CREATE TEMP TABLE bench_auteur AS SELECT a.dispositif_id,"
        " row_number() OVER (PARTITION BY a.dispositif_id ORDER BY a.id) i, a.user_id, a.metier"
        " FROM core_affectation a WHERE a.organisme_id = %s AND a.role = 'contributeur'"
        " AND a.metier NOT IN ('admin_organisme', 'secretariat', 'direction')",
        [org],
    )
    su.execute("CREATE INDEX ON bench_auteur (dispositif_id, i)")
    su.execute(
        "CREATE TEMP TABLE bench_equipe AS SELECT dispositif_id, count(*) n FROM bench_auteur GROUP BY dispositif_id"
    )
    su.execute("CREATE INDEX ON bench_dossier (i)")
    su.execute("ANALYZE bench_phrase, bench_dossier, bench_auteur, bench_equipe")


def _grow(su, org, target):
    """Add generated transmissions until the table holds ``target`` rows (in batches of 200,000)."""
    current = su.execute("SELECT count(*) FROM transmissions_transmission").fetchone()[0]
    if current >= target:
        return
    if not su.execute("SELECT to_regclass('bench_phrase')").fetchone()[0]:
        _prepare(su, org)
    started = time.perf_counter()
    while current < target:
        batch = min(200_000, target - current)
        _insert_batch(su, org, batch)
        current += batch
    su.execute("ANALYZE")
    print(f"data set grown to {current:,} transmissions in {time.perf_counter() - started:.1f} s")


def _insert_batch(su, org, n):
    total_weight = su.execute("SELECT max(cumul_fin) FROM bench_phrase").fetchone()[0]
    nb_dossiers = su.execute("SELECT count(*) FROM bench_dossier").fetchone()[0]
    with su.transaction():
        # Bulk load only: no triggers (immutability, composite FK checks) for this session's statements.
        su.execute("SET LOCAL session_replication_role = replica")
        su.execute(
            """
            CREATE TEMP TABLE bench_stage ON COMMIT DROP AS
            SELECT nextval(pg_get_serial_sequence('transmissions_transmission', 'id')) AS id,
                   r.unite, d.dispositif_id, d.site_id, CASE WHEN r.unite THEN NULL ELSE d.jeune_id END AS jeune_id,
                   p.n AS phrase, r.jour + make_interval(hours => r.heure, mins => r.minute) AS survenue_le,
                   1 + floor(r.r_auteur * e.n)::int AS auteur_i, r.r_auteur, r.r_imp
            FROM (
                SELECT s, random() < 0.10 AS unite, 1 + floor(power(random(), 1.15) * %(nd)s)::int AS di,
                       floor(random() * %(tw)s)::int AS w,
                       date_trunc('day', now() - random() * interval '1095 days') AS jour,
                       7 + floor(random() * 15)::int AS heure, floor(random() * 60)::int AS minute,
                       random() AS r_auteur, random() AS r_imp
                FROM generate_series(1, %(n)s) s
            ) r
            JOIN bench_dossier d ON d.i = r.di
            JOIN bench_equipe e ON e.dispositif_id = d.dispositif_id
            JOIN bench_phrase p ON r.w >= p.cumul_debut AND r.w < p.cumul_fin
            """,
            {"n": n, "nd": nb_dossiers, "tw": total_weight},
        )
        su.execute(
            """
            INSERT INTO transmissions_transmission (id, organisme_id, auteur_id, dispositif_id, site_id, survenue_le,
                categorie_id, cible, donnees, actions, resultats, texte, visibilite, importance, statut, validee_le,
                addendum_de_id, evenement_indesirable_id, recherche, created_at, updated_at)
            SELECT s.id, %(org)s, a.user_id, s.dispositif_id, s.site_id,
                   LEAST(s.survenue_le, now() - interval '1 hour'), p.categorie_id,
                   p.cible, p.donnees, p.actions, p.resultats, p.texte,
                   CASE WHEN p.visibilite = 'confidentiel_soin' THEN 'confidentiel_soin'
                        WHEN s.r_imp > 0.97 THEN 'partageable_famille' ELSE 'equipe' END,
                   CASE WHEN s.r_imp < 0.08 THEN 'importante' ELSE 'normale' END, 'validee',
                   LEAST(s.survenue_le, now() - interval '1 hour') + interval '10 minutes', NULL, NULL, p.recherche,
                   s.survenue_le, s.survenue_le
            FROM bench_stage s
            JOIN bench_phrase p ON p.n = s.phrase
            JOIN bench_auteur a ON a.dispositif_id = s.dispositif_id AND a.i = s.auteur_i
            """,
            {"org": org},
        )
        su.execute(
            "INSERT INTO transmissions_transmissionjeune (organisme_id, transmission_id, jeune_id)"
            " SELECT %s, id, jeune_id FROM bench_stage WHERE jeune_id IS NOT NULL",
            [org],
        )
        # 1 % addenda: a later complement of an earlier transmission of the batch, same youths.
        su.execute(
            """
            WITH src AS (
                SELECT s.id AS original, nextval(pg_get_serial_sequence('transmissions_transmission', 'id')) AS id
                FROM bench_stage s WHERE s.r_imp BETWEEN 0.5 AND 0.51
            ), ins AS (
                INSERT INTO transmissions_transmission (id, organisme_id, auteur_id, dispositif_id, site_id,
                    survenue_le, categorie_id, cible, donnees, actions, resultats, texte, visibilite, importance,
                    statut, validee_le, addendum_de_id, recherche, created_at, updated_at)
                SELECT src.id, t.organisme_id, t.auteur_id, t.dispositif_id, t.site_id,
                       LEAST(t.survenue_le + interval '5 hours', now() - interval '1 minute'), t.categorie_id, '', '',
                       '', '', 'Complément : la famille a été informée le lendemain.', t.visibilite, 'normale',
                       'validee', LEAST(t.survenue_le + interval '5 hours', now() - interval '1 minute'), t.id,
                       to_tsvector('french', 'complement : la famille a ete informee le lendemain.'),
                       t.survenue_le, t.survenue_le
                FROM src JOIN transmissions_transmission t ON t.id = src.original
                RETURNING id, addendum_de_id
            )
            INSERT INTO transmissions_transmissionjeune (organisme_id, transmission_id, jeune_id)
            SELECT l.organisme_id, ins.id, l.jeune_id FROM ins
            JOIN transmissions_transmissionjeune l ON l.transmission_id = ins.addendum_de_id
            """
        )
        # Read receipts: two colleagues of the dispositif for the transmissions of the last year.
        su.execute(
            """
            INSERT INTO transmissions_lecture (organisme_id, transmission_id, user_id, lu_le)
            SELECT %(org)s, s.id, a.user_id, s.survenue_le + interval '3 hours'
            FROM bench_stage s
            JOIN bench_auteur a ON a.dispositif_id = s.dispositif_id
                 AND a.i IN (1 + floor(s.r_auteur * 7)::int, 2 + floor(s.r_imp * 9)::int)
            WHERE s.survenue_le > now() - interval '365 days'
            ON CONFLICT DO NOTHING
            """,
            {"org": org},
        )


# --- Measures -------------------------------------------------------------------------------------------------


def _measure(org, repeat):
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from core.models import User
    from core.tenancy import Access, tenant_context
    from dossiers.models import Dossier
    from transmissions import selectors
    from transmissions.services import prise_de_poste

    results = {}
    with tenant_context(org):
        user = User.objects.get(email="educateur@demo.ditep.fr")
        access = Access.for_user(user)
        if not selectors.derniere_prise_de_poste(user):
            prise_de_poste(user=user, at=timezone.now() - datetime.timedelta(hours=12))
        # The youth with the most transmissions in the educator's dispositifs.
        dossier = (
            Dossier.objects.filter(dispositif_id__in=access.dispositif_ids, statut="accompagne", est_restreint=False)
            .order_by("pk")
            .first()
        )
        end = timezone.now()
        start = end - datetime.timedelta(days=30)

        def handover():
            since = selectors.handover_since(user)
            qs = selectors.with_display(selectors.a_lire(access, since=since), user)
            page = Paginator(qs, 30).get_page(1)
            return len(list(page.object_list)), page.paginator.count

        def timeline():
            qs = selectors.timeline_transmissions(access, dossier, debut=start, fin=end)
            rows = list(selectors.with_display(qs, user)[: selectors.TIMELINE_LIMIT + 1])
            return len(rows), len(rows)

        def search(q):
            def run():
                qs = selectors.with_display(selectors.journal(access, selectors.JournalFilters(q=q)), user)
                page = Paginator(qs, 30).get_page(1)
                return len(list(page.object_list)), page.paginator.count

            return run

        def search_by_date(q):
            # Variant: most recent matches first (no rank over every match) and a count capped at 1,000.
            def run():
                qs = selectors.journal(access, selectors.JournalFilters(q=q)).order_by("-survenue_le", "-pk")
                rows = list(selectors.with_display(qs, user)[:30])
                return len(rows), len(qs.order_by().values("pk")[:1001])

            return run

        cases = {"à lire (prise de poste il y a 12 h)": handover, "fil du jeune (30 jours)": timeline}
        cases.update({label: search(q) for label, q in SEARCHES.items()})
        cases.update({f"{label}, variante par date": search_by_date(q) for label, q in SEARCHES.items()})
        for label, func in cases.items():
            # Each run inside a savepoint, as a request runs in its own transaction.
            func()  # warm-up
            samples = []
            with CaptureQueriesContext(connection) as ctx:
                shown, count = func()
            for _ in range(repeat):
                begin = time.perf_counter()
                func()
                samples.append((time.perf_counter() - begin) * 1000)
            samples.sort()
            p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
            results[label] = (statistics.median(samples), p95, len(ctx.captured_queries), shown, count)
    return results


def _report(results):
    (base_total, base), (full_total, full) = results["baseline"], results["full"]
    print(f"\nbaseline: {base_total:,} transmissions; full: {full_total:,} transmissions (demo organisme)")
    print(f"{'measure':54} {'baseline p50/p95 ms':>21} {'full p50/p95 ms':>17} {'queries':>9} {'rows/total':>14}")
    missed = []
    for label, (p50, p95, queries, shown, count) in full.items():
        b50, b95, bq, _, _ = base[label]
        flag = "" if p95 < 100 else "  > 100 ms"
        if p95 >= 100:
            missed.append(label)
        print(f"{label:54} {b50:9.1f} / {b95:7.1f} {p50:7.1f} / {p95:7.1f} {bq:>4}/{queries:<4} "
              f"{shown:>5}/{count:<8}{flag}")  # fmt: skip
    print("\ntarget p95 < 100 ms:", "met" if not missed else f"missed for {', '.join(missed)}")


if __name__ == "__main__":
    main()
