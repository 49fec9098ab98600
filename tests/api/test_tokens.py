"""Personal API tokens: the service (hash only, audited), token authentication (401 when revoked or the account
deactivated) and the account page (created key shown once, own tokens only, POST-only revoke)."""

import pytest
from django.urls import reverse

from core.api.authentication import hash_key
from core.enums import AuditAction
from core.models import ApiToken, AuditEntry
from core.services.api_tokens import MAX_ACTIVE_TOKENS, api_token_create, api_token_revoke
from core.services.organisation import account_set_active
from core.tenancy import tenant_context

pytestmark = pytest.mark.django_db


def _create(world, user=None, nom="Agenda"):
    user = user or world.educateur
    with tenant_context(user.organisme_id):
        return api_token_create(user=user, nom=nom)


def _auth(key):
    return {"Authorization": f"Token {key}"}


# --- service -------------------------------------------------------------------------------------------------------


def test_create_stores_only_the_hash_and_audits(world):
    token, key = _create(world)
    assert token.key_hash == hash_key(key) and key not in (token.key_hash, token.prefix)
    assert token.prefix == key[:8] and len(key) >= 40
    with tenant_context(world.organisme.pk):
        entry = AuditEntry.objects.get(record_type="core.apitoken", record_id=str(token.pk))
    assert entry.action == AuditAction.SECURITY and entry.details["jeton_api"] == "création"


def test_family_accounts_cannot_create_tokens(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="comptes professionnels"):
        _create(world, user=world.proche)


def test_active_tokens_are_capped(world):
    from django.core.exceptions import ValidationError

    for i in range(MAX_ACTIVE_TOKENS):
        _create(world, nom=f"J{i}")
    with pytest.raises(ValidationError, match="révoquez-en un"):
        _create(world)


# --- authentication ------------------------------------------------------------------------------------------------


def test_token_authenticates_without_session_and_records_use(client, world):
    token, key = _create(world)
    response = client.get(reverse("api-me"), headers=_auth(key))
    assert response.status_code == 200
    assert response.json()["email"] == "educ@a.org"
    assert "sessionid" not in response.cookies
    with tenant_context(world.organisme.pk):
        token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_sees_only_its_organisme(client, world):
    _, key = _create(world, user=world.autre_educateur)
    response = client.get(reverse("professionnel-list"), headers=_auth(key))
    assert [row["email"] for row in response.json()["results"]] == ["educ@b.org"]
    assert client.get(reverse("dispositif-detail", args=[world.dispositif.pk]), headers=_auth(key)).status_code == 404


def test_revoked_token_is_401(client, world):
    token, key = _create(world)
    with tenant_context(world.organisme.pk):
        api_token_revoke(token=token, actor=world.educateur)
    response = client.get(reverse("api-me"), headers=_auth(key))
    assert response.status_code == 401
    assert response.json()["detail"] == "Jeton invalide ou révoqué."


def test_deactivated_account_token_is_401(client, world):
    _, key = _create(world)
    with tenant_context(world.organisme.pk):
        account_set_active(user=world.educateur, is_active=False, actor=world.admin)
    assert client.get(reverse("api-me"), headers=_auth(key)).status_code == 401


def test_unknown_token_is_401(client, world):
    assert client.get(reverse("api-me"), headers=_auth("inconnu")).status_code == 401


def test_token_of_a_direction_member_needs_no_session_totp(client, world):
    # The token was created from a TOTP-verified session: it is itself the proof.
    _, key = _create(world, user=world.direction)
    assert client.get(reverse("dispositif-list"), headers=_auth(key)).status_code == 200


def test_token_list_query_count_is_constant(client, world):
    from tests import factories
    from tests.helpers import assert_constant_queries

    _, key = _create(world)
    url = reverse("site-list")
    assert_constant_queries(
        lambda: client.get(url, headers=_auth(key)),
        lambda n: [factories.SiteFactory(dispositif=world.dispositif) for _ in range(n)],
    )


# --- account page --------------------------------------------------------------------------------------------------


def test_page_creates_a_token_shown_once(client, world, login_as):
    login_as(world.educateur)
    url = reverse("core:api_tokens")
    response = client.post(url, {"nom": "Synchronisation agenda"})
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    with tenant_context(world.organisme.pk):
        token = ApiToken.objects.get(user=world.educateur)
    key = response.context["new_key"]
    assert hash_key(key) == token.key_hash
    assert key in response.content.decode()
    listing = client.get(url).content.decode()
    assert "Synchronisation agenda" in listing and key not in listing
    assert client.get(reverse("api-me"), headers=_auth(key)).status_code == 200


def test_page_shows_a_french_error_for_a_missing_name(client, world, login_as):
    login_as(world.educateur)
    response = client.post(reverse("core:api_tokens"), {"nom": ""})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()


def test_page_lists_own_tokens_only(client, world, login_as):
    _create(world, user=world.lecteur, nom="Jeton du collègue")
    _create(world, nom="Mon jeton")
    login_as(world.educateur)
    body = client.get(reverse("core:api_tokens")).content.decode()
    assert "Mon jeton" in body and "Jeton du collègue" not in body


def test_revoke_own_token(client, world, login_as):
    token, key = _create(world)
    login_as(world.educateur)
    url = reverse("core:api_token_revoke", args=[token.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        token.refresh_from_db()
        assert AuditEntry.objects.filter(record_id=str(token.pk), details__jeton_api="révocation").exists()
    assert token.revoked_at is not None
    client.logout()
    assert client.get(reverse("api-me"), headers=_auth(key)).status_code == 401


def test_revoke_someone_elses_token_is_404(client, world, login_as):
    token, _ = _create(world, user=world.lecteur)
    other_org_token, _ = _create(world, user=world.autre_educateur)
    login_as(world.educateur)
    assert client.post(reverse("core:api_token_revoke", args=[token.pk])).status_code == 404
    assert client.post(reverse("core:api_token_revoke", args=[other_org_token.pk])).status_code == 404
    with tenant_context(world.organisme.pk):
        token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("persona", ["proche", "jeune"])
def test_family_accounts_do_not_reach_the_token_page(client, world, login_as, persona):
    login_as(getattr(world, persona))
    assert client.get(reverse("core:api_tokens")).status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("core:api_tokens"))
    assert response.status_code == 302 and response.url.startswith(reverse("core:login"))
