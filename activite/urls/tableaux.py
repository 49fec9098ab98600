"""Activité URLs (tableaux): the dashboard and its drill-down, the reports (list, request, progress, download) and
the annual narrative. Registers the one main-menu entry « Activité »."""

from django.urls import path

from activite.perms import can_view_activite
from activite.views import rapports, tableaux
from core import navigation

navigation.register("Activité", "activite:tableau", lambda access: can_view_activite(access), order=40)

urlpatterns = [
    path("", tableaux.tableau, name="tableau"),
    path("detail/", tableaux.detail, name="detail"),
    path("semaine/<int:dispositif_pk>/<int:jeune_pk>/<str:lundi>/", tableaux.semaine, name="semaine"),
    path("rapports/", rapports.liste, name="rapports"),
    path("rapports/demander/", rapports.demander, name="rapport_demander"),
    path("rapports/<int:pk>/", rapports.rapport, name="rapport"),
    path("rapports/<int:pk>/progression/", rapports.progression, name="rapport_progression"),
    path("rapports/<int:pk>/telecharger/", rapports.telecharger, name="rapport_telecharger"),
    path("narratif/<int:dispositif_pk>/<int:annee>/", rapports.narratif, name="narratif"),
]
