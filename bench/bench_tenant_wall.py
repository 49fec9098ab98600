"""Cost of the tenant wall (PostgreSQL RLS) on typical reads, against a baseline without RLS in the same run.

Loads the demo organisme at ``--scale N`` plus ``--others`` other organismes of the same size (so that RLS has
rows to hide), then times each query ``--repeat`` times as the application role under RLS, and as the embedded
server's superuser (RLS skipped) with the same explicit ``organisme_id`` filter. Prints medians and the ratio.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = {
    "comptes + affectations": (
        "SELECT u.id, u.last_name, a.metier, d.nom FROM core_user u"
        " JOIN core_affectation a ON a.user_id = u.id JOIN core_dispositif d ON d.id = a.dispositif_id"
        " WHERE u.organisme_id = %(org)s ORDER BY u.last_name LIMIT 50"
    ),
    "journal d'un enregistrement": (
        "SELECT * FROM core_auditentry WHERE organisme_id = %(org)s AND record_type = 'core.user'"
        " AND record_id = %(rid)s ORDER BY at DESC LIMIT 50"
    ),
    "effectifs par métier": (
        "SELECT a.metier, count(*) FROM core_affectation a WHERE a.organisme_id = %(org)s GROUP BY a.metier"
    ),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=4)
    parser.add_argument("--others", type=int, default=3, help="other organismes loaded beside the demo one")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    import psycopg

    from ditep.embedded import start_postgres

    var_dir = ROOT / "var" / "bench"
    os.environ.setdefault("XDG_RUNTIME_DIR", str(var_dir / "run"))
    (var_dir / "run").mkdir(parents=True, exist_ok=True, mode=0o700)
    server, app_url, owner_url = start_postgres(var_dir / "pgdata", database=f"bench_s{args.scale}_o{args.others}")
    env = {**os.environ, "DATABASE_URL": app_url, "DATABASE_OWNER_URL": owner_url, "DITEP_TESTING": "1"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*manage, "demo_data", "--scale", str(args.scale)], env=env, check=True)
    if args.others:
        script = _OTHERS_SCRIPT.format(scale=args.scale, others=args.others)
        subprocess.run([*manage, "shell", "-c", script], env={**env, "PYTHONPATH": str(ROOT)}, check=True)

    superuser_url = server.get_uri(app_url.rsplit("/", 1)[1])
    with psycopg.connect(app_url) as app, psycopg.connect(superuser_url) as su:
        su.execute("ANALYZE")  # fresh load: give the planner the statistics autovacuum would have gathered
        org, rid, total = su.execute(
            "SELECT o.id, (SELECT min(id) FROM core_user WHERE organisme_id = o.id),"
            " (SELECT count(*) FROM core_user) FROM core_organisme o WHERE o.finess_juridique = '310790011'"
        ).fetchone()
        print(
            f"scale {args.scale}, {args.others} other organismes, {total} accounts in all, {args.repeat} runs each\n"
        )
        print(f"{'query':32} {'baseline (no RLS)':>18} {'app role + RLS':>16} {'ratio':>7}")
        for label, query in QUERIES.items():
            params = {"org": org, "rid": str(rid)}
            base = _time(su, query, params, args.repeat, tenant=None)
            rls = _time(app, query, params, args.repeat, tenant=org)
            print(f"{label:32} {base * 1000:15.3f} ms {rls * 1000:13.3f} ms {rls / base:6.2f}x")


def _time(conn, query, params, repeat, tenant):
    samples = []
    for _ in range(repeat):
        with conn.transaction():
            if tenant is not None:
                conn.execute("SELECT set_config('app.organisme_id', %s, true)", [str(tenant)])
            start = time.perf_counter()
            conn.execute(query, params).fetchall()
            samples.append(time.perf_counter() - start)
    return statistics.median(samples)


_OTHERS_SCRIPT = """
from bench.bench_tenant_wall import load_other_organismes
load_other_organismes(scale={scale}, others={others})
"""


def load_other_organismes(*, scale: int, others: int) -> None:
    """Other organismes shaped like the demo one (own FINESS and emails), imported through the same framework."""
    from core.demo import build_demo_document
    from core.echange import import_document
    from core.services.organisation import find_organisme_id_by_finess

    for index in range(others):
        finess_juridique = f"9900000{index:02d}"
        if find_organisme_id_by_finess(finess_juridique):
            continue
        document = build_demo_document(scale)
        document["organisme"] = {"nom": f"Organisme témoin {index}", "finess_juridique": finess_juridique}
        renamed = {}
        for d_index, dispositif in enumerate(document["dispositifs"]):
            renamed[dispositif["finess"]] = dispositif["finess"] = f"98{index:02d}{d_index:05d}"
            for s_index, site in enumerate(dispositif["sites"]):
                renamed[site["finess"]] = site["finess"] = f"97{index:02d}{d_index:02d}{s_index:03d}"
        for pro in document["professionnels"]:
            pro["email"] = f"o{index}-{pro['email']}"
            pro["dispositif"] = renamed[pro["dispositif"]]
        for jeune in document.get("jeunes", []):
            jeune["dispositif"] = renamed[jeune["dispositif"]]
            if "site" in jeune:
                jeune["site"] = renamed[jeune["site"]]
        import_document(document, create_organisme=True)


if __name__ == "__main__":
    main()
