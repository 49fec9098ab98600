"""Journal, quick entry, handover view ("À lire"), detail and the youth's timeline."""

from django.urls import path

from core import navigation
from dossiers import tabs
from transmissions import perms
from transmissions.views import detail, lecture, saisie, timeline

navigation.register("À lire", "transmissions:a_lire", perms.can_use, order=14, badge_url_name="transmissions:badge")
navigation.register("Transmissions", "transmissions:journal", perms.can_use, order=15)
tabs.register(
    "transmissions",
    "Transmissions",
    "transmissions:timeline",
    lambda access, dossier: perms.can_use(access),
    order=25,
)

urlpatterns = [
    path("", lecture.journal, name="journal"),
    path("a-lire/", lecture.a_lire, name="a_lire"),
    path("a-lire/tout-lu/", lecture.tout_lu, name="tout_lu"),
    path("a-lire/prise-de-poste/", lecture.prendre_poste, name="prise_de_poste"),
    path("a-lire/compteur/", lecture.badge, name="badge"),
    path("nouvelle/", saisie.nouvelle, name="nouvelle"),
    path("brouillon/", saisie.brouillon, name="brouillon"),
    path("brouillon/<int:pk>/supprimer/", saisie.brouillon_supprimer, name="brouillon_supprimer"),
    path("jeunes/", saisie.jeunes, name="jeunes"),
    path("jeunes/<int:pk>/", saisie.jeune_choisi, name="jeune_choisi"),
    path("<int:pk>/", detail.detail, name="detail"),
    path("<int:pk>/addendum/", detail.addendum, name="addendum"),
    path("<int:pk>/lu/", detail.marquer_lu, name="marquer_lu"),
    path("jeune/<int:pk>/", timeline.timeline, name="timeline"),
]
