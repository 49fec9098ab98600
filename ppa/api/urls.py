"""API routes (PPA), mounted by ditep/api_urls.py."""

urlpatterns = []
