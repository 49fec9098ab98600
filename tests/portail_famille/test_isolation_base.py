"""Isolation of every portal page of the accounts-and-reading part: a proche of youth A gets 404 for anything of
youth B (same organisme) and C (other organisme); suspended and revoked accesses are refused; professionals get 404
on the portal; portal accounts get 404 on staff pages and are refused by the staff API."""

import pytest
from django.urls import reverse

from tests.fixtures import login

PAGES_JEUNE = ("semaine", "plan", "documents", "absences", "journal")
PAGES_COMPTE = ("accueil", "plus", "compte")


def url(name, jeune):
    return reverse(f"portail:{name}", kwargs={"jeune_id": jeune.pk})


@pytest.mark.parametrize("name", PAGES_JEUNE)
def test_parent_reads_own_youth(client, pw, name):
    login(client, pw.mere)
    assert client.get(url(name, pw.jeune_a)).status_code == 200


@pytest.mark.parametrize("name", PAGES_JEUNE)
def test_other_youth_same_and_other_organisme_404(client, pw, name):
    login(client, pw.mere)
    assert client.get(url(name, pw.jeune_b)).status_code == 404
    assert client.get(url(name, pw.jeune_c)).status_code == 404
    login(client, pw.parent_c)
    assert client.get(url(name, pw.jeune_a)).status_code == 404
    assert client.get(url(name, pw.jeune_c)).status_code == 200


@pytest.mark.parametrize("name", PAGES_JEUNE)
def test_suspended_and_revoked_refused(client, pw, name):
    for user in (pw.suspendu, pw.revoque):
        login(client, user)
        assert client.get(url(name, pw.jeune_a)).status_code == 404


def test_suspended_account_home_shows_no_youth(client, pw):
    login(client, pw.suspendu)
    response = client.get(reverse("portail:accueil"))
    assert response.status_code == 200
    assert pw.jeune_a.prenom not in response.content.decode()


@pytest.mark.parametrize("name", PAGES_JEUNE)
def test_professional_gets_404_on_portal(client, pw, name):
    login(client, pw.educateur)
    assert client.get(url(name, pw.jeune_a)).status_code == 404


@pytest.mark.parametrize("name", PAGES_COMPTE)
def test_professional_gets_404_on_portal_account_pages(client, pw, name):
    login(client, pw.educateur)
    assert client.get(reverse(f"portail:{name}")).status_code == 404


def test_anonymous_sent_to_portal_login(client, pw):
    response = client.get(url("semaine", pw.jeune_a))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portail:login"))


def test_portal_account_gets_404_on_staff_pages_and_api(client, pw):
    login(client, pw.mere)
    dossier = pw.dossier_a
    for staff_url in (
        reverse("dossiers:dossier", args=[dossier.pk]),
        reverse("familles:portail", args=[dossier.pk]),
        reverse("familles:inviter", args=[dossier.pk]) + "?jeune=1",
        reverse("agendas:absence_list"),
    ):
        assert client.get(staff_url).status_code == 404, staff_url
    assert client.get("/api/v1/dossiers/").status_code in (401, 403, 404)


def test_right_not_granted_is_404(client, pw):
    from core.tenancy import tenant_context

    with tenant_context(pw.organisme.pk):
        pw.acces_pere.voir_agenda = False
        pw.acces_pere.voir_journal = False
        pw.acces_pere.save()
    login(client, pw.pere)
    assert client.get(url("semaine", pw.jeune_a)).status_code == 404
    assert client.get(url("journal", pw.jeune_a)).status_code == 404
    assert client.get(url("plan", pw.jeune_a)).status_code == 200
