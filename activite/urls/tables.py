"""Activité URLs (tables)."""

urlpatterns = []
