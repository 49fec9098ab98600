"""``GET /api/v1/activite/aire/``: the same JSON as ``table_aire``; personas; French 400s."""

import pytest

from activite.services.aire import table_aire
from core.enums import Metier, Role
from core.tenancy import tenant_context
from tests import factories
from tests.activite.conftest import D, at
from tests.fixtures import login

URL = "/api/v1/activite/aire/"


@pytest.fixture
def donnees(activite):
    sc = activite.sc
    j = sc.accompagne()
    sc.evenement("entretien_jeune", at(2026, 1, 6, 9), at(2026, 1, 6, 10, 30), jeunes=[j])
    return activite


def get(client, user, finess, debut="2026-01-01", fin="2026-03-31"):
    login(client, user)
    return client.get(URL, {"dispositif": finess, "debut": debut, "fin": fin})


def test_direction_et_chef_de_service_lisent_le_tableau(donnees, client):
    w = donnees
    with tenant_context(w.organisme.pk):
        attendu = table_aire(w.dispositif, D(2026, 1, 1), D(2026, 3, 31))
    chef_lecteur = factories.professionnel(w.dispositif, Metier.CHEF_DE_SERVICE, Role.LECTEUR, email="cl@a.org")
    for user in (w.direction, w.chef, chef_lecteur):
        response = get(client, user, w.dispositif.finess)
        assert response.status_code == 200, user
        assert response.json() == attendu and response.json()["volumes"]["heures_directes"] == 1.5


def test_personas_refusees(donnees, client):
    w = donnees
    for user in (w.educateur, w.lecteur, w.psychologue, w.admin, w.chef_autre):
        assert get(client, user, w.dispositif.finess).status_code == 403, user
    assert get(client, w.chef_autre, w.autre_dispositif.finess).status_code == 200
    # Another organisme's FINESS, seen from organisme A, and organisme A's seen from B: 404.
    assert get(client, w.direction, w.dispositif_b.finess).status_code == 404
    assert get(client, w.autre_educateur, w.dispositif.finess).status_code == 404
    for user in (w.proche, w.jeune):
        assert get(client, user, w.dispositif.finess).status_code == 404
    client.logout()
    assert client.get(URL, {"dispositif": w.dispositif.finess}).status_code in (401, 403)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"debut": "2026-01-01", "fin": "2026-03-31"}, "Indiquez le FINESS"),
        ({"dispositif": "X", "fin": "2026-03-31"}, "Indiquez le début"),
        ({"dispositif": "X", "debut": "2026-13-01", "fin": "2026-03-31"}, "Date de début invalide"),
        ({"dispositif": "X", "debut": "2026-03-31", "fin": "2026-01-01"}, "précède son début"),
    ],
)
def test_parametres_invalides(donnees, client, params, message):
    login(client, donnees.direction)
    response = client.get(URL, params)
    assert response.status_code == 400 and message in response.content.decode()
