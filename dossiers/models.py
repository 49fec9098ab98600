"""Dossiers: the youth record and its surroundings. The Partenaire directory lands first (Foundation import)."""

from django.db import models
from django.db.models import Q

from core.enums import TypePartenaire
from core.models import TenantModel, TenantQuerySet


class Partenaire(TenantModel):
    """External organisation the teams work with (school, ASE, hospital, leisure, other ESMS)."""

    ref = models.CharField("référence externe", max_length=100, blank=True)
    nom = models.CharField("nom", max_length=200)
    type = models.CharField("type", max_length=30, choices=TypePartenaire.choices)
    adresse = models.TextField("adresse", blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    is_active = models.BooleanField("actif", default=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(fields=["organisme", "ref"], condition=~Q(ref=""), name="partenaire_unique_ref"),
        ]

    def __str__(self):
        return self.nom
