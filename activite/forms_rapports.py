"""Forms of the report pages: a report request and the annual narrative."""

import datetime

from django import forms

from activite.enums import FormatRapport, TypeRapport
from activite.models import NarratifAnnuel
from activite.services.tableau import trimestre_bornes

TRIMESTRES = [("", "Année entière"), ("1", "1er trimestre"), ("2", "2e trimestre"), ("3", "3e trimestre"),
              ("4", "4e trimestre")]  # fmt: skip


class RapportDemandeForm(forms.Form):
    """``debut`` and ``fin`` (hidden, from the dashboard's buttons) or ``annee`` + ``trimestre`` (the form)."""

    type = forms.ChoiceField(label="Rapport", choices=TypeRapport.choices)
    format = forms.ChoiceField(label="Format", choices=FormatRapport.choices, initial=FormatRapport.PDF)
    dispositif = forms.ModelChoiceField(label="Dispositif", queryset=None, empty_label=None)
    annee = forms.IntegerField(label="Année", min_value=2000, max_value=2100, required=False)
    trimestre = forms.ChoiceField(label="Période (TBP et rapport annuel : l'année)", choices=TRIMESTRES,
                                  required=False)  # fmt: skip
    debut = forms.DateField(required=False, widget=forms.HiddenInput)
    fin = forms.DateField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, dispositifs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispositif"].queryset = dispositifs

    def clean(self):
        data = super().clean()
        if data.get("debut") and data.get("fin"):
            return data
        annee = data.get("annee")
        if not annee:
            self.add_error("annee", "Indiquez l'année.")
            return data
        t = data.get("trimestre")
        if t and data.get("type") not in (TypeRapport.TBP, TypeRapport.RAPPORT_ANNUEL):
            data["debut"], data["fin"] = trimestre_bornes(annee, int(t))
        else:
            data["debut"], data["fin"] = datetime.date(annee, 1, 1), datetime.date(annee, 12, 31)
        return data


class NarratifForm(forms.ModelForm):
    class Meta:
        model = NarratifAnnuel
        fields = ["faits_marquants", "analyse_activite", "partenariats", "perspectives"]
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in fields}
