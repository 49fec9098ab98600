"""Forms of the MDPH tab: notifications, changes of modalité and their sending to the MDPH."""

from django import forms
from django.utils import timezone

from core.enums import Modalite
from core.forms.administration import DateInput
from dossiers.enums import ModeAccord
from dossiers.models import NotificationMdph
from dossiers.services.famille import AGE_MAJORITE


class NotificationMdphForm(forms.ModelForm):
    modalites_entree = forms.MultipleChoiceField(
        label="Modalités d'entrée", choices=Modalite.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = NotificationMdph
        fields = [
            "numero", "date_decision", "date_debut", "date_fin", "type_droit", "modalites_entree", "temporalite",
            "creton", "commentaire",
        ]  # fmt: skip
        widgets = {
            "date_decision": DateInput(), "date_debut": DateInput(), "date_fin": DateInput(),
            "commentaire": forms.Textarea(attrs={"rows": 2}),
        }  # fmt: skip
        help_texts = {"creton": "Jeune de plus de 20 ans maintenu dans l'établissement (amendement Creton)."}

    def clean(self):
        data = super().clean()
        if data.get("date_debut") and data.get("date_fin") and data["date_fin"] < data["date_debut"]:
            self.add_error("date_fin", "La fin de validité ne peut pas précéder le début de validité.")
        return data


def accord_choices(jeune, representants, day) -> list[tuple[str, str]]:
    """Who may agree to a change: each représentant légal, and the jeune once adult (18)."""
    choices = []
    for proche in representants:
        label = f"{proche.prenom} {proche.nom} ({proche.get_lien_display()})".replace("  ", " ").strip()
        choices.append((label, label))
    if jeune.age_on(day) >= AGE_MAJORITE:
        label = f"{jeune.prenom} {jeune.nom} (le jeune, majeur)"
        choices.append((label, label))
    return choices


class ChangementModaliteForm(forms.Form):
    date = forms.DateField(label="Date du changement", widget=DateInput())
    modalites_apres = forms.MultipleChoiceField(
        label="Nouvelles modalités", choices=Modalite.choices, widget=forms.CheckboxSelectMultiple
    )
    accord_de = forms.ChoiceField(label="Accord donné par")
    accord_le = forms.DateField(label="Accord recueilli le", widget=DateInput())
    accord_mode = forms.ChoiceField(
        label="Forme de l'accord",
        choices=ModeAccord.choices,
        help_text="En cas de refus, le refus est enregistré et les modalités ne changent pas.",
    )
    commentaire = forms.CharField(label="Commentaire", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, dossier, representants, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        choices = accord_choices(dossier.jeune, representants, today)
        self.fields["accord_de"].choices = [("", "—")] + choices
        self.fields["accord_de"].help_text = (
            "Un représentant légal enregistré dans l'onglet Famille, ou le jeune s'il est majeur."
            if choices
            else "Aucun représentant légal n'est enregistré : ajoutez-le d'abord dans l'onglet Famille."
        )


class EnvoiMdphForm(forms.Form):
    envoye_mdph_le = forms.DateField(label="Fiche de liaison envoyée à la MDPH le", widget=DateInput())
