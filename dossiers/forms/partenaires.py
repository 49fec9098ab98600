"""Forms of the partners directory and of the partners linked to a dossier."""

from django import forms

from core.enums import TypePartenaire
from core.forms.administration import DateInput
from dossiers.models import DossierPartenaire, Intervenant, MembreCercle, Partenaire


class PartenaireFilterForm(forms.Form):
    q = forms.CharField(label="Rechercher", required=False, max_length=100)
    type = forms.ChoiceField(label="Type", choices=[("", "Tous")] + TypePartenaire.choices, required=False)
    actif = forms.ChoiceField(
        label="État", choices=[("oui", "Actifs"), ("non", "Inactifs"), ("tous", "Tous")], required=False
    )


class PartenaireForm(forms.ModelForm):
    class Meta:
        model = Partenaire
        fields = ["nom", "type", "adresse", "telephone", "email", "ref", "is_active"]
        widgets = {"adresse": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"ref": "Identifiant dans un autre logiciel (import), facultatif."}


class IntervenantForm(forms.ModelForm):
    class Meta:
        model = Intervenant
        fields = ["prenom", "nom", "fonction", "telephone", "email"]


class DossierPartenaireForm(forms.ModelForm):
    class Meta:
        model = DossierPartenaire
        fields = ["partenaire", "intervenant", "role", "debut"]
        widgets = {"debut": DateInput()}
        help_texts = {"intervenant": "Facultatif : une personne de ce partenaire."}

    def __init__(self, *args, organisme_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partenaire"].queryset = Partenaire.objects.filter(organisme_id=organisme_id, is_active=True)
        self.fields["intervenant"].queryset = Intervenant.objects.filter(
            organisme_id=organisme_id, partenaire__is_active=True
        ).select_related("partenaire")
        self.fields["intervenant"].label_from_instance = lambda i: f"{i} — {i.partenaire.nom}"

    def clean(self):
        data = super().clean()
        partenaire, intervenant = data.get("partenaire"), data.get("intervenant")
        if partenaire and intervenant and intervenant.partenaire_id != partenaire.pk:
            self.add_error("intervenant", "Cet intervenant ne travaille pas chez ce partenaire.")
        return data


class MembreCercleForm(forms.ModelForm):
    class Meta:
        model = MembreCercle
        fields = ["professionnel", "role", "debut"]
        widgets = {"debut": DateInput()}
        help_texts = {"role": "Par exemple : éducateur référent, psychologue, enseignant de l'unité d'enseignement."}

    def __init__(self, *args, professionnels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["professionnel"].queryset = professionnels
        self.fields["professionnel"].label_from_instance = lambda u: u.get_full_name() or u.email
