"""The tenant wall, ORM side: the request transaction, the PostgreSQL tenant setting, and the user's access.

PostgreSQL Row Level Security reads ``current_setting('app.organisme_id', true)``; it is set here, and only
here, with ``set_config(..., true)`` (transaction-local) inside a transaction, so it can never leak to the next
request on a reused connection.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.db import connection, transaction
from django.http import Http404
from django.utils.functional import SimpleLazyObject

from core.enums import TOTP_REQUIRED_METIERS, AccountKind, Metier, Role

SESSION_ORGANISME_KEY = "_ditep_organisme_id"
# Set at login when the account has a confirmed TOTP device: optional TOTP then becomes mandatory for the session.
SESSION_OTP_ENROLLED_KEY = "_ditep_otp_enrolled"


def _current_setting() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.organisme_id', true)")
        return cursor.fetchone()[0] or ""


def _set_setting(value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.organisme_id', %s, true)", [value])


def current_organisme_id() -> int | None:
    value = _current_setting()
    return int(value) if value else None


@contextmanager
def tenant_context(organisme_id: int | None):
    """Run the block inside a transaction where RLS sees ``organisme_id`` (or no tenant at all for ``None``).

    Nested use restores the previous tenant on exit; on error the savepoint rollback restores it.
    """
    with transaction.atomic():
        previous = _current_setting()
        _set_setting(str(organisme_id) if organisme_id else "")
        yield
        _set_setting(previous)


def all_organisme_ids() -> list[int]:
    """Every organisme's id, for beat tasks that fan out per tenant (RLS hides ``core_organisme`` without a tenant:
    read through the SECURITY DEFINER function ``ditep_organisme_ids()`` of core/rls.py, ids only)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT ditep_organisme_ids()")
        return [row[0] for row in cursor.fetchall()]


def set_tenant_for_transaction(organisme_id: int) -> None:
    """Set the tenant for the rest of the current transaction (login: the organisme becomes known mid-request)."""
    if not connection.in_atomic_block:
        raise RuntimeError("set_tenant_for_transaction() needs an open transaction")
    _set_setting(str(organisme_id))


class TenantMiddleware:
    """Open the request transaction and set the tenant from the session, before the user is even loaded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        organisme_id = request.session.get(SESSION_ORGANISME_KEY)
        with tenant_context(organisme_id):
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
        return response


@dataclass(frozen=True)
class AffectationInfo:
    dispositif_id: int
    site_id: int | None
    metier: str
    role: str


@dataclass
class Access:
    """What the current user may reach, resolved once per request from their affectations."""

    user: object
    organisme_id: int | None
    kind: str | None
    affectations: list[AffectationInfo] = field(default_factory=list)

    @classmethod
    def for_user(cls, user):
        if not user.is_authenticated:
            return cls(user=user, organisme_id=None, kind=None)
        from core.models import Affectation

        rows = (
            Affectation.objects.filter(user=user)
            .active_on_today()
            .values_list("dispositif_id", "site_id", "metier", "role")
        )
        return cls(
            user=user,
            organisme_id=user.organisme_id,
            kind=user.kind,
            affectations=[AffectationInfo(*row) for row in rows],
        )

    @cached_property
    def metiers(self) -> frozenset[str]:
        return frozenset(a.metier for a in self.affectations)

    @cached_property
    def dispositif_ids(self) -> frozenset[int]:
        return frozenset(a.dispositif_id for a in self.affectations)

    @cached_property
    def site_ids(self) -> frozenset[int]:
        return frozenset(a.site_id for a in self.affectations if a.site_id)

    @property
    def is_professionnel(self) -> bool:
        return self.kind == AccountKind.PROFESSIONNEL

    @property
    def is_direction(self) -> bool:
        return Metier.DIRECTION in self.metiers

    @property
    def is_admin(self) -> bool:
        return Metier.ADMIN_ORGANISME in self.metiers

    @property
    def sees_all_dispositifs(self) -> bool:
        """Directors and the organisme's administrators see every dispositif of the organisme (DOMAIN §3)."""
        return self.is_direction or self.is_admin

    @property
    def totp_required(self) -> bool:
        return bool(self.metiers & TOTP_REQUIRED_METIERS)

    def can_read_dispositif(self, dispositif_id: int) -> bool:
        return self.sees_all_dispositifs or dispositif_id in self.dispositif_ids

    def can_write_dispositif(self, dispositif_id: int) -> bool:
        if self.is_direction:
            return True
        return any(a.dispositif_id == dispositif_id and a.role == Role.CONTRIBUTEUR for a in self.affectations)


class AccessMiddleware:
    """Attach ``request.access`` (lazy: one query, only if a view needs it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access = SimpleLazyObject(lambda: Access.for_user(request.user))
        return self.get_response(request)


def portal_allowed(view_func):
    """Mark a view as reachable by family and youth accounts. Every other view is for professionals only."""
    view_func.portal_allowed = True
    return view_func


def otp_exempt(view_func):
    """Mark a view as reachable before the second factor is verified (the TOTP pages themselves, logout)."""
    view_func.otp_exempt = True
    return view_func


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Login required by default; then two walls: TOTP where the métier requires it, and staff-only views."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        response = super().process_view(request, view_func, view_args, view_kwargs)
        if response is not None or not request.user.is_authenticated:
            return response
        if getattr(view_func, "login_required", True) is False:
            return None  # public pages (login, password reset) stay reachable
        if not getattr(view_func, "otp_exempt", False) and not request.user.is_verified():
            if request.session.get(SESSION_OTP_ENROLLED_KEY) or request.access.totp_required:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path(), "core:totp_verify")
        if request.user.kind != AccountKind.PROFESSIONNEL and not getattr(view_func, "portal_allowed", False):
            raise Http404
        return None
