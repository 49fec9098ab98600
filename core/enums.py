from django.db import models


class Modalite(models.TextChoices):
    INTERNAT = "internat", "Internat"
    ACCUEIL_DE_JOUR = "accueil_de_jour", "Accueil de jour"
    AMBULATOIRE = "ambulatoire", "Ambulatoire"


class AccountKind(models.TextChoices):
    PROFESSIONNEL = "professionnel", "Professionnel"
    PROCHE = "proche", "Proche (famille)"
    JEUNE = "jeune", "Jeune"


class Metier(models.TextChoices):
    DIRECTION = "direction", "Direction"
    CHEF_DE_SERVICE = "chef_de_service", "Chef de service"
    COORDINATEUR_PARCOURS = "coordinateur_parcours", "Coordinateur de parcours"
    EDUCATEUR = "educateur", "Éducateur"
    EDUCATEUR_NUIT = "educateur_nuit", "Éducateur de nuit"
    ENSEIGNANT = "enseignant", "Enseignant"
    PSYCHOLOGUE = "psychologue", "Psychologue"
    MEDECIN = "medecin", "Médecin"
    INFIRMIER = "infirmier", "Infirmier"
    ORTHOPHONISTE = "orthophoniste", "Orthophoniste"
    PSYCHOMOTRICIEN = "psychomotricien", "Psychomotricien"
    ERGOTHERAPEUTE = "ergotherapeute", "Ergothérapeute"
    ASSISTANT_SOCIAL = "assistant_social", "Assistant de service social"
    SECRETARIAT = "secretariat", "Secrétariat"
    ADMIN_ORGANISME = "admin_organisme", "Administrateur de l'organisme"


# DOMAIN §3: content marked confidentiel soin is readable by these métiers (and by its authors).
CARE_METIERS = frozenset({Metier.MEDECIN, Metier.INFIRMIER, Metier.PSYCHOLOGUE})
# TOTP is mandatory for these métiers (issue Foundation §4).
TOTP_REQUIRED_METIERS = frozenset({Metier.DIRECTION, Metier.ADMIN_ORGANISME})


class Role(models.TextChoices):
    CONTRIBUTEUR = "contributeur", "Lecture et écriture"
    LECTEUR = "lecteur", "Lecture seule"


class TypePartenaire(models.TextChoices):
    EDUCATION_NATIONALE = "education_nationale", "Éducation nationale"
    PROTECTION_ENFANCE = "protection_enfance", "Protection de l'enfance"
    SANITAIRE = "sanitaire", "Sanitaire"
    MEDICO_SOCIAL = "medico_social", "Médico-social"
    DROIT_COMMUN = "droit_commun", "Droit commun (loisirs, culture, sport)"
    AUTRE = "autre", "Autre"


class AuditAction(models.TextChoices):
    READ = "read", "Consultation"
    CREATE = "create", "Création"
    UPDATE = "update", "Modification"
    DELETE = "delete", "Suppression"
    EXPORT = "export", "Export"
    BREAK_GLASS = "break_glass", "Accès exceptionnel (bris de glace)"
    LOGIN = "login", "Connexion"
    LOGIN_FAILED = "login_failed", "Échec de connexion"
    LOGOUT = "logout", "Déconnexion"
    SECURITY = "security", "Sécurité du compte"
    IMPORT = "import", "Import"


class Visibilite(models.TextChoices):
    """Who may read a document, a transmission or any shareable item (DOMAIN §3)."""

    EQUIPE = "equipe", "Équipe"
    CONFIDENTIEL_SOIN = "confidentiel_soin", "Confidentiel soin"
    PARTAGEABLE_FAMILLE = "partageable_famille", "Partageable avec la famille"
