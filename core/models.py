"""Tenant (Organisme, Dispositif, Site), accounts (User, Affectation), audit journal, notifications, API tokens.

Every tenant-owned model inherits ``TenantModel`` (an ``organisme`` column); core/rls.py derives from the models,
after every ``migrate``, the Row Level Security policies and the composite ``(organisme_id, id)`` foreign keys.
"""

import pgtrigger
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.enums import AccountKind, AuditAction, Metier, Modalite, Role


class Organisme(models.Model):
    """The tenant: organisme gestionnaire (OG), RGPD data controller, identified by its FINESS juridique."""

    nom = models.CharField("nom", max_length=200)
    finess_juridique = models.CharField("FINESS juridique", max_length=9, unique=True)
    duree_conservation_annees = models.PositiveSmallIntegerField(
        "durée de conservation des dossiers (années après le dernier contact)", default=20
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "organisme gestionnaire"

    def __str__(self):
        return self.nom


class TenantQuerySet(models.QuerySet):
    def for_organisme(self, organisme_id):
        return self.filter(organisme_id=organisme_id)


class TenantModel(models.Model):
    organisme = models.ForeignKey(Organisme, on_delete=models.PROTECT, related_name="+", verbose_name="organisme")

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True


class DispositifQuerySet(TenantQuerySet):
    def for_access(self, access):
        qs = self.for_organisme(access.organisme_id)
        if access.sees_all_dispositifs:
            return qs
        return qs.filter(pk__in=access.dispositif_ids)


class Dispositif(TenantModel):
    """One DITEP of the organisme, identified by its FINESS principal (carries the budget and the TBP)."""

    nom = models.CharField("nom", max_length=200)
    finess = models.CharField("FINESS principal", max_length=9)
    is_active = models.BooleanField("actif", default=True)

    objects = DispositifQuerySet.as_manager()

    class Meta:
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(fields=["organisme", "finess"], name="dispositif_unique_finess"),
        ]

    def __str__(self):
        return self.nom


class DispositifAnnee(TenantModel):
    """Yearly parameters of a dispositif: places financées per modalité and days of operation (TBP)."""

    dispositif = models.ForeignKey(Dispositif, on_delete=models.CASCADE, related_name="annees")
    annee = models.PositiveSmallIntegerField("année")
    places_internat = models.PositiveIntegerField("places financées en internat", default=0)
    places_accueil_de_jour = models.PositiveIntegerField("places financées en accueil de jour", default=0)
    places_ambulatoire = models.PositiveIntegerField("places financées en ambulatoire", default=0)
    jours_ouverture = models.PositiveSmallIntegerField("jours d'ouverture dans l'année", default=0)

    class Meta:
        ordering = ["-annee"]
        verbose_name = "paramètres annuels du dispositif"
        constraints = [
            models.UniqueConstraint(fields=["organisme", "dispositif", "annee"], name="dispositif_annee_unique"),
            models.CheckConstraint(condition=Q(jours_ouverture__lte=366), name="dispositif_annee_jours_max"),
        ]

    def __str__(self):
        return f"{self.dispositif} {self.annee}"


class Site(TenantModel):
    """A geographic establishment of a dispositif (FINESS géographique) offering some modalités."""

    dispositif = models.ForeignKey(Dispositif, on_delete=models.PROTECT, related_name="sites")
    nom = models.CharField("nom", max_length=200)
    finess = models.CharField("FINESS géographique", max_length=9, blank=True)
    modalites = ArrayField(
        models.CharField(max_length=20, choices=Modalite.choices), verbose_name="modalités", default=list
    )
    adresse = models.TextField("adresse", blank=True)
    is_active = models.BooleanField("actif", default=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisme", "finess"], condition=~Q(finess=""), name="site_unique_finess"
            ),
        ]

    def __str__(self):
        return self.nom


class UserManager(BaseUserManager.from_queryset(TenantQuerySet)):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser, PermissionsMixin):
    """Every account belongs to one organisme: professionals, family members (proches) and youths.

    The email is the login and the only global unique besides the organisme's FINESS: it identifies a person's
    account, never tenant data, and its duplicate error names no organisme.
    """

    organisme = models.ForeignKey(Organisme, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("type de compte", max_length=20, choices=AccountKind.choices)
    email = models.EmailField("adresse électronique", unique=True)
    first_name = models.CharField("prénom", max_length=150)
    last_name = models.CharField("nom", max_length=150)
    ref = models.CharField("référence externe", max_length=100, blank=True)
    is_active = models.BooleanField("actif", default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = "compte"
        constraints = [
            models.UniqueConstraint(fields=["organisme", "ref"], condition=~Q(ref=""), name="user_unique_ref"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name

    @property
    def is_professionnel(self):
        return self.kind == AccountKind.PROFESSIONNEL

    @property
    def is_staff(self):
        # No Django admin: platform operations go through management commands.
        return False


class AffectationQuerySet(TenantQuerySet):
    def active_on_today(self):
        today = timezone.localdate()
        return self.filter(Q(debut__lte=today), Q(fin__isnull=True) | Q(fin__gte=today))


class Affectation(TenantModel):
    """A professional's assignment to a dispositif (and optionally one of its sites) with a métier and a role."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="affectations")
    dispositif = models.ForeignKey(Dispositif, on_delete=models.PROTECT, related_name="affectations")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="affectations", null=True, blank=True)
    metier = models.CharField("métier", max_length=30, choices=Metier.choices)
    role = models.CharField("droits", max_length=20, choices=Role.choices, default=Role.CONTRIBUTEUR)
    debut = models.DateField("début", default=timezone.localdate)
    fin = models.DateField("fin", null=True, blank=True)

    objects = AffectationQuerySet.as_manager()

    class Meta:
        ordering = ["dispositif__nom", "metier"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fin__isnull=True) | Q(fin__gte=models.F("debut")), name="affectation_dates"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_metier_display()} ({self.dispositif})"


class AuditEntry(TenantModel):
    """Append-only journal: who read or changed which record, when, from where, and why (break-the-glass).

    UPDATE and DELETE are refused by a trigger and revoked from the application role (core/rls.py).
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor_label = models.CharField(max_length=300, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    record_type = models.CharField(max_length=100)
    record_id = models.CharField(max_length=64)
    record_label = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisme", "record_type", "record_id", "at"], name="audit_record_idx")]
        triggers = [pgtrigger.Protect(name="audit_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_label} {self.get_action_display()} {self.record_label}"


class Notification(TenantModel):
    """In-app notification; its email copy carries no sensitive content (only the title and a link)."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(default=timezone.now)
    titre = models.CharField(max_length=200)
    lien = models.CharField(max_length=500, blank=True)
    categorie = models.CharField(max_length=50, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return self.titre


class ApiToken(TenantModel):
    """A personal API token; only its SHA-256 is stored, the clear value is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    nom = models.CharField("nom", max_length=100)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.nom} ({self.prefix}…)"


class SerafinCode(models.Model):
    """SERAFIN-PH reference (ANS value sets J285 besoins, J284 prestations directes, J283 prestations indirectes).
    Shared by every organisme (not tenant data); loaded from core/data/serafin_ph.csv with its version; read-only
    for the application role."""

    code = models.CharField(max_length=20)
    version = models.CharField(max_length=20)
    libelle = models.CharField(max_length=300)
    niveau = models.PositiveSmallIntegerField()
    parent = models.CharField(max_length=20, blank=True)
    famille = models.CharField(max_length=30)  # besoin, prestation_directe, prestation_indirecte

    SYSTEM = "https://smt.esante.gouv.fr/terminologie-SERAFINPH"

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="serafin_unique_code_version")]

    def __str__(self):
        return f"{self.code} — {self.libelle}"
