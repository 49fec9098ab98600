"""The form of a new version of the AIRe parameters (direction)."""

import datetime

from django import forms


class ParametresForm(forms.Form):
    suivi_post_sortie_annees = forms.IntegerField(
        label="Durée du suivi post-sortie compté (années)", min_value=0, max_value=10,
        help_text="Au-delà, un acte en suivi post-sortie n'est pas compté et apparaît dans les anomalies.",
    )  # fmt: skip
    borne_1 = forms.IntegerField(label="Borne 1 (heures par semaine)", min_value=1)
    borne_2 = forms.IntegerField(label="Borne 2 (heures par semaine)", min_value=1)
    borne_3 = forms.IntegerField(label="Borne 3 (heures par semaine)", min_value=1)
    borne_4 = forms.IntegerField(label="Borne 4 (heures par semaine)", min_value=1)
    coupure_demi_journee = forms.TimeField(
        label="Heure de coupure entre matin et après-midi", widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="Matin : de 0 h à la coupure ; après-midi : de la coupure à minuit.",
    )  # fmt: skip

    @classmethod
    def initial_from(cls, parametres) -> dict:
        bornes = list(parametres.bornes_intensite)
        return {
            "suivi_post_sortie_annees": parametres.suivi_post_sortie_annees,
            **{f"borne_{i + 1}": b for i, b in enumerate(bornes)},
            "coupure_demi_journee": parametres.coupure_demi_journee or datetime.time(13),
        }

    def bornes(self) -> list[int]:
        return [self.cleaned_data[f"borne_{i}"] for i in range(1, 5)]
