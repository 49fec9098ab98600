"""Catégories admin, attachments, the PDF report and the adverse-event declaration from a transmission."""

from django.urls import path

from core import navigation
from transmissions.services_extras import can_manage_categories
from transmissions.views import extras as views

navigation.register(
    "Catégories de transmissions", "transmissions:categorie_list", can_manage_categories, order=85,
    section="gestion", description="Catégories proposées à la saisie des transmissions.",
)  # fmt: skip

urlpatterns = [
    path("categories/", views.categorie_list, name="categorie_list"),
    path("categories/par-defaut/", views.categorie_defaults, name="categorie_defaults"),
    path("categories/<int:pk>/", views.categorie_edit, name="categorie_edit"),
    path("categories/<int:pk>/deplacer/", views.categorie_deplacer, name="categorie_deplacer"),
    path("categories/<int:pk>/activer/", views.categorie_activer, name="categorie_activer"),
    path("<int:pk>/pieces-jointes/", views.piece_jointe_add, name="piece_jointe_add"),
    path("pieces-jointes/<int:pk>/", views.piece_jointe_download, name="piece_jointe_download"),
    path("pieces-jointes/<int:pk>/retirer/", views.piece_jointe_delete, name="piece_jointe_delete"),
    path("rapport/", views.rapport, name="rapport"),
    path("<int:pk>/evenement-indesirable/", views.signaler, name="signaler"),
]
