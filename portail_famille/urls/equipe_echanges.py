"""Portail famille URLs (equipe_echanges)."""

urlpatterns = []
