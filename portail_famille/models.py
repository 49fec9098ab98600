"""Portail famille: what families and youths reach from ``/portail/``.

``AccesPortail`` is the source of truth of portal rights: one row per (account, youth), for a proche (each
représentant légal separately) or for the youth themself, with its own rights, status and dates. Every portal view
and endpoint resolves the youth through it (``portail_famille.acces``): no row, or a suspended one, is a 404.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import Dispositif, TenantModel, TenantQuerySet, User
from dossiers.models import Jeune, Proche
from portail_famille.enums import (
    AGE_MINIMUM_JEUNE_PAR_DEFAUT,
    SEUIL_ANONYMAT_PAR_DEFAUT,
    Espace,
    PublicQuestionnaire,
    StatutAcces,
    StatutQuestionnaire,
    StatutReclamation,
    TypeQuestion,
    TypeReclamation,
)


class ParametresPortail(TenantModel):
    """Portal settings of a dispositif."""

    dispositif = models.OneToOneField(Dispositif, on_delete=models.CASCADE, related_name="parametres_portail")
    age_minimum_jeune = models.PositiveSmallIntegerField(
        "âge à partir duquel un jeune peut avoir son compte", default=AGE_MINIMUM_JEUNE_PAR_DEFAUT
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "paramètres du portail"


class AccesPortailQuerySet(TenantQuerySet):
    def actifs(self):
        return self.filter(statut=StatutAcces.ACTIF)


class AccesPortail(TenantModel):
    """The access of one portal account to one youth, with its rights (DOMAIN §3: each proche sees only the
    youths and rights granted to them)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="acces_portail")
    jeune = models.ForeignKey(Jeune, on_delete=models.CASCADE, related_name="acces_portail")
    proche = models.ForeignKey(Proche, on_delete=models.CASCADE, null=True, blank=True, related_name="acces")
    espace = models.CharField("espace", max_length=10, choices=Espace.choices)
    statut = models.CharField("statut", max_length=10, choices=StatutAcces.choices, default=StatutAcces.INVITE)
    voir_agenda = models.BooleanField("voir l'agenda", default=True)
    voir_ppa = models.BooleanField("voir le projet personnalisé", default=True)
    voir_documents = models.BooleanField("voir les documents partagés", default=True)
    deposer_documents = models.BooleanField("déposer des documents", default=True)
    messagerie = models.BooleanField("écrire à l'équipe", default=True)
    declarer_absences = models.BooleanField("déclarer des absences", default=True)
    voir_journal = models.BooleanField("lire le journal partagé", default=True)
    invite_par = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    invite_le = models.DateTimeField(default=timezone.now)
    active_le = models.DateTimeField(null=True, blank=True)
    suspendu_le = models.DateTimeField(null=True, blank=True)
    revoque_le = models.DateTimeField(null=True, blank=True)
    motif = models.TextField("motif de la suspension ou de la révocation", blank=True)

    objects = AccesPortailQuerySet.as_manager()

    class Meta:
        ordering = ["jeune", "espace", "pk"]
        verbose_name = "accès au portail"
        constraints = [
            models.UniqueConstraint(fields=["organisme", "user", "jeune"], name="acces_portail_unique"),
            models.CheckConstraint(
                condition=Q(espace="famille", proche__isnull=False) | Q(espace="jeune", proche__isnull=True),
                name="acces_portail_espace_proche",
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.jeune} ({self.get_statut_display()})"


class FilDiscussion(TenantModel):
    """A thread between one portal account (a parent, or the youth) and the team of the youth's dossier."""

    jeune = models.ForeignKey(Jeune, on_delete=models.CASCADE, related_name="fils_portail")
    dispositif = models.ForeignKey(Dispositif, on_delete=models.PROTECT, related_name="+")
    compte = models.ForeignKey(User, on_delete=models.CASCADE, related_name="fils_portail")
    espace = models.CharField("espace", max_length=10, choices=Espace.choices)
    sujet = models.CharField("sujet", max_length=200)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    dernier_message_le = models.DateTimeField(default=timezone.now)
    clos_le = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-dernier_message_le"]
        verbose_name = "fil de discussion"
        indexes = [models.Index(fields=["organisme", "dispositif", "dernier_message_le"], name="fil_dispositif_idx")]

    def __str__(self):
        return self.sujet


class Message(TenantModel):
    fil = models.ForeignKey(FilDiscussion, on_delete=models.CASCADE, related_name="messages")
    auteur = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    de_l_equipe = models.BooleanField(default=False)
    texte = models.TextField("message")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["fil", "created_at", "pk"]


class LectureFil(TenantModel):
    """When an account last read a thread (unread counts on both sides)."""

    fil = models.ForeignKey(FilDiscussion, on_delete=models.CASCADE, related_name="lectures")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    lu_le = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisme", "fil", "user"], name="lecture_fil_unique")]


class Questionnaire(TenantModel):
    """A satisfaction questionnaire built by the direction of a dispositif."""

    dispositif = models.ForeignKey(Dispositif, on_delete=models.CASCADE, related_name="questionnaires")
    titre = models.CharField("titre", max_length=200)
    introduction = models.TextField("introduction", blank=True)
    public = models.CharField("public", max_length=10, choices=PublicQuestionnaire.choices)
    statut = models.CharField(
        "statut", max_length=10, choices=StatutQuestionnaire.choices, default=StatutQuestionnaire.BROUILLON
    )
    ouvert_le = models.DateField("ouvert le", null=True, blank=True)
    clos_le = models.DateField("clos le", null=True, blank=True)
    seuil_anonymat = models.PositiveSmallIntegerField(
        "nombre minimal de réponses pour afficher les résultats", default=SEUIL_ANONYMAT_PAR_DEFAUT
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.titre


class Question(TenantModel):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    ordre = models.PositiveSmallIntegerField("ordre", default=1)
    libelle = models.CharField("question", max_length=300)
    type = models.CharField("type", max_length=10, choices=TypeQuestion.choices)
    echelle_max = models.PositiveSmallIntegerField("note maximale", default=4)
    libelle_min = models.CharField("libellé de la note la plus basse", max_length=100, blank=True)
    libelle_max = models.CharField("libellé de la note la plus haute", max_length=100, blank=True)
    choix = models.JSONField("choix proposés", default=list, blank=True)
    obligatoire = models.BooleanField("obligatoire", default=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["questionnaire", "ordre", "pk"]


class Participation(TenantModel):
    """That an account answered a questionnaire (one answer per account). Kept apart from the answers, which
    carry no account: results are anonymous."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisme", "questionnaire", "user"], name="participation_unique")
        ]


class Reponse(TenantModel):
    """One anonymous set of answers to a questionnaire."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="reponses")
    espace = models.CharField("répondant", max_length=10, choices=Espace.choices)
    soumise_le = models.DateField(default=timezone.localdate)

    objects = TenantQuerySet.as_manager()


class ReponseQuestion(TenantModel):
    reponse = models.ForeignKey(Reponse, on_delete=models.CASCADE, related_name="valeurs")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="valeurs")
    note = models.PositiveSmallIntegerField(null=True, blank=True)
    choix = models.CharField(max_length=200, blank=True)
    texte = models.TextField(blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisme", "reponse", "question"], name="reponse_question_unique")
        ]


class MembreCvs(TenantModel):
    """A member of the conseil de la vie sociale of a dispositif (a portal or staff account): reads the register
    of complaints and suggestions."""

    dispositif = models.ForeignKey(Dispositif, on_delete=models.CASCADE, related_name="membres_cvs")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mandats_cvs")
    debut = models.DateField("début du mandat", default=timezone.localdate)
    fin = models.DateField("fin du mandat", null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "membre du CVS"
        constraints = [models.UniqueConstraint(fields=["organisme", "dispositif", "user"], name="membre_cvs_unique")]


class Reclamation(TenantModel):
    """A complaint or a suggestion from a family or a youth, followed in a register to its answer."""

    dispositif = models.ForeignKey(Dispositif, on_delete=models.PROTECT, related_name="reclamations")
    jeune = models.ForeignKey(Jeune, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    auteur = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    espace = models.CharField("déposée par", max_length=10, choices=Espace.choices)
    type = models.CharField("type", max_length=12, choices=TypeReclamation.choices)
    objet = models.CharField("objet", max_length=200)
    texte = models.TextField("description")
    statut = models.CharField(
        "statut", max_length=10, choices=StatutReclamation.choices, default=StatutReclamation.RECUE
    )
    recue_le = models.DateTimeField("reçue le", default=timezone.now)
    prise_en_charge_le = models.DateTimeField("prise en charge le", null=True, blank=True)
    prise_en_charge_par = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reponse = models.TextField("réponse", blank=True)
    repondue_le = models.DateTimeField("réponse envoyée le", null=True, blank=True)
    repondue_par = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    close_le = models.DateTimeField("close le", null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-recue_le"]
        verbose_name = "réclamation ou suggestion"

    def __str__(self):
        return self.objet
