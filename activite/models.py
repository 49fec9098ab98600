"""Activité (DOMAIN §8): facts derived from the agendas and parcours, the versioned parameters they use, and the
stored reports.

- ``ParametresActivite``: the AIRe parameters of a dispositif, versioned; every fact and every computed table
  records the version it used.
- ``FaitSemaine``: per (youth, ISO week, dispositif), derived by Celery from realised events (recomputed from the
  Agendas change feed, debounced, and by a nightly reconciliation); upserted on its unique key, so reruns never
  double count. Nothing here is typed by hand.
- ``AnomalieActivite``: counted-looking pairs outside any parcours period (listed with the AIRe table).
- ``Rapport``: a requested or scheduled report (who, when, parameters, progress, stored result and file).
"""

import datetime

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from activite.enums import MODELE_AIRE, FormatRapport, StatutRapport, TypeRapport
from core.models import Dispositif, TenantModel, TenantQuerySet, User
from dossiers.models import Jeune


def default_bornes_intensite():
    return [1, 3, 6, 12]


class ParametresActivite(TenantModel):
    """AIRe parameters of a dispositif (DOMAIN §8.1), versioned: a change creates a new version, never edits one
    used by a computed table."""

    dispositif = models.ForeignKey(Dispositif, on_delete=models.CASCADE, related_name="parametres_activite")
    version = models.PositiveSmallIntegerField("version")
    modele = models.CharField("modèle", max_length=20, default=MODELE_AIRE)
    suivi_post_sortie_annees = models.PositiveSmallIntegerField("durée du suivi post-sortie (années)", default=3)
    bornes_intensite = ArrayField(
        models.PositiveSmallIntegerField(), size=4, default=default_bornes_intensite,
        verbose_name="bornes des tranches d'intensité (heures par semaine)",
    )  # fmt: skip
    coupure_demi_journee = models.TimeField("heure de coupure matin / après-midi", default=datetime.time(13, 0))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["dispositif", "-version"]
        verbose_name = "paramètres d'activité"
        constraints = [
            models.UniqueConstraint(fields=["organisme", "dispositif", "version"], name="parametres_activite_unique"),
        ]

    def __str__(self):
        return f"{self.modele} v{self.version} — {self.dispositif}"

    def as_dict(self) -> dict:
        return {
            "modele": self.modele,
            "version": self.version,
            "suivi_post_sortie_annees": self.suivi_post_sortie_annees,
            "bornes_intensite": list(self.bornes_intensite),
            "coupure_demi_journee": self.coupure_demi_journee.strftime("%H:%M"),
        }


class FaitSemaine(TenantModel):
    """Activity facts of one youth-week in one dispositif (DOMAIN §8.1 items 1–6), before any period is chosen.

    Durations are stored in seconds (exact, real elapsed time); hours are rounded at output only. ``statuts`` are
    the parcours statuts of the counted pairs of the week (a youth admitted mid-week has two), ``modalites`` the
    modalités of its direct pairs, ``combinaison`` the §8.1 item 4 label (``I``, ``I+AJ``, ``indirect``...).
    """

    jeune = models.ForeignKey(Jeune, on_delete=models.CASCADE, related_name="+")
    dispositif = models.ForeignKey(Dispositif, on_delete=models.CASCADE, related_name="+")
    lundi = models.DateField("lundi de la semaine ISO")
    statuts = ArrayField(models.CharField(max_length=20), default=list)
    modalites = ArrayField(models.CharField(max_length=20), default=list)
    combinaison = models.CharField(max_length=10)
    paires_directes = models.PositiveIntegerField(default=0)
    paires_indirectes = models.PositiveIntegerField(default=0)
    secondes_directes = models.PositiveBigIntegerField(default=0)
    secondes_indirectes = models.PositiveBigIntegerField(default=0)
    nuitees = models.PositiveIntegerField(default=0)
    demi_journees = models.PositiveIntegerField(default=0)
    actes_ambulatoires = models.PositiveIntegerField(default=0)
    parametres = models.ForeignKey(ParametresActivite, on_delete=models.PROTECT, related_name="+")
    calcule_le = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "semaine-jeune"
        constraints = [
            models.UniqueConstraint(fields=["organisme", "jeune", "dispositif", "lundi"], name="fait_semaine_unique"),
        ]
        indexes = [models.Index(fields=["organisme", "dispositif", "lundi"], name="fait_semaine_periode_idx")]

    def __str__(self):
        return f"{self.jeune} semaine du {self.lundi:%d/%m/%Y} ({self.combinaison})"


class AnomalieActivite(TenantModel):
    """A pair (youth, realised event) that would count but has no covering parcours period (``hors_parcours``)."""

    jeune = models.ForeignKey(Jeune, on_delete=models.CASCADE, related_name="+")
    evenement = models.ForeignKey("agendas.Evenement", on_delete=models.CASCADE, related_name="+")
    dispositif = models.ForeignKey(Dispositif, on_delete=models.CASCADE, related_name="+")
    lundi = models.DateField("lundi de la semaine ISO")
    motif = models.CharField(max_length=30, default="hors_parcours")

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisme", "jeune", "evenement"], name="anomalie_activite_unique"),
        ]
        indexes = [models.Index(fields=["organisme", "dispositif", "lundi"], name="anomalie_periode_idx")]


class NarratifAnnuel(TenantModel):
    """The direction's narrative fields of the annual rapport d'activité."""

    dispositif = models.ForeignKey(Dispositif, on_delete=models.CASCADE, related_name="+")
    annee = models.PositiveSmallIntegerField("année")
    faits_marquants = models.TextField("faits marquants de l'année", blank=True)
    analyse_activite = models.TextField("analyse de l'activité", blank=True)
    partenariats = models.TextField("partenariats et appui-ressources", blank=True)
    perspectives = models.TextField("perspectives", blank=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "narratif du rapport annuel"
        constraints = [
            models.UniqueConstraint(fields=["organisme", "dispositif", "annee"], name="narratif_annuel_unique"),
        ]


class Rapport(TenantModel):
    """A report computed by a Celery job: its parameters, progress, the computed figures (the §8.1/§8.2 JSON,
    with the parameter set used) and the produced file."""

    type = models.CharField("type", max_length=20, choices=TypeRapport.choices)
    format = models.CharField("format", max_length=5, choices=FormatRapport.choices)
    dispositif = models.ForeignKey(Dispositif, on_delete=models.PROTECT, related_name="+")
    debut = models.DateField("début")
    fin = models.DateField("fin")
    statut = models.CharField("statut", max_length=12, choices=StatutRapport.choices, default=StatutRapport.EN_ATTENTE)
    progression = models.PositiveSmallIntegerField("progression (%)", default=0)
    message = models.CharField(max_length=300, blank=True)
    parametres = models.JSONField("paramètres utilisés", default=dict, blank=True)
    resultat = models.JSONField("résultat", default=dict, blank=True)
    fichier = models.FileField(upload_to="rapports/%Y/", max_length=300, blank=True)
    nom_fichier = models.CharField(max_length=255, blank=True)
    automatique = models.BooleanField("produit automatiquement", default=False)
    demande_par = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    demande_le = models.DateTimeField(default=timezone.now)
    termine_le = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-demande_le"]
        indexes = [models.Index(fields=["organisme", "dispositif", "demande_le"], name="rapport_liste_idx")]

    def __str__(self):
        return f"{self.get_type_display()} {self.debut:%d/%m/%Y}–{self.fin:%d/%m/%Y} ({self.get_format_display()})"
