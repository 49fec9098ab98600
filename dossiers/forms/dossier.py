"""Forms of the dossier screens: list filters, identity and dossier edits, the parcours steps, a new youth in
pre-admission. Forms only validate input; writes go through dossiers/services/parcours.py."""

from django import forms
from django.utils import timezone

from core.enums import AccountKind, Modalite
from core.forms.administration import DateInput
from core.models import Dispositif, Site, User
from dossiers.enums import (
    Deficience,
    IssuePreAdmission,
    MotifSortie,
    OriginePreAdmission,
    Priorite,
    StatutParcours,
)
from dossiers.models import Dossier, Jeune

SORT_CHOICES = [
    ("nom", "Nom (A → Z)"),
    ("-nom", "Nom (Z → A)"),
    ("age", "Âge (du plus jeune)"),
    ("-age", "Âge (du plus âgé)"),
    ("statut", "Statut"),
    ("-admission", "Admission (la plus récente)"),
    ("admission", "Admission (la plus ancienne)"),
]


class DossierFilterForm(forms.Form):
    dispositif = forms.ModelChoiceField(Dispositif.objects.none(), required=False, empty_label="Tous")
    site = forms.ModelChoiceField(Site.objects.none(), required=False, empty_label="Tous")
    statut = forms.ChoiceField(
        required=False,
        choices=[("", "Tous"), *StatutParcours.choices, ("aucun", "Sans période en cours")],
    )
    modalite = forms.ChoiceField(label="Modalité", required=False, choices=[("", "Toutes"), *Modalite.choices])
    referent = forms.ModelChoiceField(User.objects.none(), label="Référent", required=False, empty_label="Tous")
    tri = forms.ChoiceField(label="Trier par", required=False, choices=SORT_CHOICES)
    archives = forms.BooleanField(label="Inclure les dossiers archivés", required=False)

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispositif"].queryset = choices["dispositifs"]
        self.fields["site"].queryset = choices["sites"]
        self.fields["site"].label_from_instance = lambda site: f"{site.nom} ({site.dispositif.nom})"
        self.fields["referent"].queryset = choices["professionnels"]
        self.fields["referent"].label_from_instance = lambda user: user.get_full_name()


class SearchForm(forms.Form):
    q = forms.CharField(label="Rechercher un jeune", max_length=100, required=False)


def _professionnels(organisme_id):
    return User.objects.filter(organisme_id=organisme_id, kind=AccountKind.PROFESSIONNEL, is_active=True)


IDENTITY_FIELDS = ["nom_naissance", "nom_usage", "prenom", "date_naissance", "sexe"]


class JeuneForm(forms.ModelForm):
    deficiences_associees = forms.MultipleChoiceField(
        label="Déficiences associées", choices=Deficience.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Jeune
        fields = [
            *IDENTITY_FIELDS, "prenoms_etat_civil", "lieu_naissance_insee", "ins_matricule", "statut_identite",
            "adresse", "code_postal", "commune", "telephone", "deficience_principale", "deficiences_associees",
            "mesure_ase", "mesure_ase_type",
        ]  # fmt: skip
        widgets = {"date_naissance": DateInput(), "adresse": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "statut_identite": "Une identité n'est « qualifiée » qu'après vérification d'une pièce à haut niveau de "
            "confiance et appel au téléservice INSi.",
        }

    def clean(self):
        data = super().clean()
        if data.get("deficience_principale") and data.get("deficience_principale") in data.get(
            "deficiences_associees", []
        ):
            self.add_error("deficiences_associees", "La déficience principale ne peut pas être aussi associée.")
        return data


class DossierForm(forms.ModelForm):
    """Team and contract of a dossier; the waiting-list fields only while in pre-admission."""

    WAITING_FIELDS = ["date_orientation", "modalites_demandees", "priorite", "prochaine_etape"]

    modalites_demandees = forms.MultipleChoiceField(
        label="Modalités demandées", choices=Modalite.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Dossier
        fields = [
            "site", "referent", "coordinateur", "contrat_remis_le", "contrat_signe_le",
            "date_orientation", "modalites_demandees", "priorite", "prochaine_etape",
        ]  # fmt: skip
        widgets = {
            "contrat_remis_le": DateInput(),
            "contrat_signe_le": DateInput(),
            "date_orientation": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dossier = self.instance
        self.fields["site"].queryset = Site.objects.filter(dispositif_id=dossier.dispositif_id)
        self.fields["site"].empty_label = "Non précisé"
        for name in ("referent", "coordinateur"):
            self.fields[name].queryset = _professionnels(dossier.organisme_id)
            self.fields[name].label_from_instance = lambda user: user.get_full_name()
        if dossier.statut != StatutParcours.PRE_ADMISSION:
            for name in self.WAITING_FIELDS:
                del self.fields[name]

    def clean(self):
        data = super().clean()
        remis, signe = data.get("contrat_remis_le"), data.get("contrat_signe_le")
        if remis and signe and signe < remis:
            self.add_error("contrat_signe_le", "La signature ne peut pas précéder la remise du contrat.")
        return data


def _today():
    return timezone.localdate()


class NouveauJeuneForm(forms.Form):
    """A new youth and their dossier in pre-admission (first contact)."""

    nom_naissance = forms.CharField(label="Nom de naissance", max_length=150)
    nom_usage = forms.CharField(label="Nom d'usage", max_length=150, required=False)
    prenom = forms.CharField(label="Prénom", max_length=150)
    date_naissance = forms.DateField(label="Date de naissance", widget=DateInput())
    sexe = forms.ChoiceField(label="Sexe", choices=Jeune._meta.get_field("sexe").choices)
    dispositif = forms.ModelChoiceField(Dispositif.objects.none(), label="Dispositif")
    site = forms.ModelChoiceField(Site.objects.none(), label="Site", required=False, empty_label="Non précisé")
    origine = forms.ChoiceField(label="Origine de la demande", choices=OriginePreAdmission.choices)
    debut = forms.DateField(label="Début de la pré-admission", initial=_today, widget=DateInput())
    date_orientation = forms.DateField(label="Date de l'orientation", required=False, widget=DateInput())
    modalites_demandees = forms.MultipleChoiceField(
        label="Modalités demandées", choices=Modalite.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    priorite = forms.ChoiceField(label="Priorité", choices=Priorite.choices, initial=Priorite.NORMALE)
    prochaine_etape = forms.CharField(label="Prochaine étape", max_length=300, required=False)
    # Possible duplicates: "create anyway" after the warning, or open a dossier for the youth already known.
    confirmer_doublon = forms.BooleanField(required=False, widget=forms.HiddenInput)
    jeune_existant = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, dispositifs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispositif"].queryset = dispositifs
        self.fields["site"].queryset = Site.objects.filter(dispositif__in=dispositifs).select_related("dispositif")
        self.fields["site"].label_from_instance = lambda site: f"{site.nom} ({site.dispositif.nom})"
        if len(self.fields["dispositif"].choices) == 2:  # the empty choice and a single dispositif
            self.fields["dispositif"].empty_label = None

    def clean(self):
        data = super().clean()
        site, dispositif = data.get("site"), data.get("dispositif")
        if site and dispositif and site.dispositif_id != dispositif.pk:
            self.add_error("site", "Ce site n'appartient pas au dispositif choisi.")
        naissance, debut = data.get("date_naissance"), data.get("debut")
        if naissance and naissance > _today():
            self.add_error("date_naissance", "La date de naissance ne peut pas être dans le futur.")
        if naissance and debut and debut < naissance:
            self.add_error("debut", "La pré-admission ne peut pas précéder la naissance.")
        return data

    def jeune_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in IDENTITY_FIELDS}

    def jeune_identity(self) -> dict:
        """What the duplicates are searched on."""
        return {name: self.cleaned_data[name] for name in ("prenom", "nom_naissance", "nom_usage", "date_naissance")}

    def dossier_fields(self) -> dict:
        names = ["dispositif", "site", "origine", "debut", "date_orientation", "modalites_demandees", "priorite"]
        return {name: self.cleaned_data[name] for name in [*names, "prochaine_etape"]}


# --- Parcours steps (each form is offered only when its step is possible) ---------------------------------------


class AdmissionForm(forms.Form):
    date_admission = forms.DateField(label="Date d'admission", initial=_today, widget=DateInput())
    modalites = forms.MultipleChoiceField(
        label="Modalités d'accompagnement", choices=Modalite.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins une modalité d'accompagnement."},
    )  # fmt: skip
    site = forms.ModelChoiceField(Site.objects.none(), label="Site", required=False, empty_label="Non précisé")

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(dispositif_id=dossier.dispositif_id, is_active=True)
        self.fields["site"].initial = dossier.site_id
        self.fields["modalites"].initial = dossier.modalites_demandees


class CloturePreAdmissionForm(forms.Form):
    date = forms.DateField(label="Date", initial=_today, widget=DateInput())
    issue = forms.ChoiceField(
        label="Issue",
        choices=[(IssuePreAdmission.REFUS, "Refus"), (IssuePreAdmission.ABANDON, "Abandon")],
        widget=forms.RadioSelect,
    )
    commentaire = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SortieForm(forms.Form):
    date_sortie = forms.DateField(label="Date de sortie", initial=_today, widget=DateInput())
    motif_sortie = forms.ChoiceField(label="Motif de sortie", choices=[("", "—"), *MotifSortie.choices])
    destination = forms.CharField(label="Destination", max_length=300, required=False)
    suivi_post_sortie = forms.TypedChoiceField(
        label="Suivi post-sortie",
        choices=[("oui", "Oui, ouvrir un suivi post-sortie"), ("non", "Non")],
        coerce=lambda value: value == "oui",
        initial="oui",
        widget=forms.RadioSelect,
    )


class FinSuiviForm(forms.Form):
    date = forms.DateField(label="Fin du suivi", initial=_today, widget=DateInput())


class FinPonctuelForm(forms.Form):
    date = forms.DateField(label="Fin de l'accompagnement ponctuel", initial=_today, widget=DateInput())


class PonctuelForm(forms.Form):
    debut = forms.DateField(label="Début", initial=_today, widget=DateInput())
    fin = forms.DateField(label="Fin", required=False, widget=DateInput())
    commentaire = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ArchiveForm(forms.Form):
    confirmation = forms.BooleanField(
        label="Je confirme l'archivage : le dossier passera en lecture seule.",
        error_messages={"required": "Cochez la case pour confirmer l'archivage."},
    )


class ProchaineEtapeForm(forms.Form):
    prochaine_etape = forms.CharField(label="Prochaine étape", max_length=300, required=False)
