"""Authentication before the tenant is known: a SECURITY DEFINER lookup gives the account's organisme, then the
ordinary ModelBackend runs under that organisme's Row Level Security."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection

from core.tenancy import _set_setting, set_tenant_for_transaction


def lookup_email(email: str) -> tuple[int, int] | None:
    """(user id, organisme id) for a login email, through ``ditep_auth_lookup_email`` (ids only)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT user_id, organisme_id FROM ditep_auth_lookup_email(%s)", [email or ""])
        row = cursor.fetchone()
    return row


def lookup_user_organisme(user_id: int) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ditep_auth_lookup_user(%s)", [user_id])
        return cursor.fetchone()[0]


def lookup_token(key_hash: str) -> tuple[int, int] | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT user_id, organisme_id FROM ditep_auth_lookup_token(%s)", [key_hash])
        return cursor.fetchone()


def enter_tenant_of_email(email: str) -> bool:
    """Set the tenant of the account with this email for the current transaction; False if there is none."""
    found = lookup_email(email)
    if not found:
        return False
    set_tenant_for_transaction(found[1])
    return True


def enter_tenant_of_user(user_id: int) -> bool:
    organisme_id = lookup_user_organisme(user_id)
    if organisme_id is None:
        return False
    set_tenant_for_transaction(organisme_id)
    return True


class TenantModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("email")
        if not username or password is None:
            return None
        if not enter_tenant_of_email(username.strip().lower()):
            # Same cost as a real check, so that timing does not reveal which emails exist.
            get_user_model()().set_password(password)
            return None
        user = super().authenticate(request, username=username.strip().lower(), password=password)
        if user is None:
            _set_setting("")  # wrong password: the rest of this anonymous request sees no tenant
        return user

    def get_user(self, user_id):
        # Called by AuthenticationMiddleware under the tenant set from the session: RLS hides other organismes.
        return super().get_user(user_id)
