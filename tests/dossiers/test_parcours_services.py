"""The parcours lifecycle services: each step, its audit row, and the refusals (French, nothing written)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from core.models import AuditEntry
from core.tenancy import tenant_context
from dossiers.enums import StatutParcours
from dossiers.models import Parcours
from dossiers.services import parcours as svc
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date


def test_full_lifecycle_pre_admission_to_archive(world, tenant_a):
    chef = world.educateur
    dossier = factories.dossier_en_pre_admission(world.dispositif, debut=D(2025, 9, 1), actor=chef)
    assert dossier.statut == StatutParcours.PRE_ADMISSION
    svc.dossier_admit(
        dossier=dossier, date_admission=D(2025, 10, 1), modalites=["ambulatoire", "internat"], actor=chef
    )
    dossier.refresh_from_db()
    assert dossier.statut == StatutParcours.ACCOMPAGNE
    assert dossier.modalites == ["internat", "ambulatoire"]
    svc.dossier_exit(dossier=dossier, date_sortie=D(2026, 2, 13), motif_sortie="retour_milieu_ordinaire", actor=chef)
    dossier.refresh_from_db()
    assert dossier.statut == StatutParcours.SUIVI_POST_SORTIE
    svc.dossier_end_follow_up(dossier=dossier, date=D(2026, 6, 30), actor=chef)
    svc.dossier_archive(dossier=dossier, actor=chef)
    dossier.refresh_from_db()
    assert dossier.is_archived
    periods = list(dossier.parcours.values_list("statut", "debut", "fin", "issue"))
    assert periods == [
        ("pre_admission", D(2025, 9, 1), D(2025, 9, 30), "admis"),
        ("accompagne", D(2025, 10, 1), D(2026, 2, 13), ""),
        ("suivi_post_sortie", D(2026, 2, 14), D(2026, 6, 30), ""),
    ]
    steps = list(
        AuditEntry.objects.filter(record_type="dossiers.dossier", record_id=str(dossier.pk))
        .order_by("at", "id")
        .values_list("details__etape", flat=True)
    )
    assert steps == ["pre_admission", "admission", "sortie", "fin_suivi", "archivage"]
    with pytest.raises(ValidationError, match="archivé"):
        svc.dossier_add_ponctuel(dossier=dossier, debut=D(2027, 1, 1), fin=None, actor=chef)


def test_refusal_at_pre_admission(world, tenant_a):
    dossier = factories.dossier_en_pre_admission(world.dispositif, debut=D(2025, 9, 1))
    svc.dossier_close_pre_admission(dossier=dossier, date=D(2025, 9, 20), issue="refus", actor=world.educateur)
    dossier.refresh_from_db()
    assert dossier.statut == ""
    assert dossier.parcours.get().issue == "refus"
    svc.dossier_archive(dossier=dossier, actor=world.educateur)


def test_overlapping_period_is_refused_in_french(world, tenant_a):
    dossier = factories.dossier_accompagne(world.dispositif, admission=D(2025, 10, 1))
    with pytest.raises(ValidationError, match="chevauche"):
        svc.dossier_add_ponctuel(dossier=dossier, debut=D(2025, 12, 1), fin=D(2025, 12, 15), actor=None)
    assert dossier.parcours.count() == 2


def test_database_refuses_overlap_even_without_the_service(world, tenant_a):
    dossier = factories.dossier_accompagne(world.dispositif, admission=D(2025, 10, 1))
    with pytest.raises(IntegrityError):
        with tenant_context(world.organisme.pk):
            Parcours.objects.create(
                organisme=world.organisme, dossier=dossier, statut="ponctuel", debut=D(2026, 1, 1), fin=D(2026, 1, 2)
            )
            connection.check_constraints()


def test_admission_needs_modalites_and_an_open_pre_admission(world, tenant_a):
    dossier = factories.dossier_en_pre_admission(world.dispositif, debut=D(2025, 9, 1))
    with pytest.raises(ValidationError, match="au moins une modalité"):
        svc.dossier_admit(dossier=dossier, date_admission=D(2025, 10, 1), modalites=[], actor=None)
    with pytest.raises(ValidationError, match="suivre le début"):
        svc.dossier_admit(dossier=dossier, date_admission=D(2025, 9, 1), modalites=["internat"], actor=None)
    svc.dossier_admit(dossier=dossier, date_admission=D(2025, 10, 1), modalites=["internat"], actor=None)
    with pytest.raises(ValidationError, match="déjà en période"):
        svc.dossier_admit(dossier=dossier, date_admission=D(2025, 11, 1), modalites=["internat"], actor=None)


def test_exit_needs_a_motif(world, tenant_a):
    dossier = factories.dossier_accompagne(world.dispositif)
    with pytest.raises(ValidationError, match="motif"):
        svc.dossier_exit(dossier=dossier, date_sortie=D(2026, 1, 1), motif_sortie="", actor=None)


def test_search_keys_fold_accents(world, tenant_a):
    jeune = factories.JeuneFactory(organisme=world.organisme, prenom="Élodie", nom_naissance="Lefèvre")
    assert jeune.nom_recherche == "elodie lefevre"
    assert "  e" in jeune.trigrammes and "vre" in jeune.trigrammes


def test_open_ponctuel_can_be_ended_then_archived(world, tenant_a):
    dossier = factories.dossier_en_pre_admission(world.dispositif, debut=D(2025, 9, 1))
    svc.dossier_close_pre_admission(dossier=dossier, date=D(2025, 9, 10), issue="abandon", actor=None)
    svc.dossier_add_ponctuel(dossier=dossier, debut=D(2025, 11, 1), fin=None, actor=None)
    with pytest.raises(ValidationError, match="encore ouverte"):
        svc.dossier_archive(dossier=dossier, actor=None)
    with pytest.raises(ValidationError, match="précéder"):
        svc.dossier_end_ponctuel(dossier=dossier, date=D(2025, 10, 1), actor=None)
    svc.dossier_end_ponctuel(dossier=dossier, date=D(2025, 11, 30), actor=None)
    svc.dossier_archive(dossier=dossier, actor=None)


def test_end_ponctuel_view(client, world, login_as):
    with tenant_context(world.organisme.pk):
        dossier = factories.dossier_en_pre_admission(world.dispositif, debut=D(2025, 9, 1))
        svc.dossier_close_pre_admission(dossier=dossier, date=D(2025, 9, 10), issue="abandon", actor=None)
        svc.dossier_add_ponctuel(dossier=dossier, debut=D(2025, 11, 1), fin=None, actor=None)
    login_as(world.lecteur)
    assert client.post(f"/dossiers/{dossier.pk}/parcours/fin-ponctuel/", {"date": "2025-11-30"}).status_code == 403
    login_as(world.educateur)
    page = client.get(f"/dossiers/{dossier.pk}/parcours/")
    assert "Terminer l'accompagnement ponctuel" in page.content.decode()
    response = client.post(f"/dossiers/{dossier.pk}/parcours/fin-ponctuel/", {"date": "2025-11-30"})
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        assert dossier.parcours.get(statut="ponctuel").fin == D(2025, 11, 30)
