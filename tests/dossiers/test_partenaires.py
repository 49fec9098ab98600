"""Partners directory: list (type filter, search), create/edit for editors, intervenants, the youths they work
with (only readable dossiers) — personas, audit, query counts."""

import pytest
from django.urls import reverse

from core.enums import Metier
from core.models import AuditEntry
from core.tenancy import tenant_context
from dossiers.models import DossierPartenaire, Intervenant, Partenaire
from tests import factories
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db
LIST = "/dossiers/partenaires/"


@pytest.fixture
def chef(world):
    return factories.professionnel(world.dispositif, Metier.CHEF_DE_SERVICE, email="chef@a.org")


def test_list_filters_and_searches(world, login_as):
    with tenant_context(world.organisme.pk):
        ecole = factories.PartenaireFactory(organisme=world.organisme, nom="École Jean Jaurès")
        factories.PartenaireFactory(organisme=world.organisme, nom="CMP Nord", type="sanitaire")
        factories.PartenaireFactory(organisme=world.organisme, nom="Ancien club", type="droit_commun", is_active=False)
        Intervenant.objects.create(organisme=world.organisme, partenaire=ecole, nom="Dupuis", prenom="Anne")
    factories.PartenaireFactory(organisme=world.organisme_b, nom="École de B")
    client = login_as(world.educateur)
    html = client.get(LIST).content.decode()
    assert "École Jean Jaurès" in html and "CMP Nord" in html
    assert "Ancien club" not in html and "École de B" not in html
    assert "Nouveau partenaire" not in html  # not an editor
    html = client.get(LIST, {"type": "sanitaire"}).content.decode()
    assert "CMP Nord" in html and "Jean Jaurès" not in html
    html = client.get(LIST, {"q": "dupuis"}).content.decode()
    assert "Jean Jaurès" in html and "CMP Nord" not in html
    assert "Ancien club" in client.get(LIST, {"actif": "non"}).content.decode()
    partial = client.get(LIST, {"q": "CMP"}, headers={"HX-Request": "true"}).content.decode()
    assert "CMP Nord" in partial and "<html" not in partial
    assert login_as(world.proche).get(LIST).status_code == 404
    assert login_as(world.jeune).get(LIST).status_code == 404


def test_list_constant_queries(world, login_as):
    client = login_as(world.educateur)

    def add_rows(n):
        with tenant_context(world.organisme.pk):
            for _ in range(n):
                partenaire = factories.PartenaireFactory(organisme=world.organisme)
                Intervenant.objects.create(organisme=world.organisme, partenaire=partenaire, nom="X")

    assert_constant_queries(lambda: client.get(LIST), add_rows)


def test_editor_creates_and_edits_partner_and_intervenants(world, login_as, chef):
    client = login_as(chef)
    assert "Nouveau partenaire" in client.get(LIST).content.decode()
    response = client.post("/dossiers/partenaires/nouveau/", {"nom": "ASE Haute-Garonne", "type": "protection_enfance",
                                                               "is_active": "on"})  # fmt: skip
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        partenaire = Partenaire.objects.get(nom="ASE Haute-Garonne")
        assert AuditEntry.objects.filter(action="create", record_type="dossiers.partenaire").count() == 1
    url = reverse("dossiers:partenaire_edit", args=[partenaire.pk])
    assert client.post(url, {"nom": "ASE 31", "type": "protection_enfance", "is_active": "on"}).status_code == 302
    response = client.post(reverse("dossiers:intervenant_create", args=[partenaire.pk]),
                           {"nom": "Durand", "prenom": "Marc", "fonction": "Référent ASE"})  # fmt: skip
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        intervenant = Intervenant.objects.get(partenaire=partenaire)
    url = reverse("dossiers:intervenant_edit", args=[intervenant.pk])
    assert (
        client.post(
            url, {"nom": "Durand", "prenom": "Marc", "fonction": "Référent ASE", "telephone": "0561"}
        ).status_code
        == 302
    )
    html = client.get(reverse("dossiers:partenaire_detail", args=[partenaire.pk])).content.decode()
    assert "ASE 31" in html and "Marc Durand" in html and "Référent ASE" in html
    with tenant_context(world.organisme.pk):
        assert AuditEntry.objects.filter(record_type="dossiers.intervenant").count() == 2


def test_duplicate_ref_is_refused_in_french(world, login_as, chef):
    with tenant_context(world.organisme.pk):
        factories.PartenaireFactory(organisme=world.organisme, ref="E1")
    response = login_as(chef).post("/dossiers/partenaires/nouveau/", {"nom": "X", "type": "autre", "ref": "E1"})
    assert response.status_code == 200
    assert "Un autre partenaire de l&#x27;organisme a déjà cette référence externe." in response.content.decode()


def test_non_editors_cannot_write(world, login_as):
    with tenant_context(world.organisme.pk):
        partenaire = factories.PartenaireFactory(organisme=world.organisme)
    other = factories.PartenaireFactory(organisme=world.organisme_b)
    data = {"nom": "X", "type": "autre"}
    for user in (world.educateur, world.lecteur, world.psychologue):
        client = login_as(user)
        assert client.post("/dossiers/partenaires/nouveau/", data).status_code == 403
        assert client.post(reverse("dossiers:partenaire_edit", args=[partenaire.pk]), data).status_code == 403
        assert client.post(reverse("dossiers:intervenant_create", args=[partenaire.pk]), data).status_code == 403
    client = login_as(world.direction)
    assert client.get(reverse("dossiers:partenaire_edit", args=[other.pk])).status_code == 404
    assert client.get(reverse("dossiers:partenaire_detail", args=[other.pk])).status_code == 404
    assert login_as(world.proche).get(reverse("dossiers:partenaire_detail", args=[partenaire.pk])).status_code == 404


def test_detail_lists_only_readable_dossiers(world, login_as):
    with tenant_context(world.organisme.pk):
        ecole = factories.PartenaireFactory(organisme=world.organisme, nom="Collège Rosa Parks")
    ici = factories.dossier_accompagne(world.dispositif, jeune=factories.JeuneFactory(organisme=world.organisme,
                                                                                      prenom="Visible"))  # fmt: skip
    ailleurs = factories.dossier_accompagne(
        world.autre_dispositif, jeune=factories.JeuneFactory(organisme=world.organisme, prenom="Cache")
    )
    with tenant_context(world.organisme.pk):
        for dossier in (ici, ailleurs):
            DossierPartenaire.objects.create(
                organisme=world.organisme, dossier=dossier, partenaire=ecole, role="École"
            )
    url = reverse("dossiers:partenaire_detail", args=[ecole.pk])
    html = login_as(world.educateur).get(url).content.decode()
    assert "Visible" in html and "Cache" not in html
    html = login_as(world.direction).get(url).content.decode()
    assert "Visible" in html and "Cache" in html
    html = login_as(world.admin).get(url).content.decode()  # no clinical content
    assert "Visible" not in html
