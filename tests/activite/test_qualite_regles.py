"""Quality indicators (HAS evaluation) on hand-made cases."""

import pytest

from activite.services import qualite
from dossiers.models import Dossier, EvenementIndesirable
from ppa.models import Ppa, PpaVersion
from tests.activite.conftest import D, at
from transmissions.models import Categorie, Transmission, TransmissionJeune

pytestmark = pytest.mark.django_db

DEBUT, FIN = D(2026, 1, 1), D(2026, 6, 30)


def _version(jeune, statut="valide", valide_le=None):
    ppa, _ = Ppa.objects.get_or_create(dossier=jeune.dossier, defaults={"organisme_id": jeune.organisme_id})
    numero = ppa.versions.count() + 1
    return PpaVersion.objects.create(
        organisme_id=jeune.organisme_id, ppa=ppa, numero=numero, statut=statut,
        valide_le=None if statut == "en_elaboration" else valide_le,
    )  # fmt: skip


def test_periode_par_defaut():
    assert qualite.periode_par_defaut(D(2026, 11, 26)) == (D(2025, 11, 27), D(2026, 11, 26))


def test_ppa_a_jour_et_retards(activite):
    sc = activite.sc
    a_jour = sc.accompagne(D(2025, 1, 1))
    _version(a_jour, valide_le=D(2025, 8, 1))  # review due 01/08/2026: on time on 30/06
    revision_en_retard = sc.accompagne(D(2024, 1, 1))
    _version(revision_en_retard, statut="en_cours", valide_le=D(2025, 6, 1))  # due 01/06/2026: late
    nouveau = sc.accompagne(D(2026, 1, 10))  # no PPA, admitted less than 6 months before 30/06: on time
    brouillon = sc.accompagne(D(2025, 12, 1))  # only a draft, due 01/06/2026: first PPA late
    _version(brouillon, statut="en_elaboration")
    sans_ppa = sc.accompagne(D(2025, 9, 1))  # first PPA late
    echeance_le_jour = sc.accompagne(D(2025, 12, 30))  # due 30/06/2026 = end of period: still on time
    sc.jeune(("accompagne", D(2025, 1, 1), D(2026, 3, 1)))  # left before the end: not counted
    data = qualite.indicateurs_qualite(sc.dispositif, DEBUT, FIN)["ppa"]
    assert data == {
        "jeunes_accompagnes": 6, "a_jour": 3, "part_a_jour": 50.0, "revisions_en_retard": 1,
        "premiers_ppa_en_retard": 2,
    }  # fmt: skip
    detail = qualite.detail_qualite(sc.dispositif, DEBUT, FIN)
    assert {ligne.dossier.jeune for ligne in detail.ppa_a_jour} == {a_jour, nouveau, echeance_le_jour}
    assert [ligne.dossier.jeune for ligne in detail.revisions_en_retard] == [revision_en_retard]
    assert {ligne.dossier.jeune for ligne in detail.premiers_ppa_en_retard} == {brouillon, sans_ppa}
    assert {ligne.dossier.jeune for ligne in detail.ppa_pas_a_jour} == {revision_en_retard, brouillon, sans_ppa}


def test_contrats_remis_et_signes(activite):
    sc = activite.sc

    def admis(debut, remis, signe):
        j = sc.accompagne(debut)
        Dossier.objects.filter(pk=j.dossier.pk).update(contrat_remis_le=remis, contrat_signe_le=signe)
        return j

    admis(D(2026, 1, 31), D(2026, 2, 15), D(2026, 2, 28))  # 15 days, one month (31/01 -> 28/02): on time
    admis(D(2026, 3, 1), D(2026, 3, 17), D(2026, 4, 2))  # 16 days, one month + 1 day: late, late
    admis(D(2026, 4, 1), D(2026, 3, 25), None)  # handed over during the pre-admission; not signed
    admis(D(2026, 5, 1), None, None)
    admis(D(2025, 12, 31), D(2026, 1, 1), D(2026, 1, 2))  # admitted before the period: not counted
    data = qualite.indicateurs_qualite(sc.dispositif, DEBUT, FIN)["contrats"]
    assert data == {
        "admissions": 4, "remis_sous_15_jours": 2, "signes_sous_un_mois": 1, "part_remis_sous_15_jours": 50.0,
        "part_signes_sous_un_mois": 25.0,
    }  # fmt: skip


def test_evenements_indesirables_delais(activite):
    sc = activite.sc

    def ei(declare, cloture=None):
        return EvenementIndesirable.objects.create(
            organisme=sc.organisme, dispositif=sc.dispositif, survenu_le=declare, faits="…", gravite="mineure",
            declare_par=activite.direction, declare_le=declare, cloture_le=cloture,
            statut="clos" if cloture else "declare", cloture_par=activite.direction if cloture else None,
        )  # fmt: skip

    ei(at(2026, 1, 10, 9), at(2026, 1, 12, 9))  # 2 days
    ei(at(2026, 2, 1, 9), at(2026, 2, 11, 21))  # 10.5 days
    ei(at(2025, 12, 20, 9), at(2026, 1, 19, 9))  # declared before, closed in P: 30 days
    ei(at(2026, 6, 1, 9))  # open at the end
    ei(at(2026, 6, 20, 9), at(2026, 7, 2, 9))  # closed after the period: open at its end
    ei(at(2025, 1, 1, 9), at(2025, 2, 1, 9))  # outside
    data = qualite.indicateurs_qualite(sc.dispositif, DEBUT, FIN)["evenements_indesirables"]
    assert data == {
        "declares": 4, "clos": 3, "en_cours_fin_periode": 2, "delai_cloture_moyen_jours": 14.2,
        "delai_cloture_median_jours": 10.5,
    }  # fmt: skip


def test_transmissions_par_jeune_et_par_semaine(activite):
    sc = activite.sc
    a, b = sc.accompagne(D(2025, 9, 1)), sc.accompagne(D(2025, 9, 1))
    pre = sc.jeune(("pre_admission", D(2026, 1, 1), None))
    categorie = Categorie.objects.create(organisme=sc.organisme, code="vq", libelle="Vie quotidienne")

    def tr(quand, jeunes, statut="validee"):
        t = Transmission.objects.create(
            organisme=sc.organisme, auteur=activite.educateur, dispositif=sc.dispositif, survenue_le=quand,
            categorie=categorie, texte="…",
        )  # fmt: skip
        for j in jeunes:
            TransmissionJeune.objects.create(organisme=sc.organisme, transmission=t, jeune=j)
        if statut == "validee":  # validated last: a validated transmission and its links are immutable
            Transmission.objects.filter(pk=t.pk).update(statut=statut, validee_le=quand)
        return t

    tr(at(2026, 1, 5, 10), [a, b])  # Monday of week 2026-01-05: counts once, 2 links
    tr(at(2026, 1, 11, 23), [a])  # Sunday 23:00 local: same week
    tr(at(2026, 1, 12, 0, 30), [pre])  # a pre-admission youth only: not counted
    tr(at(2026, 1, 12, 8), [a], statut="brouillon")  # draft: not counted
    tr(at(2025, 12, 31, 23), [a])  # before the period
    detail = qualite.detail_qualite(sc.dispositif, DEBUT, D(2026, 1, 14))
    assert detail.indicateurs["transmissions"] == {
        "transmissions": 2, "jeunes": 2, "semaines": 2.0, "par_jeune": 1.5, "par_semaine": 1.0,
        "par_jeune_par_semaine": 0.8,
    }  # fmt: skip
    assert detail.transmissions_par_jeune == {a.pk: 2, b.pk: 1}
    assert detail.transmissions_par_semaine == {D(2025, 12, 29): 0, D(2026, 1, 5): 2, D(2026, 1, 12): 0}


def test_forme_vide(activite):
    data = qualite.indicateurs_qualite(activite.sc.dispositif, DEBUT, FIN)
    assert list(data) == ["modele", "dispositif", "debut", "fin", "ppa", "contrats", "evenements_indesirables",
                          "transmissions"]  # fmt: skip
    assert data["ppa"]["part_a_jour"] is None
    assert data["contrats"]["part_remis_sous_15_jours"] is None
    assert data["evenements_indesirables"]["delai_cloture_moyen_jours"] is None
    assert data["transmissions"]["par_jeune"] is None
    assert data["transmissions"]["semaines"] == 25.9  # 181 days / 7
    assert data["debut"] == "2026-01-01"
