"""PPA deadlines (ppa/services/echeances.py): the rule, the stored deadline and the due/late list."""

import datetime

import pytest

from core.tenancy import tenant_context
from dossiers.services.parcours import dossier_exit
from ppa.enums import MotifRevue, StatutPpa
from ppa.models import Ppa, Revue
from ppa.services import echeances
from ppa.services.echeances import A_ECHEANCE, A_JOUR, EN_RETARD, regle_echeance
from tests.ppa.conftest_suivi import make_version, sw_fixture  # noqa: F401 - fixture sw

D = datetime.date


# --- The rule on plain dates ---------------------------------------------------------------------------------------


def test_rule_first_ppa_six_months_after_admission():
    assert regle_echeance(admission=D(2025, 10, 1), valide_le=None) == D(2026, 4, 1)
    assert regle_echeance(admission=D(2025, 8, 31), valide_le=None) == D(2026, 2, 28)


def test_rule_not_accompanied_means_no_deadline():
    assert regle_echeance(admission=None, valide_le=D(2026, 1, 1)) is None


def test_rule_review_within_a_year_or_at_the_planned_date():
    assert regle_echeance(admission=D(2025, 10, 1), valide_le=D(2026, 1, 15)) == D(2027, 1, 15)
    # A planned review earlier than a year brings it forward; a later one does not push it back.
    assert regle_echeance(admission=D(2025, 10, 1), valide_le=D(2026, 1, 15), date_revision=D(2026, 9, 1)) == D(
        2026, 9, 1
    )
    assert regle_echeance(admission=D(2025, 10, 1), valide_le=D(2026, 1, 15), date_revision=D(2027, 6, 1)) == D(
        2027, 1, 15
    )


def test_rule_finished_review_restarts_the_year_and_request_brings_forward():
    base = {"admission": D(2025, 10, 1), "valide_le": D(2026, 1, 15), "date_revision": D(2026, 9, 1)}
    # The planned review was held: next one a year after it.
    assert regle_echeance(**base, derniere_revue=D(2026, 9, 3)) == D(2027, 9, 3)
    # A review requested by the family on 2026-03-10 (not held yet): that date.
    assert regle_echeance(**base, revue_demandee=D(2026, 3, 10)) == D(2026, 3, 10)


def test_etat():
    today = D(2026, 6, 1)
    assert echeances.etat_echeance(D(2026, 5, 31), today) == EN_RETARD
    assert echeances.etat_echeance(D(2026, 6, 1), today) == A_ECHEANCE
    assert echeances.etat_echeance(D(2026, 7, 1), today) == A_ECHEANCE
    assert echeances.etat_echeance(D(2026, 7, 2), today) == A_JOUR


# --- Stored deadline -----------------------------------------------------------------------------------------------


def test_calculer_and_mettre_a_jour(sw):
    version = make_version(sw.dossier, statut=StatutPpa.EN_ELABORATION)
    with tenant_context(sw.organisme.pk):
        ppa = version.ppa
        # Only a draft: admission (2025-10-01) + 6 months.
        assert echeances.echeance_calculer(ppa, D(2026, 1, 1)) == D(2026, 4, 1)
        version.statut, version.valide_le = StatutPpa.VALIDE, D(2026, 2, 1)
        version.save()
        assert echeances.echeance_mettre_a_jour(ppa, D(2026, 3, 1)) == D(2027, 2, 1)
        assert Ppa.objects.get(pk=ppa.pk).prochaine_echeance == D(2027, 2, 1)
        # A review requested by the youth.
        Revue.objects.create(
            organisme_id=sw.organisme.pk, version=version, motif=MotifRevue.DEMANDE_JEUNE, date=D(2026, 5, 2),
            periode_debut=D(2026, 2, 1), periode_fin=D(2026, 5, 2), created_by=sw.educateur,
        )  # fmt: skip
        assert echeances.echeance_mettre_a_jour(ppa, D(2026, 3, 1)) == D(2026, 5, 2)
        assert Ppa.objects.get(pk=ppa.pk).prochaine_echeance == D(2026, 5, 2)


def test_exit_removes_the_deadline(sw):
    version = make_version(sw.dossier, valide_le=D(2026, 1, 1))
    with tenant_context(sw.organisme.pk):
        dossier_exit(dossier=sw.dossier, date_sortie=D(2026, 2, 1), motif_sortie="demenagement", actor=sw.direction)
        assert echeances.echeance_calculer(version.ppa, D(2026, 3, 1)) is None


# --- The list ------------------------------------------------------------------------------------------------------


def test_list_includes_dossiers_without_ppa_late_first(sw, world):
    make_version(sw.dossier2, valide_le=D(2026, 1, 15))
    with tenant_context(sw.organisme.pk):
        from core.tenancy import Access

        access = Access.for_user(sw.chef)
        lignes = echeances.ppas_a_echeance(access, today=D(2026, 5, 1))
    assert [(ligne.dossier.pk, ligne.etat, ligne.echeance) for ligne in lignes] == [
        (sw.dossier.pk, EN_RETARD, D(2026, 4, 1)),  # no PPA at all, admitted 2025-10-01
        (sw.dossier2.pk, A_JOUR, D(2027, 1, 15)),
    ]
    assert lignes[0].ppa_id is None and lignes[0].premier_ppa
    assert not lignes[1].premier_ppa


def test_list_scoped_to_readable_dossiers(sw, world):
    from core.tenancy import Access
    from tests import factories

    factories.dossier_accompagne(world.autre_dispositif)
    with tenant_context(sw.organisme.pk):
        assert len(echeances.ppas_a_echeance(Access.for_user(sw.chef), today=D(2026, 5, 1))) == 2
        assert len(echeances.ppas_a_echeance(Access.for_user(world.direction), today=D(2026, 5, 1))) == 3
        direction = Access.for_user(world.direction)
        assert len(echeances.ppas_a_echeance(direction, [world.autre_dispositif.pk], D(2026, 5, 1))) == 1
        assert echeances.ppas_a_echeance(Access.for_user(world.admin), today=D(2026, 5, 1)) == []


@pytest.mark.parametrize("etat", [EN_RETARD, A_JOUR])
def test_list_filter_by_state(sw, etat):
    from core.tenancy import Access

    make_version(sw.dossier2, valide_le=D(2026, 1, 15))
    with tenant_context(sw.organisme.pk):
        lignes = echeances.ppas_a_echeance(Access.for_user(sw.chef), today=D(2026, 5, 1), etats={etat})
    assert [ligne.etat for ligne in lignes] == [etat]
