"""Transmissions: the team logbook. A draft is editable by its author; once validated a transmission is
immutable — a database trigger refuses UPDATE and DELETE of validated rows (whatever the role or the code path);
corrections are addenda linked to the original."""

import pgtrigger
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.enums import Visibilite
from core.models import Dispositif, Site, TenantModel, TenantQuerySet, User
from dossiers.models import EvenementIndesirable, Jeune
from transmissions.enums import Importance, StatutTransmission


class Categorie(TenantModel):
    """Catégorie of transmissions, configurable per organisme (defaults: santé, comportement, scolarité...)."""

    code = models.SlugField("code", max_length=50)
    libelle = models.CharField("libellé", max_length=100)
    ordre = models.PositiveSmallIntegerField("ordre", default=100)
    is_active = models.BooleanField("active", default=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["ordre", "libelle"]
        verbose_name = "catégorie"
        constraints = [models.UniqueConstraint(fields=["organisme", "code"], name="categorie_unique_code")]

    def __str__(self):
        return self.libelle


class TransmissionQuerySet(TenantQuerySet):
    def validees(self):
        return self.filter(statut=StatutTransmission.VALIDEE)


class Transmission(TenantModel):
    """A logbook entry about zero (a note for the unit), one or several youths; targeted transmissions use the
    Données / Actions / Résultats parts, otherwise the free text."""

    auteur = models.ForeignKey(User, on_delete=models.PROTECT, related_name="transmissions")
    dispositif = models.ForeignKey(Dispositif, on_delete=models.PROTECT, related_name="transmissions")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="transmissions")
    survenue_le = models.DateTimeField("date et heure", default=timezone.now)
    categorie = models.ForeignKey(Categorie, on_delete=models.PROTECT, related_name="transmissions")
    cible = models.CharField("cible", max_length=200, blank=True)
    donnees = models.TextField("données", blank=True)
    actions = models.TextField("actions", blank=True)
    resultats = models.TextField("résultats", blank=True)
    texte = models.TextField("texte", blank=True)
    visibilite = models.CharField("visibilité", max_length=20, choices=Visibilite.choices, default=Visibilite.EQUIPE)
    importance = models.CharField("importance", max_length=12, choices=Importance.choices, default=Importance.NORMALE)
    statut = models.CharField(max_length=10, choices=StatutTransmission.choices, default=StatutTransmission.BROUILLON)
    validee_le = models.DateTimeField("validée le", null=True, blank=True)
    addendum_de = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="addenda", verbose_name="addendum à"
    )
    evenement_indesirable = models.ForeignKey(
        EvenementIndesirable, on_delete=models.SET_NULL, null=True, blank=True, related_name="transmissions"
    )
    jeunes = models.ManyToManyField(Jeune, through="TransmissionJeune", related_name="transmissions")
    mentions = models.ManyToManyField(User, through="Mention", related_name="mentions_transmissions")
    recherche = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TransmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-survenue_le", "-id"]
        indexes = [
            GinIndex(fields=["recherche"], name="transmission_recherche_gin"),
            models.Index(fields=["organisme", "dispositif", "validee_le"], name="transmission_fil_idx"),
            models.Index(fields=["organisme", "dispositif", "-survenue_le"], name="transmission_journal_idx"),
            models.Index(fields=["auteur", "statut"], name="transmission_auteur_idx"),
        ]
        triggers = [
            # Immutability (seeds: "once written, a transmission cannot be changed"): validated rows refuse UPDATE
            # and DELETE for every role. The app role cannot disable triggers (not owner).
            pgtrigger.Protect(
                name="transmission_validee_immuable",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__statut="validee"),
            ),
        ]

    def __str__(self):
        return f"{self.categorie} — {timezone.localtime(self.survenue_le):%d/%m/%Y %H:%M}"

    @property
    def est_validee(self) -> bool:
        return self.statut == StatutTransmission.VALIDEE


class TransmissionJeune(TenantModel):
    transmission = models.ForeignKey(Transmission, on_delete=models.CASCADE, related_name="liens_jeunes")
    jeune = models.ForeignKey(Jeune, on_delete=models.CASCADE, related_name="liens_transmissions")

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisme", "transmission", "jeune"], name="transmission_jeune_unique"),
        ]
        indexes = [models.Index(fields=["jeune", "transmission"], name="transmission_jeune_idx")]


class Mention(TenantModel):
    """A colleague mentioned in a transmission (notified in the product)."""

    transmission = models.ForeignKey(Transmission, on_delete=models.CASCADE, related_name="liens_mentions")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisme", "transmission", "user"], name="mention_unique"),
        ]


class Lecture(TenantModel):
    """Read receipt: ``user`` marked the transmission as read."""

    transmission = models.ForeignKey(Transmission, on_delete=models.CASCADE, related_name="lectures")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="lectures")
    lu_le = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisme", "transmission", "user"], name="lecture_unique")]
        indexes = [models.Index(fields=["user", "transmission"], name="lecture_user_idx")]


class PriseDePoste(TenantModel):
    """When a professional last took their shift (the handover view shows what was written since)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="prises_de_poste")
    at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "at"], name="prise_de_poste_idx")]

    def __str__(self):
        return f"{self.user} — {timezone.localtime(self.at):%d/%m/%Y %H:%M}"


def piece_jointe_upload_to(instance, filename):
    import uuid

    return f"transmissions/{instance.organisme_id}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class PieceJointe(TenantModel):
    """An attachment of a transmission, checked and stored like the dossiers' documents."""

    transmission = models.ForeignKey(Transmission, on_delete=models.CASCADE, related_name="pieces_jointes")
    fichier = models.FileField(upload_to=piece_jointe_upload_to, max_length=300)
    nom_fichier = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    taille = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(taille__gt=0), name="piece_jointe_non_vide")]

    def __str__(self):
        return self.nom_fichier


class SignalementTransmission(TenantModel):
    """The adverse-event declaration opened from a validated transmission. The transmission row is immutable once
    validated (``Transmission.evenement_indesirable`` cannot be set afterwards), so the link lives here, on its own
    row (one declaration per transmission)."""

    transmission = models.ForeignKey(Transmission, on_delete=models.PROTECT, related_name="signalements")
    evenement_indesirable = models.ForeignKey(
        EvenementIndesirable, on_delete=models.CASCADE, related_name="signalements_transmission"
    )
    signale_par = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisme", "transmission"], name="signalement_transmission_unique"),
        ]

    def __str__(self):
        return f"Signalement de la transmission {self.transmission_id}"
