"""Agenda administration: natures (SERAFIN code from the reference), resources with their bookings, closures —
personas (chef de service and direction manage; educators read; lecteur 403; other organisme 404; family 404),
audit rows, constant query counts."""

import datetime

import pytest
from django.urls import reverse

from agendas.models import Fermeture, Nature, Ressource
from agendas.services.evenements import evenement_create
from agendas.services.natures import natures_par_defaut
from core.enums import Metier
from core.models import AuditEntry
from core.tenancy import tenant_context
from tests import factories
from tests.agendas.conftest import at
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def chef(world):
    return factories.professionnel(world.dispositif, Metier.CHEF_DE_SERVICE, email="chef@a.org")


def nature_data(**kwargs):
    data = {"code": "atelier_cuisine", "libelle": "Atelier cuisine", "cadre": "direct", "serafin_code": "2.2.2",
            "visible_famille": "on", "is_active": "on"}  # fmt: skip
    data.update(kwargs)
    return data


# --- natures ----------------------------------------------------------------------------------------------------


def test_chef_creates_default_list_then_a_nature_and_edits_it(world, login_as, chef):
    client = login_as(chef)
    d = world.dispositif
    html = client.get(reverse("agendas:nature_list", args=[d.pk])).content.decode()
    assert "Aucune nature" in html and "Nouvelle nature" in html
    assert client.post(reverse("agendas:natures_defaut", args=[d.pk])).status_code == 302
    html = client.get(reverse("agendas:nature_list", args=[d.pk])).content.decode()
    assert "Réunion de synthèse" in html and "discrète" in html
    form = client.get(reverse("agendas:nature_create", args=[d.pk])).content.decode()
    assert 'list="serafin-prestations"' in form and '<option value="2.2.2">' in form
    response = client.post(reverse("agendas:nature_create", args=[d.pk]), nature_data())
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        nature = Nature.objects.get(dispositif=d, code="atelier_cuisine")
        assert (nature.cadre, nature.serafin_code, nature.visible_famille) == ("direct", "2.2.2", True)
        assert AuditEntry.objects.filter(record_type="agendas.nature", record_id=str(nature.pk),
                                         action="create").exists()  # fmt: skip
    # Editing: the code cannot change; discrete forces not visible to families.
    url = reverse("agendas:nature_edit", args=[nature.pk])
    data = nature_data(code="autre", libelle="Atelier cuisine du mardi", discrete="on",
                       serafin_code="2.2.2 — Accompagnements pour exercer ses rôles")  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    with tenant_context(world.organisme.pk):
        nature.refresh_from_db()
        assert (nature.code, nature.libelle, nature.discrete, nature.visible_famille) == (
            "atelier_cuisine", "Atelier cuisine du mardi", True, False,
        )  # fmt: skip


def test_nature_form_errors_are_french_and_nothing_written(world, login_as, chef):
    client = login_as(chef)
    url = reverse("agendas:nature_create", args=[world.dispositif.pk])
    response = client.post(url, nature_data(serafin_code="9.9.9"))
    assert response.status_code == 422
    assert "Choisissez un code de prestation SERAFIN-PH" in response.content.decode()
    # A besoin code (1.1) is not a prestation.
    assert client.post(url, nature_data(serafin_code="1.1")).status_code == 422
    client.post(reverse("agendas:natures_defaut", args=[world.dispositif.pk]))
    response = client.post(url, nature_data(code="seance_soin"))
    assert response.status_code == 422 and "existe déjà" in response.content.decode()
    with tenant_context(world.organisme.pk):
        assert not Nature.objects.filter(code="atelier_cuisine").exists()


def test_natures_personas(world, login_as, chef):
    d = world.dispositif
    with tenant_context(world.organisme.pk):
        natures_par_defaut(dispositif=d)
        nature = Nature.objects.filter(dispositif=d).first()
    lst, create = reverse("agendas:nature_list", args=[d.pk]), reverse("agendas:nature_create", args=[d.pk])
    edit = reverse("agendas:nature_edit", args=[nature.pk])
    client = login_as(world.educateur)
    html = client.get(lst).content.decode()
    assert "Séance de soin" in html and "Nouvelle nature" not in html
    assert client.get(create).status_code == 403
    assert client.post(create, nature_data()).status_code == 403
    assert client.post(edit, nature_data()).status_code == 403
    assert login_as(world.lecteur).post(create, nature_data()).status_code == 403
    assert login_as(world.direction).get(create).status_code == 200
    assert login_as(world.admin).get(create).status_code == 200  # configuration of the organisme
    other = login_as(world.autre_educateur)
    assert other.get(lst).status_code == 404
    assert other.get(edit).status_code == 404
    assert login_as(world.proche).get(lst).status_code == 404
    assert login_as(world.jeune).get(edit).status_code == 404
    # A chef de service of A1 does not manage A2.
    assert login_as(chef).get(reverse("agendas:nature_create", args=[world.autre_dispositif.pk])).status_code == 403


def test_nature_list_constant_queries(world, login_as):
    client = login_as(world.educateur)
    url = reverse("agendas:nature_list", args=[world.dispositif.pk])
    counter = iter(range(1000))

    def add_rows(n):
        with tenant_context(world.organisme.pk):
            for _ in range(n):
                i = next(counter)
                Nature.objects.create(
                    organisme=world.organisme, dispositif=world.dispositif, code=f"n{i}", libelle=f"Nature {i}",
                    cadre="direct", serafin_code=f"2.2.{i % 3 + 1}",
                )  # fmt: skip

    assert_constant_queries(lambda: client.get(url), add_rows)


# --- resources --------------------------------------------------------------------------------------------------


def test_chef_manages_resources_and_sees_their_bookings(agenda, login_as, chef):
    w = agenda
    client = login_as(chef)
    d = w.dispositif
    response = client.post(reverse("agendas:ressource_create", args=[d.pk]),
                           {"type": "vehicule", "nom": "Kangoo 1", "site": w.site.pk, "capacite": 5})  # fmt: skip
    assert response.status_code == 302
    ressource = Ressource.objects.get(nom="Kangoo 1")
    assert ressource.site == w.site and ressource.is_active
    assert AuditEntry.objects.filter(record_type="agendas.ressource", action="create").count() == 1
    other_site = factories.SiteFactory(dispositif=w.autre_dispositif)
    response = client.post(reverse("agendas:ressource_edit", args=[ressource.pk]),
                           {"type": "vehicule", "nom": "Kangoo 1", "site": other_site.pk})  # fmt: skip
    assert response.status_code == 422  # site of another dispositif: not a choice
    evenement_create(
        dispositif=d, nature=w.natures["transport"], debut=at(2026, 3, 3, 8), fin=at(2026, 3, 3, 9), actor=w.educateur,
        jeunes=[w.jeune1], professionnels=[w.educateur], ressources=[ressource], modalite="accueil_de_jour",
        titre="Trajet école",
    )  # fmt: skip
    html = client.get(reverse("agendas:ressource_reservations", args=[ressource.pk]), {"semaine": "2026-03-04"})
    html = html.content.decode()
    assert "Trajet école" in html and w.educateur.get_full_name() in html
    assert f"/agendas/?ressource={ressource.pk}&amp;date=2026-03-02" in html  # the week grid of the screens
    assert w.jeune1.prenom not in html  # no youth names on a booking list
    html = client.get(reverse("agendas:ressource_reservations", args=[ressource.pk]), {"semaine": "2026-03-10"})
    assert "Aucune réservation" in html.content.decode()
    assert client.post(reverse("agendas:ressource_toggle", args=[ressource.pk])).status_code == 302
    ressource.refresh_from_db()
    assert not ressource.is_active
    assert "désactivée" in client.get(reverse("agendas:ressource_list", args=[d.pk])).content.decode()


def test_resources_personas(agenda, login_as):
    w = agenda
    ressource = Ressource.objects.create(organisme=w.organisme, dispositif=w.dispositif, type="salle", nom="Salle 1")
    lst = reverse("agendas:ressource_list", args=[w.dispositif.pk])
    toggle = reverse("agendas:ressource_toggle", args=[ressource.pk])
    client = login_as(w.educateur)
    assert "Salle 1" in client.get(lst).content.decode()
    assert client.get(reverse("agendas:ressource_reservations", args=[ressource.pk])).status_code == 200
    assert client.post(toggle).status_code == 403
    assert client.get(toggle).status_code == 405
    assert login_as(w.lecteur).post(reverse("agendas:ressource_create", args=[w.dispositif.pk]), {}).status_code == 403
    assert login_as(w.autre_educateur).get(reverse("agendas:ressource_edit", args=[ressource.pk])).status_code == 404
    assert login_as(w.proche).get(lst).status_code == 404


def test_resource_lists_constant_queries(agenda, login_as):
    w = agenda
    client = login_as(w.educateur)
    salle = Ressource.objects.create(organisme=w.organisme, dispositif=w.dispositif, type="salle", nom="Salle")
    counter = iter(range(1000))

    def add_resources(n):
        for _ in range(n):
            Ressource.objects.create(organisme=w.organisme, dispositif=w.dispositif, type="salle", site=w.site,
                                     nom=f"Salle {next(counter)}")  # fmt: skip

    assert_constant_queries(lambda: client.get(reverse("agendas:ressource_list", args=[w.dispositif.pk])),
                            add_resources)  # fmt: skip

    def add_bookings(n):
        for _ in range(n):
            i = next(counter)
            pro = factories.professionnel(w.dispositif)
            evenement_create(
                dispositif=w.dispositif, nature=w.natures["reunion_equipe"], debut=at(2026, 3, 2, 8) +
                datetime.timedelta(minutes=i), fin=at(2026, 3, 2, 9), actor=w.educateur, professionnels=[pro],
                ressources=[salle],
            )  # fmt: skip

    url = reverse("agendas:ressource_reservations", args=[salle.pk])
    assert_constant_queries(lambda: client.get(url, {"semaine": "2026-03-02"}), add_bookings)


# --- closures ---------------------------------------------------------------------------------------------------


def test_closures_create_edit_delete(world, login_as, chef):
    client = login_as(chef)
    d = world.dispositif
    url = reverse("agendas:fermeture_create", args=[d.pk])
    response = client.post(url, {"libelle": "Vacances d'hiver", "debut": "2027-02-13", "fin": "2027-02-01"})
    assert response.status_code == 422 and "Le dernier jour" in response.content.decode()
    data = {"libelle": "Vacances d'hiver", "debut": "2027-02-13", "fin": "2027-03-01"}
    assert client.post(url, data).status_code == 302
    with tenant_context(world.organisme.pk):
        fermeture = Fermeture.objects.get(dispositif=d)
    html = client.get(reverse("agendas:fermeture_list", args=[d.pk])).content.decode()
    assert "Vacances d&#x27;hiver" in html
    data = {"libelle": "Vacances d'hiver (zone C)", "debut": "2027-02-13", "fin": "2027-02-28"}
    response = client.post(reverse("agendas:fermeture_edit", args=[fermeture.pk]), data)
    assert response.status_code == 302
    assert login_as(world.educateur).post(reverse("agendas:fermeture_delete", args=[fermeture.pk])).status_code == 403
    assert (
        login_as(world.autre_educateur).post(reverse("agendas:fermeture_delete", args=[fermeture.pk])).status_code
        == 404
    )
    client = login_as(chef)
    assert client.post(reverse("agendas:fermeture_delete", args=[fermeture.pk])).status_code == 302
    with tenant_context(world.organisme.pk):
        assert not Fermeture.objects.exists()
        actions = list(AuditEntry.objects.filter(record_type="agendas.fermeture").values_list("action", flat=True))
        assert sorted(actions) == ["create", "delete", "update"]


def test_closures_list_hides_old_ones_and_constant_queries(world, login_as):
    client = login_as(world.educateur)
    url = reverse("agendas:fermeture_list", args=[world.dispositif.pk])
    with tenant_context(world.organisme.pk):
        Fermeture.objects.create(organisme=world.organisme, dispositif=world.dispositif, libelle="Très ancienne",
                                 debut=datetime.date(2020, 1, 1), fin=datetime.date(2020, 1, 2))  # fmt: skip
    assert "Très ancienne" not in client.get(url).content.decode()
    assert "Très ancienne" in client.get(url, {"passees": "1"}).content.decode()
    counter = iter(range(1000))

    def add_rows(n):
        with tenant_context(world.organisme.pk):
            for _ in range(n):
                day = datetime.date(2030, 1, 1) + datetime.timedelta(days=next(counter))
                Fermeture.objects.create(organisme=world.organisme, dispositif=world.dispositif, libelle="F",
                                         debut=day, fin=day)  # fmt: skip

    assert_constant_queries(lambda: client.get(url), add_rows)


def test_index_redirects_to_the_only_dispositif(world, login_as):
    response = login_as(world.educateur).get(reverse("agendas:gestion"))
    assert response.status_code == 302 and response.url == reverse("agendas:nature_list", args=[world.dispositif.pk])
    html = login_as(world.direction).get(reverse("agendas:gestion")).content.decode()
    assert "DITEP Les Pins" in html and "DITEP La Source" in html
    assert login_as(world.proche).get(reverse("agendas:gestion")).status_code == 404
