"""Staff pages about the portal, under /familles/ (namespace ``familles``): portal accesses and invitations,
family requests (``equipe_base``); messages, questionnaires, register of complaints (``equipe_echanges``)."""

from portail_famille.urls import equipe_base, equipe_echanges

app_name = "familles"
urlpatterns = [
    *equipe_base.urlpatterns,
    *equipe_echanges.urlpatterns,
]
