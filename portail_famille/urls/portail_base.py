"""Portail famille URLs (portail_base)."""

urlpatterns = []
