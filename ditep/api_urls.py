"""The REST API v1: every app registers its viewsets on this router (core/api/, <app>/api/)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from core.api.echange import ImportEchangeView

router = DefaultRouter()
urlpatterns = [*router.urls]
urlpatterns.append(path("import/", ImportEchangeView.as_view(), name="import_echange"))
