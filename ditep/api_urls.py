"""The REST API v1: every app registers its viewsets on this router (core/api/, <app>/api/)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from agendas.api import views as agendas_api
from core.api import docs
from core.api import views as core_api
from core.api.echange import ImportEchangeView
from dossiers.api import views as dossiers_api
from transmissions.api import views as transmissions_api

router = DefaultRouter()
core_api.register(router)
dossiers_api.register(router)
router.register("evenements", agendas_api.EvenementViewSet, basename="evenement")
router.register("natures", agendas_api.NatureViewSet, basename="nature")
router.register("ressources", agendas_api.RessourceViewSet, basename="ressource")
router.register("series", agendas_api.SerieViewSet, basename="serie")
router.register("transmissions", transmissions_api.TransmissionViewSet, basename="transmission")
router.register("categories-transmission", transmissions_api.CategorieViewSet, basename="categorie-transmission")

urlpatterns = [
    path("schema/", docs.schema_view(), name="api-schema"),
    path("docs/", docs.docs_view(), name="api-docs"),
    path("me/", core_api.MeView.as_view(), name="api-me"),
    *router.urls,
]
urlpatterns.append(path("import/", ImportEchangeView.as_view(), name="import_echange"))
