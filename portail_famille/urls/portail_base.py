"""Portal pages of the accounts and reading part (namespace ``portail``)."""

from django.urls import path

from portail_famille.views import absences, base, comptes, documents, journal, plan, semaine

urlpatterns = [
    path("connexion/", base.PortailLoginView.as_view(), name="login"),
    path("deconnexion/", base.PortailLogoutView.as_view(), name="logout"),
    path("invitation/<uidb64>/<token>/", base.InvitationView.as_view(), name="invitation"),
    path("", base.accueil, name="accueil"),
    path("plus/", base.plus, name="plus"),
    path("compte/", comptes.compte, name="compte"),
    path("jeunes/<int:jeune_id>/semaine/", semaine.semaine_view, name="semaine"),
    path("jeunes/<int:jeune_id>/semaine/calendrier/", semaine.calendrier, name="calendrier"),
    path("jeunes/<int:jeune_id>/semaine/calendrier/arreter/", semaine.calendrier_revoquer, name="calendrier_revoquer"),
    path("jeunes/<int:jeune_id>/projet/", plan.plan, name="plan"),
    path("jeunes/<int:jeune_id>/projet/<int:version_id>/<str:variante>.pdf", plan.plan_pdf, name="plan_pdf"),
    path("jeunes/<int:jeune_id>/documents/", documents.documents, name="documents"),
    path("jeunes/<int:jeune_id>/documents/<int:pk>/", documents.document_telecharger, name="document"),
    path("jeunes/<int:jeune_id>/absences/", absences.absences, name="absences"),
    path("jeunes/<int:jeune_id>/journal/", journal.journal_view, name="journal"),
]
