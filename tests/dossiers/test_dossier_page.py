"""The dossier page (synthèse tab), its layout and its edit forms: personas, audit of every page view, restricted
dossiers (break-the-glass explanation), archived dossiers read-only, contrat de séjour deadlines, French errors."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from core.tenancy import tenant_context
from dossiers.models import Dossier, Jeune, NotificationMdph, SituationComplexe
from dossiers.services import parcours as svc
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def dossier(world):
    return factories.dossier_accompagne(
        world.dispositif,
        jeune=factories.JeuneFactory(organisme=world.organisme, prenom="Élodie", nom_naissance="Roux"),
    )


def url(name, dossier):
    return reverse(f"dossiers:{name}", args=[dossier.pk])


def reads(world, dossier):
    with tenant_context(world.organisme.pk):
        return list(
            AuditEntry.objects.filter(action="read", record_type="dossiers.dossier", record_id=str(dossier.pk))
        )


def test_synthese_layout_and_audit(world, login_as, dossier):
    response = login_as(world.educateur).get(url("dossier", dossier))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Élodie" in html and "Accompagné" in html
    assert 'aria-label="Rubriques du dossier"' in html
    assert 'aria-current="page">Synthèse' in html
    assert url("parcours", dossier) in html
    assert url("jeune_modifier", dossier) in html  # writer: edit links
    assert len(reads(world, dossier)) == 1
    assert reads(world, dossier)[0].actor_id == world.educateur.pk


@pytest.mark.parametrize("name", ["dossier", "parcours"])
def test_dossier_tabs_personas(world, client, login_as, dossier, name):
    for user in (world.educateur, world.lecteur, world.psychologue, world.direction):
        client.logout()
        assert login_as(user).get(url(name, dossier)).status_code == 200, user
    client.logout()
    html = login_as(world.lecteur).get(url(name, dossier)).content.decode()
    assert url("jeune_modifier", dossier) not in html
    for user, status in ((world.admin, 403), (world.autre_educateur, 404), (world.proche, 404), (world.jeune, 404)):
        client.logout()
        assert login_as(user).get(url(name, dossier)).status_code == status, user


def test_other_dispositif_colleague_gets_403(world, client, login_as):
    other = factories.dossier_accompagne(world.autre_dispositif)
    assert login_as(world.educateur).get(url("dossier", other)).status_code == 403


def test_restricted_dossier_shows_break_the_glass_explanation(world, client, login_as, dossier):
    with tenant_context(world.organisme.pk):
        Dossier.objects.filter(pk=dossier.pk).update(est_restreint=True)
    response = login_as(world.educateur).get(url("dossier", dossier))
    assert response.status_code == 403
    html = response.content.decode()
    assert "accès restreint" in html and "Élodie" not in html
    assert reverse("dossiers:bris_de_glace", args=[dossier.pk]) in html
    assert len(reads(world, dossier)) == 0  # not opened
    client.logout()
    assert login_as(world.direction).get(url("dossier", dossier)).status_code == 200


def test_synthese_contents(world, login_as, dossier):
    today = timezone.localdate()
    with tenant_context(world.organisme.pk):
        jeune = Jeune.objects.get(pk=dossier.jeune_id)
        svc.jeune_update(
            jeune=jeune, actor=None, mesure_ase=True, mesure_ase_type="Placement",
            deficiences_associees=["langage_apprentissages"],
        )  # fmt: skip
        NotificationMdph.objects.create(
            organisme=world.organisme, jeune=jeune, date_decision=D(2024, 6, 1), date_debut=D(2024, 9, 1),
            date_fin=today + datetime.timedelta(days=300),
        )  # fmt: skip
        SituationComplexe.objects.create(
            organisme=world.organisme, dossier=dossier, debut=D(2025, 1, 1), motif="Crise"
        )
        SituationComplexe.objects.create(
            organisme=world.organisme, dossier=dossier, debut=D(2024, 1, 1), fin=D(2024, 2, 1), motif="Ancienne"
        )
    html = login_as(world.educateur).get(url("dossier", dossier)).content.decode()
    assert "Placement" in html and "Troubles du langage" in html
    assert (today + datetime.timedelta(days=300)).strftime("%d/%m/%Y") in html
    assert "Crise" in html and "Ancienne" not in html


def test_contrat_deadlines_late_warning(world, login_as):
    admission = timezone.localdate() - datetime.timedelta(days=40)
    late = factories.dossier_accompagne(
        world.dispositif, admission=admission, debut=admission - datetime.timedelta(days=30)
    )
    html = login_as(world.educateur).get(url("dossier", late)).content.decode()
    assert "remise attendue au plus tard le" in html and "signature attendue" in html
    with tenant_context(world.organisme.pk):
        svc.dossier_update(dossier=late, actor=None, contrat_remis_le=admission, contrat_signe_le=admission)
    html = login_as(world.educateur).get(url("dossier", late)).content.decode()
    assert "en retard" not in html


def test_jeune_update(world, client, login_as, dossier):
    login_as(world.educateur)
    assert client.get(url("jeune_modifier", dossier)).status_code == 200
    data = {
        "nom_naissance": "Roux", "nom_usage": "", "prenom": "Élodie", "date_naissance": "2013-05-02", "sexe": "F",
        "statut_identite": "provisoire", "deficience_principale": "psychique", "mesure_ase": "on",
        "mesure_ase_type": "AEMO",
    }  # fmt: skip
    response = client.post(url("jeune_modifier", dossier), data)
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        jeune = Jeune.objects.get(pk=dossier.jeune_id)
        assert jeune.mesure_ase_type == "AEMO" and jeune.sexe == "F"
        entry = AuditEntry.objects.filter(action="update", record_type="dossiers.jeune").latest("at")
        assert "mesure_ase_type" in entry.details["champs"]
    response = client.post(url("jeune_modifier", dossier), {**data, "date_naissance": "", "nom_naissance": ""})
    assert response.status_code == 422
    assert "Ce champ est obligatoire" in response.content.decode()
    response = client.post(url("jeune_modifier", dossier), {**data, "deficiences_associees": ["psychique"]})
    assert "ne peut pas être aussi associée" in response.content.decode()


def test_dossier_update_and_french_errors(world, client, login_as, dossier):
    login_as(world.educateur)
    assert client.get(url("dossier_modifier", dossier)).status_code == 200
    data = {
        "site": world.site.pk,
        "referent": world.educateur.pk,
        "coordinateur": "",
        "contrat_remis_le": "2025-10-10",
    }
    assert client.post(url("dossier_modifier", dossier), data).status_code == 302
    with tenant_context(world.organisme.pk):
        dossier.refresh_from_db()
        assert dossier.referent_id == world.educateur.pk and dossier.site_id == world.site.pk
    response = client.post(url("dossier_modifier", dossier), {**data, "contrat_signe_le": "2025-10-01"})
    assert response.status_code == 422
    assert "La signature ne peut pas précéder la remise" in response.content.decode()
    other_site = factories.SiteFactory(dispositif=world.autre_dispositif)
    response = client.post(url("dossier_modifier", dossier), {**data, "site": other_site.pk})
    assert "Sélectionnez un choix valide" in response.content.decode()


@pytest.mark.parametrize("name", ["jeune_modifier", "dossier_modifier"])
def test_edit_personas(world, client, login_as, dossier, name):
    for user, status in (
        (world.lecteur, 403), (world.admin, 403), (world.autre_educateur, 404), (world.proche, 404),
        (world.psychologue, 200), (world.direction, 200),
    ):  # fmt: skip
        client.logout()
        assert login_as(user).get(url(name, dossier)).status_code == status, user
    client.logout()
    assert login_as(world.lecteur).post(url(name, dossier), {}).status_code == 403


def test_archived_dossier_is_read_only_and_greyed(world, client, login_as):
    dossier = factories.dossier_en_pre_admission(world.dispositif)
    with tenant_context(world.organisme.pk):
        svc.dossier_close_pre_admission(dossier=dossier, date=D(2025, 9, 5), issue="refus", actor=None)
        svc.dossier_archive(dossier=dossier, actor=None)
    html = login_as(world.educateur).get(url("dossier", dossier)).content.decode()
    assert 'class="dossier-entete archive"' in html and "lecture seule" in html
    assert url("jeune_modifier", dossier) not in html
    assert client.get(url("dossier_modifier", dossier)).status_code == 403
