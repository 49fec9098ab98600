"""Reports: request (validation, audit), Celery job (progress to 100, file stored, failure → echec with a French
message), download (permission-checked, audited EXPORT), pages and personas, the annual narrative, the quarterly
production with frozen time (once per dispositif and quarter, directors notified)."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from activite.enums import StatutRapport
from activite.models import NarratifAnnuel, Rapport
from activite.services import rapports as services
from activite.services.aire import table_aire
from core.models import AuditEntry, Notification
from tests.activite.conftest import D, at, recompute
from tests.helpers import assert_constant_queries

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _donnees(w):
    sc = w.sc
    a = sc.accompagne()
    sc.evenement("classe_ue", at(2026, 1, 6, 9), at(2026, 1, 6, 16), jeunes=[a])
    sc.evenement("entretien_jeune", at(2026, 2, 7, 10), at(2026, 2, 7, 11), jeunes=[a])
    sc.evenement("entretien_jeune", at(2026, 10, 7, 10), at(2026, 10, 7, 11), jeunes=[a])
    recompute(sc)
    return a


def _lire(rapport) -> bytes:
    with rapport.fichier.open("rb") as fichier:
        return fichier.read()


def _demander(w, capture, **kwargs):
    params = {"type": "aire", "fmt": "xlsx", "dispositif": w.dispositif, "debut": D(2026, 1, 1),
              "fin": D(2026, 3, 31), "actor": w.direction, **kwargs}  # fmt: skip
    with capture(execute=True):
        rapport = services.rapport_demander(**params)
    rapport.refresh_from_db()
    return rapport


def test_request_runs_the_job_and_stores_the_file(activite, django_capture_on_commit_callbacks):
    w = activite
    _donnees(w)
    rapport = _demander(w, django_capture_on_commit_callbacks)
    assert rapport.statut == StatutRapport.TERMINE and rapport.progression == 100
    assert rapport.resultat == table_aire(w.dispositif, D(2026, 1, 1), D(2026, 3, 31))
    assert rapport.parametres["modele"] == "aire-v1" and rapport.parametres["bornes_intensite"] == [1, 3, 6, 12]
    assert rapport.nom_fichier == f"aire_{w.dispositif.finess}_2026-01-01_2026-03-31.xlsx"
    wb = load_workbook(io.BytesIO(_lire(rapport)))
    assert "Semaines-jeune par combinaison" in wb.sheetnames and "Paramètres" in wb.sheetnames
    assert AuditEntry.objects.filter(action="create", record_type__icontains="rapport", record_id=str(rapport.pk))
    # Rerunning a finished job changes nothing.
    assert services.rapport_produire(rapport_id=rapport.pk) == StatutRapport.TERMINE


def test_annual_report_and_tbp(activite, django_capture_on_commit_callbacks):
    w = activite
    _donnees(w)
    NarratifAnnuel.objects.create(organisme=w.organisme, dispositif=w.dispositif, annee=2026,
                                  faits_marquants="Ouverture de l'unité")  # fmt: skip
    rapport = _demander(w, django_capture_on_commit_callbacks, type="rapport_annuel", fmt="pdf",
                        debut=D(2026, 5, 1), fin=D(2026, 5, 2))  # fmt: skip
    assert (rapport.debut, rapport.fin) == (D(2026, 1, 1), D(2026, 12, 31))
    assert rapport.statut == StatutRapport.TERMINE, rapport.message
    assert _lire(rapport).startswith(b"%PDF-")
    r = rapport.resultat
    assert r["narratif"]["faits_marquants"] == "Ouverture de l'unité"
    assert len(r["aire_trimestres"]) == 4 and r["tbp"]["modele"] == "tbp-v1"
    assert sum(t["semaines_jeune"]["total"] for t in r["aire_trimestres"]) == r["aire"]["semaines_jeune"]["total"]
    tbp = _demander(w, django_capture_on_commit_callbacks, type="tbp", fmt="json")
    assert tbp.statut == StatutRapport.TERMINE and tbp.resultat["annee"] == 2026
    qualite = _demander(w, django_capture_on_commit_callbacks, type="qualite", fmt="csv")
    assert qualite.statut == StatutRapport.TERMINE and _lire(qualite).startswith(b"\xef\xbb\xbf")


def test_failure_sets_echec_with_a_french_message(activite, django_capture_on_commit_callbacks, monkeypatch):
    w = activite

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("activite.exports.exporter", boom)
    rapport = _demander(w, django_capture_on_commit_callbacks)
    assert rapport.statut == StatutRapport.ECHEC
    assert rapport.message.startswith("Le calcul du rapport a échoué.") and "disk" not in rapport.message
    assert not rapport.fichier


def test_validation_and_rights(activite):
    w = activite
    n = Rapport.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.rapport_demander(type="aire", fmt="docx", dispositif=w.dispositif, debut=D(2026, 3, 1),
                                  fin=D(2026, 1, 1), actor=w.direction)  # fmt: skip
    assert "Format inconnu" in str(exc.value) and "La fin de la période doit suivre son début." in str(exc.value)
    with pytest.raises(PermissionDenied):
        services.rapport_demander(type="aire", fmt="pdf", dispositif=w.dispositif, debut=D(2026, 1, 1),
                                  fin=D(2026, 3, 31), actor=w.chef_autre)  # fmt: skip
    assert Rapport.objects.count() == n


def test_pages_progress_and_download(activite, client, login_as, django_capture_on_commit_callbacks):
    w = activite
    _donnees(w)
    with time_machine.travel(datetime.datetime(2027, 2, 12, 10, tzinfo=PARIS), tick=False):
        login_as(w.direction)
        # Click 1: the menu « Activité »; click 2: the button; click 3: the download.
        r = client.get(reverse("activite:tableau"))
        assert "Tableau AIRe du trimestre précédent — PDF" in r.content.decode()
        assert r.context["precedent"]["debut"] == D(2026, 10, 1)
        with django_capture_on_commit_callbacks(execute=True):
            r = client.post(reverse("activite:rapport_demander"), {
                "type": "aire", "format": "pdf", "dispositif": w.dispositif.pk, "debut": "2026-10-01",
                "fin": "2026-12-31"})  # fmt: skip
    rapport = Rapport.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("activite:rapport", args=[rapport.pk])
    r = client.get(r["Location"])
    html = r.content.decode()
    assert "100 %" in html and "Télécharger" in html and "every 1s" not in html
    r = client.get(reverse("activite:rapport_telecharger", args=[rapport.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF-")
    assert "attachment" in r["Content-Disposition"]
    assert AuditEntry.objects.filter(action="export", record_id=str(rapport.pk)).count() == 1
    # While running, the fragment polls every second and shows the percentage as text.
    Rapport.objects.filter(pk=rapport.pk).update(statut="en_cours", progression=42)
    html = client.get(reverse("activite:rapport_progression", args=[rapport.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and "42 %" in html and '<progress id="rapport-barre"' in html
    r = client.get(reverse("activite:rapports"))
    assert r.status_code == 200 and rapport in r.context["rapports"]
    # The form of the list page.
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("activite:rapport_demander"), {"type": "aire", "format": "json",
                        "dispositif": w.dispositif.pk, "annee": "2026", "trimestre": "1"})  # fmt: skip
    assert Rapport.objects.filter(format="json", debut=D(2026, 1, 1), fin=D(2026, 3, 31)).exists()
    r = client.post(reverse("activite:rapport_demander"), {"type": "aire", "format": "pdf",
                    "dispositif": w.dispositif.pk}, follow=True)  # fmt: skip
    assert "Indiquez l&#x27;année." in r.content.decode()


def test_personas(activite, client, login_as, django_capture_on_commit_callbacks):
    w = activite
    rapport = _demander(w, django_capture_on_commit_callbacks, fmt="csv")
    urls = [reverse("activite:rapports"), reverse("activite:rapport", args=[rapport.pk]),
            reverse("activite:rapport_progression", args=[rapport.pk]),
            reverse("activite:rapport_telecharger", args=[rapport.pk])]  # fmt: skip
    for user, attendu in ((w.chef, 200), (w.educateur, 403), (w.lecteur, 403), (w.proche, 404), (w.jeune, 404)):
        client.logout()
        login_as(user)
        for url in urls:
            assert client.get(url).status_code == attendu, (user, url)
    client.logout()
    login_as(w.chef_autre)
    assert client.get(urls[0]).status_code == 200 and not client.get(urls[0]).context["rapports"]
    for url in urls[1:]:
        assert client.get(url).status_code == 403, url
    r = client.post(reverse("activite:rapport_demander"), {"type": "aire", "format": "pdf",
                    "dispositif": w.dispositif.pk, "debut": "2026-01-01", "fin": "2026-03-31"})  # fmt: skip
    assert r.status_code == 403
    # Another organisme's report: 404.
    from core.tenancy import tenant_context
    from tests import factories

    with tenant_context(w.organisme_b.pk):
        autre = Rapport.objects.create(organisme=w.organisme_b, type="aire", format="pdf", dispositif=w.dispositif_b,
                                       debut=D(2026, 1, 1), fin=D(2026, 3, 31))  # fmt: skip
    client.logout()
    login_as(w.direction)
    assert client.get(reverse("activite:rapport", args=[autre.pk])).status_code == 404
    assert client.get(reverse("activite:rapport_telecharger", args=[autre.pk])).status_code == 404
    del factories


def test_narratif(activite, client, login_as):
    w = activite
    url = reverse("activite:narratif", args=[w.dispositif.pk, 2026])
    login_as(w.direction)
    assert client.get(url).status_code == 200
    r = client.post(url, {"faits_marquants": "Nouvelle unité", "analyse_activite": "", "partenariats": "",
                          "perspectives": "Extension"})  # fmt: skip
    assert r.status_code == 302
    narratif = NarratifAnnuel.objects.get(dispositif=w.dispositif, annee=2026)
    assert narratif.faits_marquants == "Nouvelle unité" and narratif.updated_by == w.direction
    assert AuditEntry.objects.filter(record_type__icontains="narratif", record_id=str(narratif.pk)).exists()
    for user, attendu in ((w.chef, 403), (w.educateur, 403), (w.proche, 404)):
        client.logout()
        login_as(user)
        assert client.get(url).status_code == attendu, user
    with pytest.raises(PermissionDenied):
        services.narratif_enregistrer(dispositif=w.dispositif, annee=2026, actor=w.chef, faits_marquants="x")


def test_quarterly_production_once_and_directors_notified(activite):
    w = activite
    _donnees(w)
    from activite.tasks_rapports import rapports_trimestriels_organisme

    # The accounts start today (26/11/2026 when written): the beat runs on 1 January 2027.
    with time_machine.travel(datetime.datetime(2027, 1, 1, 6, tzinfo=PARIS), tick=False):
        ids = rapports_trimestriels_organisme(organisme_id=w.organisme.pk)
    rapports = Rapport.objects.filter(pk__in=ids)
    # Two active dispositifs × PDF and XLSX, all finished, automatic, for Q4 2026.
    assert rapports.count() == 4
    assert {(r.dispositif_id, r.format) for r in rapports} == {
        (d.pk, f) for d in (w.dispositif, w.autre_dispositif) for f in ("pdf", "xlsx")
    }
    assert all(r.statut == "termine" and r.automatique and r.debut == D(2026, 10, 1) and r.fin == D(2026, 12, 31)
               for r in rapports)  # fmt: skip
    assert rapports.get(dispositif=w.dispositif, format="xlsx").resultat["file_active"]["total"] == 1
    notes = Notification.objects.filter(recipient=w.direction)
    assert notes.count() == 1
    assert notes.get().titre == "Tableaux d'activité AIRe du 4e trimestre 2026 disponibles"
    assert notes.get().lien == reverse("activite:rapports")
    assert not Notification.objects.filter(recipient=w.educateur).exists()
    # Idempotent: the same quarter is not produced twice, nobody is notified again.
    with time_machine.travel(datetime.datetime(2027, 1, 2, 6, tzinfo=PARIS), tick=False):
        assert rapports_trimestriels_organisme(organisme_id=w.organisme.pk) == []
    assert Rapport.objects.count() == 4 and notes.count() == 1


def test_beat_entry_name():
    import activite.tasks  # noqa: F401 - what Celery's autodiscovery imports
    from ditep.celery import app

    assert "activite.tasks.rapports_trimestriels_all" in app.tasks


def test_list_constant_queries(activite, client, login_as):
    w = activite
    login_as(w.direction)

    def add(n):
        for _ in range(n):
            services.rapport_demander(type="aire", fmt="pdf", dispositif=w.dispositif, debut=D(2026, 1, 1),
                                      fin=D(2026, 3, 31), actor=w.direction, enqueue=False)  # fmt: skip

    assert_constant_queries(lambda: client.get(reverse("activite:rapports")), add, few=1, many=8)
