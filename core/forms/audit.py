"""Filters of the audit journal page (also used by its CSV export)."""

from datetime import datetime, time, timedelta

from django import forms
from django.apps import apps
from django.utils import timezone

from core.enums import AuditAction
from core.models import Organisme, TenantModel, User


def record_type_suggestions() -> list[tuple[str, str]]:
    """Every tenant model (plus accounts and the organisme) can appear in the journal: ``app_label.model``."""
    models = [m for m in apps.get_models() if issubclass(m, TenantModel) or m in (User, Organisme)]
    return sorted((m._meta.label_lower, str(m._meta.verbose_name)) for m in models)


class AuditFilterForm(forms.Form):
    type = forms.CharField(
        label="Type d'enregistrement",
        required=False,
        max_length=100,
        help_text="Par exemple dossiers.dossier ou core.user.",
        widget=forms.TextInput(attrs={"list": "types-enregistrement", "autocomplete": "off"}),
    )
    id = forms.CharField(label="Identifiant de l'enregistrement", required=False, max_length=64)
    par = forms.IntegerField(required=False, widget=forms.HiddenInput)
    acteur = forms.CharField(label="Auteur (nom ou adresse)", required=False, max_length=100)
    action = forms.ChoiceField(label="Action", choices=[("", "Toutes"), *AuditAction.choices], required=False)
    du = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    au = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean_type(self):
        return self.cleaned_data["type"].strip().lower()

    def clean_id(self):
        return self.cleaned_data["id"].strip()

    def clean(self):
        data = super().clean()
        if data.get("id") and not data.get("type"):
            self.add_error("type", "Précisez le type de l'enregistrement dont vous donnez l'identifiant.")
        if data.get("du") and data.get("au") and data["au"] < data["du"]:
            self.add_error("au", "La fin de la période ne peut pas précéder son début.")
        return data

    def apply(self, queryset):
        """Narrow ``queryset`` with the valid filters (an invalid form filters nothing more)."""
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["type"]:
            queryset = queryset.filter(record_type=data["type"])
        if data["id"]:
            queryset = queryset.filter(record_id=data["id"])
        if data["par"]:
            queryset = queryset.filter(actor_id=data["par"])
        if data["acteur"]:
            queryset = queryset.filter(actor_label__icontains=data["acteur"])
        if data["action"]:
            queryset = queryset.filter(action=data["action"])
        # Local calendar days, turned into an aware half-open range (keeps the index on ``at`` usable).
        if data["du"]:
            queryset = queryset.filter(at__gte=timezone.make_aware(datetime.combine(data["du"], time.min)))
        if data["au"]:
            end = datetime.combine(data["au"] + timedelta(days=1), time.min)
            queryset = queryset.filter(at__lt=timezone.make_aware(end))
        return queryset

    def active_filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {name: str(value) for name, value in self.cleaned_data.items() if value not in (None, "")}
