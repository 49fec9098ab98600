from django.urls import include, path

urlpatterns = [
    path("", include("core.urls")),
    path("dossiers/", include("dossiers.urls")),
    path("agendas/", include("agendas.urls")),
    path("transmissions/", include("transmissions.urls")),
    path("api/v1/", include("ditep.api_urls")),
]
