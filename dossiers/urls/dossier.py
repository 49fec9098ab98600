from django.urls import path

from dossiers import tabs
from dossiers.views import dossier as views

tabs.register("synthese", "Synthèse", "dossiers:dossier", order=0)
tabs.register("parcours", "Parcours", "dossiers:parcours", order=10)

urlpatterns = [
    path("<int:pk>/", views.synthese, name="dossier"),
    path("<int:pk>/parcours/", views.synthese, name="parcours"),  # replaced by the parcours tab view
]
