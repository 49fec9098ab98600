"""Portail famille URLs (portail_echanges)."""

urlpatterns = []
