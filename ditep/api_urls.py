"""The REST API v1: every app registers its viewsets on this router (core/api/, <app>/api/)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from activite.api import urls_aire as activite_api_aire
from activite.api import urls_rapports as activite_api_rapports
from activite.api import urls_tbp as activite_api_tbp
from agendas.api import views as agendas_api
from core.api import docs
from core.api import views as core_api
from core.api.echange import ImportEchangeView
from dossiers.api import views as dossiers_api
from portail_famille.api import urls_base as portail_api_base
from portail_famille.api import urls_echanges as portail_api_echanges
from ppa.api import urls as ppa_api_urls
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
# Each app area owns its module of routes (plain paths, or viewsets on a router of its own).
urlpatterns += [
    path("ppa/", include(ppa_api_urls)),
    path("portail/", include(portail_api_base)),
    path("portail/", include(portail_api_echanges)),
    path("activite/", include(activite_api_aire)),
    path("activite/", include(activite_api_tbp)),
    path("activite/", include(activite_api_rapports)),
]
