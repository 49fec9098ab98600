"""The AIRe table (DOMAIN §8.1): each rule on small hand-made cases, and the exact output shape."""

import datetime

import pytest

from activite.services.aire import (
    bande_intensite,
    evenements_comptes,
    lundis_de_la_periode,
    semaines_de_la_periode,
    table_aire,
    table_aire_avec_parametres,
)
from tests.activite.conftest import D, at

T1 = (D(2026, 1, 1), D(2026, 3, 31))


def test_semaines_du_trimestre_par_le_jeudi():
    lundis = lundis_de_la_periode(*T1)
    # The week of Monday 29 December 2025 has its Thursday on 1 January: it is Q1 2026's; the week of Monday 30
    # March 2026 has its Thursday on 2 April: Q2's.
    assert lundis[0] == D(2025, 12, 29) and lundis[-1] == D(2026, 3, 23) and len(lundis) == 13
    assert lundis_de_la_periode(D(2026, 4, 1), D(2026, 6, 30))[0] == D(2026, 3, 30)
    year = lundis_de_la_periode(D(2026, 1, 1), D(2026, 12, 31))
    quarters = [lundis_de_la_periode(D(2026, m, 1), D(2026, m + 2, 30 if m in (4, 7) else 31)) for m in (1, 4, 7, 10)]
    assert sum(quarters, []) == year and len(year) == 53  # 2026 has 53 ISO weeks
    assert lundis_de_la_periode(D(2026, 1, 5), D(2026, 1, 7)) == []  # no Thursday inside


def test_forme_exacte_vide(activite):
    table = table_aire(activite.dispositif, *T1)
    assert list(table) == [
        "modele", "dispositif", "debut", "fin", "file_active", "semaines_jeune", "volumes", "appui_ressources",
        "situations_complexes", "jeunes_multi_modalites", "anomalies",
    ]  # fmt: skip
    assert table == {
        "modele": "aire-v1", "dispositif": activite.dispositif.finess, "debut": "2026-01-01", "fin": "2026-03-31",
        "file_active": {"total": 0, "pre_admission": 0, "accompagne": 0, "suivi_post_sortie": 0, "ponctuel": 0},
        "semaines_jeune": {"total": 0,
            "par_combinaison": {"I": 0, "AJ": 0, "A": 0, "I+AJ": 0, "I+A": 0, "AJ+A": 0, "I+AJ+A": 0, "indirect": 0},
            "par_intensite": {"moins_1h": 0, "1h_3h": 0, "3h_6h": 0, "6h_12h": 0, "12h_plus": 0}},
        "volumes": {"nuitees": 0, "journees": 0.0, "actes_ambulatoires": 0, "heures_directes": 0.0,
                    "heures_indirectes": 0.0, "heures_professionnels": 0.0},
        "appui_ressources": {"interventions": 0, "heures_professionnels": 0.0, "partenaires_distincts": 0,
            "par_type_partenaire": {"education_nationale": 0, "protection_enfance": 0, "sanitaire": 0,
                                    "medico_social": 0, "droit_commun": 0, "autre": 0}},
        "situations_complexes": 0, "jeunes_multi_modalites": 0, "anomalies": [],
    }  # fmt: skip
    assert isinstance(table["volumes"]["journees"], float) and isinstance(table["volumes"]["nuitees"], int)


def test_evenements_attribues_avec_leur_semaine(activite):
    sc = activite.sc
    j = sc.accompagne()
    sc.evenement("entretien_jeune", at(2025, 12, 29, 9), at(2025, 12, 29, 10), jeunes=[j])  # in Q1 2026
    sc.evenement("entretien_jeune", at(2026, 3, 31, 9), at(2026, 3, 31, 10), jeunes=[j])  # in Q2 2026
    sc.evenement("entretien_jeune", at(2026, 3, 29, 20), at(2026, 3, 30, 9), jeunes=[j])  # Sunday → Q1
    table = table_aire(activite.dispositif, *T1)
    assert table["semaines_jeune"]["total"] == 2
    assert table["volumes"]["actes_ambulatoires"] == 2
    assert table["volumes"]["heures_directes"] == 14.0  # 1 h + 13 h (the Sunday night runs into Monday)
    q2 = table_aire(activite.dispositif, D(2026, 4, 1), D(2026, 6, 30))
    assert q2["semaines_jeune"]["total"] == 1 and q2["volumes"]["heures_directes"] == 1.0


def test_file_active_par_statut_admission_en_cours_de_trimestre(activite):
    sc = activite.sc
    j = sc.jeune(("pre_admission", D(2025, 12, 1), D(2026, 2, 15)), ("accompagne", D(2026, 2, 16), None))
    sc.evenement("entretien_jeune", at(2026, 1, 12, 9), at(2026, 1, 12, 10), jeunes=[j])
    sc.evenement("entretien_jeune", at(2026, 3, 2, 9), at(2026, 3, 2, 10), jeunes=[j])
    suivi = sc.jeune(("accompagne", D(2020, 1, 1), D(2024, 6, 30)), ("suivi_post_sortie", D(2024, 7, 1), None))
    sc.evenement("reunion_synthese", at(2026, 2, 3, 9), at(2026, 2, 3, 10), jeunes=[suivi])
    fa = table_aire(activite.dispositif, *T1)["file_active"]
    assert fa == {"total": 2, "pre_admission": 1, "accompagne": 1, "suivi_post_sortie": 1, "ponctuel": 0}


def test_intensite_combinaisons_volumes_et_heures_professionnels(activite):
    sc = activite.sc
    a, b = sc.accompagne(), sc.accompagne()
    p1, p2, p3 = sc.pro(), sc.pro(), sc.pro()
    # Week 1: a and b together 2 h with 3 professionals (AJ); a also 30 min ambulatoire alone.
    sc.evenement("activite_educative", at(2026, 1, 6, 9), at(2026, 1, 6, 11), jeunes=[a, b],
                 professionnels=[p1, p2, p3], modalite="accueil_de_jour")  # fmt: skip
    sc.evenement("entretien_jeune", at(2026, 1, 7, 9), at(2026, 1, 7, 9, 30), jeunes=[a], professionnels=[p1])
    # Week 2: a, a nuitée (I) and a synthesis (indirect, 1 h 20, 2 professionals).
    sc.evenement("nuitee", at(2026, 1, 13, 20), at(2026, 1, 14, 8), jeunes=[a], professionnels=[p1])
    sc.evenement(
        "reunion_synthese", at(2026, 1, 15, 14), at(2026, 1, 15, 15, 20), jeunes=[a, b], professionnels=[p1, p2]
    )
    # Week 3: b, 13 h of internat over two days (12h_plus) — 9:00–15:30 twice.
    for jour in (20, 21):
        sc.evenement("activite_educative", at(2026, 1, jour, 9), at(2026, 1, jour, 15, 30), jeunes=[b],
                     professionnels=[p2], modalite="internat")  # fmt: skip
    # An absent-only event: not counted, its professionals' hours neither.
    sc.evenement("activite_educative", at(2026, 1, 22, 9), at(2026, 1, 22, 10), jeunes=[a], professionnels=[p3],
                 absents={a: "absent_imprevu"})  # fmt: skip
    t = table_aire(activite.dispositif, *T1)
    assert t["file_active"]["total"] == 2
    sj = t["semaines_jeune"]
    assert sj["total"] == 5  # a: W1, W2; b: W1, W2, W3
    # a W1 AJ+A, a W2 I (nuitée + synthesis), b W1 AJ, b W2 indirect, b W3 I.
    assert sj["par_combinaison"] == {"I": 2, "AJ": 1, "A": 0, "I+AJ": 0, "I+A": 0, "AJ+A": 1, "I+AJ+A": 0,
                                     "indirect": 1}  # fmt: skip
    # Direct youth-weeks: a W1 2.5 h (1h_3h), a W2 nuitée only 0 h (moins_1h), b W1 2 h (1h_3h), b W3 13 h.
    assert sj["par_intensite"] == {"moins_1h": 1, "1h_3h": 2, "3h_6h": 0, "6h_12h": 0, "12h_plus": 1}
    v = t["volumes"]  # journées: a and b one morning each in W1, b four half-days in W3
    assert v == {
        "nuitees": 1, "journees": 3.0, "actes_ambulatoires": 1, "heures_directes": 2 + 0.5 + 2 + 13,
        "heures_indirectes": round(2 * 80 / 60, 2),
        # 2 h × 3 + 0.5 h × 1 + 12 h × 1 + 1 h 20 × 2 + 6.5 h × 1 × 2
        "heures_professionnels": round(6 + 0.5 + 12 + 160 / 60 + 13, 2),
    }  # fmt: skip
    assert t["jeunes_multi_modalites"] == 2  # a: AJ, A, I; b: AJ, I


def test_bande_intensite_et_bornes():
    bornes = [1, 3, 6, 12]
    assert [bande_intensite(h * 3600, bornes) for h in (0, 0.99, 1, 2.99, 3, 6, 11.99, 12, 40)] == [
        "moins_1h", "moins_1h", "1h_3h", "1h_3h", "3h_6h", "6h_12h", "6h_12h", "12h_plus", "12h_plus",
    ]  # fmt: skip


def test_bornes_parametrees(activite):
    from activite.services.parametres import parametres_modifier

    sc = activite.sc
    j = sc.accompagne()
    sc.evenement("entretien_jeune", at(2026, 1, 6, 9), at(2026, 1, 6, 11), jeunes=[j])
    assert table_aire(activite.dispositif, *T1)["semaines_jeune"]["par_intensite"]["1h_3h"] == 1
    parametres_modifier(dispositif=activite.dispositif, actor=activite.direction, suivi_post_sortie_annees=3,
                        bornes_intensite=[2, 4, 8, 16], coupure_demi_journee=datetime.time(13))  # fmt: skip
    table, params = table_aire_avec_parametres(activite.dispositif, *T1)
    assert table["semaines_jeune"]["par_intensite"]["1h_3h"] == 1  # 2 h is in [2, 4): the second band
    assert params == {"modele": "aire-v1", "version": 2, "suivi_post_sortie_annees": 3,
                      "bornes_intensite": [2, 4, 8, 16], "coupure_demi_journee": "13:00"}  # fmt: skip


def test_appui_ressources(activite):
    sc = activite.sc
    ecole, ase = sc.partenaire("education_nationale"), sc.partenaire("protection_enfance")
    p1, p2 = sc.pro(), sc.pro()
    sc.evenement("appui_ressources", at(2026, 1, 6, 9), at(2026, 1, 6, 11), partenaire=ecole, professionnels=[p1, p2])
    sc.evenement("appui_ressources", at(2026, 2, 6, 9), at(2026, 2, 6, 10), partenaire=ecole, professionnels=[p1])
    sc.evenement("appui_ressources", at(2026, 3, 6, 9), at(2026, 3, 6, 9, 30), partenaire=ase, professionnels=[p1])
    sc.evenement("appui_ressources", at(2026, 3, 9, 9), at(2026, 3, 9, 10), partenaire=ase, statut="annule")
    sc.evenement("appui_ressources", at(2026, 3, 10, 9), at(2026, 3, 10, 10), partenaire=ase, hors_prestation=True)
    sc.evenement("appui_ressources", at(2026, 4, 1, 9), at(2026, 4, 1, 10), partenaire=ase)  # Q2
    appui = table_aire(activite.dispositif, *T1)["appui_ressources"]
    assert appui == {
        "interventions": 3, "heures_professionnels": 5.5, "partenaires_distincts": 2,
        "par_type_partenaire": {"education_nationale": 2, "protection_enfance": 1, "sanitaire": 0,
                                "medico_social": 0, "droit_commun": 0, "autre": 0},
    }  # fmt: skip


def test_situations_complexes_de_la_file_active(activite):
    sc = activite.sc
    a, b, c = sc.accompagne(), sc.accompagne(), sc.accompagne()
    for j in (a, b):
        sc.evenement("entretien_jeune", at(2026, 1, 6, 9), at(2026, 1, 6, 10), jeunes=[j])
    sc.situation_complexe(a, D(2025, 6, 1), D(2026, 1, 1))  # overlaps P by its last day
    sc.situation_complexe(b, D(2025, 6, 1), D(2025, 12, 31))  # ends before P
    sc.situation_complexe(c, D(2026, 1, 1))  # not in the file active
    assert table_aire(activite.dispositif, *T1)["situations_complexes"] == 1


def test_anomalies_et_references(activite):
    sc = activite.sc
    sans = sc.jeune(ref="JEUNE-42")
    autre = sc.jeune()
    e1 = sc.evenement("entretien_jeune", at(2026, 1, 6, 9), at(2026, 1, 6, 10), jeunes=[sans], ref="EVT-1")
    e2 = sc.evenement("entretien_jeune", at(2026, 1, 7, 9), at(2026, 1, 7, 10), jeunes=[autre])
    p = sc.pro()
    sc.evenement("entretien_jeune", at(2026, 1, 8, 9), at(2026, 1, 8, 10), jeunes=[sans], professionnels=[p])
    t = table_aire(activite.dispositif, *T1)
    assert t["anomalies"][:2] == [
        {"jeune": "JEUNE-42", "evenement": "EVT-1", "motif": "hors_parcours"},
        {"jeune": autre.num, "evenement": f"evt-{e2.pk}", "motif": "hors_parcours"},
    ]
    assert len(t["anomalies"]) == 3 and e1.pk
    assert t["file_active"]["total"] == 0 and t["volumes"]["heures_professionnels"] == 0.0


def test_descente_vers_les_evenements(activite):
    sc = activite.sc
    j = sc.accompagne()
    e1 = sc.evenement("entretien_jeune", at(2026, 1, 6, 9), at(2026, 1, 6, 10), jeunes=[j])
    e2 = sc.evenement("reunion_synthese", at(2026, 1, 7, 9), at(2026, 1, 7, 10), jeunes=[j])
    sc.evenement("entretien_jeune", at(2026, 1, 8, 9), at(2026, 1, 8, 10), jeunes=[j], absents={j: "absent_prevu"})
    table_aire(activite.dispositif, *T1)
    assert list(semaines_de_la_periode(activite.dispositif, *T1).values_list("jeune_id", flat=True)) == [j.pk]
    assert list(evenements_comptes(activite.dispositif, j.pk, D(2026, 1, 5))) == [e1, e2]


@pytest.mark.parametrize(("debut", "fin"), [(D(2026, 3, 1), D(2026, 1, 1)), ("2026-01-01", D(2026, 3, 1))])
def test_periode_invalide(activite, debut, fin):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        table_aire(activite.dispositif, debut, fin)
