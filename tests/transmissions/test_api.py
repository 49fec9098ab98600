"""Transmissions API: list (filters, French search, visibility), create (draft or validated), validate, addendum,
mark read, handover; personas and constant query counts."""

import pytest
from django.urls import reverse

from core.models import AuditEntry
from core.tenancy import tenant_context
from tests.helpers import count_queries
from transmissions.models import Lecture, Transmission
from transmissions.services import transmission_create_draft, transmission_write

pytestmark = pytest.mark.django_db
LIST = reverse("transmission-list")
JSON = "application/json"


def _write(tw, auteur=None, categorie="vie_quotidienne", **kwargs):
    kwargs.setdefault("texte", "L'élève a été calme toute la journée.")
    kwargs.setdefault("jeunes", [tw.jeune])
    with tenant_context(tw.organisme.pk):
        return transmission_write(
            auteur=auteur or tw.educateur, dispositif=tw.dispositif, categorie=tw.categories[categorie], **kwargs
        )


def _ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_list_visibility(tw, login_as, client):
    equipe = _write(tw)
    confidentiel = _write(tw, auteur=tw.psychologue, visibilite="confidentiel_soin", texte="Entretien")
    with tenant_context(tw.organisme.pk):
        draft = transmission_create_draft(auteur=tw.psychologue, dispositif=tw.dispositif,
                                          categorie=tw.categories["sante"], texte="en cours")  # fmt: skip
    assert _ids(login_as(tw.lecteur).get(LIST)) == [equipe.pk]
    client.logout()
    assert set(_ids(login_as(tw.psychologue).get(LIST))) == {equipe.pk, confidentiel.pk}
    assert _ids(client.get(LIST, {"brouillons": "1"})) == [draft.pk]
    client.logout()
    assert login_as(tw.admin).get(LIST).status_code == 403  # no clinical content
    client.logout()
    assert _ids(login_as(tw.autre_educateur).get(LIST)) == []
    client.logout()
    assert login_as(tw.w.proche).get(LIST).status_code == 404
    with tenant_context(tw.organisme.pk):
        assert AuditEntry.objects.filter(record_type="transmissions.transmission", action="read").exists()


def test_filters_and_french_search(tw, login_as):
    t1 = _write(tw, texte="Comportements agressifs envers un élève")
    t2 = _write(tw, jeunes=[tw.jeune2], texte="Rendez-vous chez le dentiste", importance="importante")
    t3 = _write(tw, categorie="comportement", texte="Calme")
    client = login_as(tw.lecteur)
    assert _ids(client.get(LIST, {"q": "comportement"})) == [t3.pk, t1.pk]  # the catégorie weighs more
    assert _ids(client.get(LIST, {"q": "eleve"})) == [t1.pk]
    assert _ids(client.get(LIST, {"q": "élèves"})) == [t1.pk]
    assert _ids(client.get(LIST, {"q": "comportement -calme"})) == [t1.pk]
    assert _ids(client.get(LIST, {"jeune": tw.jeune2.pk})) == [t2.pk]
    assert _ids(client.get(LIST, {"importance": "importante"})) == [t2.pk]
    assert _ids(client.get(LIST, {"categorie": tw.categories["sante"].pk})) == []
    assert client.get(LIST, {"jeune": "abc"}).status_code == 400


def test_retrieve_personas(tw, login_as, client):
    t = _write(tw, visibilite="confidentiel_soin")
    url = reverse("transmission-detail", args=[t.pk])
    assert login_as(tw.educateur).get(url).json()["id"] == t.pk  # author
    client.logout()
    assert login_as(tw.lecteur).get(url).status_code == 403
    client.logout()
    assert login_as(tw.psychologue).get(url).status_code == 200
    client.logout()
    assert login_as(tw.autre_educateur).get(url).status_code == 404


def test_create_draft_then_validate(tw, login_as, client):
    api = login_as(tw.educateur)
    payload = {"dispositif": tw.dispositif.pk, "categorie": tw.categories["sante"].pk, "jeunes": [tw.jeune.pk],
               "cible": "Sommeil", "donnees": "Réveils nocturnes"}  # fmt: skip
    response = api.post(LIST, payload, content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["statut"] == "brouillon" and body["jeunes"][0]["id"] == tw.jeune.pk
    valider = reverse("transmission-valider", args=[body["id"]])
    client.logout()
    assert login_as(tw.psychologue).post(valider).status_code == 403  # not the author (not even readable)
    client.logout()
    response = login_as(tw.educateur).post(valider)
    assert response.status_code == 200 and response.json()["statut"] == "validee"
    assert client.post(valider).status_code == 403  # immutable now


def test_create_validated_and_errors(tw, login_as, client):
    api = login_as(tw.educateur)
    payload = {"dispositif": tw.dispositif.pk, "categorie": tw.categories["sante"].pk, "valider": True}
    response = api.post(LIST, payload, content_type=JSON)
    assert response.status_code == 400
    assert "Écrivez la transmission" in response.content.decode()
    response = api.post(LIST, {**payload, "texte": "Note à l'unité"}, content_type=JSON)
    assert response.status_code == 201 and response.json()["statut"] == "validee"
    response = api.post(LIST, {**payload, "texte": "x", "dispositif": tw.autre_dispositif.pk}, content_type=JSON)
    assert response.status_code == 403
    client.logout()
    assert login_as(tw.lecteur).post(LIST, {**payload, "texte": "x"}, content_type=JSON).status_code == 403
    client.logout()
    response = login_as(tw.autre_educateur).post(LIST, {**payload, "texte": "x"}, content_type=JSON)
    assert response.status_code == 400  # another organisme's dispositif and catégorie do not exist for them


def test_addendum_and_lu(tw, login_as, client):
    t = _write(tw)
    api = login_as(tw.psychologue)
    url = reverse("transmission-addendum", args=[t.pk])
    response = api.post(url, {"texte": "Précision"}, content_type=JSON)
    assert response.status_code == 201 and response.json()["addendum_de"] == t.pk
    assert api.post(url, {"texte": ""}, content_type=JSON).status_code == 400
    response = api.get(reverse("transmission-detail", args=[t.pk]))
    assert [a["texte"] for a in response.json()["addenda"]] == ["Précision"]
    client.logout()
    lecteur = login_as(tw.lecteur)
    assert lecteur.post(url, {"texte": "x"}, content_type=JSON).status_code == 403
    assert lecteur.post(reverse("transmission-lu", args=[t.pk])).json() == {"lues": 1}
    other = _write(tw, visibilite="confidentiel_soin")
    response = lecteur.post(reverse("transmission-lu-plusieurs"), {"ids": [t.pk, other.pk]}, content_type=JSON)
    assert response.json() == {"lues": 0}  # already read; the confidential one is ignored
    with tenant_context(tw.organisme.pk):
        assert Lecture.objects.filter(user=tw.lecteur).count() == 1
    client.logout()
    assert login_as(tw.autre_educateur).post(reverse("transmission-lu", args=[t.pk])).status_code == 404


def test_a_lire(tw, login_as):
    t = _write(tw, importance="importante")
    client = login_as(tw.lecteur)
    response = client.get(reverse("transmission-a-lire"))
    assert _ids(response) == [t.pk]
    assert response.json()["results"][0]["lu"] is False
    client.post(reverse("transmission-lu", args=[t.pk]))
    assert _ids(client.get(reverse("transmission-a-lire"), {"non_lues": "1"})) == []
    assert client.get(reverse("transmission-a-lire"), {"depuis": "hier"}).status_code == 400


def test_categories(tw, login_as):
    response = login_as(tw.educateur).get(reverse("categorie-transmission-list"))
    assert response.status_code == 200
    assert [c["code"] for c in response.json()][:2] == ["sante", "comportement"]


def test_list_constant_queries(tw, login_as):
    client = login_as(tw.lecteur)
    _write(tw)
    few = count_queries(lambda: client.get(LIST))
    for i in range(20):
        t = _write(tw, jeunes=[tw.jeune, tw.jeune2], texte=f"Transmission {i}")
        with tenant_context(tw.organisme.pk):
            from transmissions.services import addendum_create

            addendum_create(original=t, by=tw.psychologue, texte="Complément")
    assert count_queries(lambda: client.get(LIST)) == few
    assert count_queries(lambda: client.get(LIST, {"q": "transmission"})) == few
    with tenant_context(tw.organisme.pk):
        assert Transmission.objects.count() == 41
