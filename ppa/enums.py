from django.db import models


class StatutPpa(models.TextChoices):
    """States of a PPA version (DOMAIN §7)."""

    EN_ELABORATION = "en_elaboration", "En élaboration"
    VALIDE = "valide", "Validé"
    EN_COURS = "en_cours", "En cours"
    CLOS = "clos", "Clos"


class TypeVersion(models.TextChoices):
    INITIAL = "initial", "PPA initial"
    AVENANT = "avenant", "Avenant"
    RENOUVELLEMENT = "renouvellement", "Renouvellement après révision"


class ResultatEvaluation(models.TextChoices):
    ATTEINT = "atteint", "Atteint"
    PARTIELLEMENT = "partiellement_atteint", "Partiellement atteint"
    NON_ATTEINT = "non_atteint", "Non atteint"
    ABANDONNE = "abandonne", "Abandonné"


class MotifRevue(models.TextChoices):
    ANNUELLE = "annuelle", "Révision annuelle"
    DEMANDE_JEUNE = "demande_jeune", "À la demande du jeune"
    DEMANDE_FAMILLE = "demande_famille", "À la demande de la famille"
    CHANGEMENT_SITUATION = "changement_situation", "Changement de situation"


class Signataire(models.TextChoices):
    JEUNE = "jeune", "Le jeune"
    REPRESENTANT_LEGAL = "representant_legal", "Représentant légal"


class ModeAccordPpa(models.TextChoices):
    SIGNATURE_TABLETTE = "signature_tablette", "Signature sur tablette"
    SIGNATURE_SCANNEE = "signature_scannee", "Signature papier numérisée"
    ORAL = "oral", "Accord oral recueilli en entretien"
    REFUS = "refus", "Refus"


class TypeRappel(models.TextChoices):
    A_ECHEANCE = "a_echeance", "Échéance dans moins d'un mois"
    EN_RETARD = "en_retard", "En retard"


# DOMAIN §7: first PPA within 6 months of admission, review at least once a year.
DELAI_PREMIER_PPA_MOIS = 6
DELAI_REVISION_MOIS = 12
