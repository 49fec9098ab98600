"""The core API endpoints with personas: scope per organisme and per affectation, 403/404, family accounts,
constant query counts."""

import pytest
from django.urls import reverse

from core.enums import Metier
from core.models import Notification
from core.services.notifications import notify
from core.tenancy import tenant_context
from tests import factories
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db

STAFF_ONLY = ["dispositif-list", "site-list", "professionnel-list", "api-schema", "api-root"]


def _ids(response):
    return sorted(row["id"] for row in response.json()["results"])


def test_anonymous_gets_401_with_token_challenge(client):
    response = client.get(reverse("dispositif-list"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"


# --- dispositifs and sites ---------------------------------------------------------------------------------------


def test_educateur_lists_only_the_dispositifs_of_their_affectations_with_sites(client, world, login_as):
    login_as(world.educateur)
    response = client.get(reverse("dispositif-list"))
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == world.dispositif.pk
    assert row["sites"] == [
        {
            "id": world.site.pk,
            "nom": "Site de Muret",
            "finess": world.site.finess,
            "modalites": world.site.modalites,
            "is_active": True,
        }
    ]


def test_direction_lists_every_dispositif_of_its_organisme_only(client, world, login_as):
    login_as(world.direction)
    response = client.get(reverse("dispositif-list"))
    assert _ids(response) == sorted([world.dispositif.pk, world.autre_dispositif.pk])


def test_dispositif_detail_other_organisme_404_no_affectation_403(client, world, login_as):
    login_as(world.educateur)
    assert client.get(reverse("dispositif-detail", args=[world.dispositif.pk])).status_code == 200
    assert client.get(reverse("dispositif-detail", args=[world.autre_dispositif.pk])).status_code == 403
    assert client.get(reverse("dispositif-detail", args=[world.dispositif_b.pk])).status_code == 404


def test_api_is_read_only(client, world, login_as):
    login_as(world.direction)
    assert client.post(reverse("dispositif-list"), {"nom": "X"}).status_code == 405
    url = reverse("dispositif-detail", args=[world.dispositif.pk])
    assert client.patch(url, {"nom": "X"}, content_type="application/json").status_code == 405
    assert client.delete(url).status_code == 405


def test_sites_scoped_like_their_dispositif(client, world, login_as):
    autre_site = factories.SiteFactory(dispositif=world.autre_dispositif)
    site_b = factories.SiteFactory(dispositif=world.dispositif_b)
    login_as(world.educateur)
    assert _ids(client.get(reverse("site-list"))) == [world.site.pk]
    assert client.get(reverse("site-detail", args=[world.site.pk])).json()["dispositif"] == world.dispositif.pk
    assert client.get(reverse("site-detail", args=[autre_site.pk])).status_code == 403
    assert client.get(reverse("site-detail", args=[site_b.pk])).status_code == 404


def test_dispositif_list_query_count_is_constant(client, world, login_as):
    login_as(world.direction)
    url = reverse("dispositif-list")

    def add_rows(n):
        for _ in range(n):
            factories.SiteFactory(dispositif=factories.DispositifFactory(organisme=world.organisme))

    # tenant setting (3), session, user, TOTP device, affectations (access), count, page of rows, sites prefetch
    assert_constant_queries(lambda: client.get(url), add_rows)


def test_site_list_query_count_is_constant(client, world, login_as):
    login_as(world.educateur)
    url = reverse("site-list")
    assert_constant_queries(
        lambda: client.get(url), lambda n: [factories.SiteFactory(dispositif=world.dispositif) for _ in range(n)]
    )


# --- professionnels ----------------------------------------------------------------------------------------------


def test_professionnels_of_the_organisme_with_affectations_and_no_secret(client, world, login_as):
    login_as(world.lecteur)
    response = client.get(reverse("professionnel-list"), {"page_size": 100})
    assert response.status_code == 200
    rows = response.json()["results"]
    emails = {row["email"] for row in rows}
    assert emails == {"educ@a.org", "lecteur@a.org", "psy@a.org", "direction@a.org", "admin@a.org"}
    educ = next(row for row in rows if row["email"] == "educ@a.org")
    assert educ["affectations"][0]["dispositif"] == world.dispositif.pk
    assert educ["affectations"][0]["metier"] == Metier.EDUCATEUR
    assert educ["affectations"][0]["dispositif_nom"] == "DITEP Les Pins"
    body = response.content.decode()
    for secret in ("password", "key_hash", "totp"):
        assert secret not in body


def test_professionnel_detail_other_organisme_and_family_account_are_404(client, world, login_as):
    login_as(world.educateur)
    assert client.get(reverse("professionnel-detail", args=[world.psychologue.pk])).status_code == 200
    assert client.get(reverse("professionnel-detail", args=[world.autre_educateur.pk])).status_code == 404
    assert client.get(reverse("professionnel-detail", args=[world.proche.pk])).status_code == 404


def test_professionnel_list_query_count_is_constant(client, world, login_as):
    login_as(world.educateur)
    url = reverse("professionnel-list")
    assert_constant_queries(
        lambda: client.get(url),
        lambda n: [factories.professionnel(world.dispositif, Metier.ENSEIGNANT) for _ in range(n)],
    )


# --- family and youth accounts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["proche", "jeune"])
@pytest.mark.parametrize("url_name", STAFF_ONLY)
def test_family_and_youth_accounts_never_reach_the_staff_api(client, world, login_as, persona, url_name):
    login_as(getattr(world, persona))
    assert client.get(reverse(url_name)).status_code == 404


@pytest.mark.parametrize("persona", ["proche", "jeune"])
def test_family_accounts_reach_their_own_notifications_and_me(client, world, login_as, persona):
    user = getattr(world, persona)
    with tenant_context(world.organisme.pk):
        notify(recipients=[user], titre="Le planning de la semaine est disponible", email=False)
    login_as(user)
    assert client.get(reverse("api-me")).json()["kind"] == persona
    assert [n["titre"] for n in client.get(reverse("notification-list")).json()["results"]] == [
        "Le planning de la semaine est disponible"
    ]


def test_session_without_verified_totp_is_refused_where_required(client, world):
    with tenant_context(world.organisme.pk):
        client.force_login(world.direction)  # password only, no TOTP device verified
    response = client.get(reverse("dispositif-list"))
    assert response.status_code == 403
    assert "second facteur" in response.json()["detail"]


# --- notifications -----------------------------------------------------------------------------------------------


def _notify(user, titre, organisme):
    with tenant_context(organisme.pk):
        return notify(recipients=[user], titre=titre, email=False)[0]


def test_notifications_own_only_unread_first(client, world, login_as):
    old = _notify(world.educateur, "Ancienne", world.organisme)
    recent = _notify(world.educateur, "Récente", world.organisme)
    other = _notify(world.lecteur, "Pour le collègue", world.organisme)
    with tenant_context(world.organisme.pk):
        Notification.objects.filter(pk=recent.pk).update(read_at=recent.created_at)
    login_as(world.educateur)
    rows = client.get(reverse("notification-list")).json()["results"]
    assert [(r["titre"], r["lue"]) for r in rows] == [("Ancienne", False), ("Récente", True)]
    assert client.get(reverse("notification-detail", args=[old.pk])).status_code == 200
    assert client.get(reverse("notification-detail", args=[other.pk])).status_code == 404


def test_marquer_lues_given_ids_then_all_ignores_others(client, world, login_as):
    mine = [_notify(world.educateur, f"N{i}", world.organisme) for i in range(3)]
    other = _notify(world.lecteur, "Pour le collègue", world.organisme)
    login_as(world.educateur)
    url = reverse("notification-marquer-lues")
    response = client.post(url, {"ids": [mine[0].pk, other.pk]}, content_type="application/json")
    assert response.json() == {"marquees": 1}
    assert client.post(url, {}, content_type="application/json").json() == {"marquees": 2}
    with tenant_context(world.organisme.pk):
        assert Notification.objects.get(pk=other.pk).read_at is None
    assert client.post(url, {"ids": "x"}, content_type="application/json").status_code == 400


def test_notification_list_query_count_is_constant(client, world, login_as):
    login_as(world.educateur)
    url = reverse("notification-list")
    assert_constant_queries(
        lambda: client.get(url),
        lambda n: [_notify(world.educateur, f"N{i}", world.organisme) for i in range(n)],
    )


# --- me, schema, docs --------------------------------------------------------------------------------------------


def test_me(client, world, login_as):
    login_as(world.educateur)
    data = client.get(reverse("api-me")).json()
    assert data["email"] == "educ@a.org"
    assert data["organisme"] == {"id": world.organisme.pk, "nom": "Association Les Pins"}
    assert data["metiers"] == [Metier.EDUCATEUR]
    assert "password" not in data


def test_schema_lists_the_endpoints(client, world, login_as):
    login_as(world.educateur)
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/dispositifs/",
        "/api/v1/sites/",
        "/api/v1/professionnels/",
        "/api/v1/me/",
        "/api/v1/notifications/marquer-lues/",
    ):
        assert path in paths


def test_docs_page_served_from_sidecar_with_a_per_view_csp(client, world, login_as):
    login_as(world.educateur)
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in body
    assert "https://" not in body  # no CDN
    csp = response.headers["Content-Security-Policy"]
    assert "style-src 'self' 'sha256-" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    script = client.get(reverse("api-docs"), {"script": ""})
    assert script.status_code == 200
    assert script.headers["Content-Type"].startswith("application/javascript")
    # The global policy is untouched elsewhere.
    assert "sha256-" not in client.get(reverse("core:home")).headers["Content-Security-Policy"]


def test_docs_page_redirects_anonymous_to_login_and_hides_from_family(client, world, login_as):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 302 and response.url.startswith(reverse("core:login"))
    login_as(world.proche)
    assert client.get(reverse("api-docs")).status_code == 404
