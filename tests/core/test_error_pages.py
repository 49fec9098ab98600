"""Error pages are in French and say nothing about what exists."""

from django.test import override_settings


@override_settings(DEBUG=False)
def test_unknown_page_is_a_french_404(client, world):
    from tests.fixtures import login

    login(client, world.educateur)
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html and 'lang="fr"' in html


@override_settings(DEBUG=False)
def test_family_account_on_a_staff_page_gets_the_same_404(client, world):
    from tests.fixtures import login

    login(client, world.proche)
    response = client.get("/dossiers/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
