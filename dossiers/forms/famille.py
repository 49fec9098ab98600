"""Forms of the famille tab: proches and schooling periods (writes go through dossiers/services/famille.py)."""

from django import forms

from core.enums import TypePartenaire
from core.forms.administration import DateInput
from dossiers.models import Partenaire, PeriodeScolaire, Proche


class ProcheForm(forms.ModelForm):
    class Meta:
        model = Proche
        fields = [
            "nom", "prenom", "lien", "role", "representant_legal", "autorite_parentale", "mesure_protection",
            "telephone", "email", "adresse", "ordre_appel", "acces_portail", "recoit_documents", "commentaire",
        ]  # fmt: skip
        widgets = {"adresse": forms.Textarea(attrs={"rows": 2}), "commentaire": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "role": "Rôle auprès du jeune (nomenclature nationale) ; « Responsable légal » par défaut pour un "
            "représentant légal.",
            "mesure_protection": "Tutelle, placement, délégation d'autorité parentale, droit de visite encadré…",
            "ordre_appel": "1 = personne à appeler en premier.",
            "acces_portail": "Le compte sera créé depuis le portail des familles.",
        }


class PeriodeScolaireForm(forms.ModelForm):
    class Meta:
        model = PeriodeScolaire
        fields = ["debut", "fin", "etablissement", "niveau", "type_enseignement", "demi_journees", "referent_scolaire"]
        widgets = {"debut": DateInput(), "fin": DateInput()}
        help_texts = {"etablissement": "Établissements de l'Éducation nationale de l'annuaire des partenaires."}

    def __init__(self, *args, organisme_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        schools = Partenaire.objects.filter(organisme_id=organisme_id, type=TypePartenaire.EDUCATION_NATIONALE)
        current = self.instance.etablissement_id
        self.fields["etablissement"].queryset = schools.filter(is_active=True) | schools.filter(pk=current)
        self.fields["demi_journees"].min_value = 0
        self.fields["demi_journees"].max_value = 14
        self.fields["demi_journees"].widget.attrs.update(min=0, max=14)

    def clean(self):
        data = super().clean()
        if data.get("debut") and data.get("fin") and data["fin"] < data["debut"]:
            self.add_error("fin", "La fin ne peut pas précéder le début.")
        return data


class FinForm(forms.Form):
    """End date of a period (schooling, partner link, member of the cercle)."""

    fin = forms.DateField(label="Date de fin", widget=DateInput())
