from django.urls import include, path

urlpatterns = [
    path("", include("core.urls")),
    path("dossiers/", include("dossiers.urls")),
    path("agendas/", include("agendas.urls")),
    path("transmissions/", include("transmissions.urls")),
    path("ppa/", include("ppa.urls")),
    path("portail/", include("portail_famille.urls.portail")),
    path("familles/", include("portail_famille.urls.equipe")),
    path("activite/", include("activite.urls")),
    path("api/v1/", include("ditep.api_urls")),
]
