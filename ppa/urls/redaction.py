"""PPA URLs (redaction area)."""

urlpatterns = []
