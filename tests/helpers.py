"""Test helpers shared by every app."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(func) -> int:
    """Number of SQL queries ``func()`` runs (the tenant's set_config/current_setting calls included)."""
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


def assert_constant_queries(func, add_rows, *, few: int = 1, many: int = 20) -> int:
    """Assert that ``func()`` runs as many queries with ``few`` rows as with ``many`` rows.

    ``add_rows(n)`` creates n more rows of what the list shows. Returns the count, for a comment in the test.
    """
    add_rows(few)
    baseline = count_queries(func)
    add_rows(many - few)
    grown = count_queries(func)
    assert grown == baseline, f"query count grows with rows: {baseline} with {few}, {grown} with {many}"
    return baseline
