"""Shared fixtures of the agenda tests: a youth accompanied in dispositif A1, natures, a tenant context."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from core.tenancy import tenant_context
from tests import factories

PARIS = ZoneInfo("Europe/Paris")


def at(y, m, d, h=9, mi=0):
    """An aware Europe/Paris datetime."""
    return datetime.datetime(y, m, d, h, mi, tzinfo=PARIS)


@pytest.fixture
def agenda(world):
    """Two accompanied youths of A1, one of A2, with the default natures of A1; runs in tenant A."""
    from agendas.models import Nature
    from agendas.services.natures import natures_par_defaut

    d1 = factories.dossier_accompagne(world.dispositif, modalites=("accueil_de_jour", "internat"))
    d2 = factories.dossier_accompagne(world.dispositif)
    d3 = factories.dossier_accompagne(world.autre_dispositif)
    with tenant_context(world.organisme.pk):
        natures_par_defaut(dispositif=world.dispositif)
        world.jeune1, world.jeune2, world.jeune_autre = d1.jeune, d2.jeune, d3.jeune
        world.natures = {n.code: n for n in Nature.objects.filter(dispositif=world.dispositif)}
        world.partenaire = factories.PartenaireFactory(organisme=world.organisme)
        yield world
