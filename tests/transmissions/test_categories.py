"""Catégories of the organisme: list, create, edit, deactivate, order; direction, chef de service or
admin_organisme only."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.enums import Metier
from core.models import AuditEntry
from core.tenancy import tenant_context
from tests import factories
from tests.helpers import assert_constant_queries
from transmissions.models import Categorie
from transmissions.services_extras import categorie_create, categorie_deplacer, categorie_update

pytestmark = pytest.mark.django_db
LIST = reverse("transmissions:categorie_list")


def _codes(organisme_id):
    with tenant_context(organisme_id):
        qs = Categorie.objects.filter(organisme_id=organisme_id).order_by("ordre", "pk")
        return list(qs.values_list("code", flat=True))


def test_list_and_create_by_chef_de_service(tw, login_as):
    chef = factories.professionnel(tw.dispositif, Metier.CHEF_DE_SERVICE)
    client = login_as(chef)
    response = client.get(LIST)
    assert response.status_code == 200
    assert "Vie quotidienne" in response.content.decode()
    response = client.post(LIST, {"libelle": "Sortie éducative", "ordre": ""})
    assert response.status_code == 302
    assert _codes(tw.organisme.pk)[-1] == "sortie_educative"
    response = client.post(LIST, {"libelle": "sortie éducative"})
    assert response.status_code == 400
    assert "Une catégorie porte déjà ce libellé." in response.content.decode()
    with tenant_context(tw.organisme.pk):
        assert AuditEntry.objects.filter(record_type="transmissions.categorie", action="create").count() == 1


@pytest.mark.parametrize("persona", ["direction", "admin"])
def test_direction_and_admin_manage(tw, login_as, persona):
    response = login_as(getattr(tw, persona)).get(LIST)
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["educateur", "lecteur", "psychologue"])
def test_others_forbidden(tw, login_as, persona):
    client = login_as(getattr(tw, persona))
    assert client.get(LIST).status_code == 403
    assert client.post(LIST, {"libelle": "x"}).status_code == 403
    categorie = tw.categories["sante"]
    assert client.post(reverse("transmissions:categorie_activer", args=[categorie.pk])).status_code == 403


@pytest.mark.parametrize("persona", ["proche", "jeune"])
def test_portal_accounts_get_404(tw, login_as, persona):
    assert login_as(getattr(tw.w, persona)).get(LIST).status_code == 404


def test_other_organisme_gets_404(tw, login_as):
    direction_b = factories.professionnel(tw.dispositif_b, Metier.CHEF_DE_SERVICE)
    categorie = tw.categories["sante"]
    client = login_as(direction_b)
    assert client.get(reverse("transmissions:categorie_edit", args=[categorie.pk])).status_code == 404
    assert client.post(reverse("transmissions:categorie_activer", args=[categorie.pk])).status_code == 404


def test_edit_deactivate_and_order(tw, login_as):
    client = login_as(tw.direction)
    sante = tw.categories["sante"]
    url = reverse("transmissions:categorie_edit", args=[sante.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"libelle": "Santé et soins", "ordre": "5", "is_active": "on"})
    assert response.status_code == 302
    response = client.post(reverse("transmissions:categorie_activer", args=[sante.pk]))
    assert response.status_code == 302
    with tenant_context(tw.organisme.pk):
        sante.refresh_from_db()
    assert (sante.libelle, sante.ordre, sante.is_active, sante.code) == ("Santé et soins", 5, False, "sante")
    before = _codes(tw.organisme.pk)
    client.post(reverse("transmissions:categorie_deplacer", args=[tw.categories["famille"].pk]), {"vers": "haut"})
    after = _codes(tw.organisme.pk)
    index = before.index("famille")
    assert after[index - 1] == "famille" and after[index] == before[index - 1]


def test_services_refuse_last_active_and_non_managers(tw):
    with tenant_context(tw.organisme.pk):
        with pytest.raises(PermissionDenied):
            categorie_create(organisme_id=tw.organisme.pk, libelle="x", actor=tw.educateur)
        cats = list(Categorie.objects.all())
        for c in cats[1:]:
            categorie_update(categorie=c, actor=tw.admin, is_active=False)
        with pytest.raises(ValidationError, match="Au moins une catégorie"):
            categorie_update(categorie=cats[0], actor=tw.admin, is_active=False)
        with pytest.raises(ValidationError):
            categorie_deplacer(categorie=cats[0], actor=tw.admin, vers="gauche")


def test_defaults_restored(tw, login_as):
    client = login_as(tw.admin)
    response = client.post(reverse("transmissions:categorie_defaults"))
    assert response.status_code == 302
    with tenant_context(tw.organisme.pk):
        assert Categorie.objects.count() == 7


def test_list_constant_queries(tw, login_as):
    client = login_as(tw.direction)
    counter = iter(range(1000))

    def add(n):
        with tenant_context(tw.organisme.pk):
            for _ in range(n):
                libelle = f"Catégorie {next(counter)}"
                categorie_create(organisme_id=tw.organisme.pk, libelle=libelle, actor=tw.direction)

    assert_constant_queries(lambda: client.get(LIST), add)
