"""Management and peripheral screens of the agenda: natures, resources and closures of a dispositif, minutes of
meetings (and their dossier tab), absences, iCal subscriptions and the feed itself."""

from django.urls import path, re_path

from agendas.views import absences, comptes_rendus, gestion, ical
from core import navigation
from dossiers import tabs
from dossiers.perms import _is_clinical_reader

navigation.register("Absences", "agendas:absence_list", _is_clinical_reader, order=22)
navigation.register(
    "Gestion de l'agenda", "agendas:gestion", lambda access: access.is_professionnel, order=45, section="gestion",
    description="Natures d'événements, salles et véhicules, fermetures.",
)  # fmt: skip
tabs.register("comptes_rendus", "Comptes rendus", "agendas:dossier_comptes_rendus", order=55)

urlpatterns = [
    path("gestion/", gestion.gestion_index, name="gestion"),
    path("gestion/<int:dispositif_pk>/natures/", gestion.nature_list, name="nature_list"),
    path("gestion/<int:dispositif_pk>/natures/nouvelle/", gestion.nature_create, name="nature_create"),
    path("gestion/<int:dispositif_pk>/natures/par-defaut/", gestion.natures_defaut, name="natures_defaut"),
    path("gestion/natures/<int:pk>/modifier/", gestion.nature_edit, name="nature_edit"),
    path("gestion/<int:dispositif_pk>/ressources/", gestion.ressource_list, name="ressource_list"),
    path("gestion/<int:dispositif_pk>/ressources/nouvelle/", gestion.ressource_create, name="ressource_create"),
    path("gestion/ressources/<int:pk>/modifier/", gestion.ressource_edit, name="ressource_edit"),
    path("gestion/ressources/<int:pk>/activation/", gestion.ressource_toggle, name="ressource_toggle"),
    path("gestion/ressources/<int:pk>/reservations/", gestion.ressource_reservations, name="ressource_reservations"),
    path("gestion/<int:dispositif_pk>/fermetures/", gestion.fermeture_list, name="fermeture_list"),
    path("gestion/<int:dispositif_pk>/fermetures/nouvelle/", gestion.fermeture_create, name="fermeture_create"),
    path("gestion/fermetures/<int:pk>/modifier/", gestion.fermeture_edit, name="fermeture_edit"),
    path("gestion/fermetures/<int:pk>/supprimer/", gestion.fermeture_delete, name="fermeture_delete"),
    path("evenements/<int:pk>/compte-rendu/", comptes_rendus.compte_rendu, name="compte_rendu"),
    path("dossiers/<int:pk>/comptes-rendus/", comptes_rendus.dossier_comptes_rendus, name="dossier_comptes_rendus"),
    path("absences/", absences.absence_list, name="absence_list"),
    path("absences/nouvelle/", absences.absence_create, name="absence_create"),
    path("absences/<int:pk>/prendre-en-compte/", absences.absence_confirm, name="absence_confirm"),
    path("absences/<int:pk>/ne-pas-retenir/", absences.absence_refuse, name="absence_refuse"),
    path("absences/journees/", absences.absence_counts, name="absence_counts"),
    path("abonnements/", ical.abonnements, name="abonnements"),
    path("abonnements/<int:pk>/revoquer/", ical.abonnement_revoke, name="abonnement_revoke"),
    path("dossiers/<int:pk>/abonnements-ical/", ical.abonnements_jeune, name="abonnements_jeune"),
    re_path(r"^ical/(?P<token>[A-Za-z0-9_-]{20,100})\.ics$", ical.ical_feed, name="ical_feed"),
]
