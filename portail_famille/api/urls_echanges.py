"""API routes (portal exchanges), mounted by ditep/api_urls.py under /api/v1/portail/."""

from django.urls import path

from portail_famille.api import echanges

urlpatterns = [
    path("messages/", echanges.FilListView.as_view(), name="api-portail-messages"),
    path("messages/<int:pk>/", echanges.FilDetailView.as_view(), name="api-portail-message"),
    path("messages/<int:pk>/repondre/", echanges.FilRepondreView.as_view(), name="api-portail-message-repondre"),
    path("questionnaires/", echanges.QuestionnaireListView.as_view(), name="api-portail-questionnaires"),
    path(
        "questionnaires/<int:pk>/reponses/",
        echanges.QuestionnaireRepondreView.as_view(),
        name="api-portail-questionnaire-reponses",
    ),
    path("reclamations/", echanges.ReclamationListView.as_view(), name="api-portail-reclamations"),
]
