"""API routes (portal base), mounted by ditep/api_urls.py."""

urlpatterns = []
