from django.urls import path

from core import navigation
from dossiers import tabs
from dossiers.views import documents as views
from dossiers.views import modeles

tabs.register("documents", "Documents", "dossiers:documents", order=40)
navigation.register(
    "Modèles de documents", "dossiers:modele_list", modeles.can_manage_modeles, order=80, section="gestion",
    description="Courriers et documents pré-remplis à partir du dossier.",
)  # fmt: skip

urlpatterns = [
    path("<int:pk>/documents/", views.documents, name="documents"),
    path("<int:pk>/documents/ajouter/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/produire/", views.document_produire, name="document_produire"),
    path("documents/<int:pk>/telecharger/", views.document_download, name="document_download"),
    path("documents/<int:pk>/valider/", views.document_valider, name="document_valider"),
    path("documents/<int:pk>/refuser/", views.document_refuser, name="document_refuser"),
    path("modeles/", modeles.modele_list, name="modele_list"),
    path("modeles/nouveau/", modeles.modele_create, name="modele_create"),
    path("modeles/par-defaut/", modeles.modele_defaults, name="modele_defaults"),
    path("modeles/<int:pk>/", modeles.modele_edit, name="modele_edit"),
]
