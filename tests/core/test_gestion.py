"""The « Gestion » page groups the management pages behind one menu entry."""

from tests.fixtures import login


def _menu_labels(response):
    return [item["label"] for item in response.context["nav_items"]]


def test_management_pages_are_grouped_under_gestion(client, world):
    login(client, world.direction)
    response = client.get("/")
    labels = _menu_labels(response)
    assert "Gestion" in labels
    for label in ("Gestion de l'agenda", "Partenaires", "Administration", "Journal des accès"):
        assert label not in labels
    page = client.get("/gestion/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "Gestion de l&#x27;agenda" in content
    assert "Journal des accès" in content
    assert "Jeunes" not in [i["label"] for i in page.context["items"]]


def test_gestion_page_lists_only_visible_pages(client, world):
    login(client, world.educateur)
    page = client.get("/gestion/")
    assert page.status_code == 200
    labels = [item["label"] for item in page.context["items"]]
    assert "Gestion de l'agenda" in labels
    assert "Journal des accès" not in labels
    assert "Administration" not in labels


def test_gestion_entry_is_current_on_a_management_page(client, world):
    login(client, world.educateur)
    response = client.get("/dossiers/partenaires/")
    assert response.status_code == 200
    current = [item["label"] for item in response.context["nav_items"] if item["active"]]
    assert current == ["Gestion"]


def test_gestion_page_is_not_for_family_accounts(client, world):
    login(client, world.proche)
    assert client.get("/gestion/").status_code == 404
