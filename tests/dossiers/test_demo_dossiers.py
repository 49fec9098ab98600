"""Demo step ``dossiers_extras``: the default document templates and adverse events at every state, written
through the services (audit rows, direction notified)."""

import pytest

from core.demo import _DEMO_STEPS, DEMO_FINESS_JURIDIQUE, load_demo_data
from core.enums import AuditAction
from core.models import AuditEntry, Notification
from core.services.organisation import find_organisme_id_by_finess
from core.tenancy import tenant_context
from dossiers.demo import EVENEMENTS, dossiers_extras
from dossiers.models import EvenementIndesirable, ModeleDocument
from dossiers.services.modeles import DEFAULT_MODELES

pytestmark = pytest.mark.django_db


def test_step_is_registered_early():
    [(order, _, step)] = [entry for entry in _DEMO_STEPS if entry[1] == "dossiers_extras"]
    assert order == 10 and step is dossiers_extras


def test_demo_has_templates_and_adverse_events():
    load_demo_data(1)
    organisme_id = find_organisme_id_by_finess(DEMO_FINESS_JURIDIQUE)
    with tenant_context(organisme_id):
        assert set(ModeleDocument.objects.values_list("nom", flat=True)) == {m["nom"] for m in DEFAULT_MODELES}
        evenements = list(EvenementIndesirable.objects.select_related("dossier", "cloture_par"))
        assert len(evenements) == len(EVENEMENTS)
        statuts = sorted(e.statut for e in evenements)
        assert statuts == ["clos", "clos", "declare", "en_cours"]
        for evenement in evenements:
            assert evenement.dossier.dispositif_id == evenement.dispositif_id
            assert evenement.dossier.statut == "accompagne" and not evenement.dossier.est_restreint
        closed = [e for e in evenements if e.statut == "clos"]
        assert all(e.conclusion and e.cloture_par.ref == "demo-direction" for e in closed)
        ars = [e for e in evenements if e.information_ars]
        assert len(ars) == 1 and ars[0].signale_ars_le is not None
        assert AuditEntry.objects.filter(record_type="dossiers.evenementindesirable",
                                         action=AuditAction.CREATE).count() == len(EVENEMENTS)  # fmt: skip
        assert Notification.objects.filter(categorie="evenement_indesirable").exists()
