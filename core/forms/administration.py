"""Forms of the organisme's administration pages (French labels; writes go through core/services/organisation.py).

Uniqueness rules that involve the organisme (FINESS of a dispositif or a site, year of a dispositif's parameters)
are checked here, because a ModelForm skips constraints on fields it does not show; the services check them again.
"""

import re

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from core.enums import Metier, Modalite, Role
from core.models import Affectation, Dispositif, DispositifAnnee, Organisme, Site

FINESS_RE = re.compile(r"^(?:\d{2}|2A|2B)\d{7}$")
FINESS_ERROR = "Le numéro FINESS comporte 9 caractères : des chiffres (2A ou 2B en tête pour la Corse)."


def clean_finess_value(value: str) -> str:
    value = (value or "").strip().upper().replace(" ", "")
    if value and not FINESS_RE.match(value):
        raise forms.ValidationError(FINESS_ERROR)
    return value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class OrganismeForm(forms.ModelForm):
    duree_conservation_annees = forms.IntegerField(
        label="Durée de conservation des dossiers (années après le dernier contact)",
        min_value=1,
        max_value=100,
        help_text=(
            "Par analogie avec le dossier médical : 20 ans après le dernier contact, et au moins jusqu'aux 28 ans "
            "du jeune. Les dossiers ne sont purgés que par la tâche de conservation."
        ),
    )

    class Meta:
        model = Organisme
        fields = ["nom", "duree_conservation_annees"]
        labels = {"nom": "Nom de l'organisme gestionnaire"}


class DispositifForm(forms.ModelForm):
    class Meta:
        model = Dispositif
        fields = ["nom", "finess"]
        labels = {"nom": "Nom du dispositif", "finess": "FINESS principal"}
        help_texts = {"finess": "9 caractères, celui qui porte le budget et le tableau de bord de la performance."}

    def __init__(self, *args, organisme_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisme_id = organisme_id

    def clean_finess(self):
        value = clean_finess_value(self.cleaned_data["finess"])
        if not value:
            raise forms.ValidationError("Le FINESS principal est obligatoire.")
        others = Dispositif.objects.filter(organisme_id=self.organisme_id, finess=value).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("Un autre dispositif de l'organisme a déjà ce FINESS.")
        return value


class DispositifAnneeForm(forms.ModelForm):
    annee = forms.IntegerField(
        label="Année",
        validators=[
            MinValueValidator(2000, "L'année doit être comprise entre 2000 et 2100."),
            MaxValueValidator(2100, "L'année doit être comprise entre 2000 et 2100."),
        ],
    )
    jours_ouverture = forms.IntegerField(
        label="Jours d'ouverture dans l'année",
        min_value=0,
        validators=[MaxValueValidator(366, "Une année compte au plus 366 jours.")],
    )

    class Meta:
        model = DispositifAnnee
        fields = ["annee", "places_internat", "places_accueil_de_jour", "places_ambulatoire", "jours_ouverture"]

    def __init__(self, *args, dispositif: Dispositif, **kwargs):
        super().__init__(*args, **kwargs)
        self.dispositif = dispositif
        if self.instance.pk:
            # The year identifies the row (reports record the parameter set they used): it is not edited.
            self.fields["annee"].disabled = True
        elif not self.is_bound:
            self.initial.setdefault("annee", timezone.localdate().year)

    def clean_annee(self):
        annee = self.cleaned_data["annee"]
        others = DispositifAnnee.objects.filter(
            organisme_id=self.dispositif.organisme_id, dispositif=self.dispositif, annee=annee
        ).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(f"Les paramètres de {annee} existent déjà pour ce dispositif : modifiez-les.")
        return annee


class SiteForm(forms.ModelForm):
    modalites = forms.MultipleChoiceField(
        label="Modalités proposées",
        choices=Modalite.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une modalité."},
    )

    class Meta:
        model = Site
        fields = ["dispositif", "nom", "finess", "modalites", "adresse"]
        labels = {"nom": "Nom du site", "finess": "FINESS géographique", "adresse": "Adresse"}
        help_texts = {"finess": "Facultatif : 9 caractères."}
        widgets = {"adresse": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organisme_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisme_id = organisme_id
        self.fields["dispositif"].queryset = Dispositif.objects.filter(organisme_id=organisme_id)
        self.fields["dispositif"].label = "Dispositif"
        self.fields["dispositif"].empty_label = "Choisir…"
        if self.instance.pk:
            # Activity and sites history hang on the dispositif: a site does not move to another one.
            self.fields["dispositif"].disabled = True

    def clean_finess(self):
        value = clean_finess_value(self.cleaned_data.get("finess"))
        if value:
            others = Site.objects.filter(organisme_id=self.organisme_id, finess=value).exclude(pk=self.instance.pk)
            if others.exists():
                raise forms.ValidationError("Un autre site de l'organisme a déjà ce FINESS.")
        return value


def _affectation_choices(form, organisme_id: int):
    form.fields["dispositif"] = forms.ModelChoiceField(
        label="Dispositif",
        queryset=Dispositif.objects.filter(organisme_id=organisme_id, is_active=True),
        empty_label="Choisir…",
    )
    form.fields["site"] = forms.ModelChoiceField(
        label="Site",
        queryset=Site.objects.filter(organisme_id=organisme_id, is_active=True).select_related("dispositif"),
        required=False,
        empty_label="Tous les sites du dispositif",
        help_text="Facultatif ; le site doit appartenir au dispositif choisi.",
    )
    form.fields["site"].label_from_instance = lambda site: f"{site.dispositif.nom} — {site.nom}"


def _check_site_and_dates(cleaned_data, form):
    dispositif, site = cleaned_data.get("dispositif"), cleaned_data.get("site")
    if dispositif and site and site.dispositif_id != dispositif.pk:
        form.add_error("site", "Ce site n'appartient pas au dispositif choisi.")
    debut, fin = cleaned_data.get("debut"), cleaned_data.get("fin")
    if debut and fin and fin < debut:
        form.add_error("fin", "La fin ne peut pas précéder le début.")
    return cleaned_data


class AffectationForm(forms.ModelForm):
    class Meta:
        model = Affectation
        fields = ["dispositif", "site", "metier", "role", "debut", "fin"]
        labels = {"metier": "Métier", "role": "Droits", "debut": "Début", "fin": "Fin"}
        help_texts = {"fin": "Laisser vide si l'affectation n'a pas de fin prévue."}
        widgets = {"debut": DateInput(), "fin": DateInput()}

    def __init__(self, *args, organisme_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        _affectation_choices(self, organisme_id)

    def clean(self):
        return _check_site_and_dates(super().clean(), self)


class AffectationEndForm(forms.Form):
    fin = forms.DateField(label="Date de fin", widget=DateInput())

    def __init__(self, *args, affectation: Affectation, **kwargs):
        super().__init__(*args, **kwargs)
        self.affectation = affectation

    def clean_fin(self):
        fin = self.cleaned_data["fin"]
        if fin < self.affectation.debut:
            raise forms.ValidationError(
                f"La fin ne peut pas précéder le début de l'affectation ({self.affectation.debut:%d/%m/%Y})."
            )
        return fin


class ProfessionnelForm(forms.Form):
    """Identity of a professional. A plain form: the service compares the new email with the stored one and checks
    it across every organisme (the model's unique check would only see this organisme under RLS)."""

    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    email = forms.EmailField(label="Adresse électronique")

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class InvitationForm(forms.Form):
    """A professional's account and first affectation, in one form; the invitation email leaves on commit."""

    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    email = forms.EmailField(label="Adresse électronique", help_text="L'invitation y est envoyée.")
    metier = forms.ChoiceField(label="Métier", choices=[("", "Choisir…"), *Metier.choices])
    role = forms.ChoiceField(label="Droits", choices=Role.choices, initial=Role.CONTRIBUTEUR)
    debut = forms.DateField(label="Début de l'affectation", widget=DateInput(), initial=timezone.localdate)

    field_order = ["first_name", "last_name", "email", "dispositif", "site", "metier", "role", "debut"]

    def __init__(self, *args, organisme_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        _affectation_choices(self, organisme_id)
        self.order_fields(self.field_order)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        return _check_site_and_dates(super().clean(), self)


ACTIF_CHOICES = [("oui", "Actifs"), ("non", "Désactivés"), ("tous", "Tous")]


class ProfessionnelFilterForm(forms.Form):
    q = forms.CharField(label="Rechercher (nom, prénom, adresse)", required=False, max_length=100)
    dispositif = forms.ModelChoiceField(label="Dispositif", queryset=None, required=False, empty_label="Tous")
    metier = forms.ChoiceField(label="Métier", choices=[("", "Tous"), *Metier.choices], required=False)
    actif = forms.ChoiceField(label="Comptes", choices=ACTIF_CHOICES, required=False)

    def __init__(self, *args, organisme_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispositif"].queryset = Dispositif.objects.filter(organisme_id=organisme_id)
        self.fields["q"].widget.input_type = "search"
