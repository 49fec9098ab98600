"""The walls of the login middleware, applied again to API views.

DRF marks its views ``login_required = False`` (it authenticates them itself, tokens included), so
``core.tenancy.LoginRequiredMiddleware`` lets them through untouched: the staff-only wall and the TOTP wall are
checked here, once the API request is authenticated. This class is the project's default API permission.
"""

from django.http import Http404
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from core.tenancy import Access


def request_access(request) -> Access:
    """``request.access`` for the user DRF authenticated (a token user is unknown to the middleware)."""
    django_request = getattr(request, "_request", request)
    access = getattr(django_request, "access", None)
    user = request.user
    if access is None or getattr(access.user, "pk", None) != getattr(user, "pk", None):
        access = Access.for_user(user)
        django_request.access = access
    return access


class StaffApiPermission(BasePermission):
    """Authenticated; family and youth accounts reach only views marked ``portal_allowed`` (404 elsewhere, as for
    pages); a session login whose métier requires TOTP must have verified it (tokens are created from such a
    verified session)."""

    message = "Authentification requise."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        access = request_access(request)
        if not access.is_professionnel and not getattr(view, "portal_allowed", False):
            raise Http404
        if isinstance(request.successful_authenticator, SessionAuthentication) and access.totp_required:
            is_verified = getattr(user, "is_verified", None)
            if not (is_verified and is_verified()):
                raise PermissionDenied("Validez d'abord votre second facteur d'authentification (TOTP).")
        return True
