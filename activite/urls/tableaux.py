"""Activité URLs (tableaux)."""

urlpatterns = []
