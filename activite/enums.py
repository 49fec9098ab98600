from django.db import models

MODELE_AIRE = "aire-v1"
MODELE_TBP = "tbp-v1"


class TypeRapport(models.TextChoices):
    AIRE = "aire", "Tableau d'activité AIRe"
    TBP = "tbp", "Indicateurs du tableau de bord de la performance"
    RAPPORT_ANNUEL = "rapport_annuel", "Rapport d'activité annuel"
    QUALITE = "qualite", "Indicateurs qualité (évaluation HAS)"


class FormatRapport(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Tableur (XLSX)"
    CSV = "csv", "CSV"
    JSON = "json", "JSON"


class StatutRapport(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    EN_COURS = "en_cours", "En cours"
    TERMINE = "termine", "Terminé"
    ECHEC = "echec", "Échec"
