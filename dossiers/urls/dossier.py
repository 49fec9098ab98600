from django.urls import path

from dossiers import tabs
from dossiers.views import dossier as views
from dossiers.views import parcours, photo

tabs.register("synthese", "Synthèse", "dossiers:dossier", order=0)
tabs.register("parcours", "Parcours", "dossiers:parcours", order=10)

urlpatterns = [
    path("nouveau/", parcours.nouveau, name="nouveau"),
    path("<int:pk>/", views.synthese, name="dossier"),
    path("<int:pk>/identite/", views.jeune_modifier, name="jeune_modifier"),
    path("<int:pk>/modifier/", views.dossier_modifier, name="dossier_modifier"),
    path("<int:pk>/parcours/", parcours.parcours, name="parcours"),
    path("<int:pk>/parcours/admission/", parcours.admettre, name="parcours_admission"),
    path("<int:pk>/parcours/cloture/", parcours.cloturer_pre_admission, name="parcours_cloture"),
    path("<int:pk>/parcours/sortie/", parcours.sortie, name="parcours_sortie"),
    path("<int:pk>/parcours/fin-suivi/", parcours.fin_suivi, name="parcours_fin_suivi"),
    path("<int:pk>/parcours/fin-ponctuel/", parcours.fin_ponctuel, name="parcours_fin_ponctuel"),
    path("<int:pk>/parcours/ponctuel/", parcours.ponctuel, name="parcours_ponctuel"),
    path("<int:pk>/parcours/archivage/", parcours.archiver, name="parcours_archivage"),
    path("<int:pk>/photo/", photo.photo_modifier, name="photo_modifier"),
    path("<int:pk>/photo/retirer/", photo.photo_retirer, name="photo_retirer"),
    path("jeunes/<int:pk>/photo/", photo.jeune_photo, name="jeune_photo"),
]
