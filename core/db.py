"""Connection roles: the application role (RLS applies) by default, the owner role only for schema changes."""

import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

_state = threading.local()


def app_role() -> str | None:
    """The application role's name, also while the connection is switched to the owner."""
    return getattr(_state, "app_role", None) or connections["default"].settings_dict.get("USER") or None


@contextmanager
def owner_connection(alias: str = "default"):
    """Reconnect ``alias`` as the owner role (DATABASE_OWNER_URL) for the block; nested calls are no-ops."""
    if getattr(_state, "depth", 0):
        _state.depth += 1
        try:
            yield
        finally:
            _state.depth -= 1
        return
    owner = settings.DATABASE_OWNER
    if not owner:
        raise ImproperlyConfigured("DATABASE_OWNER_URL must be set: migrations run as the owner role.")
    conn = connections[alias]
    keys = ("USER", "PASSWORD", "HOST", "PORT")
    saved = {key: conn.settings_dict.get(key) for key in keys}
    _state.app_role = saved["USER"]
    _state.depth = 1
    conn.close()
    conn.settings_dict.update({key: owner.get(key) for key in keys})
    try:
        yield
    finally:
        conn.close()
        conn.settings_dict.update(saved)
        _state.depth = 0
        _state.app_role = None


def assert_safe_app_role(alias: str = "default") -> None:
    """Refuse to run the web app or a worker as a role that would skip Row Level Security."""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT r.rolsuper, r.rolbypassrls,"
            " EXISTS (SELECT 1 FROM pg_tables t WHERE t.schemaname = 'public' AND t.tableowner = current_user)"
            " FROM pg_roles r WHERE r.rolname = current_user"
        )
        is_super, bypass, owns_tables = cursor.fetchone()
    problems = [
        label
        for flag, label in ((is_super, "superuser"), (bypass, "BYPASSRLS"), (owns_tables, "owner of the tables"))
        if flag
    ]
    if problems:
        raise ImproperlyConfigured(
            "DATABASE_URL connects as a role that bypasses Row Level Security (" + ", ".join(problems) + "). "
            "Use the application role; DATABASE_OWNER_URL is only for migrations."
        )
