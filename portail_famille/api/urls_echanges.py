"""API routes (portal exchanges), mounted by ditep/api_urls.py."""

urlpatterns = []
