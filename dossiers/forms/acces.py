"""Forms of the access area: grants and delegations, break-the-glass, the break-the-glass list filter, the
right-of-access export review and the retention purge confirmation."""

import datetime

from django import forms
from django.utils import timezone

from dossiers.services.acces import BRIS_DE_GLACE_MOTIF_MIN

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProfessionnelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.email


class AccesForm(forms.Form):
    """A named access to a restricted dossier: without end date, or dated (replacement, delegation)."""

    user = ProfessionnelChoiceField(label="Professionnel", queryset=None, empty_label="— choisir —")
    motif = forms.CharField(
        label="Motif", max_length=300,
        help_text="Par exemple : membre de l'équipe de soin, remplacement de la psychologue pendant son congé.",
    )  # fmt: skip
    debut = forms.DateField(label="À partir du", widget=DATE, initial=timezone.localdate)
    fin = forms.DateField(
        label="Jusqu'au (inclus)", widget=DATE, required=False,
        help_text="Vide : accès sans date de fin. Renseignée : délégation ou remplacement jusqu'à cette date.",
    )  # fmt: skip

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates

    def clean(self):
        data = super().clean()
        debut, fin = data.get("debut"), data.get("fin")
        if debut and fin and fin < debut:
            self.add_error("fin", "La fin ne peut pas précéder le début.")
        return data


class BrisDeGlaceForm(forms.Form):
    motif = forms.CharField(
        label="Motif de l'accès exceptionnel",
        min_length=BRIS_DE_GLACE_MOTIF_MIN,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            f"Au moins {BRIS_DE_GLACE_MOTIF_MIN} caractères. Ce motif est inscrit dans le journal des accès et "
            "transmis à la direction."
        ),
        error_messages={
            "min_length": f"Expliquez le motif de l'accès (au moins {BRIS_DE_GLACE_MOTIF_MIN} caractères).",
            "required": "Le motif est obligatoire.",
        },
    )


class PeriodeForm(forms.Form):
    """Period filter of the break-the-glass list (default: the last 90 days)."""

    DEFAULT_DAYS = 90

    du = forms.DateField(label="Du", widget=DATE, required=False)
    au = forms.DateField(label="Au (inclus)", widget=DATE, required=False)

    def clean(self):
        data = super().clean()
        if data.get("du") and data.get("au") and data["au"] < data["du"]:
            self.add_error("au", "La fin de la période ne peut pas précéder son début.")
        return data

    def period(self) -> tuple[datetime.date, datetime.date]:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        au = data.get("au") or today
        du = data.get("du") or au - datetime.timedelta(days=self.DEFAULT_DAYS)
        return du, au


class ExportForm(forms.Form):
    FORMATS = [("pdf", "PDF (à remettre à la personne)"), ("json", "JSON (pour un autre logiciel)")]

    format = forms.ChoiceField(label="Format", choices=FORMATS, widget=forms.RadioSelect, initial="pdf")
    exclure = forms.MultipleChoiceField(
        label="Éléments à retirer de l'export", required=False, widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args, flagged, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exclure"].choices = [
            (item.key, f"{item.categorie} : {item.libelle} — {', '.join(item.motifs)}") for item in flagged
        ]


class PurgeForm(forms.Form):
    confirmation = forms.CharField(label="Confirmation", max_length=100)

    def __init__(self, *args, expected: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected
        self.fields["confirmation"].help_text = f"Saisissez « {expected} » pour confirmer la suppression définitive."

    def clean_confirmation(self):
        value = self.cleaned_data["confirmation"].strip()
        if value != self.expected:
            raise forms.ValidationError(f"Saisissez exactement « {self.expected} » pour confirmer.")
        return value
