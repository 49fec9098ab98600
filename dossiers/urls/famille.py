"""Famille and MDPH tabs of the dossier page, and the list of MDPH notifications coming to their end."""

from django.urls import path

from core import navigation
from dossiers import tabs
from dossiers.views import famille, mdph

navigation.register(
    "Échéances MDPH", "dossiers:mdph_echeances", mdph.is_clinical_reader, order=30, section="gestion",
    description="Notifications MDPH qui arrivent à échéance : renouvellements à préparer.",
)  # fmt: skip
tabs.register("famille", "Famille et scolarité", "dossiers:famille", order=30)
tabs.register("mdph", "MDPH", "dossiers:mdph", order=33)

urlpatterns = [
    path("<int:pk>/famille/", famille.famille, name="famille"),
    path("<int:pk>/famille/proches/nouveau/", famille.proche_create, name="proche_create"),
    path("<int:pk>/famille/proches/<int:proche_pk>/modifier/", famille.proche_edit, name="proche_edit"),
    path("<int:pk>/famille/proches/<int:proche_pk>/retirer/", famille.proche_delete, name="proche_delete"),
    path("<int:pk>/famille/scolarite/nouvelle/", famille.scolarite_create, name="scolarite_create"),
    path("<int:pk>/famille/scolarite/<int:periode_pk>/modifier/", famille.scolarite_edit, name="scolarite_edit"),
    path("<int:pk>/famille/scolarite/<int:periode_pk>/terminer/", famille.scolarite_end, name="scolarite_end"),
    path("mdph/echeances/", mdph.echeances, name="mdph_echeances"),
    path("<int:pk>/mdph/", mdph.mdph, name="mdph"),
    path("<int:pk>/mdph/notifications/nouvelle/", mdph.notification_create, name="notification_mdph_create"),
    path(
        "<int:pk>/mdph/notifications/<int:notification_pk>/modifier/",
        mdph.notification_edit,
        name="notification_mdph_edit",
    ),
    path("<int:pk>/mdph/changements/nouveau/", mdph.changement_create, name="changement_modalite_create"),
    path(
        "<int:pk>/mdph/changements/<int:changement_pk>/fiche-liaison/",
        mdph.fiche_liaison_generate,
        name="fiche_liaison_generate",
    ),
    path("<int:pk>/mdph/changements/<int:changement_pk>/envoi-mdph/", mdph.envoi_mdph, name="changement_envoi_mdph"),
]
