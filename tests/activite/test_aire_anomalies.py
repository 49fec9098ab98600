"""The anomalies page: pairs without a valid parcours period, with links to the dossier and the event."""

from activite.services.faits import faits_recalculer_invalides
from tests.activite.conftest import D, at
from tests.fixtures import login
from tests.helpers import assert_constant_queries

URL = "/activite/anomalies/{}/?debut=2026-01-01&fin=2026-03-31"


def test_anomalies_listees_avec_liens(activite, client):
    w, sc = activite, activite.sc
    sans = sc.jeune(prenom="Zoé", nom_naissance="Sansparcours")
    ev = sc.evenement("entretien_jeune", at(2026, 1, 6, 9), at(2026, 1, 6, 10), jeunes=[sans], titre="Entretien X")
    login(client, w.chef)
    html = client.get(URL.format(w.dispositif.pk)).content.decode()
    assert "Zoé Sansparcours" in html and "Entretien X" in html
    assert f"/agendas/evenements/{ev.pk}/" in html and f"/dossiers/{sans.dossier.pk}/parcours/" in html
    # Out of the period: not listed.
    html = client.get(f"/activite/anomalies/{w.dispositif.pk}/?debut=2026-04-01&fin=2026-06-30").content.decode()
    assert "Aucune anomalie sur cette période" in html


def test_anomalies_requetes_constantes(activite, client):
    w, sc = activite, activite.sc
    login(client, w.direction)
    n = [0]

    def add(k):
        for _ in range(k):
            n[0] += 1
            j = sc.jeune()
            sc.evenement("entretien_jeune", at(2026, 1, 6 + n[0] % 20, 9), at(2026, 1, 6 + n[0] % 20, 10), jeunes=[j])
        faits_recalculer_invalides(delai=None)

    assert_constant_queries(lambda: client.get(URL.format(w.dispositif.pk)), add, few=1, many=6)


def test_anomalies_personas(activite, client):
    w = activite
    url = URL.format(w.dispositif.pk)
    for user, status in ((w.direction, 200), (w.chef, 200), (w.chef_autre, 403), (w.educateur, 403),
                         (w.lecteur, 403), (w.admin, 403), (w.proche, 404), (w.jeune, 404)):  # fmt: skip
        login(client, user)
        assert client.get(url).status_code == status, user
    login(client, w.direction)
    assert client.get(URL.format(w.dispositif_b.pk)).status_code == 404
    assert D(2026, 1, 1)
