from django.db import models


class StatutTransmission(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    VALIDEE = "validee", "Validée"


class Importance(models.TextChoices):
    NORMALE = "normale", "Normale"
    IMPORTANTE = "importante", "Importante"


# Default catégories of every organisme: code -> libellé.
CATEGORIES_PAR_DEFAUT = {
    "sante": "Santé",
    "comportement": "Comportement",
    "scolarite": "Scolarité",
    "famille": "Famille",
    "vie_quotidienne": "Vie quotidienne",
    "incident": "Incident",
    "information": "Information",
}
