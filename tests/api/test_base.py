"""TenantScopedViewSet: writes go through services with can_write (403), other organismes are 404, service
errors are 400 in French, and token requests run under the token's organisme (RLS)."""

import pytest
from django.urls import reverse

from core.enums import AuditAction
from core.models import AuditEntry, Site
from core.services.api_tokens import api_token_create
from core.tenancy import tenant_context
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls")]


def _patch(client, site, data):
    url = reverse("test-site-detail", args=[site.pk])
    return client.patch(url, data, content_type="application/json")


def test_write_goes_through_the_service_and_is_audited(client, world, login_as):
    login_as(world.admin)
    response = _patch(client, world.site, {"nom": "Site de Muret-Centre"})
    assert response.status_code == 200, response.content
    assert response.json()["nom"] == "Site de Muret-Centre"
    with tenant_context(world.organisme.pk):
        assert Site.objects.get(pk=world.site.pk).nom == "Site de Muret-Centre"
        entry = AuditEntry.objects.filter(record_type="core.site", record_id=str(world.site.pk)).first()
        assert entry.action == AuditAction.UPDATE and entry.details == {"champs": ["nom"]}


@pytest.mark.parametrize("persona", ["educateur", "lecteur"])
def test_write_without_the_right_is_403_and_changes_nothing(client, world, login_as, persona):
    login_as(getattr(world, persona))
    assert client.get(reverse("test-site-detail", args=[world.site.pk])).status_code == 200
    assert _patch(client, world.site, {"nom": "Piraté"}).status_code == 403
    with tenant_context(world.organisme.pk):
        assert Site.objects.get(pk=world.site.pk).nom == "Site de Muret"


def test_other_organisme_is_404(client, world, login_as):
    site_b = factories.SiteFactory(dispositif=world.dispositif_b)
    login_as(world.admin)
    assert client.get(reverse("test-site-detail", args=[site_b.pk])).status_code == 404
    assert _patch(client, site_b, {"nom": "Piraté"}).status_code == 404


def test_service_validation_error_is_a_400_in_french(client, world, login_as):
    other = factories.SiteFactory(dispositif=world.dispositif)
    login_as(world.admin)
    response = _patch(client, world.site, {"finess": other.finess})
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["La contrainte « site_unique_finess » n’est pas respectée."]}
    with tenant_context(world.organisme.pk):
        assert Site.objects.get(pk=world.site.pk).finess == world.site.finess


def test_token_request_runs_under_the_token_organisme_only(client, world):
    with tenant_context(world.organisme.pk):
        _, key = api_token_create(user=world.educateur, nom="probe")
    response = client.get(reverse("probe"), headers={"Authorization": f"Token {key}"})
    assert response.status_code == 200
    # Raw SQL, no ORM filter: only organisme A's rows are visible (RLS), organisme B's are not.
    assert response.json() == {"setting": str(world.organisme.pk), "organismes": [world.organisme.pk]}


def test_session_request_runs_under_the_session_organisme_only(client, world, login_as):
    login_as(world.autre_educateur)
    assert client.get(reverse("probe")).json() == {
        "setting": str(world.organisme_b.pk),
        "organismes": [world.organisme_b.pk],
    }
