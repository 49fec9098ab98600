"""Forms of the transmissions pages (the writes go through ``transmissions.services``)."""

import datetime

from django import forms
from django.utils import timezone

from core.enums import Visibilite
from core.models import Dispositif, Site, User
from dossiers.models import Dossier
from dossiers.perms import readable_dossiers
from transmissions.enums import Importance
from transmissions.models import Categorie


def writable_dispositif_ids(access) -> list[int]:
    if access.is_direction:
        return list(Dispositif.objects.for_access(access).filter(is_active=True).values_list("pk", flat=True))
    return sorted({a.dispositif_id for a in access.affectations if a.role == "contributeur"})


def pickable_dossiers(access):
    """The dossiers a transmission may be about: readable, not archived, in a dispositif the user writes in."""
    return (
        readable_dossiers(access)
        .filter(archived_at__isnull=True, dispositif_id__in=writable_dispositif_ids(access))
        .select_related("jeune", "dispositif", "site")
    )


class TransmissionForm(forms.Form):
    """The quick-entry form. Youths are chosen by their dossier (which also gives the dispositif); without youth the
    note is for the unit of the chosen dispositif."""

    dossiers = forms.ModelMultipleChoiceField(
        queryset=Dossier.objects.none(), required=False, widget=forms.MultipleHiddenInput, label="Jeunes"
    )
    dispositif = forms.ModelChoiceField(queryset=Dispositif.objects.none(), required=False, label="Dispositif")
    categorie = forms.ModelChoiceField(
        queryset=Categorie.objects.none(), widget=forms.RadioSelect, label="Catégorie", empty_label=None
    )
    cible = forms.CharField(label="Cible", max_length=200, required=False)
    donnees = forms.CharField(label="Données", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    actions = forms.CharField(label="Actions", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    resultats = forms.CharField(label="Résultats", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    texte = forms.CharField(label="Transmission", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    visibilite = forms.ChoiceField(
        label="Visibilité", choices=Visibilite.choices, initial=Visibilite.EQUIPE, widget=forms.RadioSelect
    )
    importante = forms.BooleanField(label="Important (à lire en priorité)", required=False)
    survenue_le = forms.DateTimeField(
        label="Date et heure",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Maintenant si vide.",
    )
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), required=False, label="Unité (site)", empty_label="Celle des jeunes ou la vôtre"
    )
    mentions = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Mentionner des collègues",
        help_text="Ils sont notifiés dans le produit quand la transmission est validée.",
    )

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        from transmissions.services import mention_candidates

        self.access = access
        dispositif_ids = writable_dispositif_ids(access)
        self.fields["dossiers"].queryset = pickable_dossiers(access)
        self.fields["dispositif"].queryset = Dispositif.objects.filter(pk__in=dispositif_ids).order_by("nom")
        self.fields["categorie"].queryset = Categorie.objects.filter(
            organisme_id=access.organisme_id, is_active=True
        ).order_by("ordre", "libelle")
        self.fields["site"].queryset = Site.objects.filter(dispositif_id__in=dispositif_ids).order_by("nom")
        self.fields["mentions"].queryset = mention_candidates(dispositif_ids, access.organisme_id).exclude(
            pk=access.user.pk
        )
        self.fields["mentions"].label_from_instance = lambda u: u.get_full_name()
        self.single_dispositif = len(dispositif_ids) == 1
        if self.single_dispositif:
            self.fields["dispositif"].initial = dispositif_ids[0]

    def clean_survenue_le(self):
        value = self.cleaned_data.get("survenue_le")
        if value and value > timezone.now() + datetime.timedelta(minutes=5):
            raise forms.ValidationError("La date d'une transmission ne peut pas être dans le futur.")
        return value

    def clean(self):
        data = super().clean()
        dossiers = data.get("dossiers") or []
        dispositif_ids = {d.dispositif_id for d in dossiers}
        if len(dispositif_ids) > 1:
            self.add_error(
                "dossiers", "Les jeunes d'une même transmission doivent être suivis par le même dispositif."
            )
        elif dispositif_ids:
            data["dispositif"] = dossiers[0].dispositif
        elif not data.get("dispositif"):
            if self.single_dispositif:
                data["dispositif"] = self.fields["dispositif"].queryset.first()
            else:
                self.add_error("dispositif", "Choisissez le dispositif de la note d'unité.")
        site = data.get("site")
        if site is not None and data.get("dispositif") is not None and site.dispositif_id != data["dispositif"].pk:
            self.add_error("site", "Ce site n'appartient pas au dispositif de la transmission.")
        return data

    def require_content(self):
        data = self.cleaned_data
        if not any((data.get(name) or "").strip() for name in ("donnees", "actions", "resultats", "texte")):
            self.add_error("texte", "Écrivez la transmission : Données, Actions ou Résultats, ou le texte libre.")
            return False
        return True

    def service_fields(self) -> dict:
        """Keyword arguments of the services (without author and dispositif)."""
        data = self.cleaned_data
        return {
            "categorie": data["categorie"],
            "site": data.get("site"),
            "survenue_le": data.get("survenue_le"),
            "cible": data.get("cible", ""),
            "donnees": data.get("donnees", ""),
            "actions": data.get("actions", ""),
            "resultats": data.get("resultats", ""),
            "texte": data.get("texte", ""),
            "visibilite": data["visibilite"],
            "importance": Importance.IMPORTANTE if data.get("importante") else Importance.NORMALE,
        }


class AddendumForm(forms.Form):
    texte = forms.CharField(
        label="Addendum",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Une transmission validée ne se modifie pas : complétez-la ou corrigez-la ici.",
    )


class JournalFilterForm(forms.Form):
    q = forms.CharField(label="Rechercher", required=False, max_length=200)
    jeune = forms.IntegerField(required=False, widget=forms.HiddenInput)
    site = forms.ModelChoiceField(queryset=Site.objects.none(), required=False, label="Unité", empty_label="Toutes")
    categorie = forms.ModelChoiceField(
        queryset=Categorie.objects.none(), required=False, label="Catégorie", empty_label="Toutes"
    )
    auteur = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label="Auteur", empty_label="Tous")
    importance = forms.ChoiceField(label="Importance", required=False, choices=[("", "Toutes"), *Importance.choices])
    debut = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    fin = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    brouillons = forms.BooleanField(label="Mes brouillons", required=False)

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        sites = Site.objects.filter(organisme_id=access.organisme_id).select_related("dispositif").order_by("nom")
        if not access.sees_all_dispositifs:
            sites = sites.filter(dispositif_id__in=access.dispositif_ids)
        self.fields["site"].queryset = sites
        self.fields["categorie"].queryset = Categorie.objects.filter(organisme_id=access.organisme_id).order_by(
            "ordre", "libelle"
        )
        from core.models import Affectation

        colleagues = Affectation.objects.filter(organisme_id=access.organisme_id)
        if not access.sees_all_dispositifs:
            colleagues = colleagues.filter(dispositif_id__in=access.dispositif_ids)
        self.fields["auteur"].queryset = User.objects.filter(pk__in=colleagues.values("user_id")).order_by(
            "last_name", "first_name"
        )
        self.fields["auteur"].label_from_instance = lambda u: u.get_full_name()
