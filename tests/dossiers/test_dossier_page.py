"""The dossier page (synthèse tab) and its layout: personas, audit of every page view, restricted dossiers."""

import pytest
from django.urls import reverse

from core.models import AuditEntry
from core.tenancy import tenant_context
from tests import factories

pytestmark = pytest.mark.django_db


def test_synthese_shows_layout_and_audits(world, login_as):
    dossier = factories.dossier_accompagne(
        world.dispositif, jeune=factories.JeuneFactory(organisme=world.organisme, prenom="Élodie")
    )
    response = login_as(world.educateur).get(reverse("dossiers:dossier", args=[dossier.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Élodie" in html
    assert 'aria-label="Rubriques du dossier"' in html
    assert 'aria-current="page">Synthèse' in html
    with tenant_context(world.organisme.pk):
        assert AuditEntry.objects.filter(action="read", record_id=str(dossier.pk)).count() == 1
