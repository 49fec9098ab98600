"""API routes (TBP), mounted by ditep/api_urls.py under ``/api/v1/activite/``."""

from django.urls import path

from activite.api.tbp import TbpView

urlpatterns = [path("tbp/", TbpView.as_view(), name="activite-tbp")]
