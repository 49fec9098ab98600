"""Administration of the organisme (mounted at /administration/, names ``core:admin_*``)."""

from django.urls import path

from core.views import administration as views

urlpatterns = [
    path("", views.admin_home, name="admin_home"),
    path("parametres/", views.organisme_edit, name="admin_organisme"),
    # Dispositifs and their yearly parameters
    path("dispositifs/", views.dispositif_list, name="admin_dispositif_list"),
    path("dispositifs/nouveau/", views.dispositif_create, name="admin_dispositif_create"),
    path("dispositifs/<int:pk>/", views.dispositif_detail, name="admin_dispositif_detail"),
    path("dispositifs/<int:pk>/modifier/", views.dispositif_edit, name="admin_dispositif_edit"),
    path("dispositifs/<int:pk>/annees/nouvelle/", views.annee_create, name="admin_annee_create"),
    path("annees/<int:pk>/modifier/", views.annee_edit, name="admin_annee_edit"),
    # Sites
    path("sites/", views.site_list, name="admin_site_list"),
    path("sites/nouveau/", views.site_create, name="admin_site_create"),
    path("sites/<int:pk>/modifier/", views.site_edit, name="admin_site_edit"),
    path("sites/<int:pk>/desactiver/", views.site_deactivate, name="admin_site_deactivate"),
    path("sites/<int:pk>/reactiver/", views.site_reactivate, name="admin_site_reactivate"),
    # Professionals and their affectations
    path("professionnels/", views.professionnel_list, name="admin_professionnel_list"),
    path("professionnels/inviter/", views.professionnel_invite, name="admin_professionnel_invite"),
    path("professionnels/<int:pk>/", views.professionnel_detail, name="admin_professionnel_detail"),
    path("professionnels/<int:pk>/modifier/", views.professionnel_edit, name="admin_professionnel_edit"),
    path("professionnels/<int:pk>/desactiver/", views.professionnel_deactivate, name="admin_professionnel_deactivate"),
    path("professionnels/<int:pk>/reactiver/", views.professionnel_reactivate, name="admin_professionnel_reactivate"),
    path(
        "professionnels/<int:pk>/renvoyer-invitation/",
        views.professionnel_resend_invitation,
        name="admin_professionnel_resend_invitation",
    ),
    path("professionnels/<int:pk>/affectations/nouvelle/", views.affectation_create, name="admin_affectation_create"),
    path("affectations/<int:pk>/terminer/", views.affectation_end, name="admin_affectation_end"),
]
