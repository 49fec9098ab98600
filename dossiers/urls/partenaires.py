"""Partners directory, and the cercle d'accompagnement tab of the dossier page (professionals and partners)."""

from django.urls import path

from core import navigation
from dossiers import tabs
from dossiers.views import cercle, partenaires

navigation.register(
    "Partenaires", "dossiers:partenaire_list", lambda access: access.is_professionnel, order=60, section="gestion",
    description="Annuaire des partenaires et de leurs intervenants.",
)  # fmt: skip
tabs.register("cercle", "Cercle d'accompagnement", "dossiers:cercle", order=36)

urlpatterns = [
    path("partenaires/", partenaires.partenaire_list, name="partenaire_list"),
    path("partenaires/nouveau/", partenaires.partenaire_create, name="partenaire_create"),
    path("partenaires/<int:pk>/", partenaires.partenaire_detail, name="partenaire_detail"),
    path("partenaires/<int:pk>/modifier/", partenaires.partenaire_edit, name="partenaire_edit"),
    path("partenaires/<int:pk>/intervenants/nouveau/", partenaires.intervenant_create, name="intervenant_create"),
    path("partenaires/intervenants/<int:pk>/modifier/", partenaires.intervenant_edit, name="intervenant_edit"),
    path("<int:pk>/cercle/", cercle.cercle, name="cercle"),
    path("<int:pk>/cercle/professionnels/nouveau/", cercle.membre_create, name="membre_cercle_create"),
    path("<int:pk>/cercle/professionnels/<int:membre_pk>/quitter/", cercle.membre_end, name="membre_cercle_end"),
    path("<int:pk>/cercle/partenaires/nouveau/", cercle.partenaire_link, name="dossier_partenaire_create"),
    path(
        "<int:pk>/cercle/partenaires/<int:lien_pk>/terminer/", cercle.partenaire_unlink, name="dossier_partenaire_end"
    ),
]
