"""API routes (reports), mounted by ditep/api_urls.py."""

urlpatterns = []
