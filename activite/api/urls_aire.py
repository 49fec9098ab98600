"""API routes (AIRe), mounted by ditep/api_urls.py."""

urlpatterns = []
