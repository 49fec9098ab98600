"""Activité URLs (tbp)."""

urlpatterns = []
