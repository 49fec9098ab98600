import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_public(client):
    response = client.get(reverse("core:login"))
    assert response.status_code == 200
    assert "Connexion" in response.content.decode()


def test_home_requires_login(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:login"))


def test_password_login_sets_tenant_and_lands_on_home(client, world):
    response = client.post(reverse("core:login"), {"username": "educ@a.org", "password": "motdepasse-de-test-1"})
    assert response.status_code == 302, response.content.decode()
    home = client.get(reverse("core:home"))
    assert home.status_code == 200
    body = home.content.decode()
    assert "DITEP Les Pins" in body
    assert "Association Les Pins" in body


def test_wrong_password_is_refused_in_french(client, world):
    response = client.post(reverse("core:login"), {"username": "educ@a.org", "password": "mauvais"})
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect." in response.content.decode()


def test_family_account_gets_portal_home(client, world, login_as):
    login_as(world.proche)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portail:accueil")


def test_home_counts_unread_notifications(client, world, login_as):
    from core.services.notifications import notify
    from core.tenancy import tenant_context

    with tenant_context(world.organisme.pk):
        notify(recipients=[world.educateur], titre="Nouvelle absence déclarée", email=False)
        notify(recipients=[world.educateur], titre="Nouveau message", email=False)
    html = login_as(world.educateur).get("/").content.decode()
    assert "2 notifications non lues" in html
    assert "Aucune notification non lue" not in html
