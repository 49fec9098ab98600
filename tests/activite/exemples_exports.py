"""Hand-written §8.1 / §8.2 results used by the export tests (shapes of DOMAIN §8, figures chosen to be
recognisable in the files: 1234.5 journées, 4210.25 heures...)."""

import copy

AIRE = {
    "modele": "aire-v1",
    "dispositif": "750000001",
    "debut": "2026-01-01",
    "fin": "2026-03-31",
    "file_active": {"total": 42, "pre_admission": 5, "accompagne": 33, "suivi_post_sortie": 4, "ponctuel": 2},
    "semaines_jeune": {
        "total": 410,
        "par_combinaison": {"I": 40, "AJ": 120, "A": 90, "I+AJ": 80, "I+A": 10, "AJ+A": 45, "I+AJ+A": 15,
                            "indirect": 10},
        "par_intensite": {"moins_1h": 30, "1h_3h": 90, "3h_6h": 100, "6h_12h": 120, "12h_plus": 60},
    },
    "volumes": {"nuitees": 512, "journees": 1234.5, "actes_ambulatoires": 380, "heures_directes": 4210.25,
                "heures_indirectes": 150.5, "heures_professionnels": 6120.75},
    "appui_ressources": {
        "interventions": 57, "heures_professionnels": 98.5, "partenaires_distincts": 14,
        "par_type_partenaire": {"education_nationale": 30, "protection_enfance": 10, "sanitaire": 5,
                                "medico_social": 7, "droit_commun": 3, "autre": 2},
    },
    "situations_complexes": 3,
    "jeunes_multi_modalites": 17,
    "anomalies": [{"jeune": "J-0042", "evenement": "=EV-9931", "motif": "hors_parcours"}],
}  # fmt: skip

TBP = {
    "modele": "tbp-v1", "dispositif": "750000001", "annee": 2026,
    "journees_realisees": 8123.5, "journees_financees": 9000, "taux_realisation_activite": 90.3,
    "actes_ambulatoires": 1500, "effectif_31_12": 40, "entrees": 12, "sorties_definitives": 10, "file_active": 50,
    "duree_moyenne_accompagnement_sortants_jours": 812.4, "journees_absence_moyenne": 6.2,
    "repartition_sexe": {"F": 12, "M": 38},
    "repartition_age": {"moins_6": 0, "6_10": 12, "11_15": 25, "16_17": 9, "18_19": 3, "20_plus": 1},
    "creton": 1, "motifs_sortie": {"retour_milieu_ordinaire": 6, "orientation_esms": 4},
    "repartition_deficience_principale": {"comportement": 40, "psychique": 8}, "part_mesure_ase": 24.0,
}  # fmt: skip

_BORNES = [("2026-01-01", "2026-03-31"), ("2026-04-01", "2026-06-30"), ("2026-07-01", "2026-09-30"),
           ("2026-10-01", "2026-12-31")]  # fmt: skip


def trimestre(i: int) -> dict:
    t = copy.deepcopy(AIRE)
    t["debut"], t["fin"] = _BORNES[i]
    t["file_active"]["total"] = 40 + i
    return t


ANNUEL = {
    "modele": "rapport-annuel-v1", "dispositif": "750000001", "annee": 2026, "debut": "2026-01-01",
    "fin": "2026-12-31", "tbp": TBP, "aire": dict(AIRE, debut="2026-01-01", fin="2026-12-31"),
    "aire_trimestres": [trimestre(i) for i in range(4)],
    "narratif": {"faits_marquants": "Ouverture d'une unité d'accueil de jour.", "analyse_activite": "",
                 "partenariats": "Convention avec le collège Jean Moulin.", "perspectives": "Extension."},
}  # fmt: skip

QUALITE = {
    "modele": "qualite-v1", "dispositif": "750000001", "debut": "2026-01-01", "fin": "2026-03-31",
    "ppa_a_jour": {"jeunes": 40, "a_jour": 35, "part": 87.5},
    "transmissions_par_jeune_semaine": 2.4,
    "evenements_indesirables": {"declares": 4, "clos": 3, "delai_moyen_cloture_jours": 12.3},
}  # fmt: skip

CONTEXTE = {
    "organisme": {"nom": "Association Les Tilleuls"},
    "dispositif": {"nom": "DITEP Les Tilleuls", "finess": "750000001"},
    "parametres": {"modele": "aire-v1", "version": 2, "suivi_post_sortie_annees": 3, "bornes_intensite": [1, 3, 6, 12],
                   "coupure_demi_journee": "13:00"},
}  # fmt: skip
