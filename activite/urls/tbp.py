"""Activité URLs (tbp): TBP indicators of a dispositif and a year with their drill-down and yearly parameters;
quality indicators (HAS evaluation) with their drill-down. Linked from the activity dashboard (no menu entry)."""

from django.urls import path

from activite.views import qualite, tbp

urlpatterns = [
    path("tbp/", tbp.tbp, name="tbp"),
    path("tbp/detail/", tbp.tbp_detail, name="tbp_detail"),
    path("tbp/parametres/<int:dispositif_pk>/<int:annee>/", tbp.tbp_parametres, name="tbp_parametres"),
    path("qualite/", qualite.qualite, name="qualite"),
    path("qualite/detail/", qualite.qualite_detail, name="qualite_detail"),
]
