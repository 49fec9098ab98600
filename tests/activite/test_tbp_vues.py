"""TBP and quality pages and the TBP API: personas (direction, chef de service of the dispositif, of another
dispositif, educator, other organisme, family), drill-down, yearly parameters page, constant query counts."""

import pytest
from django.urls import reverse

from core.enums import Metier, Role
from core.models import DispositifAnnee
from core.tenancy import tenant_context
from tests import factories
from tests.activite.conftest import D, at
from tests.fixtures import login
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db

ANNEE = 2026


def _peupler(sc, n):
    """n youths, each accompanied, with journées, an acte and an absence in 2026, one leaving on 31/12."""
    for i in range(n):
        j = sc.accompagne(D(2025, 9, 1), mesure_ase=bool(i % 2), sexe="FMI"[i % 3])
        sc.evenement("activite_educative", at(2026, 3, 2, 9), at(2026, 3, 2, 17), jeunes=[j], modalite="internat")
        sc.evenement("activite_educative", at(2026, 3, 3, 9), at(2026, 3, 3, 10), jeunes=[j])
        sc.evenement(
            "activite_educative", at(2026, 3, 4, 9), at(2026, 3, 4, 10), jeunes=[j], modalite="accueil_de_jour",
            absents={j: "absent_imprevu"},
        )  # fmt: skip
    sc.jeune(("accompagne", D(2025, 1, 1), D(2026, 12, 31)), ("suivi_post_sortie", D(2027, 1, 1), None))


def _get(client, user, url, **params):
    login(client, user)
    return client.get(url, params)


@pytest.fixture
def peuple(activite):
    _peupler(activite.sc, 3)
    DispositifAnnee.objects.create(
        organisme=activite.organisme, dispositif=activite.dispositif, annee=ANNEE, places_internat=2,
        places_accueil_de_jour=3, jours_ouverture=200,
    )  # fmt: skip
    return activite


def test_page_tbp_direction(peuple, client):
    w = peuple
    response = _get(client, w.direction, reverse("activite:tbp"), dispositif=w.dispositif.pk, annee=ANNEE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Journées réalisées" in html and "Taux de réalisation" in html
    assert "Effectif au 31 décembre" in html
    assert "× jours d&#x27;ouverture" in html or "× jours d'ouverture" in html  # definitions shown
    assert reverse("activite:tbp_detail") in html
    assert "Modifier les places financées" in html


@pytest.mark.parametrize(
    "indicateur, valeur, attendu",
    [
        ("file_active", "", 4), ("effectif_31_12", "", 3), ("sorties_definitives", "", 1),
        ("journees_absence_moyenne", "", 3), ("journees_realisees", "", 3), ("actes_ambulatoires", "", 3),
        ("repartition_sexe", "I", 1), ("part_mesure_ase", "", 1), ("motifs_sortie", "non_renseigne", 1),
        ("repartition_age", "11_15", 4),
    ],
)  # fmt: skip
def test_detail_tbp(peuple, client, indicateur, valeur, attendu):
    w = peuple
    response = _get(
        client, w.chef, reverse("activite:tbp_detail"), dispositif=w.dispositif.pk, annee=ANNEE,
        indicateur=indicateur, valeur=valeur,
    )  # fmt: skip
    assert response.status_code == 200
    assert len(response.context["lignes"]) == attendu


def test_detail_tbp_inconnu_404(peuple, client):
    w = peuple
    url = reverse("activite:tbp_detail")
    assert _get(client, w.direction, url, dispositif=w.dispositif.pk, annee=ANNEE, indicateur="x").status_code == 404
    params = {"dispositif": w.dispositif.pk, "annee": ANNEE, "indicateur": "repartition_sexe", "valeur": "Z"}
    assert _get(client, w.direction, url, **params).status_code == 404


@pytest.mark.parametrize("nom", ["tbp", "qualite"])
def test_personas_pages(activite, client, nom):
    w = activite
    url = reverse(f"activite:{nom}")
    params = {"dispositif": w.dispositif.pk}
    assert _get(client, w.direction, url, **params).status_code == 200
    assert _get(client, w.chef, url, **params).status_code == 200
    assert _get(client, w.chef_autre, url, **params).status_code == 403  # a dispositif they do not steer
    assert _get(client, w.chef_autre, url).status_code == 200  # their own dispositif by default
    assert _get(client, w.educateur, url, **params).status_code == 403
    assert _get(client, w.lecteur, url, **params).status_code == 403
    assert _get(client, w.direction, url, dispositif=w.dispositif_b.pk).status_code == 404  # other organisme
    assert _get(client, w.autre_educateur, url, **params).status_code in (403, 404)
    assert _get(client, w.proche, url, **params).status_code == 404
    assert _get(client, w.jeune, url, **params).status_code == 404
    lectrice = factories.professionnel(w.dispositif, Metier.DIRECTION, Role.LECTEUR, email="dir-lect@a.org")
    assert _get(client, lectrice, url, **params).status_code == 200  # reading figures is not writing


def test_personas_api(peuple, client):
    w = peuple
    url = "/api/v1/activite/tbp/"
    params = {"dispositif": w.dispositif.finess, "annee": ANNEE}
    r = _get(client, w.direction, url, **params)
    assert r.status_code == 200
    from activite.services.tbp import indicateurs_tbp

    assert r.json() == indicateurs_tbp(w.dispositif, ANNEE)
    assert _get(client, w.chef, url, **params).status_code == 200
    assert _get(client, w.chef_autre, url, **params).status_code == 403
    assert _get(client, w.educateur, url, **params).status_code == 403
    assert _get(client, w.direction, url, dispositif=w.dispositif_b.finess, annee=ANNEE).status_code == 404
    assert _get(client, w.proche, url, **params).status_code in (403, 404)
    r = _get(client, w.direction, url, dispositif=w.dispositif.finess, annee="deux mille")
    assert r.status_code == 400 and "Année invalide" in str(r.json())
    r = _get(client, w.direction, url, annee=ANNEE)
    assert r.status_code == 400 and "Indiquez le FINESS" in str(r.json())


def test_parametres_annuels_direction(activite, client):
    w = activite
    url = reverse("activite:tbp_parametres", args=[w.dispositif.pk, 2027])
    login(client, w.direction)
    r = client.post(url, {"places_internat": 4, "places_accueil_de_jour": 6, "places_ambulatoire": 10,
                          "jours_ouverture": 400})  # fmt: skip
    assert r.status_code == 200 and "366 jours" in r.content.decode()  # French validation, nothing written
    assert not DispositifAnnee.objects.filter(dispositif=w.dispositif, annee=2027).exists()
    r = client.post(url, {"places_internat": 4, "places_accueil_de_jour": 6, "places_ambulatoire": 10,
                          "jours_ouverture": 210})  # fmt: skip
    assert r.status_code == 302
    da = DispositifAnnee.objects.get(dispositif=w.dispositif, annee=2027)
    assert (da.places_internat, da.places_accueil_de_jour, da.jours_ouverture) == (4, 6, 210)
    from core.models import AuditEntry

    assert AuditEntry.objects.filter(record_id=str(da.pk), record_type__icontains="dispositifannee").exists()
    from activite.services.tbp import indicateurs_tbp

    assert indicateurs_tbp(w.dispositif, 2027)["journees_financees"] == 2100


def test_parametres_annuels_chef_lecture_seule(activite, client):
    w = activite
    url = reverse("activite:tbp_parametres", args=[w.dispositif.pk, 2027])
    assert _get(client, w.chef, url).status_code == 200
    login(client, w.chef)
    assert client.post(url, {"places_internat": 1, "places_accueil_de_jour": 1, "places_ambulatoire": 1,
                             "jours_ouverture": 1}).status_code == 403  # fmt: skip
    assert not DispositifAnnee.objects.filter(dispositif=w.dispositif, annee=2027).exists()
    assert _get(client, w.educateur, url).status_code == 403
    other = reverse("activite:tbp_parametres", args=[w.dispositif_b.pk, 2027])
    assert _get(client, w.direction, other).status_code == 404


def test_requetes_constantes_tbp(activite, client):
    w = activite
    login(client, w.direction)
    params = {"dispositif": w.dispositif.pk, "annee": ANNEE}

    def add(n):
        with tenant_context(w.organisme.pk):
            _peupler(w.sc, n)

    client.get(reverse("activite:tbp"), params)  # first request: session, parameters version 1 created
    n = assert_constant_queries(lambda: client.get(reverse("activite:tbp"), params), add, few=1, many=6)
    assert n <= 25


@pytest.mark.parametrize("indicateur", ["file_active", "journees_absence_moyenne", "journees_realisees"])
def test_requetes_constantes_detail_tbp(activite, client, indicateur):
    w = activite
    login(client, w.direction)
    params = {"dispositif": w.dispositif.pk, "annee": ANNEE, "indicateur": indicateur}

    def add(n):
        with tenant_context(w.organisme.pk):
            _peupler(w.sc, n)

    client.get(reverse("activite:tbp_detail"), params)  # first request: session, parameters version 1 created
    assert_constant_queries(lambda: client.get(reverse("activite:tbp_detail"), params), add, few=1, many=6)
