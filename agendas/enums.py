from django.db import models


class Cadre(models.TextChoices):
    """How an event counts in activity (DOMAIN §5, §8)."""

    DIRECT = "direct", "Direct (avec le jeune)"
    INDIRECT = "indirect", "Indirect (au sujet du jeune, sans lui)"
    APPUI_RESSOURCES = "appui_ressources", "Appui-ressources (auprès d'un partenaire)"
    INSTITUTIONNEL = "institutionnel", "Institutionnel (non compté)"


class StatutEvenement(models.TextChoices):
    PREVU = "prevu", "Prévu"
    REALISE = "realise", "Réalisé"
    ANNULE = "annule", "Annulé"


class Presence(models.TextChoices):
    PRESENT = "present", "Présent"
    ABSENT_PREVU = "absent_prevu", "Absent (prévu)"
    ABSENT_IMPREVU = "absent_imprevu", "Absent (imprévu)"


class TypeLieu(models.TextChoices):
    SITE = "site", "Site du dispositif"
    DOMICILE = "domicile", "Domicile"
    ECOLE = "ecole", "École"
    PARTENAIRE = "partenaire", "Chez un partenaire"
    AUTRE = "autre", "Autre lieu"


class TypeRessource(models.TextChoices):
    SALLE = "salle", "Salle"
    VEHICULE = "vehicule", "Véhicule"


class MotifAbsence(models.TextChoices):
    """J406 motif d'absence (draft: 1 hospitalisation, 2 raisons personnelles), plus local codes."""

    HOSPITALISATION = "1", "Hospitalisation"
    RAISONS_PERSONNELLES = "2", "Raisons personnelles ou familiales"
    MALADIE = "maladie", "Maladie"
    SCOLAIRE = "scolaire", "Sortie ou obligation scolaire"
    RENDEZ_VOUS = "rendez_vous", "Rendez-vous médical ou extérieur"
    FUGUE = "fugue", "Fugue"
    EXCLUSION = "exclusion", "Exclusion temporaire"
    AUTRE = "autre", "Autre"


class OrigineAbsence(models.TextChoices):
    FAMILLE = "famille", "Déclarée par la famille"
    EQUIPE = "equipe", "Déclarée par l'équipe"


class StatutAbsence(models.TextChoices):
    A_CONFIRMER = "a_confirmer", "À prendre en compte"
    CONFIRMEE = "confirmee", "Prise en compte"
    REFUSEE = "refusee", "Non retenue"


# Default natures of every dispositif (format-echange-v1): code -> (libellé, cadre, SERAFIN, hors prestation).
NATURES_PAR_DEFAUT = {
    "activite_educative": ("Activité éducative", Cadre.DIRECT, "2.2.2", False),
    "seance_soin": ("Séance de soin", Cadre.DIRECT, "2.1.1.3", False),
    "reeducation": ("Rééducation", Cadre.DIRECT, "2.1.2.1", False),
    "classe_ue": ("Classe en unité d'enseignement", Cadre.DIRECT, "2.3.3.1", False),
    "accompagnement_scolaire": ("Accompagnement scolaire", Cadre.DIRECT, "2.3.3.1", False),
    "entretien_jeune": ("Entretien avec le jeune", Cadre.DIRECT, "2.3.1.1", False),
    "nuitee": ("Nuitée d'internat", Cadre.DIRECT, "2.2.1", False),
    "entretien_famille": ("Entretien famille", Cadre.INDIRECT, "2.3.3.5", False),
    "reunion_synthese": ("Réunion de synthèse", Cadre.INDIRECT, "2.4.1", False),
    "reunion_partenaires": ("Réunion avec les partenaires", Cadre.INDIRECT, "2.4.1", False),
    "appui_ressources": ("Intervention d'appui-ressources", Cadre.APPUI_RESSOURCES, "3.1.5.2", False),
    "reunion_equipe": ("Réunion d'équipe", Cadre.INSTITUTIONNEL, "3.1.1.1", False),
    "transport": ("Transport", Cadre.DIRECT, "3.2.4.1", True),
}
NUITEE = "nuitee"
