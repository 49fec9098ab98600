"""Consistency meta-tests: the conventions that keep the house safe as it grows."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# URL names reachable without logging in, each for a reason.
PUBLIC_URL_NAMES = {
    "core:login",  # the login page itself
    "core:password_reset",  # forgotten password: answers the same for unknown emails
    "core:password_reset_done",
    "core:password_reset_confirm",  # link from the email; also the invitation page
    "core:password_reset_complete",
    "agendas:ical_feed",  # calendar clients have no session: the revocable token in the URL is the credential
    "portail:login",  # the portal's own login page
    "portail:invitation",  # link from the portal invitation email (token, once, expires)
}


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else repr(pattern.pattern), pattern.callback


def test_every_page_requires_login_unless_listed():
    public = []
    for name, callback in _walk(get_resolver().url_patterns):
        view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        is_drf = view_class is not None and any(c.__module__.startswith("rest_framework") for c in view_class.__mro__)
        if getattr(callback, "login_required", True) is False and not is_drf:
            public.append(name)
    assert sorted(set(public) - PUBLIC_URL_NAMES) == []


@pytest.mark.django_db
def test_every_api_endpoint_requires_authentication():
    from rest_framework.permissions import AllowAny

    for name, callback in _walk(get_resolver().url_patterns):
        view_class = getattr(callback, "cls", None)
        if view_class is None or not hasattr(view_class, "permission_classes"):
            continue
        assert AllowAny not in view_class.permission_classes, name
