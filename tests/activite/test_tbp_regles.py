"""TBP indicators (DOMAIN §8.2), one by one on small hand-made cases."""

import pytest

from activite.services import tbp
from core.models import DispositifAnnee
from tests.activite.conftest import D, at

pytestmark = pytest.mark.django_db


def _tbp(sc, annee=2026):
    return tbp.indicateurs_tbp(sc.dispositif, annee)


def test_forme_exacte_du_json(activite):
    data = _tbp(activite.sc)
    assert list(data) == [
        "modele", "dispositif", "annee", "journees_realisees", "journees_financees", "taux_realisation_activite",
        "actes_ambulatoires", "effectif_31_12", "entrees", "sorties_definitives", "file_active",
        "duree_moyenne_accompagnement_sortants_jours", "journees_absence_moyenne", "repartition_sexe",
        "repartition_age", "creton", "motifs_sortie", "repartition_deficience_principale", "part_mesure_ase",
    ]  # fmt: skip
    assert data["modele"] == "tbp-v1"
    assert data["dispositif"] == activite.dispositif.finess
    assert data["annee"] == 2026
    assert data["journees_realisees"] == 0.0 and isinstance(data["journees_realisees"], float)
    assert data["journees_financees"] == 0
    assert data["taux_realisation_activite"] is None
    assert data["duree_moyenne_accompagnement_sortants_jours"] is None
    assert data["journees_absence_moyenne"] == 0.0
    assert data["part_mesure_ase"] == 0.0
    assert data["repartition_sexe"] == {"F": 0, "M": 0}
    assert list(data["repartition_age"]) == ["moins_6", "6_10", "11_15", "16_17", "18_19", "20_plus"]
    assert list(data["motifs_sortie"])[-1] == "non_renseigne"
    assert "en_cours_diagnostic" in data["repartition_deficience_principale"]


# --- journées réalisées: half-days on calendar dates ----------------------------------------------------------


def test_demi_journees_matin_apres_midi_et_coupure(activite):
    sc = activite.sc
    j = sc.accompagne(D(2025, 9, 1))
    aj = {"modalite": "accueil_de_jour", "jeunes": [j]}
    sc.evenement("activite_educative", at(2026, 1, 5, 9), at(2026, 1, 5, 12), **aj)  # morning: 0.5
    sc.evenement("activite_educative", at(2026, 1, 5, 10), at(2026, 1, 5, 11), **aj)  # same half-day: +0
    sc.evenement("activite_educative", at(2026, 1, 6, 12), at(2026, 1, 6, 13), **aj)  # ends at 13:00: 0.5
    sc.evenement("activite_educative", at(2026, 1, 7, 12), at(2026, 1, 7, 14), **aj)  # both halves: 1
    sc.evenement("activite_educative", at(2026, 1, 8, 13), at(2026, 1, 8, 17), **aj)  # afternoon: 0.5
    sc.evenement("classe_ue", at(2026, 1, 8, 9), at(2026, 1, 8, 12), jeunes=[j])  # + morning: 0.5 (date = 1)
    sc.evenement("activite_educative", at(2026, 1, 9, 9), at(2026, 1, 9, 17), jeunes=[j], modalite="internat")  # 1
    data = _tbp(sc)
    assert data["journees_realisees"] == 4.0  # 0.5 + 0.5 + 1 + 1 + 1


def test_journees_exclut_nuitees_ambulatoire_indirect_absents_hors_prestation_annules(activite):
    sc = activite.sc
    j = sc.accompagne(D(2025, 9, 1))
    sc.evenement("nuitee", at(2026, 2, 2, 20), at(2026, 2, 3, 8), jeunes=[j])
    sc.evenement("activite_educative", at(2026, 2, 4, 9), at(2026, 2, 4, 10), jeunes=[j])  # ambulatoire: acte
    sc.evenement("reunion_synthese", at(2026, 2, 5, 9), at(2026, 2, 5, 10), jeunes=[j])
    sc.evenement(
        "activite_educative", at(2026, 2, 6, 9), at(2026, 2, 6, 10), jeunes=[j], modalite="accueil_de_jour",
        absents={j: "absent_imprevu"},
    )  # fmt: skip
    sc.evenement(
        "activite_educative", at(2026, 2, 9, 9), at(2026, 2, 9, 10), jeunes=[j], modalite="accueil_de_jour",
        hors_prestation=True,
    )  # fmt: skip
    sc.evenement(
        "activite_educative", at(2026, 2, 10, 9), at(2026, 2, 10, 10), jeunes=[j], modalite="accueil_de_jour",
        statut="annule",
    )  # fmt: skip
    sc.evenement(
        "activite_educative", at(2026, 2, 11, 9), at(2026, 2, 11, 10), jeunes=[j], modalite="accueil_de_jour",
        statut="prevu",
    )  # fmt: skip
    data = _tbp(sc)
    assert data["journees_realisees"] == 0.0
    assert data["actes_ambulatoires"] == 1


def test_paires_sans_periode_couvrante_non_comptees(activite):
    sc = activite.sc
    j = sc.jeune(("accompagne", D(2026, 3, 1), D(2026, 3, 31)), ("suivi_post_sortie", D(2026, 4, 1), None))
    aj = {"modalite": "accueil_de_jour", "jeunes": [j]}
    sc.evenement("activite_educative", at(2026, 2, 27, 9), at(2026, 2, 27, 10), **aj)  # before any period
    sc.evenement("activite_educative", at(2026, 3, 2, 9), at(2026, 3, 2, 10), **aj)  # accompagne: 0.5
    sc.evenement("activite_educative", at(2026, 4, 2, 9), at(2026, 4, 2, 10), **aj)  # suivi: counted 0.5
    assert _tbp(sc)["journees_realisees"] == 1.0


def test_suivi_post_sortie_au_dela_du_parametre_non_compte(activite):
    sc = activite.sc
    j = sc.jeune(("accompagne", D(2020, 1, 1), D(2022, 12, 31)), ("suivi_post_sortie", D(2023, 1, 1), None))
    aj = {"modalite": "accueil_de_jour", "jeunes": [j]}
    sc.evenement("activite_educative", at(2025, 12, 31, 9), at(2025, 12, 31, 10), **aj)  # within 3 years
    sc.evenement("activite_educative", at(2026, 1, 1, 9), at(2026, 1, 1, 10), **aj)  # 3 years reached
    sc.evenement("activite_educative", at(2026, 3, 2, 9), at(2026, 3, 2, 10), jeunes=[j])  # acte: not counted
    assert _tbp(sc, 2025)["journees_realisees"] == 0.5
    assert _tbp(sc, 2026)["journees_realisees"] == 0.0
    assert _tbp(sc, 2026)["actes_ambulatoires"] == 0


def test_semaine_a_cheval_sur_deux_annees_dates_calendaires(activite):
    # ISO week 2026-W01 runs from Monday 29/12/2025: the TBP uses calendar dates, not weeks.
    sc = activite.sc
    j = sc.accompagne(D(2025, 9, 1))
    aj = {"modalite": "accueil_de_jour", "jeunes": [j]}
    sc.evenement("activite_educative", at(2025, 12, 29, 9), at(2025, 12, 29, 17), **aj)  # 1 in 2025
    sc.evenement("activite_educative", at(2025, 12, 31, 9), at(2025, 12, 31, 10), **aj)  # 0.5 in 2025
    sc.evenement("activite_educative", at(2026, 1, 1, 14), at(2026, 1, 1, 15), **aj)  # 0.5 in 2026
    sc.evenement("activite_educative", at(2026, 1, 2, 9), at(2026, 1, 2, 10), jeunes=[j])  # acte 2026
    sc.evenement("activite_educative", at(2025, 12, 30, 9), at(2025, 12, 30, 10), jeunes=[j])  # acte 2025
    assert (_tbp(sc, 2025)["journees_realisees"], _tbp(sc, 2025)["actes_ambulatoires"]) == (1.5, 1)
    assert (_tbp(sc, 2026)["journees_realisees"], _tbp(sc, 2026)["actes_ambulatoires"]) == (0.5, 1)


def test_evenement_du_soir_31_12_apres_minuit_reste_a_son_annee(activite):
    sc = activite.sc
    j = sc.accompagne(D(2025, 9, 1))
    sc.evenement(
        "activite_educative", at(2025, 12, 31, 20), at(2026, 1, 1, 2), jeunes=[j], modalite="internat"
    )  # local date 31/12/2025: afternoon of 31/12 + morning of 01/01, both with the pair, in 2025
    # The morning of 01/01 is also covered by a pair of 2026: it belongs to the earliest-starting pair, never twice.
    sc.evenement("activite_educative", at(2026, 1, 1, 9), at(2026, 1, 1, 10), jeunes=[j], modalite="accueil_de_jour")
    assert _tbp(sc, 2025)["journees_realisees"] == 1.0
    assert _tbp(sc, 2026)["journees_realisees"] == 0.0
    sc.evenement("activite_educative", at(2026, 1, 1, 14), at(2026, 1, 1, 15), jeunes=[j], modalite="accueil_de_jour")
    assert _tbp(sc, 2026)["journees_realisees"] == 0.5


def test_changements_d_heure(activite):
    sc = activite.sc
    j = sc.accompagne(D(2025, 9, 1))
    aj = {"modalite": "accueil_de_jour", "jeunes": [j]}
    # 29/03/2026 (spring forward): 00:00–13:00 local is 12 real hours, still only the morning.
    sc.evenement("activite_educative", at(2026, 3, 29, 0), at(2026, 3, 29, 13), **aj)
    # 25/10/2026 (fall back): 00:00–13:00 local is 14 real hours, only the morning; 13:00–13:30 the afternoon.
    sc.evenement("activite_educative", at(2026, 10, 25, 0), at(2026, 10, 25, 13), **aj)
    sc.evenement("activite_educative", at(2026, 10, 25, 13), at(2026, 10, 25, 13, 30), **aj)
    assert _tbp(sc)["journees_realisees"] == 1.5


def test_financees_et_taux(activite):
    sc = activite.sc
    j = sc.accompagne(D(2025, 9, 1))
    for day in range(5, 10):
        sc.evenement("activite_educative", at(2026, 1, day, 9), at(2026, 1, day, 17), jeunes=[j], modalite="internat")
    DispositifAnnee.objects.create(
        organisme=sc.organisme, dispositif=sc.dispositif, annee=2026, places_internat=1, places_accueil_de_jour=2,
        places_ambulatoire=40, jours_ouverture=7,
    )  # fmt: skip
    data = _tbp(sc)
    assert data["journees_realisees"] == 5.0
    assert data["journees_financees"] == 21  # (1 + 2) × 7, ambulatoire excluded
    assert data["taux_realisation_activite"] == 23.8  # 100 × 5 / 21 = 23.809…
    assert _tbp(sc, 2025)["journees_financees"] == 0
    assert _tbp(sc, 2025)["taux_realisation_activite"] is None


def test_arrondi_demi_superieur():
    assert tbp.arrondi(0.25) == 0.3
    assert tbp.arrondi(2.45) == 2.5
    assert tbp.arrondi(1 / 3) == 0.3


# --- parcours-based indicators ----------------------------------------------------------------------------------


def test_effectif_entrees_sorties_file_active_duree(activite):
    sc = activite.sc
    sc.accompagne(D(2024, 9, 1))  # effectif
    sc.accompagne(D(2026, 2, 1))  # entrée + effectif
    sc.jeune(("accompagne", D(2025, 1, 1), D(2026, 1, 31)))  # sortie (395 days)
    sc.jeune(("accompagne", D(2026, 3, 1), D(2026, 3, 11)), ("suivi_post_sortie", D(2026, 3, 12), None))  # both
    sc.jeune(("accompagne", D(2025, 1, 1), D(2025, 12, 31)))  # exit in 2025: nothing in 2026
    sc.jeune(("pre_admission", D(2026, 5, 1), None))  # not accompanied: nothing
    sc.accompagne(D(2027, 1, 1))  # future admission: nothing in 2026
    data = _tbp(sc)
    assert data["effectif_31_12"] == 2
    assert data["entrees"] == 2
    assert data["sorties_definitives"] == 2
    assert data["file_active"] == 4
    assert data["duree_moyenne_accompagnement_sortants_jours"] == 202.5  # (395 + 10) / 2


def test_sortie_le_31_12_est_une_sortie_pas_un_effectif(activite):
    sc = activite.sc
    j = sc.jeune(("accompagne", D(2025, 1, 1), D(2026, 12, 31)))
    data = _tbp(sc)
    assert (data["effectif_31_12"], data["sorties_definitives"], data["file_active"]) == (0, 1, 1)
    assert data["duree_moyenne_accompagnement_sortants_jours"] == 729.0
    assert data["motifs_sortie"]["non_renseigne"] == 1
    detail = tbp.detail_tbp(sc.dispositif, 2026)
    assert [p.dossier.jeune for p in detail.sorties] == [j]


def test_deux_periodes_accompagne_dans_l_annee(activite):
    sc = activite.sc
    j = sc.jeune(
        ("accompagne", D(2025, 9, 1), D(2026, 3, 15)),
        ("suivi_post_sortie", D(2026, 3, 16), D(2026, 9, 30)),
        ("accompagne", D(2026, 10, 1), None),
    )
    from dossiers.models import Parcours

    Parcours.objects.filter(dossier=j.dossier, fin=D(2026, 3, 15)).update(motif_sortie="orientation_sanitaire")
    data = _tbp(sc)
    assert data["entrees"] == 1  # the re-admission of 01/10
    assert data["sorties_definitives"] == 1
    assert data["effectif_31_12"] == 1
    assert data["file_active"] == 2  # TBP formula: effectif + sorties, the same youth twice
    assert data["repartition_sexe"] == {"F": 0, "M": 2}  # répartitions add up to the file active
    assert data["motifs_sortie"]["orientation_sanitaire"] == 1


def test_repartitions_age_bornes_et_creton(activite):
    sc = activite.sc
    naissances = {
        # age on 31/12/2026 -> birth date
        5: D(2021, 1, 1), 6: D(2020, 12, 31), 10: D(2016, 1, 1), 11: D(2015, 12, 31), 15: D(2011, 6, 1),
        16: D(2010, 12, 31), 17: D(2009, 1, 1), 18: D(2008, 12, 31), 19: D(2007, 1, 1), 20: D(2006, 12, 31),
    }  # fmt: skip
    for naissance in naissances.values():
        sc.accompagne(D(2025, 9, 1), date_naissance=naissance)
    # 21 on 31/12 but left on 30/12: in the file active (20_plus), not in the effectif, so not Creton.
    sc.jeune(("accompagne", D(2025, 1, 1), D(2026, 12, 30)), date_naissance=D(2005, 6, 1))
    data = _tbp(sc)
    assert data["repartition_age"] == {"moins_6": 1, "6_10": 2, "11_15": 2, "16_17": 2, "18_19": 2, "20_plus": 2}
    assert data["creton"] == 1  # 20th birthday on 31/12 counts; 19 does not


def test_repartition_sexe_deficience_ase(activite):
    sc = activite.sc
    sc.accompagne(sexe="F", deficience_principale="psychique", mesure_ase=True)
    sc.accompagne(sexe="M", deficience_principale="psychique")
    sc.accompagne(sexe="I", deficience_principale="comportement")
    data = _tbp(sc)
    assert data["repartition_sexe"] == {"F": 1, "M": 1}  # « I » in neither key
    assert data["repartition_deficience_principale"]["psychique"] == 2
    assert data["repartition_deficience_principale"]["comportement"] == 1
    assert sum(data["repartition_deficience_principale"].values()) == data["file_active"] == 3
    assert data["part_mesure_ase"] == 33.3


# --- absences ----------------------------------------------------------------------------------------------------


def test_journees_absence_moyenne(activite):
    sc = activite.sc
    a, b, c = sc.accompagne(), sc.accompagne(), sc.accompagne()

    def ev(jeune, debut, fin, presence=None):
        absents = {jeune: presence} if presence else None
        sc.evenement("activite_educative", debut, fin, jeunes=[jeune], absents=absents, modalite="accueil_de_jour")

    # a: absent on two events the same date = 1 day; absent another date = 1 day -> 2 days.
    ev(a, at(2026, 1, 5, 9), at(2026, 1, 5, 10), "absent_prevu")
    ev(a, at(2026, 1, 5, 14), at(2026, 1, 5, 15), "absent_imprevu")
    ev(a, at(2026, 1, 6, 9), at(2026, 1, 6, 10), "absent_imprevu")
    # b: absent in the morning but present in the afternoon of the same date -> 0 day.
    ev(b, at(2026, 1, 5, 9), at(2026, 1, 5, 10), "absent_imprevu")
    ev(b, at(2026, 1, 5, 14), at(2026, 1, 5, 15))
    # c: absent one date -> 1 day; an absence on 31/12/2025 is not in 2026.
    ev(c, at(2026, 1, 7, 9), at(2026, 1, 7, 10), "absent_prevu")
    ev(c, at(2025, 12, 31, 9), at(2025, 12, 31, 10), "absent_prevu")
    data = _tbp(sc)
    assert data["journees_absence_moyenne"] == 1.5  # (2 + 1) / 2 youths absent at least once
    detail = tbp.detail_tbp(sc.dispositif, 2026)
    assert detail.jours_absence == {a.pk: 2, c.pk: 1}
    assert _tbp(sc, 2025)["journees_absence_moyenne"] == 1.0
