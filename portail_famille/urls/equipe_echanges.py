"""Staff pages of the exchanges: the families' messages inbox, questionnaires, the register of complaints."""

from django.urls import path

from core import navigation
from portail_famille import perms_echanges as perms
from portail_famille.views import messages, questionnaires, reclamations

navigation.register(
    "Messages des familles",
    "familles:messages",
    perms.can_use_messages,
    order=18,
    badge_url_name="familles:messages_badge",
)
navigation.register(
    "Questionnaires de satisfaction",
    "familles:questionnaires",
    perms.can_read_questionnaires,
    order=60,
    section="gestion",
    description="Questionnaires proposés aux familles et aux jeunes sur le portail, et leurs résultats anonymes.",
)
navigation.register(
    "Réclamations et suggestions",
    "familles:reclamations",
    perms.can_read_registre,
    order=61,
    section="gestion",
    description="Registre des réclamations et suggestions des familles et des jeunes, suivi jusqu'à la réponse.",
)

urlpatterns = [
    path("messages/", messages.equipe_boite, name="messages"),
    path("messages/compteur/", messages.equipe_badge, name="messages_badge"),
    path("messages/<int:pk>/", messages.equipe_fil, name="message_fil"),
    path("messages/<int:pk>/clore/", messages.equipe_clore, name="message_clore"),
    path("messages/<int:pk>/rouvrir/", messages.equipe_rouvrir, name="message_rouvrir"),
    path("questionnaires/", questionnaires.equipe_liste, name="questionnaires"),
    path("questionnaires/<int:pk>/", questionnaires.equipe_detail, name="questionnaire"),
    path(
        "questionnaires/<int:pk>/questions/<int:question_pk>/supprimer/",
        questionnaires.equipe_question_supprimer,
        name="questionnaire_question_supprimer",
    ),
    path("questionnaires/<int:pk>/ouvrir/", questionnaires.equipe_ouvrir, name="questionnaire_ouvrir"),
    path("questionnaires/<int:pk>/clore/", questionnaires.equipe_clore, name="questionnaire_clore"),
    path("questionnaires/<int:pk>/resultats/", questionnaires.equipe_resultats, name="questionnaire_resultats"),
    path("questionnaires/<int:pk>/export/", questionnaires.equipe_export, name="questionnaire_export"),
    path("reclamations/", reclamations.equipe_registre, name="reclamations"),
    path("reclamations/<int:pk>/", reclamations.equipe_detail, name="reclamation"),
    path(
        "reclamations/<int:pk>/prendre-en-charge/",
        reclamations.equipe_prendre_en_charge,
        name="reclamation_prendre_en_charge",
    ),
    path("reclamations/<int:pk>/clore/", reclamations.equipe_clore, name="reclamation_clore"),
    path("reclamations/cvs/ajouter/", reclamations.equipe_cvs_ajouter, name="cvs_ajouter"),
    path("reclamations/cvs/<int:pk>/retirer/", reclamations.equipe_cvs_retirer, name="cvs_retirer"),
]
