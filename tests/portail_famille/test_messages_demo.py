"""The demo step of the exchanges writes threads both ways, questionnaires (one closed with visible results, one
open), réclamations at each status and CVS members, from the portal accesses it finds."""

import random

import pytest

from core.tenancy import tenant_context
from portail_famille.demo_echanges import portail_echanges_demo_step
from portail_famille.models import FilDiscussion, MembreCvs, Message, Questionnaire, Reclamation
from portail_famille.selectors_echanges import resultats_questionnaire
from tests.portail_famille.echanges_helpers import referent

pytestmark = pytest.mark.django_db


def test_demo_step(pw):
    referent(pw.dossier_a, pw.educateur)
    with tenant_context(pw.organisme.pk):
        portail_echanges_demo_step(pw.organisme, None, random.Random(7))
        assert FilDiscussion.objects.filter(espace="jeune").exists()
        assert Message.objects.filter(de_l_equipe=True).exists() and Message.objects.filter(de_l_equipe=False).exists()
        assert FilDiscussion.objects.filter(clos_le__isnull=False).exists()
        clos = Questionnaire.objects.get(statut="clos")
        assert not resultats_questionnaire(clos)["masque"]
        assert Questionnaire.objects.filter(statut="ouvert").exists()
        assert set(Reclamation.objects.values_list("statut", flat=True)) == {"recue", "en_cours", "repondue", "close"}
        assert MembreCvs.objects.exists()
    with tenant_context(pw.organisme_b.pk):
        assert not FilDiscussion.objects.exists()
