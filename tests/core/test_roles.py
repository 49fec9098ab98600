"""The app refuses to run as a role that would skip Row Level Security; migrations run as the owner."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from core.db import app_role, assert_safe_app_role, owner_connection

pytestmark = pytest.mark.django_db(transaction=True)


def test_app_role_passes_the_startup_check():
    assert_safe_app_role()


def test_owner_role_is_refused_at_startup():
    with owner_connection():
        with pytest.raises(ImproperlyConfigured, match="bypasses Row Level Security"):
            assert_safe_app_role()


def test_owner_connection_switches_and_restores_the_role():
    def who():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            return cursor.fetchone()[0]

    app = who()
    with owner_connection():
        assert who() != app
        assert app_role() == app
    assert who() == app


def test_app_role_cannot_modify_the_migration_history():
    from django.db import DatabaseError

    with pytest.raises(DatabaseError, match="permission denied"):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM django_migrations")
