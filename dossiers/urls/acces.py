from django.urls import path

from core import navigation
from dossiers import tabs
from dossiers.perms import can_list_break_glass, can_manage_access, can_manage_conservation
from dossiers.views import acces as views
from dossiers.views import exports, rgpd

tabs.register("acces", "Accès", "dossiers:acces", can_manage_access, order=90)
navigation.register(
    "Accès exceptionnels", "dossiers:acces_exceptionnels", can_list_break_glass, order=915, section="gestion",
    description="Ouvertures de dossiers restreints en urgence (bris de glace), à revoir.",
)  # fmt: skip
navigation.register(
    "Conservation des dossiers", "dossiers:conservation", can_manage_conservation, order=920, section="gestion",
    description="Dossiers archivés arrivés au terme de leur durée de conservation.",
)  # fmt: skip

urlpatterns = [
    path("<int:pk>/acces/", views.acces, name="acces"),
    path("<int:pk>/acces/restriction/", views.acces_restriction, name="acces_restriction"),
    path("<int:pk>/acces/accorder/", views.acces_accorder, name="acces_accorder"),
    path("<int:pk>/acces/<int:acces_pk>/terminer/", views.acces_terminer, name="acces_terminer"),
    path("<int:pk>/acces/retirer/<int:user_pk>/", views.acces_retirer, name="acces_retirer"),
    path("<int:pk>/bris-de-glace/", views.bris_de_glace, name="bris_de_glace"),
    path("acces-exceptionnels/", views.acces_exceptionnels, name="acces_exceptionnels"),
    path("<int:pk>/droit-acces/", rgpd.rgpd_export, name="rgpd_export"),
    path("<int:pk>/droit-acces/exports/<int:export_pk>/", exports.export_statut, name="export_statut"),
    path(
        "<int:pk>/droit-acces/exports/<int:export_pk>/telecharger/",
        exports.export_telecharger,
        name="export_telecharger",
    ),
    path("conservation/", rgpd.conservation, name="conservation"),
    path("conservation/<int:pk>/supprimer/", rgpd.conservation_purge, name="conservation_purge"),
]
