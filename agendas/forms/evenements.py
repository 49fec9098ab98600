"""Forms of the event and series screens and of the pointage. They only validate input and shape it for the
services of agendas/services/ (which hold the business rules and give the French messages on the faulty field)."""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone

from agendas.enums import MotifAbsence, TypeLieu
from agendas.models import Nature, Ressource
from core.enums import AccountKind, Modalite
from core.forms.administration import DateInput
from core.models import Dispositif, Site, User
from dossiers.enums import StatutParcours
from dossiers.models import Jeune, Partenaire


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


# The scopes of agendas.services.series.occurrence_modifier.
PORTEE_OCCURRENCE, PORTEE_SUIVANTES, PORTEE_SERIE = "cette", "suivantes", "toutes"
PORTEES = [
    (PORTEE_OCCURRENCE, "Cet événement seulement"),
    (PORTEE_SUIVANTES, "Cet événement et les suivants"),
    (PORTEE_SERIE, "Toute la série"),
]
JOURS_SEMAINE = [
    ("MO", "Lundi"), ("TU", "Mardi"), ("WE", "Mercredi"), ("TH", "Jeudi"), ("FR", "Vendredi"),
    ("SA", "Samedi"), ("SU", "Dimanche"),
]  # fmt: skip
# Youths one may put in an event: a dossier in the dispositif that is followed (not archived, not closed).
STATUTS_SUIVIS = (StatutParcours.ACCOMPAGNE, StatutParcours.PONCTUEL, StatutParcours.SUIVI_POST_SORTIE)


def combine(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """A local wall-clock time made aware in Europe/Paris (the right offset on both sides of a DST change)."""
    return timezone.make_aware(datetime.datetime.combine(day, time), timezone.get_current_timezone())


class EvenementFieldsForm(forms.Form):
    """What a one-off event and a series share. ``dispositifs`` are those the user may write in; when one is chosen
    (``dispositif``), the choices are narrowed to its natures, sites, youths, professionals and resources."""

    dispositif = forms.ModelChoiceField(Dispositif.objects.none(), label="Dispositif", empty_label=None)
    nature = forms.ModelChoiceField(Nature.objects.none(), label="Nature")
    titre = forms.CharField(
        label="Titre", max_length=200, required=False, help_text="Facultatif : par défaut, la nature."
    )
    modalite = forms.ChoiceField(
        label="Modalité", required=False, choices=[("", "—"), *Modalite.choices],
        help_text="Obligatoire pour un acte direct (avec le jeune).",
    )  # fmt: skip
    lieu_type = forms.ChoiceField(label="Lieu", choices=TypeLieu.choices, initial=TypeLieu.SITE)
    site = forms.ModelChoiceField(Site.objects.none(), label="Site", required=False)
    lieu_detail = forms.CharField(label="Précision du lieu", max_length=200, required=False)
    partenaire = forms.ModelChoiceField(
        Partenaire.objects.none(), label="Partenaire", required=False,
        help_text="Pour une intervention d'appui-ressources ou un événement chez un partenaire.",
    )  # fmt: skip
    jeunes = forms.ModelMultipleChoiceField(
        Jeune.objects.none(), label="Jeunes", required=False, widget=forms.CheckboxSelectMultiple
    )
    professionnels = forms.ModelMultipleChoiceField(
        User.objects.none(), label="Professionnels", required=False, widget=forms.CheckboxSelectMultiple
    )
    ressources = forms.ModelMultipleChoiceField(
        Ressource.objects.none(), label="Salles et véhicules", required=False, widget=forms.CheckboxSelectMultiple
    )
    visible_famille = forms.BooleanField(
        label="Visible par la famille", required=False, initial=True,
        help_text="Les natures discrètes (ex. réunion de synthèse) ne sont jamais montrées aux familles.",
    )  # fmt: skip

    def __init__(self, *args, dispositifs, organisme_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispositif"].queryset = dispositifs
        chosen = self._chosen_dispositif(dispositifs)
        scope = [chosen.pk] if chosen else list(dispositifs.values_list("pk", flat=True))
        several = len(scope) > 1
        self.fields["nature"].queryset = Nature.objects.filter(
            organisme_id=organisme_id, dispositif_id__in=scope, is_active=True
        ).select_related("dispositif")
        self.fields["nature"].label_from_instance = (
            (lambda n: f"{n.libelle} ({n.dispositif.nom})") if several else (lambda n: n.libelle)
        )
        self.fields["site"].queryset = Site.objects.filter(
            organisme_id=organisme_id, dispositif_id__in=scope, is_active=True
        ).order_by("nom")
        self.fields["partenaire"].queryset = Partenaire.objects.filter(organisme_id=organisme_id, is_active=True)
        self.fields["jeunes"].queryset = (
            Jeune.objects.filter(
                organisme_id=organisme_id,
                dossiers__dispositif_id__in=scope,
                dossiers__archived_at__isnull=True,
                dossiers__statut__in=STATUTS_SUIVIS,
            )
            .distinct()
            .order_by("nom_naissance", "prenom")
        )
        self.fields["jeunes"].label_from_instance = lambda j: f"{j.nom.upper()} {j.prenom}"
        today = timezone.localdate()
        self.fields["professionnels"].queryset = (
            User.objects.filter(
                Q(affectations__fin__isnull=True) | Q(affectations__fin__gte=today),
                organisme_id=organisme_id,
                kind=AccountKind.PROFESSIONNEL,
                is_active=True,
                affectations__dispositif_id__in=scope,
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["professionnels"].label_from_instance = lambda u: u.get_full_name()
        self.fields["ressources"].queryset = Ressource.objects.filter(
            organisme_id=organisme_id, dispositif_id__in=scope, is_active=True
        )
        self.fields["ressources"].label_from_instance = lambda r: f"{r.nom} ({r.get_type_display().lower()})"

    def _chosen_dispositif(self, dispositifs):
        value = self.data.get(self.add_prefix("dispositif")) if self.is_bound else self.initial.get("dispositif")
        value = getattr(value, "pk", value)
        try:
            return dispositifs.filter(pk=int(value)).first() if value else None
        except (TypeError, ValueError):
            return None

    def clean(self):
        data = super().clean()
        nature, dispositif = data.get("nature"), data.get("dispositif")
        if nature and dispositif and nature.dispositif_id != dispositif.pk:
            self.add_error("nature", "Cette nature n'est pas configurée pour ce dispositif.")
        if nature and nature.discrete:
            data["visible_famille"] = False
        return data

    def service_kwargs(self) -> dict:
        """The cleaned data as keyword arguments of evenement_create / serie_create."""
        d = self.cleaned_data
        return {
            "dispositif": d["dispositif"],
            "nature": d["nature"],
            "titre": d["titre"],
            "modalite": d["modalite"],
            "lieu_type": d["lieu_type"],
            "site": d["site"],
            "lieu_detail": d["lieu_detail"],
            "partenaire": d["partenaire"],
            "jeunes": list(d["jeunes"]),
            "professionnels": list(d["professionnels"]),
            "ressources": list(d["ressources"]),
            "visible_famille": d["visible_famille"],
        }


class EvenementForm(EvenementFieldsForm):
    """A one-off event, or one occurrence of a series (then ``portee`` says how far the change goes)."""

    date = forms.DateField(label="Date", widget=DateInput())
    heure_debut = forms.TimeField(label="Début", widget=TimeInput())
    heure_fin = forms.TimeField(
        label="Fin", widget=TimeInput(),
        help_text="Une heure de fin avant l'heure de début veut dire le lendemain (nuitée).",
    )  # fmt: skip
    commentaire = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    portee = forms.ChoiceField(
        label="Appliquer la modification à", choices=PORTEES, initial=PORTEE_OCCURRENCE,
        widget=forms.RadioSelect, required=False,
    )  # fmt: skip

    field_order = [
        "dispositif", "nature", "titre", "date", "heure_debut", "heure_fin", "modalite", "lieu_type", "site",
        "lieu_detail", "partenaire", "jeunes", "professionnels", "ressources", "visible_famille", "commentaire",
        "portee",
    ]  # fmt: skip

    def __init__(self, *args, serie=None, **kwargs):
        super().__init__(*args, **kwargs)
        if serie is None:
            del self.fields["portee"]

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("heure_debut"), data.get("heure_fin")
        if day and start and end:
            data["debut"] = combine(day, start)
            data["fin"] = combine(day + datetime.timedelta(days=1) if end <= start else day, end)
        if "portee" in self.fields and not data.get("portee"):
            data["portee"] = PORTEE_OCCURRENCE
        return data

    def service_kwargs(self) -> dict:
        return {
            **super().service_kwargs(),
            "debut": self.cleaned_data["debut"],
            "fin": self.cleaned_data["fin"],
            "commentaire": self.cleaned_data["commentaire"],
        }


class SerieForm(EvenementFieldsForm):
    """A weekly schedule: days of the week, times, from/to dates, closures skipped; produces the RFC 5545 rule."""

    jours = forms.MultipleChoiceField(label="Jours", choices=JOURS_SEMAINE, widget=forms.CheckboxSelectMultiple)
    heure_debut = forms.TimeField(label="Début", widget=TimeInput())
    heure_fin = forms.TimeField(label="Fin", widget=TimeInput())
    du = forms.DateField(label="À partir du", widget=DateInput())
    au = forms.DateField(label="Jusqu'au", widget=DateInput(), required=False, help_text="Vide : sans date de fin.")
    sauter_fermetures = forms.BooleanField(
        label="Ne pas planifier pendant les fermetures (vacances, jours fériés)", required=False, initial=True
    )

    field_order = [
        "dispositif", "nature", "titre", "jours", "heure_debut", "heure_fin", "du", "au", "sauter_fermetures",
        "modalite", "lieu_type", "site", "lieu_detail", "partenaire", "jeunes", "professionnels", "ressources",
        "visible_famille",
    ]  # fmt: skip

    def clean(self):
        data = super().clean()
        start, end, du, au = data.get("heure_debut"), data.get("heure_fin"), data.get("du"), data.get("au")
        jours = data.get("jours") or []
        if start and end and end <= start:
            self.add_error("heure_fin", "L'heure de fin doit être après l'heure de début.")
        if du and au and au < du:
            self.add_error("au", "La date de fin doit être postérieure à la date de début.")
        if self.errors or not (start and end and du and jours):
            return data
        first = first_matching_day(du, jours)
        if au and first > au:
            self.add_error("jours", "Aucun de ces jours ne tombe dans la période choisie.")
            return data
        data["rrule"] = weekly_rrule(jours)
        data["debut"] = combine(first, start)
        data["duree"] = combine(first, end) - combine(first, start)
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            **super().service_kwargs(),
            "rrule": d["rrule"],
            "debut": d["debut"],
            "duree": d["duree"],
            "fin_serie": d["au"],
            "sauter_fermetures": d["sauter_fermetures"],
        }


ORDRE_JOURS = [code for code, _ in JOURS_SEMAINE]


def weekly_rrule(jours) -> str:
    """``FREQ=WEEKLY;BYDAY=MO,TH`` (RFC 5545), days in week order."""
    return "FREQ=WEEKLY;BYDAY=" + ",".join(code for code in ORDRE_JOURS if code in jours)


def first_matching_day(day: datetime.date, jours) -> datetime.date:
    """The first date on or after ``day`` falling on one of ``jours`` (the series' first occurrence)."""
    wanted = {ORDRE_JOURS.index(code) for code in jours}
    for offset in range(7):
        candidate = day + datetime.timedelta(days=offset)
        if candidate.weekday() in wanted:
            return candidate
    raise ValueError("no day of the week chosen")


class PointageFiltreForm(forms.Form):
    """The day and the group of the pointage screen: a site (unit) or "my events"."""

    date = forms.DateField(label="Jour", widget=DateInput(), required=False)
    groupe = forms.ChoiceField(label="Groupe", required=False)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groupe"].choices = [("", "Mes événements"), *((f"site:{s.pk}", s.nom) for s in sites)]


MOTIF_CHOICES = [("", "Motif (facultatif)"), *MotifAbsence.choices]
