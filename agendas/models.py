"""Agendas: events (Evenement) with their participants and presences, recurring series stored as occurrence rows,
natures per dispositif, bookable resources, closures, absences, minutes, iCal subscriptions, and the change feed
read by the Activité app.

The agenda is the only source of the activity figures (DOMAIN §8): ``cadre``, SERAFIN code and ``hors_prestation``
are copied from the nature onto each event when it is saved, so that a later change of a nature's settings never
rewrites history.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from agendas.enums import (
    Cadre,
    MotifAbsence,
    OrigineAbsence,
    Presence,
    StatutAbsence,
    StatutEvenement,
    TypeLieu,
    TypeRessource,
)
from core.enums import Modalite, Visibilite
from core.models import Dispositif, Site, TenantModel, TenantQuerySet, User
from dossiers.models import Intervenant, Jeune, Partenaire


class Nature(TenantModel):
    """A kind of event, configured per dispositif, mapped to a cadre and a SERAFIN-PH prestation code."""

    dispositif = models.ForeignKey(Dispositif, on_delete=models.CASCADE, related_name="natures")
    code = models.SlugField("code", max_length=50)
    libelle = models.CharField("libellé", max_length=150)
    cadre = models.CharField("cadre", max_length=20, choices=Cadre.choices)
    serafin_code = models.CharField("code SERAFIN-PH", max_length=20)
    serafin_version = models.CharField("version SERAFIN-PH", max_length=20, default="2023")
    hors_prestation = models.BooleanField("hors prestation par défaut", default=False)
    discrete = models.BooleanField(
        "discrète", default=False, help_text="Jamais montrée aux familles (ex. réunion de synthèse)."
    )
    visible_famille = models.BooleanField("visible par les familles par défaut", default=True)
    is_active = models.BooleanField("active", default=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["libelle"]
        constraints = [
            models.UniqueConstraint(fields=["organisme", "dispositif", "code"], name="nature_unique_code"),
        ]

    def __str__(self):
        return self.libelle


class Ressource(TenantModel):
    """A room or a vehicle, bookable with events."""

    dispositif = models.ForeignKey(Dispositif, on_delete=models.CASCADE, related_name="ressources")
    site = models.ForeignKey(Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="ressources")
    type = models.CharField("type", max_length=10, choices=TypeRessource.choices)
    nom = models.CharField("nom", max_length=150)
    capacite = models.PositiveSmallIntegerField("capacité (places)", null=True, blank=True)
    is_active = models.BooleanField("active", default=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["type", "nom"]

    def __str__(self):
        return self.nom


class Fermeture(TenantModel):
    """A closure period of a dispositif (school holidays, bank holidays...): recurring series skip these days."""

    dispositif = models.ForeignKey(Dispositif, on_delete=models.CASCADE, related_name="fermetures")
    libelle = models.CharField("libellé", max_length=150)
    debut = models.DateField("premier jour")
    fin = models.DateField("dernier jour")

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["debut"]
        constraints = [models.CheckConstraint(condition=Q(fin__gte=F("debut")), name="fermeture_dates")]

    def __str__(self):
        return self.libelle


class EvenementFields(models.Model):
    """What a series and its occurrences share."""

    dispositif = models.ForeignKey(Dispositif, on_delete=models.PROTECT, related_name="+")
    titre = models.CharField("titre", max_length=200, blank=True)
    nature = models.ForeignKey(Nature, on_delete=models.PROTECT, related_name="+")
    modalite = models.CharField("modalité", max_length=20, choices=Modalite.choices, blank=True)
    lieu_type = models.CharField("lieu", max_length=12, choices=TypeLieu.choices, default=TypeLieu.SITE)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    lieu_detail = models.CharField("précision du lieu", max_length=200, blank=True)
    partenaire = models.ForeignKey(Partenaire, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    visible_famille = models.BooleanField("visible par la famille", default=True)

    class Meta:
        abstract = True


class Serie(TenantModel, EvenementFields):
    """A recurring weekly schedule (RFC 5545 RRULE + exception dates). Its occurrences are stored as Evenement
    rows, generated ahead by a beat job up to ``genere_jusqu_au``; closures of the dispositif are skipped."""

    rrule = models.TextField("règle de récurrence (RFC 5545)")
    debut = models.DateTimeField("première occurrence (début)")
    duree = models.DurationField("durée")
    exdates = ArrayField(models.DateField(), verbose_name="dates exclues", default=list, blank=True)
    fin_serie = models.DateField("dernière date", null=True, blank=True)
    sauter_fermetures = models.BooleanField("ne pas planifier pendant les fermetures", default=True)
    genere_jusqu_au = models.DateField(null=True, blank=True, editable=False)
    jeunes = models.ManyToManyField(Jeune, through="SerieJeune", related_name="+")
    professionnels = models.ManyToManyField(User, through="SerieProfessionnel", related_name="+")
    ressources = models.ManyToManyField(Ressource, through="SerieRessource", related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["debut"]
        verbose_name = "série"

    def __str__(self):
        return self.titre or str(self.nature)


class SerieJeune(TenantModel):
    serie = models.ForeignKey(Serie, on_delete=models.CASCADE)
    jeune = models.ForeignKey(Jeune, on_delete=models.CASCADE)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisme", "serie", "jeune"], name="serie_jeune_unique")]


class SerieProfessionnel(TenantModel):
    serie = models.ForeignKey(Serie, on_delete=models.CASCADE)
    user = models.ForeignKey(User, on_delete=models.CASCADE)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisme", "serie", "user"], name="serie_pro_unique")]


class SerieRessource(TenantModel):
    serie = models.ForeignKey(Serie, on_delete=models.CASCADE)
    ressource = models.ForeignKey(Ressource, on_delete=models.CASCADE)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisme", "serie", "ressource"], name="serie_ressource_unique")
        ]


class EvenementQuerySet(TenantQuerySet):
    def entre(self, debut, fin):
        """Events overlapping [debut, fin)."""
        return self.filter(debut__lt=fin, fin__gt=debut)

    def comptables(self):
        """Events that count as activity: realised and not hors prestation (DOMAIN §8.1 item 1)."""
        return self.filter(statut=StatutEvenement.REALISE, hors_prestation=False)


class Evenement(TenantModel, EvenementFields):
    """One agenda event (an occurrence of a series, or a one-off). Times are timezone-aware (Europe/Paris)."""

    ref = models.CharField("référence externe", max_length=100, blank=True)
    serie = models.ForeignKey(Serie, on_delete=models.SET_NULL, null=True, blank=True, related_name="occurrences")
    occurrence_de = models.DateField(
        "date d'origine dans la série", null=True, blank=True,
        help_text="Date prévue par la règle ; reste la même si l'occurrence est déplacée.",
    )  # fmt: skip
    detachee = models.BooleanField("modifiée individuellement", default=False)
    debut = models.DateTimeField("début")
    fin = models.DateTimeField("fin")
    statut = models.CharField("statut", max_length=10, choices=StatutEvenement.choices, default=StatutEvenement.PREVU)
    # Copied from the nature at save time (see the module docstring).
    cadre = models.CharField("cadre", max_length=20, choices=Cadre.choices)
    serafin_code = models.CharField("code SERAFIN-PH", max_length=20)
    serafin_version = models.CharField("version SERAFIN-PH", max_length=20)
    hors_prestation = models.BooleanField("hors prestation", default=False)
    commentaire = models.TextField("commentaire", blank=True)
    jeunes = models.ManyToManyField(Jeune, through="ParticipationJeune", related_name="evenements")
    professionnels = models.ManyToManyField(User, through="ParticipationProfessionnel", related_name="evenements")
    intervenants = models.ManyToManyField(Intervenant, through="ParticipationIntervenant", related_name="evenements")
    ressources = models.ManyToManyField(Ressource, through="ReservationRessource", related_name="evenements")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = EvenementQuerySet.as_manager()

    class Meta:
        ordering = ["debut"]
        verbose_name = "événement"
        constraints = [
            models.CheckConstraint(condition=Q(fin__gt=F("debut")), name="evenement_fin_apres_debut"),
            models.UniqueConstraint(fields=["organisme", "ref"], condition=~Q(ref=""), name="evenement_unique_ref"),
            models.UniqueConstraint(
                fields=["organisme", "serie", "occurrence_de"],
                condition=Q(serie__isnull=False),
                name="evenement_unique_occurrence",
            ),  # fmt: skip
        ]
        indexes = [
            models.Index(fields=["organisme", "debut"], name="evenement_debut_idx"),
            models.Index(fields=["dispositif", "debut"], name="evenement_dispositif_debut_idx"),
        ]

    def __str__(self):
        return f"{self.titre or self.nature} — {timezone.localtime(self.debut):%d/%m/%Y %H:%M}"

    @property
    def duree(self):
        return self.fin - self.debut


class ParticipationJeune(TenantModel):
    """A youth in an event, with their presence (``present`` / ``absent_prevu`` / ``absent_imprevu``)."""

    evenement = models.ForeignKey(Evenement, on_delete=models.CASCADE, related_name="participations_jeunes")
    jeune = models.ForeignKey(Jeune, on_delete=models.CASCADE, related_name="participations")
    presence = models.CharField("présence", max_length=20, choices=Presence.choices, blank=True)
    motif_absence = models.CharField("motif d'absence", max_length=20, choices=MotifAbsence.choices, blank=True)
    absence = models.ForeignKey("Absence", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisme", "evenement", "jeune"], name="participation_jeune_unique"),
        ]
        indexes = [models.Index(fields=["jeune", "evenement"], name="participation_jeune_idx")]

    def __str__(self):
        return f"{self.jeune} — {self.get_presence_display() or 'présence à saisir'}"


class ParticipationProfessionnel(TenantModel):
    evenement = models.ForeignKey(Evenement, on_delete=models.CASCADE, related_name="participations_professionnels")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="participations")

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisme", "evenement", "user"], name="participation_pro_unique"),
        ]
        indexes = [models.Index(fields=["user", "evenement"], name="participation_pro_idx")]


class ParticipationIntervenant(TenantModel):
    evenement = models.ForeignKey(Evenement, on_delete=models.CASCADE, related_name="participations_intervenants")
    intervenant = models.ForeignKey(Intervenant, on_delete=models.CASCADE, related_name="participations")

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisme", "evenement", "intervenant"], name="participation_intervenant_unique"
            ),
        ]


class ReservationRessource(TenantModel):
    evenement = models.ForeignKey(Evenement, on_delete=models.CASCADE, related_name="reservations")
    ressource = models.ForeignKey(Ressource, on_delete=models.CASCADE, related_name="reservations")

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisme", "evenement", "ressource"], name="reservation_unique"),
        ]


class CompteRendu(TenantModel):
    """Minutes of a synthesis or coordination meeting, with the decisions taken; visible in the dossiers of the
    youths of the event, with the visibility rules of transmissions."""

    evenement = models.OneToOneField(Evenement, on_delete=models.CASCADE, related_name="compte_rendu")
    texte = models.TextField("compte rendu")
    decisions = models.TextField("décisions", blank=True)
    visibilite = models.CharField("visibilité", max_length=20, choices=Visibilite.choices, default=Visibilite.EQUIPE)
    auteur = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    def __str__(self):
        return f"Compte rendu — {self.evenement}"


class Absence(TenantModel):
    """A declared absence of a youth (planned by the family or the team, or noted afterwards). Once taken into
    account, the youth's participations in that period are marked ``absent_prevu`` (or ``absent_imprevu``)."""

    jeune = models.ForeignKey(Jeune, on_delete=models.CASCADE, related_name="absences")
    dispositif = models.ForeignKey(Dispositif, on_delete=models.PROTECT, related_name="+")
    debut = models.DateTimeField("début")
    fin = models.DateTimeField("fin")
    motif = models.CharField("motif", max_length=20, choices=MotifAbsence.choices)
    commentaire = models.TextField("commentaire", blank=True)
    prevue = models.BooleanField("prévue à l'avance", default=True)
    origine = models.CharField("déclarée par", max_length=10, choices=OrigineAbsence.choices)
    statut = models.CharField(
        "statut", max_length=12, choices=StatutAbsence.choices, default=StatutAbsence.A_CONFIRMER
    )
    declaree_par = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    declaree_le = models.DateTimeField(default=timezone.now)
    traitee_par = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    traitee_le = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-debut"]
        constraints = [models.CheckConstraint(condition=Q(fin__gt=F("debut")), name="absence_fin_apres_debut")]

    def __str__(self):
        return f"Absence de {self.jeune} du {timezone.localtime(self.debut):%d/%m/%Y}"


class AbonnementCalendrier(TenantModel):
    """A private, revocable iCal subscription: a professional's agenda or a youth's (family-visible events only).
    Only the SHA-256 of the token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="abonnements")
    jeune = models.ForeignKey(Jeune, on_delete=models.CASCADE, null=True, blank=True, related_name="abonnements")
    cree_par = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, jeune__isnull=True) | Q(user__isnull=True, jeune__isnull=False),
                name="abonnement_un_seul_agenda",
            ),
        ]

    def __str__(self):
        return f"Abonnement iCal de {self.user or self.jeune}"


class SemaineAInvalider(TenantModel):
    """Change feed for the Activité app: a (youth, ISO week, dispositif) whose activity facts must be recomputed.
    Upserted on its unique key by the agenda services on every change; consumed (deleted) by the recomputation."""

    jeune = models.ForeignKey(Jeune, on_delete=models.CASCADE, related_name="+")
    dispositif = models.ForeignKey(Dispositif, on_delete=models.CASCADE, related_name="+")
    lundi = models.DateField("lundi de la semaine ISO")
    signale_le = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisme", "jeune", "dispositif", "lundi"], name="semaine_a_invalider_unique"
            ),
        ]

    def __str__(self):
        return f"{self.jeune} semaine du {self.lundi:%d/%m/%Y}"
