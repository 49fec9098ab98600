"""Forms of the PPA follow-up pages (period, links to the agenda, review)."""

import datetime

from django import forms

from ppa.enums import MotifRevue, ResultatEvaluation
from ppa.services.echeances import ETATS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PeriodeForm(forms.Form):
    debut = forms.DateField(label="Du", required=False, widget=DateInput())
    fin = forms.DateField(label="Au", required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("debut") and data.get("fin") and data["fin"] < data["debut"]:
            self.add_error("fin", "La fin de la période ne peut pas précéder son début.")
        if data.get("debut") and data.get("fin") and (data["fin"] - data["debut"]).days > 366 * 3:
            self.add_error("fin", "Choisissez une période de trois ans au plus.")
        return data


class SemaineForm(forms.Form):
    semaine = forms.DateField(label="Semaine du", required=False, widget=DateInput())

    def lundi(self, default: datetime.date) -> datetime.date:
        day = (self.cleaned_data.get("semaine") if self.is_valid() else None) or default
        return day - datetime.timedelta(days=day.weekday())


class EcheancesFiltreForm(forms.Form):
    dispositif = forms.TypedChoiceField(label="Dispositif", required=False, coerce=int, empty_value=None)
    etat = forms.ChoiceField(label="État", required=False, choices=[("", "Tous"), *ETATS.items()])

    def __init__(self, *args, dispositifs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispositif"].choices = [("", "Tous mes dispositifs"), *((d.pk, d.nom) for d in dispositifs)]


class RevueCreateForm(forms.Form):
    motif = forms.ChoiceField(label="Motif", choices=MotifRevue.choices, initial=MotifRevue.ANNUELLE)
    date = forms.DateField(
        label="Date de la révision",
        widget=DateInput(),
        help_text="Une révision demandée par le jeune ou sa famille fixe l'échéance du PPA à cette date.",
    )
    periode_debut = forms.DateField(label="Période évaluée : du", widget=DateInput())
    periode_fin = forms.DateField(label="au", widget=DateInput())


class RevueForm(forms.Form):
    """The synthèse plus, per objective, ``resultat_<pk>`` and ``commentaire_<pk>``."""

    synthese = forms.CharField(
        label="Synthèse de la révision", required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, objectifs=(), evaluations=None, suggestions=None, **kwargs):
        super().__init__(*args, **kwargs)
        evaluations = evaluations or {}
        suggestions = suggestions or {}
        self.objectifs = list(objectifs)
        for objectif in self.objectifs:
            current = evaluations.get(objectif.pk)
            self.fields[f"resultat_{objectif.pk}"] = forms.ChoiceField(
                label="Résultat",
                required=False,
                choices=[("", "— à évaluer —"), *ResultatEvaluation.choices],
                initial=current.resultat if current else "",
            )
            self.fields[f"commentaire_{objectif.pk}"] = forms.CharField(
                label="Commentaire",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=current.commentaire if current else suggestions.get(objectif.pk, ""),
            )

    def evaluations(self) -> dict:
        return {
            o.pk: (self.cleaned_data.get(f"resultat_{o.pk}", ""), self.cleaned_data.get(f"commentaire_{o.pk}", ""))
            for o in self.objectifs
        }

    def champs_objectif(self, objectif):
        return self[f"resultat_{objectif.pk}"], self[f"commentaire_{objectif.pk}"]
