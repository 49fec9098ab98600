"""PPA (projet personnalisé d'accompagnement, DOMAIN §7): one ``Ppa`` per dossier, whose content lives in numbered
``PpaVersion``s (initial, avenants, renewals). A version is drafted (``en_elaboration``), validated with the
recorded agreement of the youth and of each représentant légal (``valide``, then frozen), carried out
(``en_cours``) and closed (``clos``) when a newer version takes over or the accompaniment ends.

SERAFIN-PH codes (``core.SerafinCode``) are stored as code + version on every use. Agenda events and series are
linked to objectives here (``LienObjectif``), so the Agendas app does not depend on the PPA app.
"""

import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import TenantModel, TenantQuerySet, User
from dossiers.models import Document, Dossier, Proche
from ppa.enums import (
    ModeAccordPpa,
    MotifRevue,
    ResultatEvaluation,
    Signataire,
    StatutPpa,
    TypeRappel,
    TypeVersion,
)

SERAFIN_VERSION = "2023"


class Ppa(TenantModel):
    """The plan of a dossier across its versions. ``prochaine_echeance`` is kept by the services (never typed):
    the date by which the next version must be validated (first PPA: admission + 6 months; then the date of the
    next review, at most a year after the last validation)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="ppa")
    prochaine_echeance = models.DateField("prochaine échéance", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "PPA"
        indexes = [models.Index(fields=["organisme", "prochaine_echeance"], name="ppa_echeance_idx")]

    def __str__(self):
        return f"PPA de {self.dossier}"


class PpaVersion(TenantModel):
    """One version of the plan. Once validated its content (this row, its objectives, actions and agreements) is
    frozen: later changes go through an avenant (a new version copied from this one)."""

    ppa = models.ForeignKey(Ppa, on_delete=models.CASCADE, related_name="versions")
    numero = models.PositiveSmallIntegerField("version")
    type = models.CharField("type", max_length=20, choices=TypeVersion.choices, default=TypeVersion.INITIAL)
    precedente = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="suivantes",
        verbose_name="version précédente",
    )  # fmt: skip
    statut = models.CharField("statut", max_length=20, choices=StatutPpa.choices, default=StatutPpa.EN_ELABORATION)
    motif = models.TextField("motif de l'avenant ou de la révision", blank=True)
    attentes_jeune = models.TextField("attentes du jeune (ses mots)", blank=True)
    attentes_famille = models.TextField("attentes de la famille (leurs mots)", blank=True)
    besoins = ArrayField(
        models.CharField(max_length=20), verbose_name="besoins (SERAFIN-PH 1.x)", default=list, blank=True
    )
    serafin_version = models.CharField("version SERAFIN-PH", max_length=20, default=SERAFIN_VERSION)
    synthese = models.TextField("synthèse de l'équipe", blank=True)
    date_debut = models.DateField("début de mise en œuvre", null=True, blank=True)
    date_fin = models.DateField("fin prévue", null=True, blank=True)
    date_revision = models.DateField("révision prévue le", null=True, blank=True)
    valide_le = models.DateField("validé le", null=True, blank=True)
    valide_par = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    clos_le = models.DateField("clos le", null=True, blank=True)
    document = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="PDF du PPA validé",
    )  # fmt: skip
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["ppa", "-numero"]
        verbose_name = "version du PPA"
        constraints = [
            models.UniqueConstraint(fields=["organisme", "ppa", "numero"], name="ppa_version_unique_numero"),
            # At most one version being drafted and one version in force at a time.
            models.UniqueConstraint(
                fields=["organisme", "ppa"], condition=Q(statut="en_elaboration"), name="ppa_un_brouillon"
            ),
            models.UniqueConstraint(
                fields=["organisme", "ppa"], condition=Q(statut__in=["valide", "en_cours"]), name="ppa_une_en_vigueur"
            ),
        ]

    def __str__(self):
        return f"PPA v{self.numero} — {self.get_statut_display()}"

    @property
    def is_frozen(self) -> bool:
        return self.statut != StatutPpa.EN_ELABORATION


class Objectif(TenantModel):
    """An objective of a version. ``cle`` is kept when an avenant copies the objective, so that the realisation
    of an objective can be followed across versions."""

    version = models.ForeignKey(PpaVersion, on_delete=models.CASCADE, related_name="objectifs")
    cle = models.UUIDField(default=uuid.uuid4, editable=False)
    ordre = models.PositiveSmallIntegerField("ordre", default=1)
    titre = models.CharField("titre", max_length=200)
    description = models.TextField("description", blank=True)
    besoin_code = models.CharField("besoin SERAFIN-PH (1.x)", max_length=20)
    prestations = ArrayField(
        models.CharField(max_length=20), verbose_name="prestations SERAFIN-PH (2.x)", default=list, blank=True
    )
    serafin_version = models.CharField("version SERAFIN-PH", max_length=20, default=SERAFIN_VERSION)
    referent = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="référent"
    )
    date_debut = models.DateField("début", null=True, blank=True)
    date_fin = models.DateField("échéance", null=True, blank=True)
    resultat_attendu = models.TextField("résultat attendu", blank=True)
    avis_jeune = models.TextField("avis du jeune", blank=True)
    phrase_falc = models.CharField(
        "phrase en facile à lire", max_length=300, blank=True,
        help_text="Une phrase courte et simple pour le jeune (version FALC).",
    )  # fmt: skip

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["version", "ordre", "pk"]
        verbose_name = "objectif"
        constraints = [
            models.UniqueConstraint(fields=["organisme", "version", "cle"], name="objectif_unique_cle"),
        ]
        indexes = [models.Index(fields=["organisme", "cle"], name="objectif_cle_idx")]

    def __str__(self):
        return self.titre


class Action(TenantModel):
    """An action (and its means) carrying out an objective."""

    objectif = models.ForeignKey(Objectif, on_delete=models.CASCADE, related_name="actions")
    ordre = models.PositiveSmallIntegerField("ordre", default=1)
    libelle = models.CharField("action", max_length=300)
    moyens = models.TextField("moyens", blank=True)
    responsable = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="responsable"
    )
    frequence = models.CharField("fréquence", max_length=100, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["objectif", "ordre", "pk"]

    def __str__(self):
        return self.libelle


class Accord(TenantModel):
    """The agreement (or refusal) of the youth or of one représentant légal on a version: who, when, how."""

    version = models.ForeignKey(PpaVersion, on_delete=models.CASCADE, related_name="accords")
    signataire = models.CharField("signataire", max_length=20, choices=Signataire.choices)
    proche = models.ForeignKey(Proche, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    nom_signataire = models.CharField("nom du signataire", max_length=300)
    mode = models.CharField("forme", max_length=20, choices=ModeAccordPpa.choices)
    date = models.DateField("date")
    signature = models.TextField("signature tracée (SVG)", blank=True)
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="signature papier numérisée",
    )  # fmt: skip
    commentaire = models.TextField("commentaire", blank=True)
    recueilli_par = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recueilli_le = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["version", "signataire", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(signataire="jeune", proche__isnull=True)
                | Q(signataire="representant_legal", proche__isnull=False),
                name="accord_signataire_proche",
            ),
            models.UniqueConstraint(
                fields=["organisme", "version", "proche"],
                condition=Q(proche__isnull=False),
                name="accord_unique_proche",
            ),  # fmt: skip
            models.UniqueConstraint(
                fields=["organisme", "version"], condition=Q(signataire="jeune"), name="accord_unique_jeune"
            ),
        ]

    def __str__(self):
        return f"{self.nom_signataire} — {self.get_mode_display()}"


class Revue(TenantModel):
    """A review of a version (yearly, on request, on a change of situation): the evaluation of each objective."""

    version = models.ForeignKey(PpaVersion, on_delete=models.CASCADE, related_name="revues")
    motif = models.CharField("motif", max_length=30, choices=MotifRevue.choices, default=MotifRevue.ANNUELLE)
    date = models.DateField("date de la révision", default=timezone.localdate)
    periode_debut = models.DateField("période évaluée : début")
    periode_fin = models.DateField("période évaluée : fin")
    synthese = models.TextField("synthèse", blank=True)
    terminee = models.BooleanField("terminée", default=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["version", "-date"]
        verbose_name = "révision"

    def __str__(self):
        return f"Révision du {self.date:%d/%m/%Y}"


class Evaluation(TenantModel):
    """The evaluation of one objective at a review."""

    revue = models.ForeignKey(Revue, on_delete=models.CASCADE, related_name="evaluations")
    objectif = models.ForeignKey(Objectif, on_delete=models.CASCADE, related_name="evaluations")
    resultat = models.CharField("résultat", max_length=30, choices=ResultatEvaluation.choices)
    commentaire = models.TextField("commentaire", blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisme", "revue", "objectif"], name="evaluation_unique"),
        ]

    def __str__(self):
        return f"{self.objectif} — {self.get_resultat_display()}"


class LienObjectif(TenantModel):
    """An agenda event, or a whole series (all its occurrences), linked to an objective: the schedule as the
    concrete form of the plan."""

    objectif = models.ForeignKey(Objectif, on_delete=models.CASCADE, related_name="liens")
    evenement = models.ForeignKey(
        "agendas.Evenement", on_delete=models.CASCADE, null=True, blank=True, related_name="liens_objectifs"
    )
    serie = models.ForeignKey(
        "agendas.Serie", on_delete=models.CASCADE, null=True, blank=True, related_name="liens_objectifs"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(evenement__isnull=False, serie__isnull=True)
                | Q(evenement__isnull=True, serie__isnull=False),
                name="lien_objectif_evenement_ou_serie",
            ),
            models.UniqueConstraint(
                fields=["organisme", "objectif", "evenement"],
                condition=Q(evenement__isnull=False),
                name="lien_objectif_unique_evenement",
            ),  # fmt: skip
            models.UniqueConstraint(
                fields=["organisme", "objectif", "serie"],
                condition=Q(serie__isnull=False),
                name="lien_objectif_unique_serie",
            ),  # fmt: skip
        ]
        indexes = [
            models.Index(fields=["evenement"], name="lien_objectif_evenement_idx"),
            models.Index(fields=["serie"], name="lien_objectif_serie_idx"),
        ]


class RappelPpa(TenantModel):
    """A reminder sent for a due or late PPA: one per (PPA, deadline, kind), so the beat job never repeats it."""

    ppa = models.ForeignKey(Ppa, on_delete=models.CASCADE, related_name="rappels")
    echeance = models.DateField("échéance")
    type = models.CharField("type", max_length=20, choices=TypeRappel.choices)
    envoye_le = models.DateTimeField(default=timezone.now)
    destinataires = models.ManyToManyField(User, related_name="+", blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisme", "ppa", "echeance", "type"], name="rappel_ppa_unique"),
        ]
