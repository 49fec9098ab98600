"""Forms of the agenda's administration (natures, resources, closures), minutes, absences and subscriptions."""

from django import forms

from agendas.enums import Cadre, MotifAbsence
from agendas.models import CompteRendu, Fermeture, Ressource
from core.enums import Visibilite
from core.forms.administration import DateInput
from core.models import SerafinCode, Site

PRESTATION_FAMILIES = ("prestation_directe", "prestation_indirecte")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def serafin_prestations(version: str = "2023") -> list[SerafinCode]:
    return list(SerafinCode.objects.filter(version=version, famille__in=PRESTATION_FAMILIES).order_by("code"))


class NatureForm(forms.Form):
    """The SERAFIN-PH code is a text field with a list of suggestions (``<datalist>``): type a code or words of
    the label and pick; the value must be a prestation code of the reference."""

    code = forms.SlugField(
        label="Code", max_length=50, help_text="Identifiant court, sans espace ni accent (ex. atelier_cuisine)."
    )
    libelle = forms.CharField(label="Libellé", max_length=150)
    cadre = forms.ChoiceField(label="Cadre", choices=Cadre.choices)
    serafin_code = forms.CharField(
        label="Code SERAFIN-PH (prestation)",
        max_length=300,
        help_text="Saisissez un code ou des mots du libellé, puis choisissez dans la liste.",
        widget=forms.TextInput(attrs={"list": "serafin-prestations", "autocomplete": "off"}),
    )
    hors_prestation = forms.BooleanField(label="Hors prestation (non compté dans l'activité)", required=False)
    discrete = forms.BooleanField(
        label="Discrète : jamais montrée aux familles", required=False, help_text="Par exemple : réunion de synthèse."
    )
    visible_famille = forms.BooleanField(label="Visible par les familles par défaut", required=False)
    is_active = forms.BooleanField(label="Active (proposée dans les formulaires)", required=False, initial=True)

    def __init__(self, *args, prestations: list[SerafinCode], editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.prestations = prestations
        if editing:
            # The code identifies the nature in imports and exchanges: it does not change.
            self.fields["code"].disabled = True

    def clean_serafin_code(self):
        value = self.cleaned_data["serafin_code"].strip()
        # Accept "2.2.2 — label" as picked from some browsers' suggestion lists.
        code = value.split(" ", 1)[0]
        if code not in {p.code for p in self.prestations}:
            raise forms.ValidationError("Choisissez un code de prestation SERAFIN-PH de la liste.")
        return code

    def clean(self):
        data = super().clean()
        if data.get("discrete"):
            data["visible_famille"] = False
        return data


class RessourceForm(forms.ModelForm):
    class Meta:
        model = Ressource
        fields = ["type", "nom", "site", "capacite"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(dispositif_id=self.instance.dispositif_id, is_active=True)
        self.fields["capacite"].help_text = "Places assises d'un véhicule, capacité d'une salle (facultatif)."


class FermetureForm(forms.ModelForm):
    class Meta:
        model = Fermeture
        fields = ["libelle", "debut", "fin"]
        widgets = {"debut": DateInput(), "fin": DateInput()}
        help_texts = {"libelle": "Par exemple : vacances d'hiver, pont de l'Ascension."}

    def clean(self):
        data = super().clean()
        if data.get("debut") and data.get("fin") and data["fin"] < data["debut"]:
            self.add_error("fin", "Le dernier jour doit être le premier jour ou après.")
        return data


class CompteRenduForm(forms.ModelForm):
    class Meta:
        model = CompteRendu
        fields = ["texte", "decisions", "visibilite"]
        widgets = {
            "texte": forms.Textarea(attrs={"rows": 12}),
            "decisions": forms.Textarea(attrs={"rows": 5}),
            "visibilite": forms.RadioSelect(),
        }
        help_texts = {
            "decisions": "Une décision par ligne : elles sont reprises dans le dossier des jeunes concernés.",
            "visibilite": "« Confidentiel soin » : lu seulement par les médecins, infirmiers, psychologues et "
            "l'auteur.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visibilite"].choices = Visibilite.choices


class AbsenceForm(forms.Form):
    """``dossier``: the youth and the dispositif at once (a youth may be accompanied by two dispositifs)."""

    dossier = forms.TypedChoiceField(label="Jeune", coerce=int)
    debut = forms.DateTimeField(label="Début", widget=DateTimeInput())
    fin = forms.DateTimeField(label="Fin", widget=DateTimeInput())
    motif = forms.ChoiceField(label="Motif", choices=MotifAbsence.choices)
    prevue = forms.BooleanField(
        label="Absence prévue à l'avance", required=False, initial=True,
        help_text="Décochez pour une absence constatée sans avoir été annoncée.",
    )  # fmt: skip
    commentaire = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, dossiers: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dossier"].choices = [("", "Choisir un jeune")] + dossiers

    def clean(self):
        data = super().clean()
        if data.get("debut") and data.get("fin") and data["fin"] <= data["debut"]:
            self.add_error("fin", "La fin doit être après le début.")
        return data


class PeriodeForm(forms.Form):
    debut = forms.DateField(label="Du", widget=DateInput())
    fin = forms.DateField(label="Au", widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("debut") and data.get("fin") and data["fin"] < data["debut"]:
            self.add_error("fin", "La fin de la période doit être après son début.")
        return data
