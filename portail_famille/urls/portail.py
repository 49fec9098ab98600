"""Pages of the family and youth portal, under /portail/ (namespace ``portail``): login, invitation, home, week,
plan, documents, absences, shared journal (``portail_base``); messages, questionnaires, complaints
(``portail_echanges``)."""

from portail_famille.urls import portail_base, portail_echanges

app_name = "portail"
urlpatterns = [
    *portail_base.urlpatterns,
    *portail_echanges.urlpatterns,
]
