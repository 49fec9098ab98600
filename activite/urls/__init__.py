"""Activité URLs: AIRe facts, parameters and anomalies (``tables``); TBP and quality indicators (``tbp``);
dashboards and reports (``tableaux``)."""

from activite.urls import tableaux, tables, tbp

app_name = "activite"
urlpatterns = [
    *tables.urlpatterns,
    *tbp.urlpatterns,
    *tableaux.urlpatterns,
]
