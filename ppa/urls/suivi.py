"""PPA URLs (suivi area): the due/late list, realisation and links to the agenda, reviews, PDFs."""

from django.urls import path

from core import navigation
from ppa.views import suivi as views

navigation.register(
    "PPA à échéance", "ppa:echeances", views.can_see_echeances, order=32, section="gestion",
    description="Projets personnalisés à rédiger ou à réviser : en retard, à échéance dans le mois, à jour.",
)  # fmt: skip

urlpatterns = [
    path("echeances/", views.echeances_liste, name="echeances"),
    path("version/<int:pk>/realisation/", views.realisation, name="realisation"),
    path("objectif/<int:pk>/liens/ajouter/", views.lien_ajouter, name="lien_ajouter"),
    path("lien/<int:pk>/retirer/", views.lien_retirer, name="lien_retirer"),
    path("version/<int:pk>/revision/", views.revue_create, name="revue_create"),
    path("revision/<int:pk>/", views.revue, name="revue"),
    path("version/<int:pk>/pdf/", views.pdf, name="pdf"),
    path("version/<int:pk>/pdf-facile-a-lire/", views.pdf_falc, name="pdf_falc"),
]
