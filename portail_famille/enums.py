from django.db import models


class StatutAcces(models.TextChoices):
    INVITE = "invite", "Invitation envoyée"
    ACTIF = "actif", "Actif"
    SUSPENDU = "suspendu", "Suspendu"
    REVOQUE = "revoque", "Révoqué"


class Espace(models.TextChoices):
    """Separate spaces (issue Portail famille §7): what the youth writes is not visible to the parents and vice
    versa."""

    FAMILLE = "famille", "Famille"
    JEUNE = "jeune", "Jeune"


class TypeQuestion(models.TextChoices):
    ECHELLE = "echelle", "Échelle (de 1 à N)"
    CHOIX = "choix", "Choix unique"
    TEXTE = "texte", "Réponse libre"


class PublicQuestionnaire(models.TextChoices):
    FAMILLES = "familles", "Familles"
    JEUNES = "jeunes", "Jeunes"
    TOUS = "tous", "Familles et jeunes"


class StatutQuestionnaire(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    OUVERT = "ouvert", "Ouvert aux réponses"
    CLOS = "clos", "Clos"


class TypeReclamation(models.TextChoices):
    RECLAMATION = "reclamation", "Réclamation"
    SUGGESTION = "suggestion", "Suggestion"


class StatutReclamation(models.TextChoices):
    RECUE = "recue", "Reçue"
    EN_COURS = "en_cours", "En cours de traitement"
    REPONDUE = "repondue", "Réponse envoyée"
    CLOSE = "close", "Close"


# Below this number of answers, results of a questionnaire are not shown (anonymity).
SEUIL_ANONYMAT_PAR_DEFAUT = 5
AGE_MINIMUM_JEUNE_PAR_DEFAUT = 12
