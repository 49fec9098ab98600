"""Adverse events (declaration, list with counts, detail, follow-up and closing by the direction) and the
dossier's signalements tab (situations complexes)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.enums import Metier
from core.models import AuditEntry, Notification
from core.tenancy import tenant_context
from dossiers.models import Dossier, EvenementIndesirable, SituationComplexe
from dossiers.services.signalements import evenement_indesirable_declare
from tests import factories
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(world):
    return factories.dossier_accompagne(
        world.dispositif, jeune=factories.JeuneFactory(organisme=world.organisme, prenom="Noé", nom_naissance="Petit")
    )


def declare(world, dossier=None, **kwargs):
    params = {
        "dispositif": world.dispositif, "actor": world.educateur, "dossier": dossier,
        "survenu_le": timezone.now() - datetime.timedelta(hours=2), "faits": "Chute dans l'escalier.",
        "gravite": "moderee",
    }  # fmt: skip
    params.update(kwargs)
    with tenant_context(world.organisme.pk):
        return evenement_indesirable_declare(**params)


def declare_data(world, dossier=None, **extra):
    data = {
        "dispositif": world.dispositif.pk, "dossier": dossier.pk if dossier else "",
        "survenu_le": (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "lieu": "Cour", "faits": "Bagarre entre deux jeunes.", "personnes_impliquees": "Deux jeunes, un éducateur",
        "mesures_immediates": "Séparation, appel aux parents", "gravite": "grave", "information_ars": "on",
    }  # fmt: skip
    data.update(extra)
    return data


# --- Service -------------------------------------------------------------------------------------------------------


def test_declare_notifies_direction_without_the_youth_name(world, dossier):
    evenement = declare(world, dossier, gravite="grave", information_ars=True)
    with tenant_context(world.organisme.pk):
        notification = Notification.objects.get(recipient=world.direction)
        assert "Noé" not in notification.titre and "Petit" not in notification.titre
        assert "grave" in notification.titre and "ARS" in notification.titre
        assert notification.lien == reverse("dossiers:evenement_detail", args=[evenement.pk])
        assert not Notification.objects.filter(recipient=world.educateur).exists()
        assert AuditEntry.objects.filter(action="create", record_type="dossiers.evenementindesirable").count() == 1


def test_declare_refuses_dossier_of_another_dispositif(world):
    other = factories.dossier_accompagne(world.autre_dispositif)
    with pytest.raises(ValidationError, match="n'appartient pas au dispositif"):
        declare(world, other)
    with tenant_context(world.organisme.pk):
        assert not EvenementIndesirable.objects.exists()


def test_declare_refuses_future_date(world):
    with pytest.raises(ValidationError, match="dans le futur"):
        declare(world, survenu_le=timezone.now() + datetime.timedelta(days=1))


# --- Declaration view ---------------------------------------------------------------------------------------------


def test_declare_view(world, login_as, dossier):
    client = login_as(world.educateur)
    page = client.get(reverse("dossiers:evenement_declare") + f"?dossier={dossier.pk}")
    assert page.status_code == 200
    assert "Petit Noé" in page.content.decode()
    response = client.post(reverse("dossiers:evenement_declare"), declare_data(world, dossier))
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        evenement = EvenementIndesirable.objects.get()
        assert evenement.dossier == dossier and evenement.information_ars and evenement.declare_par == world.educateur


def test_declare_view_french_errors(world, login_as):
    response = login_as(world.educateur).post(
        reverse("dossiers:evenement_declare"), declare_data(world, faits="", dispositif=world.autre_dispositif.pk)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ce champ est obligatoire" in html
    assert "Sélectionnez un choix valide" in html  # a dispositif where the educateur does not write


def test_declare_view_personas(world, login_as, client):
    url = reverse("dossiers:evenement_declare")
    assert login_as(world.lecteur).get(url).status_code == 403  # read-only everywhere
    client.logout()
    assert login_as(world.admin).get(url).status_code == 403
    client.logout()
    assert login_as(world.proche).get(url).status_code == 404
    client.logout()
    response = login_as(world.autre_educateur).post(url, declare_data(world))
    assert response.status_code == 200  # their form does not offer organisme A's dispositif
    with tenant_context(world.organisme.pk):
        assert not EvenementIndesirable.objects.exists()


# --- List and counts --------------------------------------------------------------------------------------------


def test_list_counts_and_period(world, login_as, dossier):
    declare(world, dossier, gravite="grave")
    declare(world, gravite="mineure")
    declare(world, gravite="mineure", survenu_le=timezone.now() - datetime.timedelta(days=800))
    response = login_as(world.lecteur).get(reverse("dossiers:evenement_list"))
    assert response.status_code == 200
    assert response.context["total"] == 2
    assert dict(response.context["par_gravite"]) == {"Mineure": 1, "Modérée": 0, "Grave": 1, "Très grave": 0}
    assert dict(response.context["par_statut"])["Déclaré"] == 2
    assert "Noé Petit" in response.content.decode()
    du = (timezone.localdate() - datetime.timedelta(days=900)).isoformat()
    response = login_as(world.lecteur).get(reverse("dossiers:evenement_list"), {"du": du})
    assert response.context["total"] == 3


def test_list_hides_restricted_youth_and_other_dispositif(world, login_as, dossier):
    declare(world, dossier)
    with tenant_context(world.organisme.pk):
        Dossier.objects.filter(pk=dossier.pk).update(est_restreint=True)
    other = factories.professionnel(world.autre_dispositif, Metier.EDUCATEUR, email="educ2@a.org")
    html = login_as(world.lecteur).get(reverse("dossiers:evenement_list")).content.decode()
    assert "Noé" not in html and "dossier restreint" in html
    login_as(other)
    assert login_as(other).get(reverse("dossiers:evenement_list")).context["total"] == 0


def test_list_personas(world, login_as, client):
    url = reverse("dossiers:evenement_list")
    assert login_as(world.admin).get(url).status_code == 403
    client.logout()
    assert login_as(world.proche).get(url).status_code == 404
    client.logout()
    declare(world)
    assert login_as(world.autre_educateur).get(url).context["total"] == 0


def test_list_query_count_is_constant(world, login_as):
    client = login_as(world.direction)

    def add_rows(n):
        for _ in range(n):
            declare(world, factories.dossier_accompagne(world.dispositif))

    assert_constant_queries(lambda: client.get(reverse("dossiers:evenement_list")), add_rows)


def test_gestion_entry(world, login_as):
    html = login_as(world.educateur).get(reverse("core:gestion")).content.decode()
    assert "Événements indésirables</a>" in html


# --- Detail, follow-up, closing ---------------------------------------------------------------------------------


def test_detail_audited_and_personas(world, login_as, client, dossier):
    evenement = declare(world, dossier)
    url = reverse("dossiers:evenement_detail", args=[evenement.pk])
    response = login_as(world.lecteur).get(url)
    assert response.status_code == 200
    assert "Chute dans l&#x27;escalier" in response.content.decode()
    assert "Clore l" not in response.content.decode()
    with tenant_context(world.organisme.pk):
        reads = AuditEntry.objects.filter(action="read", record_type="dossiers.evenementindesirable")
        assert reads.filter(record_id=str(evenement.pk)).count() == 1
    client.logout()
    assert login_as(world.autre_educateur).get(url).status_code == 404
    client.logout()
    assert login_as(world.admin).get(url).status_code == 403
    client.logout()
    assert login_as(world.proche).get(url).status_code == 404


def test_follow_up_and_close_by_direction(world, login_as, dossier):
    evenement = declare(world, dossier, information_ars=True)
    client = login_as(world.direction)
    assert "Clore l" in client.get(reverse("dossiers:evenement_detail", args=[evenement.pk])).content.decode()
    close_url = reverse("dossiers:evenement_cloturer", args=[evenement.pk])
    response = client.post(close_url, {"conclusion": "Réunion d'équipe faite."})
    assert response.status_code == 400
    assert "signalé à l&#x27;ARS" in response.content.decode()
    response = client.post(
        reverse("dossiers:evenement_suivi", args=[evenement.pk]),
        {"note": "Parents reçus.", "signale_ars_le": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert client.post(close_url, {"conclusion": "Réunion d'équipe faite."}).status_code == 302
    with tenant_context(world.organisme.pk):
        evenement.refresh_from_db()
        assert evenement.statut == "clos" and evenement.cloture_par == world.direction
        assert "Parents reçus." in evenement.suivi and evenement.signale_ars_le == timezone.localdate()
        updates = AuditEntry.objects.filter(record_type="dossiers.evenementindesirable", action="update")
        assert updates.filter(record_id=str(evenement.pk)).count() == 2
    response = client.post(reverse("dossiers:evenement_suivi", args=[evenement.pk]), {"note": "Encore"}, follow=True)
    assert "est clos" in response.content.decode()


def test_follow_up_refused_to_non_direction(world, login_as, client, dossier):
    evenement = declare(world, dossier)
    for user in (world.educateur, world.psychologue):
        client.logout()
        response = login_as(user).post(reverse("dossiers:evenement_suivi", args=[evenement.pk]), {"note": "x"})
        assert response.status_code == 403
        response = login_as(user).post(
            reverse("dossiers:evenement_cloturer", args=[evenement.pk]), {"conclusion": "x"}
        )
        assert response.status_code == 403
    client.logout()
    response = login_as(world.autre_educateur).post(reverse("dossiers:evenement_suivi", args=[evenement.pk]), {})
    assert response.status_code == 404
    with tenant_context(world.organisme.pk):
        evenement.refresh_from_db()
        assert evenement.statut == "declare" and evenement.suivi == ""


# --- Dossier tab: situations complexes --------------------------------------------------------------------------


def test_tab_lists_events_and_situations(world, login_as, dossier):
    declare(world, dossier, gravite="tres_grave")
    with tenant_context(world.organisme.pk):
        SituationComplexe.objects.create(
            organisme=world.organisme, dossier=dossier, debut=datetime.date(2025, 10, 5), motif="Rupture scolaire"
        )
    response = login_as(world.lecteur).get(reverse("dossiers:signalements", args=[dossier.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Très grave" in html and "Rupture scolaire" in html
    assert "Signaler une situation complexe" not in html  # read-only


def test_tab_personas(world, login_as, client, dossier):
    url = reverse("dossiers:signalements", args=[dossier.pk])
    assert login_as(world.autre_educateur).get(url).status_code == 404
    client.logout()
    assert login_as(world.admin).get(url).status_code == 403
    client.logout()
    assert login_as(world.proche).get(url).status_code == 404


def test_add_and_end_situation(world, login_as, dossier):
    client = login_as(world.educateur)
    response = client.post(
        reverse("dossiers:situation_create", args=[dossier.pk]), {"debut": "2025-10-10", "motif": "Hospitalisation"}
    )
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        situation = SituationComplexe.objects.get(dossier=dossier)
        assert situation.created_by == world.educateur
    response = client.post(reverse("dossiers:situation_end", args=[situation.pk]), {"fin": "2025-10-01"}, follow=True)
    assert "ne peut pas précéder" in response.content.decode()
    client.post(reverse("dossiers:situation_end", args=[situation.pk]), {"fin": "2025-11-01"})
    with tenant_context(world.organisme.pk):
        situation.refresh_from_db()
        assert situation.fin == datetime.date(2025, 11, 1)
        assert AuditEntry.objects.filter(record_type="dossiers.situationcomplexe").count() == 2


def test_situation_writes_personas(world, login_as, client, dossier):
    url = reverse("dossiers:situation_create", args=[dossier.pk])
    data = {"debut": "2025-10-10", "motif": "x"}
    assert login_as(world.lecteur).post(url, data).status_code == 403
    client.logout()
    assert login_as(world.autre_educateur).post(url, data).status_code == 404
    client.logout()
    assert login_as(world.proche).post(url, data).status_code == 404
    response = login_as(world.educateur).post(url, {"debut": "", "motif": ""})
    assert response.status_code == 400 and "Ce champ est obligatoire" in response.content.decode()
    with tenant_context(world.organisme.pk):
        assert not SituationComplexe.objects.exists()
