"""Dossiers: the youth (Jeune), their record in a dispositif (Dossier), its dated parcours periods and everything
around it — family (Proche), schooling, MDPH decisions, changes of modalité, documents, adverse events, situations
complexes, the cercle d'accompagnement, per-object access grants and break-the-glass.

Every model is tenant-owned (``organisme``); RLS and composite foreign keys are derived by core/rls.py.
"""

import secrets
import unicodedata
import uuid

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, BigIntegerRangeField, DateRangeField, RangeOperators
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Func, Q, Value
from django.utils import timezone
from guardian.managers import UserObjectPermissionManager
from guardian.models import UserObjectPermissionBase

from core.enums import Modalite, TypePartenaire, Visibilite
from core.models import Dispositif, Site, TenantModel, TenantQuerySet, User
from dossiers.enums import (
    Deficience,
    FormatExport,
    GraviteEi,
    IssuePreAdmission,
    LienParente,
    ModeAccord,
    MotifSortie,
    OriginePreAdmission,
    Priorite,
    RoleContact,
    Sexe,
    SourceDocument,
    StatutDocument,
    StatutEi,
    StatutExport,
    StatutIdentite,
    StatutParcours,
    TemporaliteAccueil,
    TypeDocument,
    TypeDroitMdph,
    TypeEnseignement,
)


def fold(text: str) -> str:
    """Lower-case, accents removed: the form names are searched in (``Jeune.nom_recherche``)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def trigrams(text: str) -> list[str]:
    """The word trigrams of ``text`` (accents folded), as pg_trgm makes them: each word padded with two spaces
    in front and one behind. Stored on Jeune with a GIN index, so that typo-tolerant search needs no extension
    (the embedded PostgreSQL ships none)."""
    grams = set()
    for word in "".join(c if c.isalnum() else " " for c in fold(text)).split():
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return sorted(grams)


def new_num() -> str:
    """A stable alphanumeric identifier for exports (TDDUI local ids must be alphanumeric)."""
    return secrets.token_hex(6).upper()


class Partenaire(TenantModel):
    """External organisation the teams work with (school, ASE, hospital, leisure, other ESMS)."""

    ref = models.CharField("référence externe", max_length=100, blank=True)
    nom = models.CharField("nom", max_length=200)
    type = models.CharField("type", max_length=30, choices=TypePartenaire.choices)
    adresse = models.TextField("adresse", blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    is_active = models.BooleanField("actif", default=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(fields=["organisme", "ref"], condition=~Q(ref=""), name="partenaire_unique_ref"),
        ]

    def __str__(self):
        return self.nom


class Intervenant(TenantModel):
    """A person working at a partner (teacher, ASE référent, psychiatrist...)."""

    partenaire = models.ForeignKey(Partenaire, on_delete=models.CASCADE, related_name="intervenants")
    nom = models.CharField("nom", max_length=150)
    prenom = models.CharField("prénom", max_length=150, blank=True)
    fonction = models.CharField("fonction", max_length=150, blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("adresse électronique", blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["nom", "prenom"]

    def __str__(self):
        return f"{self.prenom} {self.nom}".strip()


class Jeune(TenantModel):
    """The young person accompanied. Identity fields are ready for the INS (unqualified by default)."""

    num = models.CharField("identifiant", max_length=20, default=new_num, editable=False)
    ref = models.CharField("référence externe", max_length=100, blank=True)
    nom_naissance = models.CharField("nom de naissance", max_length=150)
    nom_usage = models.CharField("nom d'usage", max_length=150, blank=True)
    prenom = models.CharField("prénom", max_length=150)
    prenoms_etat_civil = models.CharField("prénoms de l'acte de naissance", max_length=300, blank=True)
    date_naissance = models.DateField("date de naissance")
    sexe = models.CharField("sexe", max_length=1, choices=Sexe.choices)
    lieu_naissance_insee = models.CharField("code INSEE du lieu de naissance", max_length=5, blank=True)
    ins_matricule = models.CharField("matricule INS (NIR ou NIA)", max_length=15, blank=True)
    statut_identite = models.CharField(
        "statut de l'identité", max_length=20, choices=StatutIdentite.choices, default=StatutIdentite.PROVISOIRE
    )
    adresse = models.TextField("adresse", blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    commune = models.CharField("commune", max_length=150, blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    photo = models.ImageField("photo", upload_to="photos/%Y/", blank=True)
    deficience_principale = models.CharField(
        "déficience principale", max_length=30, choices=Deficience.choices, default=Deficience.EN_COURS_DIAGNOSTIC
    )
    deficiences_associees = ArrayField(
        models.CharField(max_length=30, choices=Deficience.choices), verbose_name="déficiences associées",
        default=list, blank=True,
    )  # fmt: skip
    mesure_ase = models.BooleanField("mesure de protection de l'enfance (ASE)", default=False)
    mesure_ase_type = models.CharField("type de mesure ASE", max_length=150, blank=True)
    compte = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="jeune", verbose_name="compte du jeune"
    )
    nom_recherche = models.CharField(max_length=400, editable=False, default="")
    trigrammes = ArrayField(models.CharField(max_length=3), editable=False, default=list)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["nom_naissance", "prenom"]
        constraints = [
            models.UniqueConstraint(fields=["organisme", "num"], name="jeune_unique_num"),
            models.UniqueConstraint(fields=["organisme", "ref"], condition=~Q(ref=""), name="jeune_unique_ref"),
        ]
        indexes = [GinIndex(name="jeune_trigrammes", fields=["trigrammes"])]

    def __str__(self):
        return f"{self.prenom} {self.nom}"

    @property
    def nom(self):
        return self.nom_usage or self.nom_naissance

    def save(self, *args, **kwargs):
        # Derived search keys (accents folded, trigrams): see ``trigrams``.
        self.nom_recherche = fold(f"{self.prenom} {self.nom_naissance} {self.nom_usage}")
        self.trigrammes = trigrams(self.nom_recherche)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "nom_recherche", "trigrammes"}
        super().save(*args, **kwargs)

    def age_on(self, day) -> int:
        years = day.year - self.date_naissance.year
        return years - ((day.month, day.day) < (self.date_naissance.month, self.date_naissance.day))


class DossierQuerySet(TenantQuerySet):
    def for_access(self, access):
        """Dossiers of the dispositifs the user works in (open by default). Restricted dossiers are filtered
        further by ``dossiers.perms`` (object grants, break-the-glass)."""
        qs = self.for_organisme(access.organisme_id)
        if access.sees_all_dispositifs:
            return qs
        return qs.filter(dispositif_id__in=access.dispositif_ids)

    def actifs(self):
        return self.filter(archived_at__isnull=True)


class Dossier(TenantModel):
    """The record of one Jeune in one Dispositif. ``statut`` mirrors the current parcours period (kept by the
    services in dossiers/services/parcours.py, never typed by hand)."""

    jeune = models.ForeignKey(Jeune, on_delete=models.PROTECT, related_name="dossiers")
    dispositif = models.ForeignKey(Dispositif, on_delete=models.PROTECT, related_name="dossiers")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="dossiers")
    statut = models.CharField("statut", max_length=20, choices=StatutParcours.choices, blank=True)
    modalites = ArrayField(
        models.CharField(max_length=20, choices=Modalite.choices), verbose_name="modalités en cours",
        default=list, blank=True,
    )  # fmt: skip
    referent = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="dossiers_referent",
        verbose_name="référent",
    )  # fmt: skip
    coordinateur = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="dossiers_coordinateur",
        verbose_name="coordinateur de parcours",
    )  # fmt: skip
    est_restreint = models.BooleanField(
        "accès restreint", default=False,
        help_text="Seuls les professionnels désignés (et la direction) ouvrent un dossier restreint.",
    )  # fmt: skip
    # Waiting list (pre-admission).
    date_orientation = models.DateField("date de l'orientation", null=True, blank=True)
    modalites_demandees = ArrayField(
        models.CharField(max_length=20, choices=Modalite.choices), verbose_name="modalités demandées",
        default=list, blank=True,
    )  # fmt: skip
    priorite = models.CharField("priorité", max_length=10, choices=Priorite.choices, default=Priorite.NORMALE)
    prochaine_etape = models.CharField("prochaine étape", max_length=300, blank=True)
    # Contrat de séjour / DIPC: handed over within 15 days of admission, signed within the month.
    contrat_remis_le = models.DateField("contrat de séjour ou DIPC remis le", null=True, blank=True)
    contrat_signe_le = models.DateField("contrat de séjour ou DIPC signé le", null=True, blank=True)
    archived_at = models.DateTimeField("archivé le", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["jeune__nom_naissance", "jeune__prenom"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisme", "jeune", "dispositif"], name="dossier_unique_jeune_dispositif"
            ),
        ]
        permissions = [("view_dossier_restreint", "Ouvrir un dossier restreint")]

    def __str__(self):
        return f"{self.jeune} — {self.dispositif}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Parcours(TenantModel):
    """A dated status period of a dossier (DOMAIN §4). Periods of one dossier never overlap: an exclusion
    constraint checks it in the database, on inclusive date ranges (``fin`` empty = still open)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="parcours")
    statut = models.CharField("statut", max_length=20, choices=StatutParcours.choices)
    debut = models.DateField("début")
    fin = models.DateField("fin", null=True, blank=True)
    origine = models.CharField("origine de la demande", max_length=20, choices=OriginePreAdmission.choices, blank=True)
    issue = models.CharField("issue de la pré-admission", max_length=10, choices=IssuePreAdmission.choices, blank=True)
    motif_sortie = models.CharField("motif de sortie", max_length=30, choices=MotifSortie.choices, blank=True)
    destination = models.CharField("destination", max_length=300, blank=True)
    commentaire = models.TextField("commentaire", blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["debut"]
        verbose_name = "période de parcours"
        verbose_name_plural = "périodes de parcours"
        constraints = [
            models.CheckConstraint(condition=Q(fin__isnull=True) | Q(fin__gte=F("debut")), name="parcours_dates"),
            ExclusionConstraint(
                name="parcours_sans_chevauchement",
                # int8range instead of plain equality: no btree_gist extension needed (none in the embedded server).
                expressions=[
                    (
                        Func(
                            F("dossier"),
                            F("dossier"),
                            Value("[]"),
                            function="int8range",
                            output_field=BigIntegerRangeField(),
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                    (
                        Func(F("debut"), F("fin"), Value("[]"), function="daterange", output_field=DateRangeField()),
                        RangeOperators.OVERLAPS,
                    ),
                ],
            ),
        ]

    def __str__(self):
        fin = f" au {self.fin:%d/%m/%Y}" if self.fin else ""
        return f"{self.get_statut_display()} du {self.debut:%d/%m/%Y}{fin}"


class ChangementModalite(TenantModel):
    """A dated change of modalités, with the agreement of the représentants légaux or of the young adult
    (decree of 5 July 2024) and the fiche de liaison sent to the MDPH."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="changements_modalite")
    date = models.DateField("date du changement")
    modalites_avant = ArrayField(models.CharField(max_length=20, choices=Modalite.choices), default=list, blank=True)
    modalites_apres = ArrayField(models.CharField(max_length=20, choices=Modalite.choices), default=list)
    accord_de = models.CharField("accord donné par", max_length=300)
    accord_le = models.DateField("accord recueilli le")
    accord_mode = models.CharField("forme de l'accord", max_length=20, choices=ModeAccord.choices)
    fiche_liaison = models.ForeignKey("Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    envoye_mdph_le = models.DateField("fiche de liaison envoyée à la MDPH le", null=True, blank=True)
    commentaire = models.TextField("commentaire", blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]

    def __str__(self):
        return f"Changement de modalité du {self.date:%d/%m/%Y}"


class Proche(TenantModel):
    """A parent, représentant légal or other contact of a jeune, each with their own rights (separated parents
    each have their own entry, portal access and document rights)."""

    jeune = models.ForeignKey(Jeune, on_delete=models.CASCADE, related_name="proches")
    ref = models.CharField("référence externe", max_length=100, blank=True)
    nom = models.CharField("nom", max_length=150)
    prenom = models.CharField("prénom", max_length=150, blank=True)
    lien = models.CharField("lien avec le jeune", max_length=10, choices=LienParente.choices)
    role = models.CharField("rôle", max_length=10, choices=RoleContact.choices, blank=True)
    representant_legal = models.BooleanField("représentant légal", default=False)
    autorite_parentale = models.BooleanField("exerce l'autorité parentale", default=False)
    mesure_protection = models.CharField("mesure de protection ou décision judiciaire", max_length=300, blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    adresse = models.TextField("adresse", blank=True)
    ordre_appel = models.PositiveSmallIntegerField("ordre d'appel", default=1)
    acces_portail = models.BooleanField("accès au portail des familles", default=False)
    recoit_documents = models.BooleanField("reçoit les documents", default=False)
    compte = models.OneToOneField(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="proche")
    commentaire = models.TextField("commentaire", blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["ordre_appel", "nom"]
        constraints = [
            models.UniqueConstraint(fields=["organisme", "ref"], condition=~Q(ref=""), name="proche_unique_ref"),
        ]

    def __str__(self):
        return f"{self.prenom} {self.nom} ({self.get_lien_display()})".strip()


class PeriodeScolaire(TenantModel):
    jeune = models.ForeignKey(Jeune, on_delete=models.CASCADE, related_name="periodes_scolaires")
    debut = models.DateField("début")
    fin = models.DateField("fin", null=True, blank=True)
    etablissement = models.ForeignKey(
        Partenaire, on_delete=models.SET_NULL, null=True, blank=True, related_name="periodes_scolaires",
        verbose_name="établissement scolaire",
    )  # fmt: skip
    niveau = models.CharField("niveau", max_length=50, blank=True)
    type_enseignement = models.CharField(
        "type de scolarisation", max_length=20, choices=TypeEnseignement.choices, default=TypeEnseignement.ORDINAIRE
    )
    demi_journees = models.PositiveSmallIntegerField("volume (demi-journées par semaine)", default=0)
    referent_scolaire = models.CharField("enseignant référent", max_length=200, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-debut"]
        constraints = [
            models.CheckConstraint(condition=Q(fin__isnull=True) | Q(fin__gte=F("debut")), name="scolarite_dates"),
            models.CheckConstraint(condition=Q(demi_journees__lte=14), name="scolarite_demi_journees_max"),
        ]

    def __str__(self):
        return f"{self.get_type_enseignement_display()} depuis le {self.debut:%d/%m/%Y}"


class NotificationMdph(TenantModel):
    """An MDPH/CDAPH decision orienting the jeune (TDDUI Decision/DroitPrestation)."""

    jeune = models.ForeignKey(Jeune, on_delete=models.CASCADE, related_name="notifications_mdph")
    dossier = models.ForeignKey(
        Dossier, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications_mdph"
    )
    numero = models.CharField("numéro de décision", max_length=50, blank=True)
    date_decision = models.DateField("date de la décision")
    date_debut = models.DateField("début de validité")
    date_fin = models.DateField("fin de validité")
    type_droit = models.CharField(
        "orientation", max_length=5, choices=TypeDroitMdph.choices, default=TypeDroitMdph.DISPOSITIF_ITEP
    )
    modalites_entree = ArrayField(
        models.CharField(max_length=20, choices=Modalite.choices), verbose_name="modalités d'entrée",
        default=list, blank=True,
    )  # fmt: skip
    temporalite = models.CharField(
        "temporalité", max_length=2, choices=TemporaliteAccueil.choices, default=TemporaliteAccueil.PERMANENT
    )
    creton = models.BooleanField("amendement Creton", default=False)
    commentaire = models.TextField("commentaire", blank=True)
    document = models.ForeignKey("Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-date_fin"]
        verbose_name = "notification MDPH"
        constraints = [
            models.CheckConstraint(condition=Q(date_fin__gte=F("date_debut")), name="notification_mdph_dates"),
        ]

    def __str__(self):
        return f"{self.get_type_droit_display()} jusqu'au {self.date_fin:%d/%m/%Y}"


class SituationComplexe(TenantModel):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="situations_complexes")
    debut = models.DateField("début")
    fin = models.DateField("fin", null=True, blank=True)
    motif = models.TextField("motif")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-debut"]
        constraints = [
            models.CheckConstraint(condition=Q(fin__isnull=True) | Q(fin__gte=F("debut")), name="situation_dates"),
        ]

    def __str__(self):
        return f"Situation complexe depuis le {self.debut:%d/%m/%Y}"


class DossierPartenaire(TenantModel):
    """A partner working with the jeune of this dossier (school, ASE...), with an optional named person."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="partenaires")
    partenaire = models.ForeignKey(Partenaire, on_delete=models.PROTECT, related_name="dossiers")
    intervenant = models.ForeignKey(Intervenant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    role = models.CharField("rôle auprès du jeune", max_length=200, blank=True)
    debut = models.DateField("début", default=timezone.localdate)
    fin = models.DateField("fin", null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["partenaire__nom"]

    def __str__(self):
        return f"{self.partenaire} — {self.role}"


class MembreCercle(TenantModel):
    """An internal professional of the cercle d'accompagnement of a dossier, with their role."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="cercle")
    professionnel = models.ForeignKey(User, on_delete=models.CASCADE, related_name="cercles")
    role = models.CharField("rôle", max_length=200)
    debut = models.DateField("début", default=timezone.localdate)
    fin = models.DateField("fin", null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["professionnel__last_name"]

    def __str__(self):
        return f"{self.professionnel} — {self.role}"


def document_upload_to(instance, filename):
    # Never the uploader's file name on disk: a random name under the organisme's folder.
    return f"documents/{instance.organisme_id}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Document(TenantModel):
    """A stored file of a dossier. Served only through a permission-checked view; its type is checked by content
    (magic bytes), not by extension."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    type = models.CharField("type", max_length=30, choices=TypeDocument.choices)
    titre = models.CharField("titre", max_length=200)
    date_document = models.DateField("date du document", default=timezone.localdate)
    visibilite = models.CharField("visibilité", max_length=20, choices=Visibilite.choices, default=Visibilite.EQUIPE)
    fichier = models.FileField(upload_to=document_upload_to, max_length=300)
    nom_fichier = models.CharField("nom du fichier", max_length=255)
    content_type = models.CharField(max_length=100)
    taille = models.PositiveBigIntegerField("taille (octets)")
    sha256 = models.CharField(max_length=64)
    source = models.CharField(max_length=10, choices=SourceDocument.choices, default=SourceDocument.EQUIPE)
    statut = models.CharField(max_length=10, choices=StatutDocument.choices, default=StatutDocument.VALIDE)
    donnees_tiers = models.BooleanField("contient des données concernant des tiers", default=False)
    judiciaire = models.BooleanField("document judiciaire", default=False)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-date_document", "-created_at"]

    def __str__(self):
        return self.titre


class EvenementIndesirable(TenantModel):
    """Adverse event declaration and follow-up; closed by the direction."""

    dispositif = models.ForeignKey(Dispositif, on_delete=models.PROTECT, related_name="evenements_indesirables")
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, null=True, blank=True, related_name="evenements_indesirables"
    )
    survenu_le = models.DateTimeField("survenu le")
    lieu = models.CharField("lieu", max_length=200, blank=True)
    faits = models.TextField("faits")
    personnes_impliquees = models.TextField("personnes impliquées", blank=True)
    mesures_immediates = models.TextField("mesures immédiates", blank=True)
    gravite = models.CharField("gravité", max_length=12, choices=GraviteEi.choices)
    information_ars = models.BooleanField("à signaler à l'ARS", default=False)
    signale_ars_le = models.DateField("signalé à l'ARS le", null=True, blank=True)
    statut = models.CharField("statut", max_length=10, choices=StatutEi.choices, default=StatutEi.DECLARE)
    suivi = models.TextField("suivi", blank=True)
    conclusion = models.TextField("conclusion", blank=True)
    declare_par = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    declare_le = models.DateTimeField(default=timezone.now)
    cloture_par = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    cloture_le = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-survenu_le"]
        verbose_name = "événement indésirable"

    def __str__(self):
        return f"Événement indésirable du {timezone.localtime(self.survenu_le):%d/%m/%Y}"


class ModeleDocument(TenantModel):
    """A document template managed by the direction (fiche de liaison, contrat de séjour / DIPC, letters,
    attestations), filled from the dossier's data and produced as PDF, stored in the dossier."""

    nom = models.CharField("nom", max_length=200)
    type = models.CharField("type de document produit", max_length=30, choices=TypeDocument.choices)
    corps = models.TextField("contenu", help_text="Texte du modèle, avec des champs comme {{ jeune.prenom }}.")
    is_active = models.BooleanField("actif", default=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["nom"]
        verbose_name = "modèle de document"

    def __str__(self):
        return self.nom


class DossierUserObjectPermission(UserObjectPermissionBase):
    """django-guardian direct-FK grants on a dossier (restricted dossier member, replacement, delegation),
    tenant-owned like everything else."""

    organisme = models.ForeignKey("core.Organisme", on_delete=models.PROTECT, related_name="+")
    content_object = models.ForeignKey(Dossier, on_delete=models.CASCADE)

    # guardian's manager (its lookups call ``objects.is_generic()``) with the tenant queryset.
    objects = UserObjectPermissionManager.from_queryset(TenantQuerySet)()

    class Meta(UserObjectPermissionBase.Meta):
        pass


class AccesDelegue(TenantModel):
    """The dated schedule of a per-object grant (named replacement, delegation while someone is away): the
    guardian permission exists only between ``debut`` and ``fin`` (granted and revoked by services and beat)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="acces_delegues")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="acces_delegues")
    motif = models.CharField("motif", max_length=300)
    debut = models.DateField("début")
    fin = models.DateField("fin", null=True, blank=True)
    accorde_par = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-debut"]

    def __str__(self):
        return f"{self.user} sur {self.dossier} ({self.motif})"


class BrisDeGlace(TenantModel):
    """Break-the-glass: a professional opened a restricted item after typing a reason; valid until ``expire_le``,
    logged in the audit journal and listed for the direction."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="bris_de_glace")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="bris_de_glace")
    motif = models.TextField("motif")
    ouvert_le = models.DateTimeField(default=timezone.now)
    expire_le = models.DateTimeField()

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-ouvert_le"]
        verbose_name = "accès exceptionnel (bris de glace)"

    def __str__(self):
        return f"{self.user} sur {self.dossier} le {timezone.localtime(self.ouvert_le):%d/%m/%Y %H:%M}"


def export_upload_to(instance, filename):
    # A random name under the organisme's folder, never the youth's name.
    return f"exports/{instance.organisme_id}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class ExportDossier(TenantModel):
    """A right-of-access export of a dossier (RGPD art. 15), produced in the background (``dossiers.tasks``) and
    stored until it expires; downloaded only through a permission-checked view. ``exclusions`` are the keys of the
    reviewed items left out (see ``dossiers.services.rgpd.flagged_items``)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="exports")
    demande_par = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    format = models.CharField("format", max_length=4, choices=FormatExport.choices)
    statut = models.CharField("statut", max_length=10, choices=StatutExport.choices, default=StatutExport.EN_ATTENTE)
    etape = models.CharField("étape", max_length=200, blank=True)
    progression = models.PositiveSmallIntegerField("progression (%)", default=0)
    exclusions = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    fichier = models.FileField(upload_to=export_upload_to, max_length=300, blank=True)
    nom_fichier = models.CharField("nom du fichier", max_length=255, blank=True)
    taille = models.PositiveBigIntegerField("taille (octets)", null=True, blank=True)
    erreur = models.TextField("erreur", blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    termine_le = models.DateTimeField("terminé le", null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "export du droit d'accès"
        constraints = [
            models.CheckConstraint(condition=Q(progression__lte=100), name="export_progression_max"),
        ]

    def __str__(self):
        return (
            f"Export {self.get_format_display().split(' ')[0]} du {timezone.localtime(self.created_at):%d/%m/%Y %H:%M}"
        )

    @property
    def is_finished(self) -> bool:
        return self.statut in (StatutExport.TERMINE, StatutExport.ECHEC)
