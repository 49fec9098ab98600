"""Shared fixtures of the Portail famille tests (used by both portal parts).

``pw`` (``PWorld``) = the persona ``world`` plus:

- ``dossier_a`` / ``jeune_a``: a youth accompanied in dispositif A1 with two separated parents ``proche_mere`` and
  ``proche_pere`` (both représentants légaux), each with their own portal account ``mere`` / ``pere`` and an
  active ``AccesPortail`` (all rights); the youth's own account ``ado`` (espace jeune, active access);
- ``dossier_b`` / ``jeune_b``: another youth of the same dispositif with a parent account ``parent_b``;
- ``dossier_c`` / ``jeune_c``: a youth of organisme B with a parent account ``parent_c``;
- ``suspendu``: a parent account of youth A whose access is suspended; ``revoque``: one whose access is revoked.

Accounts have the password ``PASSWORD``. ``portail_login(client, user)`` logs a portal account in.
"""

import pytest
from django.utils import timezone

from core.enums import AccountKind
from core.tenancy import tenant_context
from dossiers.models import Proche
from portail_famille.enums import Espace, StatutAcces
from portail_famille.models import AccesPortail
from tests import factories
from tests.fixtures import login

PASSWORD = "motdepasse-de-test-1"


def compte_portail(organisme, kind=AccountKind.PROCHE, **kwargs):
    return factories.UserFactory(organisme=organisme, kind=kind, **kwargs)


def proche_create(jeune, *, prenom, nom, lien="MTH", email="", representant_legal=True, **kwargs):
    with tenant_context(jeune.organisme_id):
        return Proche.objects.create(
            organisme_id=jeune.organisme_id, jeune=jeune, prenom=prenom, nom=nom, lien=lien, email=email,
            representant_legal=representant_legal, autorite_parentale=representant_legal, **kwargs,
        )  # fmt: skip


def acces_create(user, jeune, *, proche=None, invite_par, statut=StatutAcces.ACTIF, **droits):
    """An access row written directly (the account services are tested on their own)."""
    now = timezone.now()
    with tenant_context(jeune.organisme_id):
        acces = AccesPortail.objects.create(
            organisme_id=jeune.organisme_id, user=user, jeune=jeune, proche=proche,
            espace=Espace.FAMILLE if proche else Espace.JEUNE, statut=statut, invite_par=invite_par,
            active_le=now if statut != StatutAcces.INVITE else None,
            suspendu_le=now if statut == StatutAcces.SUSPENDU else None,
            revoque_le=now if statut == StatutAcces.REVOQUE else None,
            motif="Décision de justice" if statut in (StatutAcces.SUSPENDU, StatutAcces.REVOQUE) else "",
            **droits,
        )  # fmt: skip
        if proche is not None and proche.compte_id is None:
            proche.compte = user
            proche.save(update_fields=["compte"])
        return acces


class PWorld:
    def __init__(self, world):
        self.__dict__.update(world.__dict__)
        self.w = world
        org_a, org_b = world.organisme, world.organisme_b
        self.dossier_a = factories.dossier_accompagne(world.dispositif)
        self.dossier_b = factories.dossier_accompagne(world.dispositif)
        self.dossier_c = factories.dossier_accompagne(world.dispositif_b)
        with tenant_context(org_a.pk):
            self.jeune_a = self.dossier_a.jeune
            self.jeune_b = self.dossier_b.jeune
        with tenant_context(org_b.pk):
            self.jeune_c = self.dossier_c.jeune
        self.mere = compte_portail(org_a, email="mere@a.org", first_name="Sophie", last_name="Martin")
        self.pere = compte_portail(org_a, email="pere@a.org", first_name="Marc", last_name="Durand")
        self.ado = compte_portail(org_a, AccountKind.JEUNE, email="ado@a.org", first_name="Léo", last_name="Durand")
        self.parent_b = compte_portail(org_a, email="parent.b@a.org", first_name="Nadia", last_name="Benali")
        self.parent_c = compte_portail(org_b, email="parent.c@b.org", first_name="Paul", last_name="Petit")
        self.suspendu = compte_portail(org_a, email="tante@a.org", first_name="Anne", last_name="Roux")
        self.revoque = compte_portail(org_a, email="oncle@a.org", first_name="Henri", last_name="Roux")
        self.proche_mere = proche_create(self.jeune_a, prenom="Sophie", nom="Martin", lien="MTH", email="mere@a.org")
        self.proche_pere = proche_create(self.jeune_a, prenom="Marc", nom="Durand", lien="FTH", email="pere@a.org")
        self.proche_tante = proche_create(
            self.jeune_a, prenom="Anne", nom="Roux", lien="AUNT", email="tante@a.org", representant_legal=False
        )
        self.proche_oncle = proche_create(
            self.jeune_a, prenom="Henri", nom="Roux", lien="UNCLE", email="oncle@a.org", representant_legal=False
        )
        self.proche_b = proche_create(self.jeune_b, prenom="Nadia", nom="Benali", email="parent.b@a.org")
        self.proche_c = proche_create(self.jeune_c, prenom="Paul", nom="Petit", lien="FTH", email="parent.c@b.org")
        educ = world.educateur
        self.acces_mere = acces_create(self.mere, self.jeune_a, proche=self.proche_mere, invite_par=educ)
        self.acces_pere = acces_create(self.pere, self.jeune_a, proche=self.proche_pere, invite_par=educ)
        self.acces_ado = acces_create(self.ado, self.jeune_a, invite_par=educ)
        with tenant_context(org_a.pk):
            self.jeune_a.compte = self.ado
            self.jeune_a.save(update_fields=["compte"])
        self.acces_b = acces_create(self.parent_b, self.jeune_b, proche=self.proche_b, invite_par=educ)
        self.acces_c = acces_create(
            self.parent_c, self.jeune_c, proche=self.proche_c, invite_par=world.autre_educateur
        )
        self.acces_suspendu = acces_create(
            self.suspendu, self.jeune_a, proche=self.proche_tante, invite_par=educ, statut=StatutAcces.SUSPENDU
        )
        self.acces_revoque = acces_create(
            self.revoque, self.jeune_a, proche=self.proche_oncle, invite_par=educ, statut=StatutAcces.REVOQUE
        )


@pytest.fixture
def pw(world):
    return PWorld(world)


def portail_login(client, user):
    return login(client, user)


@pytest.fixture
def portail_client(client):
    """``portail_client(user)`` logs a portal account in on the test client and returns the client."""
    return lambda user: portail_login(client, user)
