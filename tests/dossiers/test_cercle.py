"""Cercle d'accompagnement tab: professionals of the dispositif and partners linked to the dossier."""

import datetime

import pytest
from django.urls import reverse

from core.enums import Metier
from core.models import AuditEntry
from core.tenancy import tenant_context
from dossiers.models import DossierPartenaire, Intervenant, MembreCercle
from tests import factories
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db


def _url(name, dossier, *args):
    return reverse(f"dossiers:{name}", args=[dossier.pk, *args])


def test_cercle_tab_personas(world, login_as):
    dossier = factories.dossier_accompagne(world.dispositif)
    url = _url("cercle", dossier)
    assert login_as(world.educateur).get(url).status_code == 200
    with tenant_context(world.organisme.pk):
        assert AuditEntry.objects.filter(action="read", record_id=str(dossier.pk)).count() == 1
    assert login_as(world.lecteur).get(url).status_code == 200
    assert login_as(world.admin).get(url).status_code == 403
    assert login_as(world.autre_educateur).get(url).status_code == 404
    assert login_as(world.proche).get(url).status_code == 404
    assert login_as(world.lecteur).post(_url("membre_cercle_create", dossier), {}).status_code == 403
    assert login_as(world.autre_educateur).post(_url("dossier_partenaire_create", dossier), {}).status_code == 404


def test_members_come_from_the_dispositif(world, login_as):
    dossier = factories.dossier_accompagne(world.dispositif)
    ailleurs = factories.professionnel(world.autre_dispositif, Metier.PSYCHOLOGUE, last_name="Ailleurs")
    client = login_as(world.educateur)
    html = client.get(_url("membre_cercle_create", dossier)).content.decode()
    assert world.psychologue.get_full_name() in html and "Ailleurs" not in html
    today = datetime.date.today().isoformat()
    response = client.post(_url("membre_cercle_create", dossier),
                           {"professionnel": ailleurs.pk, "role": "Psychologue", "debut": today})  # fmt: skip
    assert response.status_code == 200
    response = client.post(_url("membre_cercle_create", dossier),
                           {"professionnel": world.psychologue.pk, "role": "Psychologue", "debut": today})  # fmt: skip
    assert response.status_code == 302
    response = client.post(_url("membre_cercle_create", dossier),
                           {"professionnel": world.psychologue.pk, "role": "Autre", "debut": today})  # fmt: skip
    assert "fait déjà partie du cercle" in response.content.decode()
    with tenant_context(world.organisme.pk):
        membre = MembreCercle.objects.get(dossier=dossier)
        assert AuditEntry.objects.filter(action="create", record_type="dossiers.membrecercle").count() == 1
    html = client.get(_url("cercle", dossier)).content.decode()
    assert world.psychologue.get_full_name() in html
    assert client.post(_url("membre_cercle_end", dossier, membre.pk), {"fin": today}).status_code == 302
    with tenant_context(world.organisme.pk):
        membre.refresh_from_db()
        assert membre.fin is not None


def test_link_partner_and_intervenant(world, login_as):
    dossier = factories.dossier_accompagne(world.dispositif)
    with tenant_context(world.organisme.pk):
        ase = factories.PartenaireFactory(organisme=world.organisme, nom="ASE 31", type="protection_enfance")
        cmp = factories.PartenaireFactory(organisme=world.organisme, nom="CMP", type="sanitaire")
        referente = Intervenant.objects.create(organisme=world.organisme, partenaire=ase, nom="Roux", prenom="Inès")
    client = login_as(world.educateur)
    data = {"partenaire": cmp.pk, "intervenant": referente.pk, "role": "Référente ASE", "debut": "2025-10-01"}
    response = client.post(_url("dossier_partenaire_create", dossier), data)
    assert "Cet intervenant ne travaille pas chez ce partenaire." in response.content.decode()
    assert client.post(_url("dossier_partenaire_create", dossier), {**data, "partenaire": ase.pk}).status_code == 302
    html = client.get(_url("cercle", dossier)).content.decode()
    assert "ASE 31" in html and "Inès Roux" in html and "Référente ASE" in html
    with tenant_context(world.organisme.pk):
        lien = DossierPartenaire.objects.get(dossier=dossier)
    response = client.post(_url("dossier_partenaire_end", dossier, lien.pk), {"fin": "2025-09-01"})
    assert "La fin ne peut pas précéder le début." in response.content.decode()
    assert client.post(_url("dossier_partenaire_end", dossier, lien.pk), {"fin": "2025-12-01"}).status_code == 302
    html = client.get(_url("cercle", dossier)).content.decode()
    assert "Historique du cercle" in html


def test_cercle_constant_queries(world, login_as):
    dossier = factories.dossier_accompagne(world.dispositif)
    client = login_as(world.educateur)

    def add_rows(n):
        with tenant_context(world.organisme.pk):
            for _ in range(n):
                partenaire = factories.PartenaireFactory(organisme=world.organisme)
                intervenant = Intervenant.objects.create(organisme=world.organisme, partenaire=partenaire, nom="X")
                DossierPartenaire.objects.create(organisme=world.organisme, dossier=dossier, partenaire=partenaire,
                                                 intervenant=intervenant)  # fmt: skip
                user = factories.professionnel(world.dispositif)
                MembreCercle.objects.create(organisme=world.organisme, dossier=dossier, professionnel=user, role="R")

    assert_constant_queries(lambda: client.get(_url("cercle", dossier)), add_rows)
