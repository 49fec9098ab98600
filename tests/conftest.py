import pytest

from core.db import owner_connection


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_keepdb, django_db_createdb):
    """Create and migrate the test database as the owner role; the tests then run as the application role,
    so that Row Level Security applies to them exactly as to the web app."""
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock(), owner_connection():
        db_cfg = setup_databases(verbosity=0, interactive=False, keepdb=django_db_keepdb and not django_db_createdb)
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock(), owner_connection():
            teardown_databases(db_cfg, verbosity=0)


pytest_plugins = ["tests.fixtures"]
