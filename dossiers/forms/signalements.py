"""Forms of adverse events and situations complexes (writes go through dossiers/services/signalements.py and
dossiers/services/famille.py)."""

from django import forms
from django.utils import timezone

from core.forms.administration import DateInput
from core.models import Dispositif
from dossiers.enums import GraviteEi
from dossiers.models import Dossier
from dossiers.perms import readable_dossiers


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class DossierChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.jeune.nom} {obj.jeune.prenom} — {obj.dispositif.nom}"


class EvenementDeclareForm(forms.Form):
    dispositif = forms.ModelChoiceField(label="Dispositif", queryset=Dispositif.objects.none())
    dossier = DossierChoiceField(
        label="Jeune concerné",
        queryset=Dossier.objects.none(),
        required=False,
        help_text="Facultatif : l'événement peut ne concerner aucun jeune en particulier.",
    )
    survenu_le = forms.DateTimeField(label="Date et heure de l'événement", widget=DateTimeInput())
    lieu = forms.CharField(label="Lieu", max_length=200, required=False)
    faits = forms.CharField(label="Faits", widget=forms.Textarea(attrs={"rows": 6}),
                            help_text="Décrivez les faits de manière objective, sans interprétation.")  # fmt: skip
    personnes_impliquees = forms.CharField(
        label="Personnes impliquées", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    mesures_immediates = forms.CharField(
        label="Mesures prises immédiatement", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    gravite = forms.ChoiceField(label="Gravité", choices=GraviteEi.choices)
    information_ars = forms.BooleanField(
        label="À signaler à l'ARS",
        required=False,
        help_text="Dysfonctionnement grave ou événement mettant en danger la santé, la sécurité ou le bien-être "
        "des personnes accompagnées (article L. 331-8-1 du CASF).",
    )

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        writable = [
            d.pk
            for d in Dispositif.objects.for_access(access).filter(is_active=True)
            if access.can_write_dispositif(d.pk)
        ]
        self.fields["dispositif"].queryset = Dispositif.objects.filter(pk__in=writable)
        self.fields["dossier"].queryset = (
            readable_dossiers(access, Dossier.objects.filter(dispositif_id__in=writable))
            .actifs()
            .select_related("jeune", "dispositif")
            .order_by("jeune__nom_naissance", "jeune__prenom")
        )
        if not self.is_bound and "survenu_le" not in self.initial:
            self.initial["survenu_le"] = timezone.localtime().replace(second=0, microsecond=0)

    def clean(self):
        cleaned = super().clean()
        dispositif, dossier = cleaned.get("dispositif"), cleaned.get("dossier")
        if dispositif and dossier and dossier.dispositif_id != dispositif.pk:
            self.add_error("dossier", "Ce dossier n'appartient pas au dispositif choisi.")
        return cleaned


class EvenementSuiviForm(forms.Form):
    note = forms.CharField(label="Note de suivi", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    signale_ars_le = forms.DateField(label="Signalé à l'ARS le", widget=DateInput(), required=False)


class EvenementClotureForm(forms.Form):
    conclusion = forms.CharField(label="Conclusion", widget=forms.Textarea(attrs={"rows": 4}))


class EvenementFiltreForm(forms.Form):
    dispositif = forms.ModelChoiceField(
        label="Dispositif", queryset=Dispositif.objects.none(), required=False, empty_label="Tous"
    )
    du = forms.DateField(label="Du", widget=DateInput(), required=False)
    au = forms.DateField(label="Au", widget=DateInput(), required=False)

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispositif"].queryset = Dispositif.objects.for_access(access)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("du") and cleaned.get("au") and cleaned["au"] < cleaned["du"]:
            self.add_error("au", "La fin de la période précède son début.")
        return cleaned


class SituationComplexeForm(forms.Form):
    debut = forms.DateField(label="Depuis le", widget=DateInput())
    motif = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 3}))


class SituationFinForm(forms.Form):
    fin = forms.DateField(label="Fin le", widget=DateInput())
