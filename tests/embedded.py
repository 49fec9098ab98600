"""pytest plugin (loaded with ``-p tests.embedded`` before Django is set up): when DATABASE_URL is unset, start the
embedded PostgreSQL in ``var/test`` so that ``uv run pytest`` needs no running service."""

import os
from pathlib import Path

import pytest

_handles = []


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    os.environ["DITEP_TESTING"] = "1"
    # One test database per run, so that concurrent runs on one server never drop each other's database.
    os.environ.setdefault("DITEP_TEST_DB_NAME", f"test_ditep_{os.getpid()}")
    if not os.environ.get("DATABASE_URL"):
        from ditep.embedded import configure_environment

        var_dir = Path(os.environ.get("DITEP_VAR_DIR", Path(__file__).resolve().parent.parent / "var")) / "test"
        _handles.extend(configure_environment(var_dir, with_redis=False))
