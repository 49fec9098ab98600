"""API routes (AIRe), mounted by ditep/api_urls.py under ``/api/v1/activite/``."""

from django.urls import path

from activite.api.aire import AireView

urlpatterns = [path("aire/", AireView.as_view(), name="activite-aire")]
