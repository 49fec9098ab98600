"""API token authentication before the tenant is known: the token's hash is looked up through a SECURITY DEFINER
function, then the user is loaded under that organisme's Row Level Security."""

import hashlib

from django.utils import timezone
from rest_framework import authentication, exceptions

from core.auth import lookup_token
from core.tenancy import set_tenant_for_transaction


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        from core.models import ApiToken

        key_hash = hash_key(key)
        found = lookup_token(key_hash)
        if not found:
            raise exceptions.AuthenticationFailed("Jeton invalide ou révoqué.")
        set_tenant_for_transaction(found[1])
        token = ApiToken.objects.select_related("user").filter(key_hash=key_hash, revoked_at__isnull=True).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Jeton invalide ou révoqué.")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token
