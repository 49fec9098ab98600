"""Portal pages of the exchanges: messages, questionnaires, complaints and suggestions, the CVS register."""

from django.urls import path

from portail_famille.views import messages, questionnaires, reclamations

urlpatterns = [
    path("messages/", messages.portail_liste, name="messages"),
    path("messages/nouveau/", messages.portail_nouveau, name="message_nouveau"),
    path("messages/<int:pk>/", messages.portail_fil, name="message_fil"),
    path("questionnaires/", questionnaires.portail_liste, name="questionnaires"),
    path("questionnaires/<int:pk>/", questionnaires.portail_repondre, name="questionnaire"),
    path("questionnaires/<int:pk>/merci/", questionnaires.portail_merci, name="questionnaire_merci"),
    path("reclamations/", reclamations.portail_liste, name="reclamations"),
    path("registre-cvs/", reclamations.portail_registre_cvs, name="registre_cvs"),
]
