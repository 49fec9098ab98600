"""Staff pages about portal accesses (namespace ``familles``); the dossier tab "Portail famille"."""

from django.urls import path

from dossiers import tabs
from portail_famille.perms import can_see_portail
from portail_famille.views import equipe

tabs.register("portail", "Portail famille", "familles:portail", can_see_portail, order=32)

urlpatterns = [
    path("dossiers/<int:pk>/portail/", equipe.portail, name="portail"),
    path("dossiers/<int:pk>/portail/inviter/", equipe.inviter, name="inviter"),
    path("dossiers/<int:pk>/portail/acces/<int:acces_pk>/droits/", equipe.acces_droits, name="acces_droits"),
    path("dossiers/<int:pk>/portail/acces/<int:acces_pk>/suspendre/", equipe.acces_suspendre, name="acces_suspendre"),
    path("dossiers/<int:pk>/portail/acces/<int:acces_pk>/reactiver/", equipe.acces_reactiver, name="acces_reactiver"),
    path("dossiers/<int:pk>/portail/acces/<int:acces_pk>/revoquer/", equipe.acces_revoquer, name="acces_revoquer"),
    path(
        "dossiers/<int:pk>/portail/acces/<int:acces_pk>/renvoyer/",
        equipe.invitation_renvoyer,
        name="invitation_renvoyer",
    ),
]
