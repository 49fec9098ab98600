"""PPA URLs (suivi area)."""

urlpatterns = []
