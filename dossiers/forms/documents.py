"""Forms of the documents tab and of the document templates (writes go through dossiers/services/documents.py
and dossiers/services/modeles.py)."""

from django import forms
from django.core.exceptions import ValidationError

from core.enums import Visibilite
from core.forms.administration import DateInput
from dossiers.enums import TypeDocument
from dossiers.models import ModeleDocument
from dossiers.services.documents import MAX_SIZE
from dossiers.services.modeles import validate_corps

VISIBILITE_HELP = (
    "« Confidentiel soin » : lisible seulement par les métiers du soin (médecin, infirmier, psychologue) et par "
    "vous. « Partageable avec la famille » : pourra être mis à disposition sur le portail des familles."
)


class DocumentUploadForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier",
        help_text=f"PDF, image (JPEG, PNG, TIFF, WebP), Word, Excel ou OpenDocument ; "
        f"{MAX_SIZE // (1024 * 1024)} Mo au plus. Le type est vérifié d'après le contenu du fichier.",
    )
    type = forms.ChoiceField(label="Type de document", choices=TypeDocument.choices)
    titre = forms.CharField(label="Titre", max_length=200)
    date_document = forms.DateField(label="Date du document", widget=DateInput())
    visibilite = forms.ChoiceField(
        label="Visibilité", choices=Visibilite.choices, initial=Visibilite.EQUIPE, help_text=VISIBILITE_HELP
    )
    donnees_tiers = forms.BooleanField(
        label="Contient des données concernant des tiers",
        required=False,
        help_text="Signalé pour relecture avant toute communication au jeune ou à sa famille (droit d'accès).",
    )
    judiciaire = forms.BooleanField(label="Document judiciaire", required=False)

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if fichier.size > MAX_SIZE:
            raise ValidationError(f"Le fichier dépasse la taille maximale de {MAX_SIZE // (1024 * 1024)} Mo.")
        return fichier


class DocumentValidateForm(forms.Form):
    """Classify a family upload, correcting its type and visibility if needed."""

    type = forms.ChoiceField(label="Type de document", choices=TypeDocument.choices)
    visibilite = forms.ChoiceField(label="Visibilité", choices=Visibilite.choices)


class DocumentRefuseForm(forms.Form):
    motif = forms.CharField(label="Motif du refus", max_length=300, required=False)


class ProduireForm(forms.Form):
    modele = forms.ModelChoiceField(label="Modèle", queryset=ModeleDocument.objects.none(), empty_label=None)
    visibilite = forms.ChoiceField(
        label="Visibilité du document produit", choices=Visibilite.choices, initial=Visibilite.EQUIPE
    )

    def __init__(self, *args, organisme_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["modele"].queryset = ModeleDocument.objects.filter(organisme_id=organisme_id, is_active=True)


class ModeleDocumentForm(forms.ModelForm):
    class Meta:
        model = ModeleDocument
        fields = ["nom", "type", "corps", "is_active"]
        widgets = {"corps": forms.Textarea(attrs={"rows": 24, "spellcheck": "true"})}
        help_texts = {
            "corps": "Texte du modèle (HTML simple : <h1>, <h2>, <p>, <table>…) avec des champs comme "
            "{{ jeune.prenom }}. Balises permises : if, for, with, now, comment, firstof. La liste des champs "
            "figure à côté du formulaire.",
            "is_active": "Un modèle inactif n'est plus proposé pour produire un document.",
        }

    def clean_corps(self):
        corps = self.cleaned_data["corps"]
        try:
            validate_corps(corps)
        except ValidationError as error:
            raise ValidationError(error.message_dict.get("corps", error.messages)) from None
        return corps
