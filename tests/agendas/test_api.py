"""The agendas API with personas: writer, read-only colleague (403 on writes), other organisme (404), family and
youth accounts (404), admin_organisme (no events), restricted dossiers hidden among participants; writes through
the services with French 400s; presences and status actions; natures, resources, series; constant query counts
from 1 to 50 rows."""

import datetime

import pytest
from django.urls import reverse

from agendas.models import Evenement, Nature, Ressource, Serie
from agendas.services.evenements import evenement_create
from agendas.services.natures import natures_par_defaut
from agendas.services.series import serie_create
from core.enums import Metier
from core.models import AuditEntry
from dossiers.services.parcours import dossier_update
from tests import factories
from tests.agendas.conftest import at
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _ids(response):
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def activite(w, debut=None, fin=None, **kwargs):
    debut = debut or at(2026, 1, 5, 9)
    fields = dict(dispositif=w.dispositif, nature=w.natures["activite_educative"], debut=debut,
                  fin=fin or debut + datetime.timedelta(hours=2), actor=w.educateur, jeunes=[w.jeune1],
                  professionnels=[w.educateur], modalite="accueil_de_jour")  # fmt: skip
    fields.update(kwargs)
    return evenement_create(**fields)


@pytest.fixture
def chef(world):
    return factories.professionnel(world.dispositif, Metier.CHEF_DE_SERVICE, email="chef@a.org")


# --- events: scope --------------------------------------------------------------------------------------------


def test_event_list_scope_per_persona(agenda, client, login_as):
    w = agenda
    mine = activite(w)
    natures_par_defaut(dispositif=w.autre_dispositif)
    nature_a2 = Nature.objects.get(dispositif=w.autre_dispositif, code="reunion_equipe")
    other = evenement_create(dispositif=w.autre_dispositif, nature=nature_a2, debut=at(2026, 1, 5, 9),
                             fin=at(2026, 1, 5, 10), actor=w.direction)  # fmt: skip
    login_as(w.educateur)
    assert _ids(client.get(reverse("evenement-list"))) == [mine.pk]
    assert client.get(reverse("evenement-detail", args=[other.pk])).status_code == 403
    login_as(w.direction)
    assert _ids(client.get(reverse("evenement-list"))) == sorted([mine.pk, other.pk])
    login_as(w.admin)
    assert _ids(client.get(reverse("evenement-list"))) == []
    login_as(w.autre_educateur)
    assert _ids(client.get(reverse("evenement-list"))) == []
    assert client.get(reverse("evenement-detail", args=[mine.pk])).status_code == 404
    login_as(w.proche)
    assert client.get(reverse("evenement-list")).status_code == 404
    login_as(w.jeune)
    assert client.get(reverse("evenement-detail", args=[mine.pk])).status_code == 404


def test_event_detail_with_participants_presences_hides_restricted_youths(agenda, client, login_as):
    w = agenda
    dossier2 = w.jeune2.dossiers.get()
    dossier_update(dossier=dossier2, est_restreint=True, actor=w.direction)
    ev = activite(w, jeunes=[w.jeune1, w.jeune2], statut="realise")
    login_as(w.educateur)
    data = client.get(reverse("evenement-detail", args=[ev.pk])).json()
    assert [j["jeune"] for j in data["jeunes"]] == [w.jeune1.pk]
    assert data["jeunes"][0]["presence"] == "present"
    assert (data["nature_code"], data["cadre"], data["serafin_code"]) == ("activite_educative", "direct", "2.2.2")
    assert data["professionnels"] == [w.educateur.pk]
    assert AuditEntry.objects.filter(record_type="agendas.evenement", action="read", record_id=str(ev.pk)).exists()
    login_as(w.direction)
    data = client.get(reverse("evenement-detail", args=[ev.pk])).json()
    assert sorted(j["jeune"] for j in data["jeunes"]) == sorted([w.jeune1.pk, w.jeune2.pk])
    # The educateur cannot filter on the restricted youth.
    login_as(w.educateur)
    assert _ids(client.get(reverse("evenement-list"), {"jeune": w.jeune2.pk})) == []


def test_event_list_filters(agenda, client, login_as):
    w = agenda
    a = activite(w, at(2026, 1, 5, 9))
    b = activite(w, at(2026, 1, 12, 9), jeunes=[w.jeune2], professionnels=[w.psychologue])
    login_as(w.educateur)
    url = reverse("evenement-list")
    assert _ids(client.get(url, {"du": "2026-01-05", "au": "2026-01-05"})) == [a.pk]
    assert _ids(client.get(url, {"du": "2026-01-06"})) == [b.pk]
    assert _ids(client.get(url, {"jeune": w.jeune2.pk})) == [b.pk]
    assert _ids(client.get(url, {"professionnel": w.educateur.pk})) == [a.pk]
    assert _ids(client.get(url, {"dispositif": w.autre_dispositif.pk})) == []
    response = client.get(url, {"du": "05/01/2026"})
    assert response.status_code == 400 and "AAAA-MM-JJ" in response.json()["du"][0]


# --- events: writes -------------------------------------------------------------------------------------------


def _payload(w, **kwargs):
    data = {"dispositif": w.dispositif.pk, "nature": w.natures["activite_educative"].pk,
            "debut": "2026-03-02T09:00:00+01:00", "fin": "2026-03-02T11:30:00+01:00", "modalite": "accueil_de_jour",
            "jeunes": [w.jeune1.pk], "professionnels": [w.educateur.pk], "titre": "Atelier"}  # fmt: skip
    data.update(kwargs)
    return data


def test_writer_creates_updates_and_deletes_an_event(agenda, client, login_as):
    w = agenda
    login_as(w.educateur)
    response = client.post(reverse("evenement-list"), _payload(w), content_type=JSON)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["titre"] == "Atelier" and [j["jeune"] for j in data["jeunes"]] == [w.jeune1.pk]
    url = reverse("evenement-detail", args=[data["id"]])
    response = client.patch(url, {"titre": "Atelier bois", "jeunes": [w.jeune1.pk, w.jeune2.pk],
                                  "debut": "2026-03-02T10:00:00+01:00"}, content_type=JSON)  # fmt: skip
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["titre"] == "Atelier bois" and len(data["jeunes"]) == 2
    assert data["debut"].startswith("2026-03-02T10:00:00")
    assert client.put(url, _payload(w), content_type=JSON).status_code == 405  # PATCH only
    assert client.delete(url).status_code == 204
    assert not Evenement.objects.filter(pk=data["id"]).exists()


def test_event_writes_bad_input_is_a_french_400_and_nothing_written(agenda, client, login_as, world):
    w = agenda
    login_as(w.educateur)
    url = reverse("evenement-list")
    response = client.post(url, _payload(w, modalite=""), content_type=JSON)
    assert response.status_code == 400 and "modalite" in response.json()
    response = client.post(url, _payload(w, fin="2026-03-02T08:00:00+01:00"), content_type=JSON)
    assert response.status_code == 400
    jeune_b_id = factories.dossier_accompagne(world.dispositif_b).jeune_id
    response = client.post(url, _payload(w, jeunes=[jeune_b_id]), content_type=JSON)
    assert response.status_code == 400 and "Jeunes inconnus" in response.json()["jeunes"][0]
    response = client.post(url, _payload(w, professionnels=[world.autre_educateur.pk]), content_type=JSON)
    assert response.status_code == 400 and "Professionnels inconnus" in response.json()["professionnels"][0]
    natures_par_defaut(dispositif=w.autre_dispositif)
    nature_a2 = Nature.objects.get(dispositif=w.autre_dispositif, code="activite_educative")
    response = client.post(url, _payload(w, nature=nature_a2.pk), content_type=JSON)
    assert response.status_code == 400 and "n'appartient pas" in response.json()["nature"][0]
    assert not Evenement.objects.exists()


def test_event_writes_personas(agenda, client, login_as):
    w = agenda
    ev = activite(w)
    detail = reverse("evenement-detail", args=[ev.pk])
    login_as(w.lecteur)
    assert client.get(detail).status_code == 200
    assert client.post(reverse("evenement-list"), _payload(w), content_type=JSON).status_code == 403
    assert client.patch(detail, {"titre": "X"}, content_type=JSON).status_code == 403
    assert client.post(reverse("evenement-statut", args=[ev.pk]), {"statut": "realise"},
                       content_type=JSON).status_code == 403  # fmt: skip
    assert client.delete(detail).status_code == 403
    login_as(w.autre_educateur)
    assert client.patch(detail, {"titre": "X"}, content_type=JSON).status_code == 404
    assert client.post(reverse("evenement-list"), _payload(w), content_type=JSON).status_code == 400  # ids unknown
    login_as(w.proche)
    assert client.post(reverse("evenement-list"), _payload(w), content_type=JSON).status_code == 404


def test_presences_and_status_actions(agenda, client, login_as):
    w = agenda
    ev = activite(w, jeunes=[w.jeune1, w.jeune2])
    login_as(w.educateur)
    url = reverse("evenement-presences", args=[ev.pk])
    response = client.post(url, {"presences": [{"jeune": w.jeune1.pk, "presence": "present"},
                                               {"jeune": w.jeune2.pk, "presence": "absent_imprevu",
                                                "motif": "maladie"}]}, content_type=JSON)  # fmt: skip
    assert response.status_code == 200, response.content
    presences = {j["jeune"]: (j["presence"], j["motif_absence"]) for j in response.json()["jeunes"]}
    assert presences == {w.jeune1.pk: ("present", ""), w.jeune2.pk: ("absent_imprevu", "maladie")}
    response = client.post(url, {"presences": [{"jeune": w.jeune1.pk, "presence": "present", "motif": "maladie"}]},
                           content_type=JSON)  # fmt: skip
    assert response.status_code == 400
    response = client.post(url, {"presences": [{"jeune": 999999, "presence": "present"}]}, content_type=JSON)
    assert response.status_code == 400
    response = client.post(reverse("evenement-statut", args=[ev.pk]), {"statut": "realise"}, content_type=JSON)
    assert response.status_code == 200 and response.json()["statut"] == "realise"
    response = client.post(reverse("evenement-statut", args=[ev.pk]), {"statut": "fini"}, content_type=JSON)
    assert response.status_code == 400


def test_patch_an_occurrence_of_a_series_with_a_scope(agenda, client, login_as):
    w = agenda
    serie = serie_create(
        dispositif=w.dispositif, nature=w.natures["activite_educative"], rrule="FREQ=WEEKLY;BYDAY=TU",
        debut=at(2026, 1, 6, 9), duree=datetime.timedelta(hours=2), actor=w.educateur, jeunes=[w.jeune1],
        modalite="accueil_de_jour", generer_jusqu_au=datetime.date(2026, 2, 3),
    )  # fmt: skip
    first, second, *_ = Evenement.objects.filter(serie=serie).order_by("debut")
    login_as(w.educateur)
    response = client.patch(reverse("evenement-detail", args=[first.pk]), {"titre": "Seulement celle-ci"},
                            content_type=JSON)  # fmt: skip
    assert response.status_code == 200 and response.json()["detachee"] is True
    response = client.patch(reverse("evenement-detail", args=[second.pk]),
                            {"titre": "Toute la série", "portee": "toutes"}, content_type=JSON)  # fmt: skip
    assert response.status_code == 200, response.content
    titres = list(Evenement.objects.filter(serie=serie).order_by("debut").values_list("titre", flat=True))
    assert titres[0] == "Seulement celle-ci" and set(titres[1:]) == {"Toute la série"}


# --- natures, resources, series -------------------------------------------------------------------------------


def test_natures_api(agenda, client, login_as, chef):
    w = agenda
    login_as(w.educateur)
    rows = client.get(reverse("nature-list"), {"dispositif": w.dispositif.pk}).json()["results"]
    assert {r["code"] for r in rows} >= {"activite_educative", "reunion_synthese"}
    payload = {"dispositif": w.dispositif.pk, "code": "equitation", "libelle": "Équitation", "cadre": "direct",
               "serafin_code": "2.2.2"}  # fmt: skip
    assert client.post(reverse("nature-list"), payload, content_type=JSON).status_code == 403
    login_as(chef)
    response = client.post(reverse("nature-list"), payload, content_type=JSON)
    assert response.status_code == 201, response.content
    nature_id = response.json()["id"]
    response = client.post(reverse("nature-list"), {**payload, "serafin_code": "9.9"}, content_type=JSON)
    assert response.status_code == 400 and "SERAFIN" in str(response.json())
    response = client.patch(reverse("nature-detail", args=[nature_id]), {"discrete": True}, content_type=JSON)
    assert response.status_code == 200
    assert (response.json()["discrete"], response.json()["visible_famille"]) == (True, False)
    login_as(w.lecteur)
    assert client.patch(reverse("nature-detail", args=[nature_id]), {"libelle": "X"},
                        content_type=JSON).status_code == 403  # fmt: skip
    login_as(w.autre_educateur)
    assert client.get(reverse("nature-detail", args=[nature_id])).status_code == 404


def test_resources_api(agenda, client, login_as, chef):
    w = agenda
    login_as(chef)
    payload = {"dispositif": w.dispositif.pk, "type": "vehicule", "nom": "Trafic 9 places", "capacite": 9,
               "site": w.site.pk}  # fmt: skip
    response = client.post(reverse("ressource-list"), payload, content_type=JSON)
    assert response.status_code == 201, response.content
    url = reverse("ressource-detail", args=[response.json()["id"]])
    response = client.patch(url, {"is_active": False}, content_type=JSON)
    assert response.status_code == 200 and response.json()["is_active"] is False
    login_as(w.educateur)
    assert [r["nom"] for r in client.get(reverse("ressource-list")).json()["results"]] == ["Trafic 9 places"]
    assert client.patch(url, {"nom": "X"}, content_type=JSON).status_code == 403
    assert client.post(reverse("ressource-list"), payload, content_type=JSON).status_code == 403
    # A deactivated resource cannot be booked.
    response = client.post(reverse("evenement-list"), _payload(w, ressources=[Ressource.objects.get().pk]),
                           content_type=JSON)  # fmt: skip
    assert response.status_code == 400 and "désactivées" in response.json()["ressources"][0]
    login_as(w.autre_educateur)
    assert client.get(url).status_code == 404
    login_as(w.jeune)
    assert client.get(reverse("ressource-list")).status_code == 404


def test_series_api_creates_occurrences(agenda, client, login_as):
    w = agenda
    login_as(w.educateur)
    payload = {"dispositif": w.dispositif.pk, "nature": w.natures["activite_educative"].pk,
               "rrule": "FREQ=WEEKLY;BYDAY=TU;COUNT=4", "debut": "2026-03-03T09:00:00+01:00", "duree": "02:30:00",
               "jeunes": [w.jeune1.pk], "professionnels": [w.educateur.pk], "modalite": "accueil_de_jour"}  # fmt: skip
    response = client.post(reverse("serie-list"), payload, content_type=JSON)
    assert response.status_code == 201, response.content
    serie = Serie.objects.get(pk=response.json()["id"])
    debuts = [e.debut for e in Evenement.objects.filter(serie=serie).order_by("debut")]
    assert debuts == [at(2026, 3, 3, 9), at(2026, 3, 10, 9), at(2026, 3, 17, 9), at(2026, 3, 24, 9)]
    assert _ids(client.get(reverse("serie-list"), {"jeune": w.jeune1.pk})) == [serie.pk]
    response = client.post(reverse("serie-list"), {**payload, "rrule": "FREQ=SOMETIMES"}, content_type=JSON)
    assert response.status_code == 400
    login_as(w.lecteur)
    assert client.post(reverse("serie-list"), payload, content_type=JSON).status_code == 403
    login_as(w.admin)
    assert _ids(client.get(reverse("serie-list"))) == []


# --- constant queries -----------------------------------------------------------------------------------------


def test_lists_constant_queries(agenda, client, login_as):
    w = agenda
    login_as(w.educateur)
    counter = iter(range(10000))

    def add_events(n):
        for _ in range(n):
            i = next(counter)
            ev = activite(w, at(2026, 4, 1, 8) + datetime.timedelta(hours=i), jeunes=[w.jeune1, w.jeune2])
            Ressource.objects.create(organisme=w.organisme, dispositif=w.dispositif, type="salle", nom=f"S{i}")
            Nature.objects.create(organisme=w.organisme, dispositif=w.dispositif, code=f"n{i}", libelle=f"N{i}",
                                  cadre="direct", serafin_code="2.2.2")  # fmt: skip
            serie_create(
                dispositif=w.dispositif, nature=w.natures["activite_educative"], rrule="FREQ=WEEKLY;COUNT=1",
                debut=ev.debut + datetime.timedelta(days=200), duree=datetime.timedelta(hours=1), actor=w.educateur,
                jeunes=[w.jeune1], professionnels=[w.educateur], modalite="accueil_de_jour", generer=False,
            )  # fmt: skip

    def fetch_all():
        for name in ("evenement-list", "nature-list", "ressource-list", "serie-list"):
            assert client.get(reverse(name)).status_code == 200

    assert_constant_queries(fetch_all, add_events, few=1, many=50)
