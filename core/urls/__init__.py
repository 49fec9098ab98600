"""Core URLs, one module per area (each area owns its module, views and templates)."""

from django.urls import include, path

from core.urls import accounts, administration, api, audit, home, notifications

app_name = "core"
urlpatterns = [
    *home.urlpatterns,
    *accounts.urlpatterns,
    path("administration/", include(administration.urlpatterns)),
    path("journal/", include(audit.urlpatterns)),
    path("notifications/", include(notifications.urlpatterns)),
    *api.urlpatterns,
    path("", include("core.urls.api_tokens")),
]
