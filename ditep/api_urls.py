"""The REST API v1: every app registers its viewsets on this router (core/api/, <app>/api/)."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()
urlpatterns = [*router.urls]
