"""The agenda screens: week/day views, the youth's agenda tab, events and series, the pointage."""

from django.urls import path

from agendas.views import agenda, evenements, pointage
from core import navigation
from dossiers import tabs

navigation.register("Agenda", "agendas:agenda", agenda.can_use_agenda, order=20)
navigation.register("Pointage", "agendas:pointage", agenda.can_use_agenda, order=21)
tabs.register("agenda", "Agenda", "agendas:dossier_agenda", order=20)

urlpatterns = [
    path("", agenda.agenda, name="agenda"),
    path("dossiers/<int:pk>/agenda/", agenda.dossier_agenda, name="dossier_agenda"),
    path("pointage/", pointage.pointage, name="pointage"),
    path("evenements/nouveau/", evenements.evenement_nouveau, name="evenement_nouveau"),
    path("evenements/<int:pk>/", evenements.evenement, name="evenement"),
    path("evenements/<int:pk>/modifier/", evenements.evenement_modifier, name="evenement_modifier"),
    path("evenements/<int:pk>/annuler/", evenements.evenement_annuler, name="evenement_annuler"),
    path("evenements/<int:pk>/statut/", evenements.evenement_statut, name="evenement_statut"),
    path("series/nouvelle/", evenements.serie_nouvelle, name="serie_nouvelle"),
]
