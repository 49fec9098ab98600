from django.urls import path

from core import navigation
from dossiers import tabs
from dossiers.views import signalements as views

tabs.register("signalements", "Signalements", "dossiers:signalements", order=50)
navigation.register(
    "Événements indésirables", "dossiers:evenement_list", views.can_read_evenements, order=70, section="gestion",
    description="Déclarations, suites données et clôtures.",
)  # fmt: skip

urlpatterns = [
    path("<int:pk>/signalements/", views.dossier_signalements, name="signalements"),
    path("<int:pk>/situations/ajouter/", views.situation_create, name="situation_create"),
    path("situations/<int:pk>/terminer/", views.situation_end, name="situation_end"),
    path("evenements/", views.evenement_list, name="evenement_list"),
    path("evenements/declarer/", views.evenement_declare, name="evenement_declare"),
    path("evenements/<int:pk>/", views.evenement_detail, name="evenement_detail"),
    path("evenements/<int:pk>/suivi/", views.evenement_suivi, name="evenement_suivi"),
    path("evenements/<int:pk>/cloturer/", views.evenement_cloturer, name="evenement_cloturer"),
]
