"""The parcours tab and the lifecycle steps in the browser (forms, POST-only thin views): each step offered only when
possible, audited, French errors with nothing written, personas; the new youth page; the cartographie du parcours."""

import datetime

import pytest
from django.urls import reverse

from core.models import AuditEntry
from core.tenancy import tenant_context
from dossiers.enums import StatutParcours
from dossiers.models import ChangementModalite, Dossier, Jeune, NotificationMdph, PeriodeScolaire
from dossiers.services import parcours as svc
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date
NOUVEAU = reverse("dossiers:nouveau")


def url(name, dossier):
    return reverse(f"dossiers:{name}", args=[dossier.pk])


def reload(world, dossier):
    with tenant_context(world.organisme.pk):
        return Dossier.objects.get(pk=dossier.pk)


def steps(world, dossier):
    with tenant_context(world.organisme.pk):
        return list(
            AuditEntry.objects.filter(record_type="dossiers.dossier", record_id=str(dossier.pk), action="update")
            .order_by("at", "id")
            .values_list("details__etape", flat=True)
        )


NEW_YOUTH = {
    "nom_naissance": "Lefèvre", "prenom": "Jade", "date_naissance": "2014-03-04", "sexe": "F",
    "origine": "orientation_mdph", "debut": "2025-09-01", "date_orientation": "2025-06-15",
    "modalites_demandees": ["accueil_de_jour"], "priorite": "haute", "prochaine_etape": "Visite",
}  # fmt: skip


def test_full_lifecycle_through_the_views(world, client, login_as):
    login_as(world.educateur)
    assert client.get(NOUVEAU).status_code == 200
    response = client.post(NOUVEAU, {**NEW_YOUTH, "dispositif": world.dispositif.pk, "site": world.site.pk})
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        dossier = Dossier.objects.get(jeune__nom_naissance="Lefèvre")
        assert dossier.statut == StatutParcours.PRE_ADMISSION and dossier.priorite == "haute"
        assert dossier.parcours.get().origine == "orientation_mdph"
    assert response["Location"] == url("dossier", dossier)

    page = client.get(url("parcours", dossier)).content.decode()
    assert url("parcours_admission", dossier) in page and url("parcours_cloture", dossier) in page
    assert url("parcours_sortie", dossier) not in page and url("parcours_archivage", dossier) not in page

    response = client.post(
        url("parcours_admission", dossier), {"date_admission": "2025-10-01", "modalites": ["internat"]}
    )
    assert response.status_code == 302
    assert reload(world, dossier).statut == StatutParcours.ACCOMPAGNE
    page = client.get(url("parcours", dossier)).content.decode()
    assert url("parcours_sortie", dossier) in page and url("parcours_admission", dossier) not in page

    data = {"date_sortie": "2026-01-31", "motif_sortie": "retour_milieu_ordinaire", "destination": "Collège",
            "suivi_post_sortie": "oui"}  # fmt: skip
    assert client.post(url("parcours_sortie", dossier), data).status_code == 302
    assert reload(world, dossier).statut == StatutParcours.SUIVI_POST_SORTIE
    assert client.post(url("parcours_fin_suivi", dossier), {"date": "2026-02-10"}).status_code == 302
    page = client.get(url("parcours", dossier)).content.decode()
    assert url("parcours_archivage", dossier) in page
    response = client.post(url("parcours_archivage", dossier), {})
    assert response.status_code == 422 and "Cochez la case pour confirmer" in response.content.decode()
    assert client.post(url("parcours_archivage", dossier), {"confirmation": "on"}).status_code == 302
    assert reload(world, dossier).is_archived
    assert steps(world, dossier) == ["admission", "sortie", "fin_suivi", "archivage"]
    page = client.get(url("parcours", dossier)).content.decode()
    assert "Étapes possibles" not in page
    assert client.post(url("parcours_ponctuel", dossier), {"debut": "2027-01-01"}).status_code == 403


def test_refusal_and_ponctuel(world, client, login_as):
    dossier = factories.dossier_en_pre_admission(world.dispositif, debut=D(2025, 9, 1))
    login_as(world.educateur)
    response = client.post(url("parcours_cloture", dossier), {"date": "2025-09-20", "issue": "refus"})
    assert response.status_code == 302
    assert reload(world, dossier).statut == ""
    response = client.post(url("parcours_ponctuel", dossier), {"debut": "2025-09-10", "fin": "2025-10-10"})
    assert response.status_code == 422  # overlaps the pre-admission
    assert "chevauche" in response.content.decode()
    assert (
        client.post(url("parcours_ponctuel", dossier), {"debut": "2025-11-01", "fin": "2025-11-30"}).status_code == 302
    )
    assert steps(world, dossier) == ["pre_admission_refus", "ponctuel"]


def test_step_not_possible_is_refused(world, client, login_as):
    dossier = factories.dossier_en_pre_admission(world.dispositif)
    login_as(world.educateur)
    response = client.post(url("parcours_sortie", dossier), {"date_sortie": "2025-10-01", "motif_sortie": "autre"})
    assert response.status_code == 302
    assert steps(world, dossier) == []
    response = client.get(url("parcours", dossier))
    assert "pas possible" in response.content.decode()


def test_step_french_errors_nothing_written(world, client, login_as):
    dossier = factories.dossier_en_pre_admission(world.dispositif, debut=D(2025, 9, 1))
    login_as(world.educateur)
    response = client.post(url("parcours_admission", dossier), {"date_admission": "2025-10-01"})
    assert response.status_code == 422
    assert "Choisissez au moins une modalité" in response.content.decode()
    response = client.post(
        url("parcours_admission", dossier), {"date_admission": "2025-08-01", "modalites": ["internat"]}
    )
    assert response.status_code == 422
    assert "L&#x27;admission doit suivre le début de la pré-admission" in response.content.decode()
    assert reload(world, dossier).statut == StatutParcours.PRE_ADMISSION
    assert steps(world, dossier) == []


STEP_URLS = ["parcours_admission", "parcours_cloture", "parcours_sortie", "parcours_fin_suivi", "parcours_ponctuel",
             "parcours_archivage"]  # fmt: skip


@pytest.mark.parametrize("name", STEP_URLS)
def test_steps_personas(world, client, login_as, name):
    dossier = factories.dossier_en_pre_admission(world.dispositif)
    for user, status in ((world.lecteur, 403), (world.admin, 403), (world.autre_educateur, 404), (world.proche, 404)):
        client.logout()
        assert login_as(user).post(url(name, dossier), {}).status_code == status, user
    client.logout()
    assert login_as(world.educateur).get(url(name, dossier)).status_code == 405


def test_lecteur_sees_no_step_forms(world, login_as):
    dossier = factories.dossier_en_pre_admission(world.dispositif)
    page = login_as(world.lecteur).get(url("parcours", dossier)).content.decode()
    assert "Étapes possibles" not in page and "Cartographie du parcours" in page


def test_parcours_tab_is_audited(world, login_as):
    dossier = factories.dossier_en_pre_admission(world.dispositif)
    login_as(world.psychologue).get(url("parcours", dossier))
    with tenant_context(world.organisme.pk):
        assert (
            AuditEntry.objects.filter(action="read", record_id=str(dossier.pk), actor=world.psychologue).count() == 1
        )


# --- New youth -------------------------------------------------------------------------------------------------


def test_nouveau_personas_and_errors(world, client, login_as):
    for user, status in ((world.lecteur, 403), (world.admin, 403), (world.proche, 404), (world.direction, 200)):
        client.logout()
        assert login_as(user).get(NOUVEAU).status_code == status, user
    client.logout()
    login_as(world.educateur)
    # A dispositif the educateur does not write in, and a site of another dispositif: French errors, nothing written.
    response = client.post(NOUVEAU, {**NEW_YOUTH, "dispositif": world.autre_dispositif.pk})
    assert response.status_code == 422 and "Sélectionnez un choix valide" in response.content.decode()
    response = client.post(NOUVEAU, {**NEW_YOUTH, "dispositif": world.dispositif.pk, "date_naissance": "2090-01-01"})
    assert "ne peut pas être dans le futur" in response.content.decode()
    # The direction writes in every dispositif: a site of another dispositif than the one chosen is refused.
    other_site = factories.SiteFactory(dispositif=world.autre_dispositif)
    client.logout()
    login_as(world.direction)
    response = client.post(NOUVEAU, {**NEW_YOUTH, "dispositif": world.dispositif.pk, "site": other_site.pk})
    assert "Ce site n&#x27;appartient pas au dispositif choisi" in response.content.decode()
    with tenant_context(world.organisme.pk):
        assert not Jeune.objects.exists()


# --- Cartographie ----------------------------------------------------------------------------------------------


def test_parcours_map_svg_and_table(world, login_as):
    dossier = factories.dossier_accompagne(world.dispositif, admission=D(2025, 10, 1), modalites=["accueil_de_jour"])
    with tenant_context(world.organisme.pk):
        jeune = Jeune.objects.get(pk=dossier.jeune_id)
        ChangementModalite.objects.create(
            organisme=world.organisme, dossier=dossier, date=D(2026, 1, 5), modalites_avant=["accueil_de_jour"],
            modalites_apres=["internat"], accord_de="Mère", accord_le=D(2026, 1, 2), accord_mode="ecrit",
        )  # fmt: skip
        PeriodeScolaire.objects.create(
            organisme=world.organisme, jeune=jeune, debut=D(2025, 9, 1), type_enseignement="13"
        )
        NotificationMdph.objects.create(
            organisme=world.organisme, jeune=jeune, date_decision=D(2025, 6, 1), date_debut=D(2025, 7, 1),
            date_fin=D(2027, 6, 30),
        )  # fmt: skip
    page = login_as(world.educateur).get(url("parcours", dossier)).content.decode()
    assert "<svg" in page and 'role="img"' in page and "<script" not in page.split("<main")[1]
    assert "style=" not in page.split("<main")[1]  # CSP: no style attributes
    assert "Pré-admission" in page and "Accompagné" in page
    assert "Unité d&#x27;enseignement du DITEP" in page
    assert "Orientation vers le dispositif ITEP" in page
    assert "Changement de modalités le 05/01/2026 : Internat" in page
    assert "<summary>Détail de la cartographie (tableau)</summary>" in page
    assert ",5" not in page.split("<svg")[1].split("</svg>")[0]  # numbers not localised inside the SVG


def test_parcours_map_queries_do_not_grow(world, login_as):
    from tests.helpers import assert_constant_queries

    dossier = factories.dossier_accompagne(world.dispositif, admission=D(2025, 10, 1))
    client = login_as(world.educateur)

    def add_rows(n):
        with tenant_context(world.organisme.pk):
            jeune = Jeune.objects.get(pk=dossier.jeune_id)
            for i in range(n):
                PeriodeScolaire.objects.create(
                    organisme=world.organisme, jeune=jeune, debut=D(2000 + i, 9, 1), fin=D(2000 + i, 12, 1)
                )
                svc.dossier_update(dossier=dossier, actor=None, prochaine_etape=f"x{i}")

    assert_constant_queries(lambda: client.get(url("parcours", dossier)), add_rows, few=1, many=20)
