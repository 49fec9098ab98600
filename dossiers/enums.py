"""Choices of the dossier. Values are stable ASCII codes; where a national value set exists (TDDUI), the code is
the national one and ``*_SYSTEM`` names the set, so that an export is a mapping."""

from django.db import models


class StatutParcours(models.TextChoices):
    PRE_ADMISSION = "pre_admission", "Pré-admission"
    ACCOMPAGNE = "accompagne", "Accompagné"
    SUIVI_POST_SORTIE = "suivi_post_sortie", "Suivi post-sortie"
    PONCTUEL = "ponctuel", "Accompagnement ponctuel"


class Sexe(models.TextChoices):
    FEMININ = "F", "Féminin"
    MASCULIN = "M", "Masculin"
    INDETERMINE = "I", "Indéterminé"


class StatutIdentite(models.TextChoices):
    """RNIV identity status; unqualified (provisoire) until checked against a high-trust document and the INSi."""

    PROVISOIRE = "provisoire", "Identité provisoire"
    RECUPEREE = "recuperee", "Identité récupérée"
    VALIDEE = "validee", "Identité validée"
    QUALIFIEE = "qualifiee", "Identité qualifiée"


class Deficience(models.TextChoices):
    """TBP déficience categories (DOMAIN §4)."""

    INTELLECTUELLE = "intellectuelle", "Déficience intellectuelle"
    AUTISME = "autisme", "Troubles du spectre de l'autisme"
    PSYCHIQUE = "psychique", "Troubles psychiques"
    LANGAGE_APPRENTISSAGES = "langage_apprentissages", "Troubles du langage et des apprentissages"
    AUDITIVE = "auditive", "Déficiences auditives"
    VISUELLE = "visuelle", "Déficiences visuelles"
    MOTRICE = "motrice", "Déficiences motrices"
    METABOLIQUE = "metabolique", "Déficiences métaboliques, viscérales et nutritionnelles"
    CEREBROLESION = "cerebrolesion", "Cérébrolésion"
    POLYHANDICAP = "polyhandicap", "Polyhandicap"
    COMPORTEMENT = "comportement", "Troubles du comportement et de la communication"
    AUTRE = "autre", "Autres types de déficiences"
    EN_COURS_DIAGNOSTIC = "en_cours_diagnostic", "En cours de diagnostic"


class OriginePreAdmission(models.TextChoices):
    ORIENTATION_MDPH = "orientation_mdph", "Orientation MDPH"
    VIATRAJECTOIRE = "viatrajectoire", "Demande ViaTrajectoire"
    AUTRE = "autre", "Autre"


class IssuePreAdmission(models.TextChoices):
    ADMIS = "admis", "Admission"
    REFUS = "refus", "Refus"
    ABANDON = "abandon", "Abandon"


class MotifSortie(models.TextChoices):
    RETOUR_MILIEU_ORDINAIRE = "retour_milieu_ordinaire", "Retour en milieu ordinaire"
    ORIENTATION_ESMS = "orientation_esms", "Orientation vers un autre établissement ou service médico-social"
    ORIENTATION_SANITAIRE = "orientation_sanitaire", "Orientation vers le sanitaire"
    FIN_NOTIFICATION = "fin_notification", "Fin de la notification MDPH"
    MAJORITE = "majorite", "Passage à l'âge adulte"
    DEMENAGEMENT = "demenagement", "Déménagement"
    DECISION_FAMILLE = "decision_famille", "Décision de la famille ou du jeune"
    AUTRE = "autre", "Autre"


class Priorite(models.TextChoices):
    NORMALE = "normale", "Normale"
    HAUTE = "haute", "Haute"
    URGENTE = "urgente", "Urgente"


class LienParente(models.TextChoices):
    """J11-RelationPatient ∪ J14-QualiteRepresentantLegal (TRE_R216-HL7RoleCode), child-relevant subset."""

    MTH = "MTH", "Mère"
    FTH = "FTH", "Père"
    STPMTH = "STPMTH", "Belle-mère"
    STPFTH = "STPFTH", "Beau-père"
    ADOPTM = "ADOPTM", "Mère adoptive"
    ADOPTF = "ADOPTF", "Père adoptif"
    MTHFOST = "MTHFOST", "Assistante familiale (famille d'accueil)"
    FTHFOST = "FTHFOST", "Assistant familial (famille d'accueil)"
    GRMTH = "GRMTH", "Grand-mère"
    GRFTH = "GRFTH", "Grand-père"
    BRO = "BRO", "Frère"
    SIS = "SIS", "Sœur"
    HBRO = "HBRO", "Demi-frère"
    HSIS = "HSIS", "Demi-sœur"
    UNCLE = "UNCLE", "Oncle"
    AUNT = "AUNT", "Tante"
    FAMMEMB = "FAMMEMB", "Autre membre de la famille"
    FRND = "FRND", "Autre proche"
    ASE = "ASE", "Référent ASE (service de l'aide sociale à l'enfance)"
    TDC = "TDC", "Tiers digne de confiance"


LIEN_PARENTE_SYSTEM = "TRE_R216-HL7RoleCode"


class RoleContact(models.TextChoices):
    """jdv-j384-role-membre-famille-ms (TRE_R260, ms=true)."""

    GUARD = "GUARD", "Responsable légal"
    ECON = "ECON", "Personne à prévenir en cas d'urgence"
    CON = "CON", "Informateur"
    CAREGIVER = "CAREGIVER", "Aidant"
    NOK = "NOK", "Personne de confiance"


class TypeEnseignement(models.TextChoices):
    """Schooling; codes 1..17 are J386 (tre-r408), the others local until a national code exists."""

    ORDINAIRE = "ordinaire", "Classe ordinaire"
    ULIS_ECOLE = "2", "ULIS école"
    ULIS_COLLEGE = "3", "ULIS collège"
    ULIS_LYCEE = "4", "ULIS lycée"
    SEGPA = "9", "SEGPA"
    EREA = "10", "EREA"
    UE_ITEP = "13", "Unité d'enseignement du DITEP"
    UE_EXTERNALISEE = "ue_externalisee", "Unité d'enseignement externalisée"
    SAPAD = "15", "Enseignement à domicile (SAPAD)"
    CNED = "16", "CNED"
    CFA = "17", "Formation en CFA"
    AUCUNE = "aucune", "Déscolarisé"


class TypeDroitMdph(models.TextChoices):
    """J402 type de droit (orientation codes relevant to a DITEP)."""

    DISPOSITIF_ITEP = "7.7", "Orientation vers le dispositif ITEP"
    ITEP = "7.6", "Orientation vers un ITEP"
    SESSAD = "7.8", "Orientation vers un SESSAD"
    IME = "7.1", "Orientation vers un IME"
    AUTRE_ESMS = "7.99", "Orientation vers un autre ESMS Enfants"


class TemporaliteAccueil(models.TextChoices):
    """JDV_J30-TemporaliteAccueil-ROR."""

    TEMPORAIRE = "01", "Temporaire"
    PERMANENT = "02", "Permanent"


class ModeAccord(models.TextChoices):
    ECRIT = "ecrit", "Accord écrit signé"
    ORAL = "oral", "Accord oral (recueilli en entretien)"
    COURRIEL = "courriel", "Accord par courriel"
    REFUS = "refus", "Refus"


class TypeDocument(models.TextChoices):
    NOTIFICATION_MDPH = "notification_mdph", "Notification MDPH"
    CONTRAT_SEJOUR = "contrat_sejour", "Contrat de séjour"
    DIPC = "dipc", "Document individuel de prise en charge (DIPC)"
    FICHE_LIAISON = "fiche_liaison", "Fiche de liaison"
    PPA = "ppa", "Projet personnalisé d'accompagnement"
    BILAN = "bilan", "Bilan"
    COMPTE_RENDU = "compte_rendu", "Compte rendu"
    CERTIFICAT_MEDICAL = "certificat_medical", "Certificat médical"
    ORDONNANCE = "ordonnance", "Ordonnance"
    DECISION_JUDICIAIRE = "decision_judiciaire", "Décision judiciaire"
    SCOLARITE = "scolarite", "Document scolaire"
    IDENTITE = "identite", "Pièce d'identité"
    ASSURANCE = "assurance", "Attestation d'assurance"
    COURRIER = "courrier", "Courrier"
    ATTESTATION = "attestation", "Attestation"
    AUTRE = "autre", "Autre"


class SourceDocument(models.TextChoices):
    EQUIPE = "equipe", "Déposé par l'équipe"
    FAMILLE = "famille", "Déposé par la famille"
    GENERE = "genere", "Produit par le logiciel"


class StatutDocument(models.TextChoices):
    VALIDE = "valide", "Classé"
    A_VALIDER = "a_valider", "À valider"
    REFUSE = "refuse", "Refusé"


class GraviteEi(models.TextChoices):
    MINEURE = "mineure", "Mineure"
    MODEREE = "moderee", "Modérée"
    GRAVE = "grave", "Grave"
    TRES_GRAVE = "tres_grave", "Très grave"


class StatutEi(models.TextChoices):
    DECLARE = "declare", "Déclaré"
    EN_COURS = "en_cours", "En cours de traitement"
    CLOS = "clos", "Clos"


class StatutExport(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    EN_COURS = "en_cours", "En cours"
    TERMINE = "termine", "Terminé"
    ECHEC = "echec", "Échec"


class FormatExport(models.TextChoices):
    PDF = "pdf", "PDF (à remettre à la personne)"
    JSON = "json", "JSON (pour un autre logiciel)"
