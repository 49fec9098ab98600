"""French labels of the activity figures (DOMAIN §8.1, §8.2): one place for every export, the dashboard and the PDF.

Keys are the JSON keys of the §8.1 / §8.2 outputs; ``libelle(key)`` falls back to a readable form of an unknown key
(quality indicators, future keys) so an export never shows a raw identifier when a label is missing.
"""

from core.enums import Modalite
from dossiers.enums import Deficience, MotifSortie, Sexe, StatutParcours

STATUTS = {
    "total": "Total (jeunes distincts)",
    "pre_admission": "Pré-admission",
    "accompagne": "Accompagnés",
    "suivi_post_sortie": "Suivi post-sortie",
    "ponctuel": "Accompagnement ponctuel",
}

COMBINAISONS = {
    "I": "Internat",
    "AJ": "Accueil de jour",
    "A": "Ambulatoire",
    "I+AJ": "Internat + accueil de jour",
    "I+A": "Internat + ambulatoire",
    "AJ+A": "Accueil de jour + ambulatoire",
    "I+AJ+A": "Internat + accueil de jour + ambulatoire",
    "indirect": "Prestations indirectes seules",
}

INTENSITES = {
    "moins_1h": "Moins d'1 h",
    "1h_3h": "De 1 h à moins de 3 h",
    "3h_6h": "De 3 h à moins de 6 h",
    "6h_12h": "De 6 h à moins de 12 h",
    "12h_plus": "12 h et plus",
}

VOLUMES = {
    "nuitees": "Nuitées d'internat",
    "journees": "Journées (internat et accueil de jour)",
    "actes_ambulatoires": "Actes ambulatoires",
    "heures_directes": "Heures de prestations directes (heures-jeune)",
    "heures_indirectes": "Heures de prestations indirectes (heures-jeune)",
    "heures_professionnels": "Heures de professionnels",
}

TYPES_PARTENAIRE = {
    "education_nationale": "Éducation nationale",
    "protection_enfance": "Protection de l'enfance",
    "sanitaire": "Sanitaire",
    "medico_social": "Médico-social",
    "droit_commun": "Droit commun (loisirs, culture, sport)",
    "autre": "Autre",
}

APPUI = {
    "interventions": "Interventions d'appui-ressources",
    "heures_professionnels": "Heures de professionnels",
    "partenaires_distincts": "Partenaires distincts",
}

AIRE_DIVERS = {
    "situations_complexes": "Jeunes de la file active en situation complexe",
    "jeunes_multi_modalites": "Jeunes de la file active accompagnés dans au moins deux modalités",
}

MOTIFS_ANOMALIE = {"hors_parcours": "Événement hors de toute période de parcours"}

TBP_INDICATEURS = {
    "journees_realisees": "Journées réalisées",
    "journees_financees": "Journées financées",
    "taux_realisation_activite": "Taux de réalisation de l'activité (%)",
    "actes_ambulatoires": "Actes ambulatoires",
    "effectif_31_12": "Effectif au 31 décembre",
    "entrees": "Entrées (admissions)",
    "sorties_definitives": "Sorties définitives",
    "file_active": "File active (effectif au 31/12 + sorties)",
    "duree_moyenne_accompagnement_sortants_jours": "Durée moyenne d'accompagnement des sortants (jours)",
    "journees_absence_moyenne": "Nombre moyen de journées d'absence",
    "creton": "Jeunes en amendement Creton",
    "part_mesure_ase": "Part des jeunes avec une mesure ASE (%)",
}

AGES = {
    "moins_6": "Moins de 6 ans",
    "6_10": "6 à 10 ans",
    "11_15": "11 à 15 ans",
    "16_17": "16 à 17 ans",
    "18_19": "18 à 19 ans",
    "20_plus": "20 ans et plus",
}

SEXES = {**dict(Sexe.choices), "F": "Filles", "M": "Garçons"}
DEFICIENCES = {**dict(Deficience.choices), "non_renseignee": "Non renseignée", "": "Non renseignée"}
MOTIFS_SORTIE = {**dict(MotifSortie.choices), "non_renseigne": "Non renseigné", "": "Non renseigné"}
MODALITES = dict(Modalite.choices)
STATUTS_PARCOURS = dict(StatutParcours.choices)

PARAMETRES = {
    "modele": "Modèle de calcul",
    "version": "Version des paramètres",
    "suivi_post_sortie_annees": "Durée du suivi post-sortie compté (années)",
    "bornes_intensite": "Bornes des tranches d'intensité (heures par semaine)",
    "coupure_demi_journee": "Heure de coupure matin / après-midi",
    "places_internat": "Places financées en internat",
    "places_accueil_de_jour": "Places financées en accueil de jour",
    "places_ambulatoire": "Places financées en ambulatoire",
    "jours_ouverture": "Jours d'ouverture dans l'année",
}

NARRATIF = {
    "faits_marquants": "Faits marquants de l'année",
    "analyse_activite": "Analyse de l'activité",
    "partenariats": "Partenariats et appui-ressources",
    "perspectives": "Perspectives",
}

QUALITE = {
    "ppa": "Projets personnalisés (PPA)",
    "contrats": "Contrats de séjour",
    "evenements_indesirables": "Événements indésirables",
    "transmissions": "Transmissions",
    "jeunes_accompagnes": "Jeunes accompagnés",
    "a_jour": "PPA à jour",
    "part_a_jour": "Part des PPA à jour (%)",
    "revisions_en_retard": "Révisions de PPA en retard",
    "premiers_ppa_en_retard": "Premiers PPA en retard",
    "admissions": "Admissions",
    "remis_sous_15_jours": "Contrats remis sous 15 jours",
    "signes_sous_un_mois": "Contrats signés sous un mois",
    "part_remis_sous_15_jours": "Part des contrats remis sous 15 jours (%)",
    "part_signes_sous_un_mois": "Part des contrats signés sous un mois (%)",
    "declares": "Déclarés sur la période",
    "clos": "Clos sur la période",
    "en_cours_fin_periode": "En cours en fin de période",
    "delai_cloture_moyen_jours": "Délai moyen de clôture (jours)",
    "delai_cloture_median_jours": "Délai médian de clôture (jours)",
    "jeunes": "Jeunes concernés",
    "semaines": "Semaines de la période",
    "par_jeune": "Transmissions par jeune",
    "par_semaine": "Transmissions par semaine",
    "par_jeune_par_semaine": "Transmissions par jeune et par semaine",
}

TOUS = {
    **STATUTS,
    **COMBINAISONS,
    **INTENSITES,
    **VOLUMES,
    **TYPES_PARTENAIRE,
    **APPUI,
    **AIRE_DIVERS,
    **TBP_INDICATEURS,
    **PARAMETRES,
    **NARRATIF,
    **QUALITE,
}


def libelle(cle, table: dict | None = None) -> str:
    """French label of ``cle`` (from ``table`` first, then every known label), else a readable form of the key."""
    cle = "" if cle is None else str(cle)
    if table and cle in table:
        return table[cle]
    if cle in TOUS:
        return TOUS[cle]
    texte = cle.replace("_", " ").strip()
    return texte[:1].upper() + texte[1:] if texte else "—"
