"""Right-of-access exports produced in the background (eager Celery): review then launch, progress committed step
by step and polled by HTMX, stored file downloaded through the permission-checked view (direction only, audited
EXPORT), notification to the requester, failure, idempotence, expiry by the beat, personas and query counts."""

import contextlib
import datetime
import json

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from core.enums import AuditAction, Metier
from core.models import AuditEntry, Notification
from core.tenancy import tenant_context
from dossiers.enums import StatutExport
from dossiers.models import EvenementIndesirable, ExportDossier, PeriodeScolaire, Proche
from dossiers.services import exports as services
from dossiers.services import rgpd
from dossiers.services.documents import document_create
from dossiers.tasks import export_dossier_produce, exports_purge
from tests import factories
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def add_document(world, dossier, titre, **kwargs):
    with tenant_context(world.organisme.pk):
        return document_create(
            dossier=dossier, content=PDF, nom_fichier=f"{titre}.pdf", type=kwargs.pop("type", "bilan"), titre=titre,
            actor=world.direction, **kwargs,
        )  # fmt: skip


@pytest.fixture
def complet(world):
    """A dossier with items to review (a document with third-party data, a proche under a judicial measure)."""
    dossier = factories.dossier_accompagne(world.dispositif)
    with tenant_context(world.organisme.pk):
        org = world.organisme
        Proche.objects.create(organisme=org, jeune=dossier.jeune, nom="Martin", prenom="Claire", lien="MTH",
                              representant_legal=True)  # fmt: skip
        Proche.objects.create(organisme=org, jeune=dossier.jeune, nom="Martin", prenom="Paul", lien="FTH",
                              mesure_protection="Retrait de l'autorité parentale")  # fmt: skip
        PeriodeScolaire.objects.create(organisme=org, jeune=dossier.jeune, debut=datetime.date(2025, 9, 1),
                                       type_enseignement="13", demi_journees=6)  # fmt: skip
        EvenementIndesirable.objects.create(
            organisme=org, dispositif=world.dispositif, dossier=dossier, survenu_le=timezone.now(),
            faits="Bagarre dans la cour", personnes_impliquees="Un autre jeune", gravite="moderee",
            declare_par=world.educateur,
        )  # fmt: skip
    add_document(world, dossier, "Bilan psychologique")
    add_document(world, dossier, "Signalement avec témoignages", donnees_tiers=True)
    return dossier


def review_url(dossier):
    return reverse("dossiers:rgpd_export", kwargs={"pk": dossier.pk})


def status_url(export):
    return reverse("dossiers:export_statut", kwargs={"pk": export.dossier_id, "export_pk": export.pk})


def download_url(export):
    return reverse("dossiers:export_telecharger", kwargs={"pk": export.dossier_id, "export_pk": export.pk})


def flagged(world, dossier):
    with tenant_context(world.organisme.pk):
        return {item.key: item for item in rgpd.flagged_items(dossier)}


def launch(client, dossier, capture, **data):
    with capture(execute=True):
        response = client.post(review_url(dossier), {"format": "json"} | data)
    return response


def last_export(world) -> ExportDossier:
    with tenant_context(world.organisme.pk):
        return ExportDossier.objects.select_related("dossier").latest("pk")


def test_json_export_end_to_end(world, complet, client, login_as, django_capture_on_commit_callbacks):
    keys = flagged(world, complet)
    document_key = next(k for k, v in keys.items() if "Signalement" in v.libelle)
    proche_key = next(k for k in keys if k.startswith("proche:"))
    login_as(world.direction)
    client.get(reverse("dossiers:dossier", kwargs={"pk": complet.pk}))  # a read, to find in the access log
    response = launch(client, complet, django_capture_on_commit_callbacks, exclure=[document_key, proche_key])
    export = last_export(world)
    assert response.status_code == 302 and response["Location"] == status_url(export)
    assert (export.statut, export.progression, export.etape) == ("termine", 100, "Terminé")
    assert export.exclusions == sorted([document_key, proche_key])
    assert export.nom_fichier == f"droit-acces-{complet.jeune.num}-{timezone.localdate():%Y%m%d}.json"
    assert default_storage.exists(export.fichier.name) and str(complet.jeune.num) not in export.fichier.name
    with tenant_context(world.organisme.pk):
        assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()  # not released yet
        notification = Notification.objects.get(recipient=world.direction, categorie="export")
    assert notification.lien == status_url(export) and "prêt" in notification.titre
    assert complet.jeune.prenom not in notification.titre

    page = client.get(status_url(export))
    assert page.status_code == 200
    assert "every 2s" not in page.text and download_url(export) in page.text

    response = client.get(download_url(export))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "private, no-store"
    assert export.nom_fichier in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["format"] == "ditep-droit-acces-v1" and data["jeune"]["num"] == complet.jeune.num
    assert [p["prenom"] for p in data["proches"]] == ["Claire"]  # Paul excluded after review
    assert [d["titre"] for d in data["documents"]] == ["Bilan psychologique"]
    assert data["elements_retires"]["par_categorie"] == {"document": 1, "proche": 1}
    assert data["journal_des_acces"][0]["par"] == world.direction.get_full_name()
    with tenant_context(world.organisme.pk):
        entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
        request_entry = AuditEntry.objects.get(record_type="dossiers.exportdossier", action=AuditAction.CREATE)
    assert entry.record_type == "dossiers.dossier" and entry.record_id == str(complet.pk)
    assert entry.details["format"] == "json" and entry.details["export"] == export.pk
    assert entry.details["exclus"] == sorted([document_key, proche_key])
    assert request_entry.details["exclus"] == sorted([document_key, proche_key])
    # Another director may download it too; each download is one more EXPORT row.
    other = factories.professionnel(world.dispositif, Metier.DIRECTION, email="direction2@a.org")
    login_as(other)
    assert client.get(download_url(export)).status_code == 200
    with tenant_context(world.organisme.pk):
        assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() == 2


def test_pdf_export(world, complet, client, login_as, django_capture_on_commit_callbacks):
    login_as(world.direction)
    launch(client, complet, django_capture_on_commit_callbacks, format="pdf")
    export = last_export(world)
    assert export.statut == "termine" and export.nom_fichier.endswith(".pdf")
    response = client.get(download_url(export))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert int(export.taille) == len(response.content)


def test_progress_is_committed_step_by_step(world, complet):
    with tenant_context(world.organisme.pk):
        export = ExportDossier.objects.create(organisme=world.organisme, dossier=complet, demande_par=world.direction,
                                              format="pdf")  # fmt: skip
    seen = []

    @contextlib.contextmanager
    def step():
        with tenant_context(world.organisme.pk):
            yield
        with tenant_context(world.organisme.pk):  # what a poll sees between two steps
            seen.append(ExportDossier.objects.values_list("statut", "progression").get(pk=export.pk))

    assert services.export_produce(export_id=export.pk, step=step) == "termine"
    assert seen == [("en_cours", 5), ("en_cours", 40), ("en_cours", 85), ("termine", 100)]
    # Idempotent: a finished export is left alone.
    assert export_dossier_produce.delay(organisme_id=world.organisme.pk, export_id=export.pk).get() == "termine"
    with tenant_context(world.organisme.pk):
        assert Notification.objects.filter(categorie="export").count() == 1


def test_the_task_is_a_tenant_task(world):
    with pytest.raises(TypeError, match="organisme_id"):
        export_dossier_produce.delay(export_id=1)


def test_status_page_polls_while_running_and_the_poll_is_not_audited(world, complet, client, login_as):
    with tenant_context(world.organisme.pk):
        export = ExportDossier.objects.create(
            organisme=world.organisme, dossier=complet, demande_par=world.direction, format="pdf",
            statut=StatutExport.EN_COURS, progression=40, etape="Mise en page du PDF", exclusions=["proche:1"],
        )  # fmt: skip
    login_as(world.direction)
    page = client.get(status_url(export))
    assert page.status_code == 200
    assert 'hx-trigger="every 2s"' in page.text and f'hx-get="{status_url(export)}"' in page.text
    assert '<progress id="export-progression" max="100" value="40">' in page.text
    assert "Mise en page du PDF" in page.text and "1 élément retiré" in page.text
    assert client.get(download_url(export)).status_code == 404  # not ready

    def reads():
        with tenant_context(world.organisme.pk):
            return AuditEntry.objects.filter(action=AuditAction.READ, record_type="dossiers.dossier").count()

    before = reads()
    fragment = client.get(status_url(export), headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text and "every 2s" in fragment.text
    assert reads() == before
    with tenant_context(world.organisme.pk):
        ExportDossier.objects.filter(pk=export.pk).update(statut=StatutExport.ECHEC, erreur="La production a échoué.")
    fragment = client.get(status_url(export), headers={"HX-Request": "true"})
    assert "every 2s" not in fragment.text and "La production a échoué." in fragment.text


def test_failure_is_recorded_and_notified(world, complet, client, login_as, django_capture_on_commit_callbacks,
                                          monkeypatch, caplog):  # fmt: skip
    def broken(*args, **kwargs):
        raise RuntimeError("WeasyPrint is down")

    monkeypatch.setattr(rgpd, "render_export", broken)
    login_as(world.direction)
    launch(client, complet, django_capture_on_commit_callbacks, format="pdf")
    export = last_export(world)
    assert export.statut == "echec" and export.progression == 40 and "a échoué" in export.erreur
    assert not export.fichier
    with tenant_context(world.organisme.pk):
        assert Notification.objects.get(categorie="export").titre.endswith("a échoué.")
    assert "a échoué" in client.get(status_url(export)).text


def test_unknown_exclusions_are_refused_before_launching(world, complet, client, login_as):
    other = factories.dossier_accompagne(world.dispositif)
    foreign = add_document(world, other, "Autre", donnees_tiers=True)
    login_as(world.direction)
    response = client.post(review_url(complet), {"format": "json", "exclure": [f"document:{foreign.pk}"]})
    assert response.status_code == 400
    response = client.post(review_url(complet), {"format": "xml"})
    assert response.status_code == 400
    with tenant_context(world.organisme.pk):
        assert not ExportDossier.objects.exists()


@pytest.fixture
def fini(world, complet, client, login_as, django_capture_on_commit_callbacks):
    login_as(world.direction)
    launch(client, complet, django_capture_on_commit_callbacks)
    client.logout()
    return last_export(world)


@pytest.mark.parametrize("persona", ["educateur", "lecteur", "psychologue", "admin"])
def test_only_the_direction(world, fini, client, login_as, persona):
    login_as(getattr(world, persona))
    assert client.get(status_url(fini)).status_code == 403
    assert client.get(download_url(fini)).status_code == 403
    assert client.post(review_url(fini.dossier), {"format": "json"}).status_code == 403


@pytest.mark.parametrize("persona", ["autre_educateur", "proche", "jeune"])
def test_other_organisme_and_family_accounts_get_404(world, fini, client, login_as, persona):
    login_as(getattr(world, persona))
    assert client.get(status_url(fini)).status_code == 404
    assert client.get(download_url(fini)).status_code == 404


def test_other_organisme_direction_gets_404(world, fini, client, login_as):
    login_as(factories.professionnel(world.dispositif_b, Metier.DIRECTION, email="direction@b.org"))
    assert client.get(download_url(fini)).status_code == 404


def test_export_of_another_dossier_is_404(world, fini, client, login_as):
    other = factories.dossier_accompagne(world.dispositif)
    login_as(world.direction)
    url = reverse("dossiers:export_telecharger", kwargs={"pk": other.pk, "export_pk": fini.pk})
    assert client.get(url).status_code == 404


def test_expired_exports_are_removed_by_the_beat(world, fini, complet, django_capture_on_commit_callbacks):
    name = fini.fichier.name
    with tenant_context(world.organisme.pk):
        recent = ExportDossier.objects.create(organisme=world.organisme, dossier=complet,
                                              demande_par=world.direction, format="pdf")  # fmt: skip
        ExportDossier.objects.filter(pk=fini.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True):
        assert exports_purge.delay(organisme_id=world.organisme.pk).get() == 1
    assert not default_storage.exists(name)
    with tenant_context(world.organisme.pk):
        assert list(ExportDossier.objects.values_list("pk", flat=True)) == [recent.pk]
        entry = AuditEntry.objects.get(record_type="dossiers.exportdossier", action=AuditAction.DELETE)
    assert entry.details == {"nombre": 1, "jours": 7}
    assert exports_purge.delay(organisme_id=world.organisme.pk).get() == 0  # idempotent


def test_beat_entry_names_the_registered_task(settings):
    from ditep.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["dossiers-exports-expires"]
    assert entry["task"] in app.tasks


def test_review_page_lists_recent_exports_in_constant_queries(world, complet, client, login_as):
    login_as(world.direction)

    def add(n):
        with tenant_context(world.organisme.pk):
            for _ in range(n):
                user = factories.professionnel(world.dispositif, Metier.DIRECTION)
                ExportDossier.objects.create(organisme=world.organisme, dossier=complet, demande_par=user,
                                             format="json")  # fmt: skip

    add(1)
    few = count_queries(lambda: client.get(review_url(complet)))
    add(9)
    assert count_queries(lambda: client.get(review_url(complet))) == few
    assert client.get(review_url(complet)).text.count("<td>En attente (0 %)</td>") == 10


def test_retention_purge_deletes_the_stored_exports(world, django_capture_on_commit_callbacks):
    from dossiers.models import Dossier, Jeune
    from dossiers.services.parcours import dossier_archive, dossier_close_pre_admission

    with tenant_context(world.organisme.pk):
        jeune = factories.JeuneFactory(organisme=world.organisme, date_naissance=datetime.date(1990, 1, 1))
    dossier = factories.dossier_en_pre_admission(world.dispositif, jeune=jeune, debut=datetime.date(2000, 1, 10))
    with tenant_context(world.organisme.pk):
        dossier_close_pre_admission(dossier=dossier, date=datetime.date(2000, 3, 1), issue="refus", actor=None)
        dossier_archive(dossier=dossier, actor=None)
        export = ExportDossier.objects.create(organisme=world.organisme, dossier=dossier, demande_par=world.direction,
                                              format="json")  # fmt: skip
    assert services.export_produce(export_id=export.pk, step=lambda: tenant_context(world.organisme.pk)) == "termine"
    with tenant_context(world.organisme.pk):
        export.refresh_from_db()
        name = export.fichier.name
        assert default_storage.exists(name)
        Dossier.objects.filter(pk=dossier.pk).update(archived_at=timezone.now() - datetime.timedelta(days=9000))
        dossier = Dossier.objects.select_related("jeune").get(pk=dossier.pk)
        with django_capture_on_commit_callbacks(execute=True):
            rgpd.dossier_purge(dossier=dossier, confirmation=rgpd.purge_confirmation(dossier), actor=world.direction)
        assert not ExportDossier.objects.exists() and not Jeune.objects.filter(pk=jeune.pk).exists()
    assert not default_storage.exists(name)
