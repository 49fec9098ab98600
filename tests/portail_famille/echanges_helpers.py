"""Helpers of the exchanges tests (messages, questionnaires, réclamations), on top of the ``pw`` fixture."""

from core.enums import Metier, Role
from core.tenancy import tenant_context
from tests import factories


def chef_de_service(dispositif, email="chef@a.org"):
    return factories.professionnel(dispositif, Metier.CHEF_DE_SERVICE, email=email)


def referent(dossier, user):
    with tenant_context(dossier.organisme_id):
        dossier.referent = user
        dossier.save(update_fields=["referent"])


def educateur_lecteur(dispositif, email="educ.lecteur@a.org"):
    return factories.professionnel(dispositif, Metier.EDUCATEUR, Role.LECTEUR, email=email)


def fil(pw, user, acces, sujet="Rendez-vous", texte="Bonjour, pouvons-nous nous voir ?"):
    from portail_famille.services.messages import fil_creer

    with tenant_context(user.organisme_id):
        return fil_creer(actor=user, acces=acces, sujet=sujet, texte=texte)
