"""The file active list, the name search and the waiting list: personas, filters, sorting, paging, constant queries,
restricted dossiers invisible to non-granted colleagues, another organisme never listed."""

import datetime

import pytest
from django.urls import reverse

from core.models import AuditEntry
from core.tenancy import tenant_context
from dossiers.models import Dossier
from dossiers.services import parcours as svc
from tests import factories
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db
D = datetime.date
LISTE = reverse("dossiers:liste")
RECHERCHE = reverse("dossiers:recherche")
ATTENTE = reverse("dossiers:liste_attente")


def jeune(world, organisme=None, **kwargs):
    return factories.JeuneFactory(organisme=organisme or world.organisme, **kwargs)


def html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- Personas --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LISTE, RECHERCHE + "?q=leo", ATTENTE])
def test_lists_personas(world, client, login_as, url):
    for user in (world.educateur, world.lecteur, world.psychologue, world.direction, world.autre_educateur):
        client.logout()
        assert login_as(user).get(url).status_code == 200, user
    client.logout()
    assert login_as(world.admin).get(url).status_code == 403  # admin_organisme: no clinical content
    for user in (world.proche, world.jeune):
        client.logout()
        assert login_as(user).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # login required


def test_menu_entries_for_clinical_staff_only(world, client, login_as):
    home = reverse("core:home")
    page = html(login_as(world.educateur).get(home))
    assert f'href="{LISTE}"' in page and f'href="{ATTENTE}"' in page
    client.logout()
    page = html(login_as(world.admin).get(home))
    assert f'href="{LISTE}"' not in page


def test_waiting_list_is_the_only_current_menu_entry(world, login_as):
    page = html(login_as(world.educateur).get(ATTENTE))
    assert f'href="{ATTENTE}" aria-current="page"' in page
    assert f'href="{LISTE}" aria-current="page"' not in page


# --- File active -----------------------------------------------------------------------------------------------


def test_list_shows_readable_dossiers_only(world, login_as):
    mine = factories.dossier_accompagne(world.dispositif, jeune=jeune(world, nom_naissance="Visible"))
    factories.dossier_accompagne(world.autre_dispositif, jeune=jeune(world, nom_naissance="Autredispositif"))
    restricted = factories.dossier_accompagne(world.dispositif, jeune=jeune(world, nom_naissance="Restreint"))
    factories.dossier_accompagne(world.dispositif_b, jeune=jeune(world, world.organisme_b, nom_naissance="Horsorg"))
    with tenant_context(world.organisme.pk):
        Dossier.objects.filter(pk=restricted.pk).update(est_restreint=True)
    page = html(login_as(world.educateur).get(LISTE))
    assert "VISIBLE" in page
    assert "RESTREINT" not in page and "AUTREDISPOSITIF" not in page and "HORSORG" not in page
    assert reverse("dossiers:dossier", args=[mine.pk]) in page


def test_direction_sees_restricted_and_every_dispositif(world, login_as):
    restricted = factories.dossier_accompagne(world.dispositif, jeune=jeune(world, nom_naissance="Restreint"))
    factories.dossier_accompagne(world.autre_dispositif, jeune=jeune(world, nom_naissance="Autredispositif"))
    with tenant_context(world.organisme.pk):
        Dossier.objects.filter(pk=restricted.pk).update(est_restreint=True)
    page = html(login_as(world.direction).get(LISTE))
    assert "RESTREINT" in page and "AUTREDISPOSITIF" in page


def test_referent_sees_restricted_dossier(world, login_as):
    restricted = factories.dossier_accompagne(world.dispositif, jeune=jeune(world, nom_naissance="Restreint"))
    with tenant_context(world.organisme.pk):
        Dossier.objects.filter(pk=restricted.pk).update(est_restreint=True, referent=world.educateur)
    assert "RESTREINT" in html(login_as(world.educateur).get(LISTE))


def test_filters_statut_modalite_site_referent_and_archived(world, login_as):
    admis = factories.dossier_accompagne(
        world.dispositif, jeune=jeune(world, nom_naissance="Admis"), modalites=["internat"]
    )
    factories.dossier_en_pre_admission(world.dispositif, jeune=jeune(world, nom_naissance="Attente"))
    archive = factories.dossier_en_pre_admission(world.dispositif, jeune=jeune(world, nom_naissance="Ancien"))
    with tenant_context(world.organisme.pk):
        svc.dossier_close_pre_admission(dossier=archive, date=D(2025, 9, 10), issue="refus", actor=None)
        svc.dossier_archive(dossier=archive, actor=None)
        svc.dossier_update(dossier=admis, actor=None, site=world.site, referent=world.psychologue)
    client = login_as(world.educateur)
    page = html(client.get(LISTE))
    assert "ADMIS" in page and "ATTENTE" in page and "ANCIEN" not in page
    page = html(client.get(LISTE, {"statut": "pre_admission"}))
    assert "ATTENTE" in page and "ADMIS" not in page
    page = html(client.get(LISTE, {"modalite": "internat"}))
    assert "ADMIS" in page and "ATTENTE" not in page
    page = html(client.get(LISTE, {"site": world.site.pk}))
    assert "ADMIS" in page and "ATTENTE" not in page
    page = html(client.get(LISTE, {"referent": world.psychologue.pk}))
    assert "ADMIS" in page and "ATTENTE" not in page
    page = html(client.get(LISTE, {"archives": "on"}))
    assert "ANCIEN" in page
    assert 'class="archive"' in page  # greyed
    page = html(client.get(LISTE, {"archives": "on", "statut": "aucun"}))
    assert "ANCIEN" in page and "ADMIS" not in page


def test_filter_dispositif_and_bad_filter_values(world, login_as):
    factories.dossier_accompagne(world.dispositif, jeune=jeune(world, nom_naissance="Pins"))
    factories.dossier_accompagne(world.autre_dispositif, jeune=jeune(world, nom_naissance="Source"))
    client = login_as(world.direction)
    page = html(client.get(LISTE, {"dispositif": world.autre_dispositif.pk}))
    assert "SOURCE" in page and "PINS" not in page
    # Another organisme's dispositif is not a valid choice: French error, no filtering by it.
    page = html(client.get(LISTE, {"dispositif": world.dispositif_b.pk}))
    assert "Sélectionnez un choix valide" in page


def test_sorting(world, login_as):
    factories.dossier_accompagne(
        world.dispositif, jeune=jeune(world, nom_naissance="Bbb", date_naissance=D(2010, 1, 1)),
        admission=D(2025, 10, 1),
    )  # fmt: skip
    factories.dossier_accompagne(
        world.dispositif, jeune=jeune(world, nom_naissance="Aaa", date_naissance=D(2014, 1, 1)),
        admission=D(2025, 11, 1),
    )  # fmt: skip
    factories.dossier_en_pre_admission(world.dispositif, jeune=jeune(world, nom_naissance="Ccc"))
    client = login_as(world.educateur)

    def order(tri):
        page = html(client.get(LISTE, {"tri": tri}))
        return sorted(["AAA", "BBB", "CCC"], key=page.index)

    assert order("nom") == ["AAA", "BBB", "CCC"]
    assert order("-nom") == ["CCC", "BBB", "AAA"]
    assert order("age") == ["AAA", "CCC", "BBB"]  # youngest first (CCC born in 2013)
    assert order("-age") == ["BBB", "CCC", "AAA"]
    assert order("-admission") == ["AAA", "BBB", "CCC"]  # no admission last
    assert order("admission") == ["BBB", "AAA", "CCC"]
    assert order("statut")[2] == "CCC"  # accompagne before pre_admission


def test_paging_25(world, login_as):
    for _ in range(27):
        factories.dossier_en_pre_admission(world.dispositif)
    client = login_as(world.educateur)
    page = html(client.get(LISTE))
    assert "27 dossiers" in page and "Page 1 sur 2" in page
    assert page.count('href="/dossiers/') >= 25
    page = html(client.get(LISTE, {"page": 2}))
    assert "Page 2 sur 2" in page


def test_htmx_serves_the_partial(world, login_as):
    factories.dossier_en_pre_admission(world.dispositif)
    response = login_as(world.educateur).get(LISTE, headers={"HX-Request": "true"})
    page = html(response)
    assert "<html" not in page and "<table" in page
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("persona", ["educateur", "direction"])
def test_list_constant_queries(world, login_as, persona):
    client = login_as(getattr(world, persona))

    def add_rows(n):
        for _ in range(n):
            dossier = factories.dossier_accompagne(world.dispositif)
            with tenant_context(world.organisme.pk):
                svc.dossier_update(dossier=dossier, actor=None, site=world.site, referent=world.educateur)

    # session, user, tenant setting, access, (granted ids ×2 for non-direction), filter choices ×3, count, page rows
    assert_constant_queries(lambda: html(client.get(LISTE, {"tri": "-admission"})), add_rows, few=1, many=50)


def test_list_is_not_audited_per_row(world, login_as):
    factories.dossier_en_pre_admission(world.dispositif)
    login_as(world.educateur).get(LISTE)
    with tenant_context(world.organisme.pk):
        assert not AuditEntry.objects.filter(action="read", record_type="dossiers.dossier").exists()


# --- Search ----------------------------------------------------------------------------------------------------


def search(client, q, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    return html(client.get(RECHERCHE, {"q": q}, headers=headers))


def test_search_tolerates_accents_and_typos(world, login_as):
    factories.dossier_accompagne(world.dispositif, jeune=jeune(world, prenom="Élodie", nom_naissance="Martin"))
    factories.dossier_accompagne(world.dispositif, jeune=jeune(world, prenom="Jean-Baptiste", nom_naissance="Lefèvre"))
    factories.dossier_accompagne(world.dispositif, jeune=jeune(world, prenom="Zoé", nom_naissance="Dupont"))
    client = login_as(world.educateur)
    page = search(client, "elodie")
    assert "Élodie" in page and "LEFÈVRE" not in page
    page = search(client, "lefevbre")
    assert "LEFÈVRE" in page and "Élodie" not in page and "DUPONT" not in page
    assert "DUPONT" in search(client, "dupond")
    assert "Aucun jeune" in search(client, "xyzw")


def test_search_ranks_best_match_first(world, login_as):
    factories.dossier_accompagne(world.dispositif, jeune=jeune(world, prenom="Lea", nom_naissance="Martineau"))
    factories.dossier_accompagne(world.dispositif, jeune=jeune(world, prenom="Lea", nom_naissance="Martin"))
    page = search(login_as(world.educateur), "martin")
    assert page.index("MARTIN ") < page.index("MARTINEAU")


def test_search_limited_to_readable_dossiers(world, login_as):
    factories.dossier_accompagne(world.dispositif_b, jeune=jeune(world, world.organisme_b, prenom="Élodie"))
    restricted = factories.dossier_accompagne(world.dispositif, jeune=jeune(world, prenom="Élodine"))
    with tenant_context(world.organisme.pk):
        Dossier.objects.filter(pk=restricted.pk).update(est_restreint=True)
    client = login_as(world.educateur)
    page = search(client, "elodie")
    assert "Aucun jeune" in page
    client.logout()
    page = search(login_as(world.direction), "elodie")
    assert "Élodine" in page and reverse("dossiers:dossier", args=[restricted.pk]) in page


def test_search_finds_archived_greyed(world, login_as):
    dossier = factories.dossier_en_pre_admission(world.dispositif, jeune=jeune(world, prenom="Noé"))
    with tenant_context(world.organisme.pk):
        svc.dossier_close_pre_admission(dossier=dossier, date=D(2025, 9, 10), issue="abandon", actor=None)
        svc.dossier_archive(dossier=dossier, actor=None)
    page = search(login_as(world.educateur), "noe", htmx=True)
    assert "<html" not in page
    assert 'class="archive"' in page and "archivé" in page


def test_search_constant_queries(world, login_as):
    client = login_as(world.educateur)

    def add_rows(n):
        for _ in range(n):
            factories.dossier_accompagne(world.dispositif, jeune=jeune(world, prenom="Mathis"))

    assert_constant_queries(lambda: search(client, "mathis"), add_rows, few=1, many=20)


def test_search_empty_query(world, login_as):
    page = search(login_as(world.educateur), "")
    assert "Aucun jeune" not in page


# --- Waiting list ----------------------------------------------------------------------------------------------


def test_waiting_list_order_and_waiting_time(world, login_as):
    factories.dossier_en_pre_admission(
        world.dispositif, jeune=jeune(world, nom_naissance="Normaleancienne"), date_orientation=D(2025, 1, 10),
        modalites_demandees=["internat"],
    )  # fmt: skip
    factories.dossier_en_pre_admission(
        world.dispositif, jeune=jeune(world, nom_naissance="Normalerecente"), date_orientation=D(2025, 6, 1)
    )
    factories.dossier_en_pre_admission(
        world.dispositif, jeune=jeune(world, nom_naissance="Urgente"), priorite="urgente", debut=D(2025, 9, 1)
    )
    factories.dossier_accompagne(world.dispositif, jeune=jeune(world, nom_naissance="Admis"))
    page = html(login_as(world.educateur).get(ATTENTE))
    assert "ADMIS" not in page
    assert page.index("URGENTE") < page.index("NORMALEANCIENNE") < page.index("NORMALERECENTE")
    assert "Internat" in page
    from django.utils import timezone

    assert f"{(timezone.localdate() - D(2025, 1, 10)).days} jours" in page


def test_waiting_list_constant_queries(world, login_as):
    client = login_as(world.educateur)

    def add_rows(n):
        for _ in range(n):
            factories.dossier_en_pre_admission(world.dispositif, date_orientation=D(2025, 5, 1))

    assert_constant_queries(lambda: html(client.get(ATTENTE)), add_rows, few=1, many=50)


def test_prochaine_etape_inline_edit(world, client, login_as):
    dossier = factories.dossier_en_pre_admission(world.dispositif)
    url = reverse("dossiers:prochaine_etape", args=[dossier.pk])
    page = html(login_as(world.educateur).get(ATTENTE))
    assert f'action="{url}"' in page
    response = client.post(url, {"prochaine_etape": "Visite le 3 mars"}, headers={"HX-Request": "true"})
    assert "Enregistré" in html(response)
    response = client.post(url, {"prochaine_etape": "Rencontre famille"})
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        dossier.refresh_from_db()
        assert dossier.prochaine_etape == "Rencontre famille"
        updates = AuditEntry.objects.filter(action="update", record_id=str(dossier.pk))
        assert updates.filter(details__champs=["prochaine_etape"]).count() == 2
    response = client.post(url, {"prochaine_etape": "x" * 301}, headers={"HX-Request": "true"})
    assert "au plus 300 caractères" in html(response)


def test_prochaine_etape_personas(world, client, login_as):
    dossier = factories.dossier_en_pre_admission(world.dispositif)
    url = reverse("dossiers:prochaine_etape", args=[dossier.pk])
    page = html(login_as(world.lecteur).get(ATTENTE))
    assert f'action="{url}"' not in page  # read-only: plain text
    assert client.post(url, {"prochaine_etape": "x"}).status_code == 403
    assert client.get(url).status_code == 405
    for user, status in ((world.autre_educateur, 404), (world.admin, 403), (world.proche, 404)):
        client.logout()
        assert login_as(user).post(url, {"prochaine_etape": "x"}).status_code == status, user
