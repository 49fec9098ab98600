"""Lockout after repeated failures (django-axes), failed-login audit, session expiry, secure headers and CSP,
Argon2 hashing in production."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from core.enums import AuditAction
from core.models import AuditEntry
from core.tenancy import tenant_context

PASSWORD = "motdepasse-de-test-1"
ROOT = Path(settings.BASE_DIR)


def attempt(client, email, password):
    return client.post(reverse("core:login"), {"username": email, "password": password})


@pytest.mark.django_db
def test_five_failures_lock_the_account_and_the_right_password_is_then_refused(client, world):
    for _ in range(4):
        response = attempt(client, world.educateur.email, "mauvais mot de passe")
        assert response.status_code == 200
        assert "Adresse électronique ou mot de passe incorrect." in response.content.decode()
    response = attempt(client, world.educateur.email, "mauvais mot de passe")
    assert response.status_code == 429
    response = attempt(client, world.educateur.email, PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Compte temporairement bloqué" in body
    assert "Vous pourrez réessayer dans <strong>15 minutes</strong>" in body
    assert "contactez l&#x27;administrateur" in body or "contactez l'administrateur" in body
    assert "_auth_user_id" not in client.session
    with tenant_context(world.organisme.pk):
        journal = AuditEntry.objects.filter(record_id=str(world.educateur.pk))
        assert journal.filter(action=AuditAction.LOGIN_FAILED).count() == 6
        assert journal.filter(action=AuditAction.SECURITY, details__event="account_locked").exists()
        assert not journal.filter(action=AuditAction.LOGIN).exists()
    # Another account from the same address is not locked (the lock is on account + IP address).
    assert attempt(client, world.lecteur.email, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_failed_login_for_unknown_email_is_not_journaled(client, world):
    response = attempt(client, "inconnu@nulle-part.org", "x")
    assert response.status_code == 200
    for organisme in (world.organisme, world.organisme_b):
        with tenant_context(organisme.pk):
            assert not AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).exists()


@pytest.mark.django_db
def test_new_password_lifts_the_lock(client, world):
    from django.core import mail

    for _ in range(5):
        attempt(client, world.educateur.email, "mauvais mot de passe")
    client.post(reverse("core:password_reset"), {"email": world.educateur.email})
    link = re.search(r"(/mot-de-passe/nouveau/\S+/)", mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    new = "une autre phrase de passe"
    client.post(set_url, {"new_password1": new, "new_password2": new})
    assert attempt(client, world.educateur.email, new).status_code == 302


@pytest.mark.django_db
def test_session_lasts_one_shift_and_ends_with_the_browser(client, world):
    assert settings.SESSION_COOKIE_AGE == 10 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    response = attempt(client, world.educateur.email, PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # a browser-session cookie
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    session = Session.objects.get(session_key=cookie.value)
    assert abs(session.expire_date - (timezone.now() + timedelta(hours=10))) < timedelta(minutes=1)


@pytest.mark.django_db
def test_expired_session_is_sent_back_to_login(client, world):
    attempt(client, world.educateur.email, PASSWORD)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:login"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "logged_in"), [("core:login", False), ("core:password_reset", False), ("core:home", True)]
)
def test_pages_send_csp_and_secure_headers(client, world, login_as, name, logged_in):
    if logged_in:
        login_as(world.educateur)
    response = client.get(reverse(name))
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_lockout_page_sends_csp_too(client, world):
    for _ in range(5):
        response = attempt(client, world.educateur.email, "mauvais")
    assert response.status_code == 429
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
JS_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.IGNORECASE)
HTMX_EVAL = re.compile(r"\bhx-on[:-]|\bhx-vars\s*=", re.IGNORECASE)


def template_files():
    roots = [ROOT / "templates", *(ROOT.glob("*/templates"))]
    return sorted(p for root in roots for p in root.rglob("*.html") if ".venv" not in p.parts)


def test_templates_have_no_inline_script_style_or_handlers():
    """The CSP allows only our own script and style files: anything inline would be blocked in the browser."""
    files = template_files()
    assert files
    problems = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for label, pattern in (
            ("inline <script>", INLINE_SCRIPT),
            ("on* handler", EVENT_HANDLER),
            ("style attribute", STYLE_ATTRIBUTE),
            ("javascript: URL", JS_URL),
            ("htmx eval (hx-on/hx-vars)", HTMX_EVAL),
        ):
            if pattern.search(text):
                problems.append(f"{path.relative_to(ROOT)}: {label}")
    assert problems == []


def test_tests_use_a_fast_hasher_but_argon2_stays_configured():
    assert settings.PASSWORD_HASHERS[-1] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_production_settings_hash_with_argon2_only():
    code = (
        "from ditep import settings as s; "
        "print(s.PASSWORD_HASHERS); print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.DEBUG)"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DITEP_TESTING", "DJANGO_DEBUG", "DITEP_SECURE_COOKIES"}
    }
    env.update(
        {
            "DJANGO_SECRET_KEY": "production-like-secret-for-this-test-only",
            "DATABASE_URL": "postgres://app:x@db.invalid:5432/ditep",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    hashers, cookies = result.stdout.splitlines()
    assert hashers == "['django.contrib.auth.hashers.Argon2PasswordHasher']"
    assert cookies == "True True False"


def test_argon2_hasher_works():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("une phrase de passe", hasher.salt())
    assert encoded.startswith("argon2$argon2id$")
    assert hasher.verify("une phrase de passe", encoded)


@pytest.mark.django_db
def test_wrong_password_leaves_no_tenant_set(world, rf):
    from django.contrib.auth import authenticate

    from core.tenancy import current_organisme_id

    request = rf.post("/connexion/")
    with tenant_context(None):
        assert authenticate(request, username=world.educateur.email, password="mauvais") is None
        assert current_organisme_id() is None
        assert authenticate(request, username=world.educateur.email, password=PASSWORD) == world.educateur
        assert current_organisme_id() == world.organisme.pk
