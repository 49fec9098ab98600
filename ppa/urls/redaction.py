"""PPA URLs (redaction area): the dossier tab, drafting, agreement, avenants and comparison."""

from django.urls import path

from ppa.views import redaction as views

urlpatterns = [
    path("dossier/<int:pk>/", views.dossier_ppa, name="dossier_ppa"),
]
