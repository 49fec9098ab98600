"""The portal demo step (order 60): the demo logins get active accesses (famille@ in the family space, jeune@ in
their own), the other représentant légal and other families are invited, one access is suspended, an uploaded
document waits in the inbox and a declared absence waits to be taken into account."""

import random

from core.demo import _DEMO_STEPS
from core.enums import AccountKind
from core.tenancy import tenant_context
from dossiers.models import Document
from portail_famille.demo import portail_demo_step
from portail_famille.models import AccesPortail
from tests import factories
from tests.portail_famille.conftest import proche_create


def test_step_registered_after_the_agendas():
    names = [name for _, name, _ in _DEMO_STEPS]
    assert "portail_famille" in names and names.index("portail_famille") > names.index("agendas")


def test_demo_step(world, settings, tmp_path):
    from agendas.models import Absence

    settings.MEDIA_ROOT = tmp_path
    org = world.organisme
    dossiers = [factories.dossier_accompagne(world.dispositif) for _ in range(2)]
    with tenant_context(org.pk):
        leo, autre = (d.jeune for d in dossiers)
    famille = factories.UserFactory(organisme=org, kind=AccountKind.PROCHE, ref="demo-famille", email="f@demo.fr")
    compte_jeune = factories.UserFactory(organisme=org, kind=AccountKind.JEUNE, ref="demo-jeune", email="j@demo.fr")
    mere = proche_create(leo, prenom="Nadia", nom="Benali", email="f@demo.fr")
    proche_create(leo, prenom="Karim", nom="Benali", lien="FTH", email="pere@demo.fr")
    proche_create(autre, prenom="Julie", nom="Petit", email="julie@demo.fr")
    with tenant_context(org.pk):
        mere.compte = famille
        mere.save()
        leo.compte = compte_jeune
        leo.save()
        portail_demo_step(org, None, random.Random(1))
        rows = {(a.user.email, a.statut) for a in AccesPortail.objects.select_related("user")}
        assert ("f@demo.fr", "actif") in rows and ("j@demo.fr", "actif") in rows
        assert ("pere@demo.fr", "invite") in rows
        assert ("julie@demo.fr", "suspendu") in rows
        assert Document.objects.filter(source="famille", statut="a_valider", uploaded_by=famille).exists()
        assert Absence.objects.filter(origine="famille", statut="a_confirmer", declaree_par=famille).exists()
    with tenant_context(world.organisme_b.pk):
        assert not AccesPortail.objects.exists()
