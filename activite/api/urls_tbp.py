"""API routes (TBP), mounted by ditep/api_urls.py."""

urlpatterns = []
