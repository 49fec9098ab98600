"""PPA URLs (redaction area): the dossier tab, drafting, agreement, states, avenants and comparison."""

from django.urls import path

from ppa.views import redaction as views

urlpatterns = [
    path("dossier/<int:pk>/", views.dossier_ppa, name="dossier_ppa"),
    path("dossier/<int:pk>/ouvrir/", views.ppa_creer, name="creer"),
    path("dossier/<int:pk>/comparer/", views.comparer, name="comparer"),
    path("version/<int:pk>/modifier/", views.version_modifier, name="version_modifier"),
    path("version/<int:pk>/supprimer/", views.brouillon_supprimer, name="brouillon_supprimer"),
    path("version/<int:pk>/objectifs/ajouter/", views.objectif_ajouter, name="objectif_ajouter"),
    path("version/<int:pk>/accord/", views.accord, name="accord"),
    path("version/<int:pk>/valider/", views.valider, name="valider"),
    path("version/<int:pk>/demarrer/", views.demarrer, name="demarrer"),
    path("version/<int:pk>/clore/", views.clore, name="clore"),
    path("version/<int:pk>/avenant/", views.avenant, name="avenant"),
    path("objectif/<int:pk>/modifier/", views.objectif_modifier, name="objectif_modifier"),
    path("objectif/<int:pk>/supprimer/", views.objectif_supprimer, name="objectif_supprimer"),
    path("objectif/<int:pk>/deplacer/", views.objectif_deplacer, name="objectif_deplacer"),
    path("objectif/<int:pk>/actions/ajouter/", views.action_ajouter, name="action_ajouter"),
    path("action/<int:pk>/modifier/", views.action_modifier, name="action_modifier"),
    path("action/<int:pk>/supprimer/", views.action_supprimer, name="action_supprimer"),
    path("action/<int:pk>/deplacer/", views.action_deplacer, name="action_deplacer"),
    path("accord/<int:pk>/supprimer/", views.accord_supprimer, name="accord_supprimer"),
]
