"""Shared fixtures of the Transmissions tests: default catégories and two youths accompanied in dispositif A1."""

import pytest

from core.tenancy import tenant_context
from tests import factories
from transmissions.services import categories_par_defaut


class TWorld:
    """The persona world plus catégories and youths (``dossier``/``jeune``; ``dossier2``/``jeune2``)."""

    def __init__(self, world):
        self.__dict__.update(world.__dict__)
        self.w = world
        with tenant_context(world.organisme.pk):
            self.categories = {c.code: c for c in categories_par_defaut(organisme_id=world.organisme.pk)}
        self.dossier = factories.dossier_accompagne(world.dispositif)
        self.dossier2 = factories.dossier_accompagne(world.dispositif)
        with tenant_context(world.organisme.pk):
            self.jeune = self.dossier.jeune
            self.jeune2 = self.dossier2.jeune


@pytest.fixture
def tw(world):
    return TWorld(world)
