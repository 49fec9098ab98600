"""Activité URLs (tables): AIRe parameters of a dispositif (``activite:parametres``) and anomalies of a period
(``activite:anomalies``, ``?debut=&fin=`` or ``?annee=&trimestre=``). Reached from the dashboard, no menu entry."""

from django.urls import path

from activite.views import tables

urlpatterns = [
    path("parametres/", tables.parametres, name="parametres"),
    path("parametres/<int:dispositif_pk>/", tables.parametres, name="parametres"),
    path("anomalies/", tables.anomalies, name="anomalies"),
    path("anomalies/<int:dispositif_pk>/", tables.anomalies, name="anomalies"),
]
