"""Forms of the portal (accounts and reading part) and of the staff pages about portal accesses. Writes go through
``portail_famille/services``."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from agendas.enums import MotifAbsence
from dossiers.services.documents import MAX_SIZE
from portail_famille.acces import DROITS
from portail_famille.models import AccesPortail
from portail_famille.services.famille import MOTIFS_ABSENCE_FAMILLE, TYPES_DOCUMENT_FAMILLE


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


# --- staff ----------------------------------------------------------------------------------------------------------


class DroitsForm(forms.ModelForm):
    """The rights of one access (one checkbox per right)."""

    class Meta:
        model = AccesPortail
        fields = list(DROITS)

    def droits(self) -> dict:
        return {name: self.cleaned_data[name] for name in DROITS}


class InvitationForm(DroitsForm):
    email = forms.EmailField(
        label="Adresse électronique du jeune", required=False,
        help_text="L'invitation y est envoyée. Pour un proche, c'est l'adresse de sa fiche (onglet Famille).",
    )  # fmt: skip

    class Meta(DroitsForm.Meta):
        fields = ["email", *DROITS]

    def __init__(self, *args, pour_jeune: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not pour_jeune:
            del self.fields["email"]
        else:
            self.fields["email"].required = True


class MotifForm(forms.Form):
    motif = forms.CharField(
        label="Motif", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000,
        help_text="Il reste dans l'historique de l'accès ; la personne ne le voit pas.",
    )  # fmt: skip


# --- portal ---------------------------------------------------------------------------------------------------------


class DepotDocumentForm(forms.Form):
    type = forms.ChoiceField(
        label="Quel document ?",
        choices=[("", "Choisir…")] + [(t.value, t.label) for t in TYPES_DOCUMENT_FAMILLE],
    )
    titre = forms.CharField(label="Titre", max_length=200, help_text="Par exemple : « Certificat du Dr Martin ».")
    fichier = forms.FileField(
        label="Fichier",
        help_text=f"PDF ou photo (JPEG, PNG), {MAX_SIZE // (1024 * 1024)} Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,image/*,.doc,.docx,.odt"}),
    )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if fichier.size > MAX_SIZE:
            raise ValidationError(f"Le fichier dépasse la taille maximale de {MAX_SIZE // (1024 * 1024)} Mo.")
        return fichier


class AbsenceForm(forms.Form):
    """Whole days, or a part of a day when both times are given."""

    date_debut = forms.DateField(label="Premier jour d'absence", widget=DateInput())
    date_fin = forms.DateField(
        label="Dernier jour d'absence", widget=DateInput(), required=False, help_text="Laissez vide pour un seul jour."
    )
    heure_debut = forms.TimeField(
        label="Seulement à partir de (heure)", widget=TimeInput(), required=False,
        help_text="Laissez les heures vides pour toute la journée.",
    )  # fmt: skip
    heure_fin = forms.TimeField(label="Jusqu'à (heure)", widget=TimeInput(), required=False)
    motif = forms.ChoiceField(
        label="Motif",
        choices=[("", "Choisir…")] + [(m.value, MotifAbsence(m).label) for m in MOTIFS_ABSENCE_FAMILLE],
    )
    commentaire = forms.CharField(
        label="Un mot pour l'équipe (facultatif)", required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        debut_jour, fin_jour = data.get("date_debut"), data.get("date_fin") or data.get("date_debut")
        if not debut_jour:
            return data
        if fin_jour < debut_jour:
            self.add_error("date_fin", "Le dernier jour doit être après le premier.")
            return data
        tz = timezone.get_current_timezone()
        if not (data.get("heure_debut") or data.get("heure_fin")):
            debut = datetime.datetime.combine(debut_jour, datetime.time.min, tzinfo=tz)
            fin = datetime.datetime.combine(fin_jour + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        else:
            if not data.get("heure_debut") or not data.get("heure_fin"):
                self.add_error("heure_fin", "Indiquez l'heure de début et l'heure de fin (aucune : toute la journée).")
                return data
            debut = datetime.datetime.combine(debut_jour, data["heure_debut"], tzinfo=tz)
            fin = datetime.datetime.combine(fin_jour, data["heure_fin"], tzinfo=tz)
        data["debut"], data["fin"] = debut, fin
        return data
