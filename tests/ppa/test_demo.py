"""The PPA demo step: PPAs at every state for the demo youths, linked to their weekly series, some late; fast."""

import time

import pytest
from django.utils import timezone

from core.demo import _DEMO_STEPS, load_demo_data
from core.tenancy import tenant_context

pytestmark = pytest.mark.django_db(transaction=False)


def test_step_registered_between_agendas_and_transmissions():
    order = {name: o for o, name, _ in _DEMO_STEPS}
    assert order["agendas"] < order["ppa"] < order["transmissions"]


def test_demo_writes_ppas_at_every_state(settings, tmp_path, monkeypatch):
    from core.demo import DEMO_FINESS_JURIDIQUE
    from core.services.organisation import find_organisme_id_by_finess
    from dossiers.models import Dossier
    from ppa.enums import StatutPpa, TypeVersion
    from ppa.models import Accord, Evaluation, LienObjectif, Ppa, PpaVersion, Revue
    from ppa.services.echeances import A_ECHEANCE, A_JOUR, EN_RETARD, lignes_echeances

    settings.MEDIA_ROOT = tmp_path
    timings = {}

    def timed(name, step):
        def wrapper(*args):
            start = time.monotonic()
            step(*args)
            timings[name] = time.monotonic() - start

        return wrapper

    # The steps after the PPA one are not needed here.
    steps = [(o, n, timed(n, s)) for o, n, s in _DEMO_STEPS if o <= 30]
    monkeypatch.setattr("core.demo._DEMO_STEPS", steps)
    load_demo_data(scale=1)
    organisme_id = find_organisme_id_by_finess(DEMO_FINESS_JURIDIQUE)
    with tenant_context(organisme_id):
        statuts = set(PpaVersion.objects.values_list("statut", flat=True))
        assert statuts == {StatutPpa.EN_ELABORATION, StatutPpa.VALIDE, StatutPpa.EN_COURS, StatutPpa.CLOS}
        assert PpaVersion.objects.filter(type=TypeVersion.AVENANT, statut=StatutPpa.EN_COURS).exists()
        assert PpaVersion.objects.filter(type=TypeVersion.AVENANT, statut=StatutPpa.EN_ELABORATION).exists()
        # Objectives of the versions in force linked to the youths' weekly series.
        assert LienObjectif.objects.filter(serie__isnull=False, objectif__version__statut="en_cours").count() > 20
        assert Accord.objects.filter(mode="signature_tablette").exclude(signature="").exists()
        assert (
            Accord.objects.filter(mode="refus").exists() and Accord.objects.filter(mode="signature_scannee").exists()
        )
        assert Revue.objects.filter(terminee=True).exists() and Evaluation.objects.count() > 10
        assert Revue.objects.filter(terminee=False, motif="demande_famille").exists()
        lignes = lignes_echeances(Dossier.objects.all(), timezone.localdate())
        etats = {ligne.etat for ligne in lignes}
        assert {EN_RETARD, A_JOUR} <= etats, etats
        assert any(ligne.etat == EN_RETARD and ligne.ppa_id is None for ligne in lignes)  # no PPA at all
        assert any(ligne.etat == EN_RETARD and not ligne.premier_ppa for ligne in lignes)  # review overdue
        # Stored deadlines follow the rule.
        stored = dict(Ppa.objects.values_list("dossier_id", "prochaine_echeance"))
        assert all(stored[x.dossier.pk] == x.echeance for x in lignes if x.dossier.pk in stored)
        print(f"ppa demo step: {timings['ppa']:.1f} s, {PpaVersion.objects.count()} versions, etats {etats}",
              A_ECHEANCE in etats)  # fmt: skip
    assert timings["ppa"] < 10
