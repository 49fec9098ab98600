"""Portail famille URLs (equipe_base)."""

urlpatterns = []
