"""Portal API: same isolation as the pages (youth B, other organisme, suspended, professional, rights), separate
spaces, uploads and declarations through the services; the OpenAPI schema stays valid."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from agendas.models import Absence
from core.tenancy import tenant_context
from dossiers.models import Document
from tests.fixtures import login
from tests.portail_famille.helpers_base import PDF, document_partage, evenement, transmission_partagee

ENDPOINTS = ("semaine", "plan", "documents", "absences", "journal")


def api(name, jeune):
    return reverse(f"api-portail-{name}", args=[jeune.pk])


def test_me_lists_the_active_youths_with_rights(client, pw):
    with tenant_context(pw.organisme.pk):
        pw.acces_mere.voir_journal = False
        pw.acces_mere.save()
    login(client, pw.mere)
    data = client.get(reverse("api-portail-me")).json()
    assert data["email"] == "mere@a.org"
    assert [j["id"] for j in data["jeunes"]] == [pw.jeune_a.pk]
    assert data["jeunes"][0]["droits"]["voir_journal"] is False
    login(client, pw.suspendu)
    assert client.get(reverse("api-portail-me")).json()["jeunes"] == []


@pytest.mark.parametrize("name", ENDPOINTS)
def test_isolation(client, pw, name):
    login(client, pw.mere)
    assert client.get(api(name, pw.jeune_a)).status_code == 200
    assert client.get(api(name, pw.jeune_b)).status_code == 404
    assert client.get(api(name, pw.jeune_c)).status_code == 404
    for user in (pw.suspendu, pw.revoque, pw.parent_b):
        login(client, user)
        assert client.get(api(name, pw.jeune_a)).status_code == 404
    login(client, pw.educateur)
    assert client.get(api(name, pw.jeune_a)).status_code == 404


def test_anonymous_401_and_staff_api_refuses_portal_accounts(client, pw):
    assert client.get(reverse("api-portail-me")).status_code == 401
    login(client, pw.mere)
    assert client.get(reverse("api-portail-me")).status_code == 200
    assert client.get("/api/v1/evenements/").status_code == 404


def test_week_and_journal_content(client, pw):
    evenement(pw, [pw.jeune_a], jour=0, heure=9)
    evenement(pw, [pw.jeune_a], jour=1, heure=9, nature="reunion_synthese")
    transmission_partagee(pw, [pw.jeune_a], texte="Bonne semaine")
    login(client, pw.mere)
    week = client.get(api("semaine", pw.jeune_a)).json()
    libelles = [e["libelle"] for j in week["jours"] for e in j["evenements"]]
    assert libelles == ["Activité éducative"]
    assert week["jours"][0]["evenements"][0]["professionnels"] == [pw.educateur.first_name]
    journal = client.get(api("journal", pw.jeune_a)).json()
    assert [t["texte"] for t in journal["resultats"]] == ["Bonne semaine"]


def test_documents_upload_download_and_separate_spaces(client, pw):
    shared = document_partage(pw, pw.dossier_a, titre="Planning")
    login(client, pw.mere)
    response = client.post(
        api("documents", pw.jeune_a),
        {"type": "attestation", "titre": "Attestation CAF", "fichier": SimpleUploadedFile("caf.pdf", PDF)},
    )
    assert response.status_code == 201, response.content
    mine = response.json()["id"]
    with tenant_context(pw.organisme.pk):
        assert Document.objects.get(pk=mine).statut == "a_valider"
    bad = client.post(
        api("documents", pw.jeune_a),
        {"type": "attestation", "titre": "X", "fichier": SimpleUploadedFile("x.pdf", b"pas un pdf")},
    )
    assert bad.status_code == 400 and "pas accepté" in bad.content.decode()
    data = client.get(api("documents", pw.jeune_a)).json()
    assert [d["titre"] for d in data["partages"]] == ["Planning"]
    assert [d["titre"] for d in data["deposes"]] == ["Attestation CAF"]
    download = client.get(reverse("api-portail-document", args=[pw.jeune_a.pk, shared.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    login(client, pw.pere)
    assert client.get(api("documents", pw.jeune_a)).json()["deposes"] == []
    assert client.get(reverse("api-portail-document", args=[pw.jeune_a.pk, mine])).status_code == 404


def test_absences_declare_and_list(client, pw):
    start = timezone.localtime() + datetime.timedelta(days=2)
    login(client, pw.pere)
    payload = {
        "debut": start.isoformat(),
        "fin": (start + datetime.timedelta(hours=3)).isoformat(),
        "motif": "maladie",
    }
    response = client.post(api("absences", pw.jeune_a), payload, content_type="application/json")
    assert response.status_code == 201, response.content
    bad = dict(payload, fin=(start - datetime.timedelta(hours=1)).isoformat())
    response = client.post(api("absences", pw.jeune_a), bad, content_type="application/json")
    assert response.status_code == 400 and "après son début" in response.content.decode()
    assert len(client.get(api("absences", pw.jeune_a)).json()) == 1
    login(client, pw.mere)
    assert client.get(api("absences", pw.jeune_a)).json() == []
    with tenant_context(pw.organisme.pk):
        assert Absence.objects.get().origine == "famille"


def test_schema_lists_the_portal_endpoints(client, pw):
    login(client, pw.educateur)
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/portail/me/" in paths
    assert "/api/v1/portail/jeunes/{jeune_id}/semaine/" in paths
    assert "/api/v1/portail/jeunes/{jeune_id}/documents/" in paths
