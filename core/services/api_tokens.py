"""Personal API tokens: created from the account area (the clear key is shown once), listed, revoked.

Only the SHA-256 of a key is stored; API calls authenticate with ``Authorization: Token <key>``
(``core.api.authentication``). Creation and revocation are written to the audit journal.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.api.authentication import hash_key
from core.enums import AuditAction
from core.models import ApiToken, User
from core.services.audit import audit_record

# A person rarely needs more than a few integrations; a ceiling keeps forgotten keys from piling up.
MAX_ACTIVE_TOKENS = 10


@transaction.atomic
def api_token_create(*, user: User, nom: str, request=None) -> tuple[ApiToken, str]:
    """Create a token for ``user`` (a professional) and return it with its clear key, which is never stored."""
    if not user.is_active or not user.is_professionnel:
        raise ValidationError("Seuls les comptes professionnels actifs peuvent créer un jeton d'API.")
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            f"Vous avez déjà {MAX_ACTIVE_TOKENS} jetons actifs : révoquez-en un avant d'en créer un autre."
        )
    key = secrets.token_urlsafe(32)
    token = ApiToken(
        organisme_id=user.organisme_id, user=user, nom=nom.strip(), prefix=key[:8], key_hash=hash_key(key)
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=user,
        action=AuditAction.SECURITY,
        record=token,
        request=request,
        details={"jeton_api": "création", "prefixe": token.prefix},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User, request=None) -> ApiToken:
    """Revoke ``token`` at once: the next API call with its key gets 401. Revoking twice changes nothing."""
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action=AuditAction.SECURITY,
        record=token,
        request=request,
        details={"jeton_api": "révocation", "prefixe": token.prefix},
    )
    return token
