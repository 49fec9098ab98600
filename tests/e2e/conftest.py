"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's ``live_server``.

The live server answers from another thread, on its own database connection: test data must be committed. So this
directory overrides ``transactional_db``: the tests write through the normal (autocommit) connection as the
application role (RLS applies), and the tables are emptied afterwards as the owner role, because the application
role may not TRUNCATE (and must not: the audit journal is append-only for it).
"""

import os
import shutil
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core import rls
from core.db import owner_connection

# Playwright's sync API runs an event loop in this thread: Django would refuse ORM calls made next to it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("DITEP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"
# Catalogue and reference tables filled by migrate: kept (the application role may only read them).
KEPT_TABLES = rls.READ_ONLY_TABLES


def _empty_tables(attempts: int = 5) -> None:
    """TRUNCATE every table. A request of the live server may still be finishing (a badge loaded by HTMX after the
    page): its locks can make PostgreSQL pick the TRUNCATE as a deadlock victim, so it is retried."""
    from django.db.utils import OperationalError

    for attempt in range(attempts):
        try:
            with owner_connection(), connection.cursor() as cursor:
                names = connection.introspection.django_table_names(only_existing=True)
                quoted = ", ".join(connection.ops.quote_name(t) for t in names if t not in KEPT_TABLES)
                cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
            return
        except OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5 * (attempt + 1))


@pytest.fixture
def transactional_db(django_db_setup, django_db_blocker):
    """Committed data for the live server (see the module docstring); tables emptied afterwards."""
    with django_db_blocker.unblock():
        try:
            yield
        finally:
            _empty_tables()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    # ``transactional_db`` first: the browser context is closed before the tables are emptied.
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshot_dir():
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def screenshot(page, screenshot_dir):
    def take(name: str) -> Path:
        path = screenshot_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
