"""Dossiers URLs, one module per area (each area owns its module, views and templates)."""

from dossiers.urls import acces, documents, dossier, famille, liste, partenaires, signalements

app_name = "dossiers"
urlpatterns = [
    *liste.urlpatterns,
    *dossier.urlpatterns,
    *famille.urlpatterns,
    *documents.urlpatterns,
    *acces.urlpatterns,
    *partenaires.urlpatterns,
    *signalements.urlpatterns,
]
