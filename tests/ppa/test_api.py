"""PPA API: personas (writer, read-only, other organisme, family account), reads with the whole content, writes
through the services (version, avenant, objective, link, review), the due/late list, the schema, constant query
counts."""

import datetime

import pytest
from django.urls import reverse

from core.tenancy import tenant_context
from ppa.enums import StatutPpa
from ppa.models import LienObjectif, Objectif, PpaVersion, Revue
from tests import factories
from tests.helpers import assert_constant_queries
from tests.ppa.conftest_suivi import make_evenement, make_serie, make_version, sw_fixture  # noqa: F401

D = datetime.date
JSON = "application/json"
VERSIONS = reverse("ppa-version-list")
PPAS = reverse("ppa-list")
LIENS = reverse("ppa-lien-list")


@pytest.fixture
def v(sw):
    version = make_version(sw.dossier, objectifs=("Aller au collège", "Se faire des amis"))
    serie = make_serie(sw.dispositif, [sw.jeune])
    with tenant_context(sw.organisme.pk):
        version.o1 = version.objectifs.order_by("ordre").first()
        LienObjectif.objects.create(organisme_id=sw.organisme.pk, objectif=version.o1, serie=serie)
    version.serie = serie
    return version


def test_reads_for_writer_and_lecteur(client, sw, v, login_as):
    for persona in (sw.educateur, sw.lecteur):
        login_as(persona)
        data = client.get(VERSIONS).json()["results"]
        assert [row["id"] for row in data] == [v.pk]
        row = data[0]
        assert row["dossier"] == sw.dossier.pk and row["statut"] == "valide"
        assert [o["titre"] for o in row["objectifs"]] == ["Aller au collège", "Se faire des amis"]
        assert row["objectifs"][0]["liens"][0]["serie"] == v.serie.pk
        assert client.get(reverse("ppa-version-detail", args=[v.pk])).status_code == 200
        ppas = client.get(PPAS).json()["results"]
        assert [p["dossier"] for p in ppas] == [sw.dossier.pk]
        assert client.get(LIENS, {"version": v.pk}).json()["results"][0]["objectif"] == v.o1.pk
        client.logout()


def test_other_organisme_and_family(client, sw, v, login_as):
    login_as(sw.autre_educateur)
    assert client.get(VERSIONS).json()["results"] == []
    assert client.get(reverse("ppa-version-detail", args=[v.pk])).status_code == 404
    assert client.post(reverse("ppa-version-objectifs", args=[v.pk]), {}, content_type=JSON).status_code == 404
    assert client.post(VERSIONS, {"dossier": sw.dossier.pk}, content_type=JSON).status_code == 404
    client.logout()
    for persona in ("proche", "jeune"):
        login_as(getattr(sw.w, persona))
        assert client.get(VERSIONS).status_code == 404
        assert client.get(PPAS).status_code == 404
        client.logout()


def test_lecteur_cannot_write(client, sw, v, login_as):
    login_as(sw.lecteur)
    assert client.post(VERSIONS, {"dossier": sw.dossier2.pk}, content_type=JSON).status_code == 403
    assert client.post(reverse("ppa-version-revues", args=[v.pk]), {}, content_type=JSON).status_code == 403
    lien = client.get(LIENS).json()["results"][0]
    assert client.delete(reverse("ppa-lien-detail", args=[lien["id"]])).status_code == 403
    ev = make_evenement(sw.dispositif, [sw.jeune], debut=D(2026, 3, 2))
    response = client.post(LIENS, {"objectif": v.o1.pk, "evenement": ev.pk}, content_type=JSON)
    assert response.status_code == 403
    with tenant_context(sw.organisme.pk):
        assert PpaVersion.objects.filter(ppa__dossier=sw.dossier2).count() == 0
        assert LienObjectif.objects.count() == 1 and not Revue.objects.exists()


def test_writer_creates_version_objective_links_review(client, sw, v, login_as):
    login_as(sw.educateur)
    response = client.post(VERSIONS, {"dossier": sw.dossier2.pk}, content_type=JSON)
    assert response.status_code == 201, response.content
    nouvelle = response.json()
    assert nouvelle["numero"] == 1 and nouvelle["statut"] == "en_elaboration"
    url = reverse("ppa-version-objectifs", args=[nouvelle["id"]])
    bad = client.post(url, {"titre": "Lire", "besoin_code": "9.9"}, content_type=JSON)
    assert bad.status_code == 400 and "SERAFIN-PH" in str(bad.json())
    response = client.post(url, {"titre": "Lire", "besoin_code": "1.3.3.1", "prestations": ["2.3.3.1"],
                                 "phrase_falc": "Je lis un livre."}, content_type=JSON)  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["phrase_falc"] == "Je lis un livre."
    # A link to the youth's event; then to someone else's: 400 in French.
    ev = make_evenement(sw.dispositif, [sw.jeune], debut=D(2026, 3, 2))
    response = client.post(LIENS, {"objectif": v.o1.pk, "evenement": ev.pk}, content_type=JSON)
    assert response.status_code == 201, response.content
    lien_id = response.json()["id"]
    autre = make_evenement(sw.dispositif, [sw.jeune2], debut=D(2026, 3, 2))
    response = client.post(LIENS, {"objectif": v.o1.pk, "evenement": autre.pk}, content_type=JSON)
    assert response.status_code == 400 and "ne concerne pas" in str(response.json())
    assert client.delete(reverse("ppa-lien-detail", args=[lien_id])).status_code == 204
    # An avenant of the version in force.
    response = client.post(VERSIONS, {"precedente": v.pk, "motif": "Changement d'emploi du temps"}, content_type=JSON)
    assert response.status_code == 201, response.content
    assert response.json()["numero"] == 2 and response.json()["type"] == "avenant"
    # A review of the version in force.
    response = client.post(reverse("ppa-version-revues", args=[v.pk]), {"motif": "demande_famille"},
                           content_type=JSON)  # fmt: skip
    assert response.status_code == 201, response.content
    with tenant_context(sw.organisme.pk):
        assert Objectif.objects.filter(version_id=nouvelle["id"]).count() == 1
        assert not LienObjectif.objects.filter(pk=lien_id).exists()
        assert Revue.objects.get().motif == "demande_famille"


def test_echeances_endpoint(client, sw, v, login_as):
    url = reverse("ppa-echeances")
    login_as(sw.chef)
    rows = client.get(url).json()
    assert [(r["dossier"], r["etat"]) for r in rows][0] == (sw.dossier2.pk, "en_retard")
    assert [r["dossier"] for r in client.get(url, {"etat": "a_jour"}).json()] == [sw.dossier.pk]
    assert client.get(url, {"etat": "x"}).status_code == 400
    client.logout()
    login_as(sw.educateur)
    assert client.get(url).status_code == 403


def test_schema_has_the_ppa_endpoints(client, sw, login_as):
    login_as(sw.educateur)
    paths = client.get(reverse("api-schema"), {"format": "json"}).json()["paths"]
    for path in ("/api/v1/ppa/versions/", "/api/v1/ppa/versions/{id}/objectifs/", "/api/v1/ppa/liens/",
                 "/api/v1/ppa/ppas/echeances/", "/api/v1/ppa/versions/{id}/revues/"):  # fmt: skip
        assert path in paths


def test_version_list_constant_queries(client, sw, login_as):
    login_as(sw.direction)

    def add_rows(n):
        for _ in range(n):
            dossier = factories.dossier_accompagne(sw.dispositif)
            version = make_version(dossier, objectifs=("A", "B"))
            make_version(dossier, statut=StatutPpa.EN_ELABORATION, objectifs=("C",), precedente=version)

    assert_constant_queries(lambda: client.get(VERSIONS).json(), add_rows, few=1, many=5)
