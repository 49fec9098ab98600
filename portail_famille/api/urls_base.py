"""API routes (portal base), mounted at /api/v1/portail/ by ditep/api_urls.py."""

from django.urls import path

from portail_famille.api import base

urlpatterns = [
    path("me/", base.MeView.as_view(), name="api-portail-me"),
    path("jeunes/<int:jeune_id>/semaine/", base.SemaineView.as_view(), name="api-portail-semaine"),
    path("jeunes/<int:jeune_id>/plan/", base.PlanView.as_view(), name="api-portail-plan"),
    path("jeunes/<int:jeune_id>/documents/", base.DocumentsView.as_view(), name="api-portail-documents"),
    path(
        "jeunes/<int:jeune_id>/documents/<int:pk>/", base.DocumentDownloadView.as_view(), name="api-portail-document"
    ),
    path("jeunes/<int:jeune_id>/absences/", base.AbsencesView.as_view(), name="api-portail-absences"),
    path("jeunes/<int:jeune_id>/journal/", base.JournalView.as_view(), name="api-portail-journal"),
]
