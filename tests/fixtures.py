"""Persona fixtures (healthchecks' Alice/Bob/Charlie, adapted to a DITEP):

- ``educateur``: writer in dispositif A1; ``lecteur``: read-only colleague in A1; ``direction`` and
  ``admin_organisme`` of organisme A (TOTP required); ``autre_educateur``: a writer of organisme B (sees 404);
  ``proche`` and ``jeune``: family and youth accounts of organisme A (portal only).
"""

from dataclasses import dataclass

import pytest

from core.enums import AccountKind, Metier, Role
from core.models import Dispositif, Organisme, Site, User
from core.tenancy import tenant_context
from tests import factories


@dataclass
class World:
    organisme: Organisme
    dispositif: Dispositif
    autre_dispositif: Dispositif
    site: Site
    educateur: User
    lecteur: User
    psychologue: User
    direction: User
    admin: User
    proche: User
    jeune: User
    organisme_b: Organisme
    dispositif_b: Dispositif
    autre_educateur: User


@pytest.fixture
def world(db) -> World:
    org_a = factories.OrganismeFactory(nom="Association Les Pins")
    d1 = factories.DispositifFactory(organisme=org_a, nom="DITEP Les Pins")
    d2 = factories.DispositifFactory(organisme=org_a, nom="DITEP La Source")
    site = factories.SiteFactory(dispositif=d1, nom="Site de Muret")
    org_b = factories.OrganismeFactory(nom="Fondation B")
    db1 = factories.DispositifFactory(organisme=org_b, nom="DITEP B")
    w = World(
        organisme=org_a,
        dispositif=d1,
        autre_dispositif=d2,
        site=site,
        educateur=factories.professionnel(d1, Metier.EDUCATEUR, email="educ@a.org"),
        lecteur=factories.professionnel(d1, Metier.EDUCATEUR, Role.LECTEUR, email="lecteur@a.org"),
        psychologue=factories.professionnel(d1, Metier.PSYCHOLOGUE, email="psy@a.org"),
        direction=factories.professionnel(d1, Metier.DIRECTION, email="direction@a.org"),
        admin=factories.professionnel(d1, Metier.ADMIN_ORGANISME, email="admin@a.org"),
        proche=factories.UserFactory(organisme=org_a, kind=AccountKind.PROCHE, email="parent@a.org"),
        jeune=factories.UserFactory(organisme=org_a, kind=AccountKind.JEUNE, email="jeune@a.org"),
        organisme_b=org_b,
        dispositif_b=db1,
        autre_educateur=factories.professionnel(db1, Metier.EDUCATEUR, email="educ@b.org"),
    )
    return w


@pytest.fixture
def tenant_a(world):
    """Run the test body with organisme A's RLS setting (direct ORM reads in assertions)."""
    with tenant_context(world.organisme.pk):
        yield world.organisme


def login(client, user):
    """Log ``user`` in on the test client; users whose métier requires TOTP get a verified device."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with tenant_context(user.organisme_id):
        client.force_login(user)
        if user.affectations.filter(metier__in=[Metier.DIRECTION, Metier.ADMIN_ORGANISME]).exists():
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
    return client


@pytest.fixture
def login_as(client):
    return lambda user: login(client, user)
