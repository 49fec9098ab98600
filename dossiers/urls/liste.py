from django.urls import path

from core import navigation
from dossiers.views import liste as views

navigation.register("Jeunes", "dossiers:liste", views.can_list_dossiers, order=10)
navigation.register("Liste d'attente", "dossiers:liste_attente", views.can_list_dossiers, order=11)

urlpatterns = [
    path("", views.liste, name="liste"),
    path("recherche/", views.recherche, name="recherche"),
    path("liste-attente/", views.liste_attente, name="liste_attente"),
    path("<int:pk>/prochaine-etape/", views.prochaine_etape, name="prochaine_etape"),
]
