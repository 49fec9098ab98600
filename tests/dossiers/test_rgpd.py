"""Right of access export (review of flagged items, PDF / JSON content, audit) and retention (candidates, monthly
notification, purge after typed confirmation)."""

import datetime
import json
import time

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from core.enums import AuditAction
from core.models import AuditEntry, Notification, Organisme
from core.tenancy import tenant_context
from dossiers.models import (
    Document,
    Dossier,
    EvenementIndesirable,
    Jeune,
    NotificationMdph,
    PeriodeScolaire,
    Proche,
    SituationComplexe,
)
from dossiers.services import rgpd
from dossiers.services.documents import document_create
from dossiers.services.parcours import dossier_archive, dossier_close_pre_admission
from tests import factories
from tests.helpers import count_queries

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def add_document(world, dossier, titre, **kwargs):
    with tenant_context(world.organisme.pk):
        return document_create(
            dossier=dossier, content=PDF, nom_fichier=f"{titre}.pdf", type=kwargs.pop("type", "bilan"), titre=titre,
            actor=world.direction, **kwargs,
        )  # fmt: skip


@pytest.fixture
def complet(world):
    """A dossier with something in every part, and items to review."""
    dossier = factories.dossier_accompagne(world.dispositif)
    with tenant_context(world.organisme.pk):
        jeune = dossier.jeune
        org = world.organisme.pk
        Proche.objects.create(organisme_id=org, jeune=jeune, nom="Martin", prenom="Claire", lien="MTH",
                              representant_legal=True)  # fmt: skip
        Proche.objects.create(organisme_id=org, jeune=jeune, nom="Martin", prenom="Paul", lien="FTH",
                              mesure_protection="Retrait de l'autorité parentale (jugement du 2/3/2024)")  # fmt: skip
        PeriodeScolaire.objects.create(organisme_id=org, jeune=jeune, debut=datetime.date(2025, 9, 1),
                                       type_enseignement="13", demi_journees=6)  # fmt: skip
        NotificationMdph.objects.create(
            organisme_id=org, jeune=jeune, dossier=dossier, date_decision=datetime.date(2025, 6, 1),
            date_debut=datetime.date(2025, 7, 1), date_fin=datetime.date(2030, 6, 30), modalites_entree=["internat"],
        )  # fmt: skip
        SituationComplexe.objects.create(organisme_id=org, dossier=dossier, debut=datetime.date(2025, 11, 2),
                                         motif="Rupture de scolarité")  # fmt: skip
        EvenementIndesirable.objects.create(
            organisme_id=org, dispositif=world.dispositif, dossier=dossier, survenu_le=timezone.now(),
            faits="Bagarre dans la cour", personnes_impliquees="Un autre jeune, nommé", gravite="moderee",
            declare_par=world.educateur,
        )  # fmt: skip
    add_document(world, dossier, "Bilan psychologique")
    add_document(world, dossier, "Signalement avec témoignages", donnees_tiers=True)
    add_document(world, dossier, "Ordonnance du juge des enfants", type="decision_judiciaire")
    return dossier


def export_url(dossier):
    return reverse("dossiers:rgpd_export", kwargs={"pk": dossier.pk})


def keys(world, dossier):
    with tenant_context(world.organisme.pk):
        return {item.key: item for item in rgpd.flagged_items(dossier)}


def test_review_page_lists_flagged_items(world, complet, client, login_as):
    flagged = keys(world, complet)
    assert len(flagged) == 4  # 2 documents, 1 proche under a judicial measure, 1 adverse event naming others
    login_as(world.direction)
    response = client.get(export_url(complet))
    assert response.status_code == 200
    for title in ("Signalement avec témoignages", "Ordonnance du juge des enfants", "Retrait de l&#x27;autorité"):
        assert title in response.text
    assert "Bilan psychologique" not in response.text


# The export is produced in the background: its content, file and download are tested in test_exports.py.


def test_export_refuses_unknown_exclusions(world, complet, client, login_as):
    other = factories.dossier_accompagne(world.dispositif)
    foreign = add_document(world, other, "Autre", donnees_tiers=True)
    login_as(world.direction)
    response = client.post(export_url(complet), {"format": "json", "exclure": [f"document:{foreign.pk}"]})
    assert response.status_code == 400
    with tenant_context(world.organisme.pk):
        assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_export_personas(world, complet, client, login_as):
    for user in (world.educateur, world.lecteur, world.psychologue, world.admin):
        login_as(user)
        assert client.get(export_url(complet)).status_code == 403
        assert client.post(export_url(complet), {"format": "json"}).status_code == 403
    for user in (world.autre_educateur, world.proche, world.jeune):
        login_as(user)
        assert client.post(export_url(complet), {"format": "json"}).status_code == 404


def test_build_export_constant_queries(world):
    dossier = factories.dossier_accompagne(world.dispositif)

    def run():
        with tenant_context(world.organisme.pk):
            d = Dossier.objects.select_related("jeune", "dispositif", "organisme", "site", "referent",
                                               "coordinateur").get(pk=dossier.pk)  # fmt: skip
            rgpd.build_export(d)

    baseline = count_queries(run)
    for i in range(10):
        add_document(world, dossier, f"Document {i}", donnees_tiers=bool(i % 2))
    with tenant_context(world.organisme.pk):
        for i in range(5):
            Proche.objects.create(organisme=world.organisme, jeune=dossier.jeune, nom=f"P{i}", lien="FRND")
    assert count_queries(run) == baseline


@pytest.mark.parametrize("fmt", ["json", "pdf"])
def test_export_time_for_a_large_dossier(world, fmt):
    """Synchronous export budget: about 2 s for a large dossier (200 documents, 3,000 access-log rows)."""
    dossier = factories.dossier_accompagne(world.dispositif)
    with tenant_context(world.organisme.pk):
        docs = Document.objects.bulk_create(
            [
                Document(
                    organisme=world.organisme, dossier=dossier, type="bilan", titre=f"Compte rendu {i}",
                    fichier=f"documents/x/{i}", nom_fichier=f"{i}.pdf", content_type="application/pdf", taille=10,
                    sha256="0" * 64, uploaded_by=world.educateur,
                )
                for i in range(200)
            ]
        )  # fmt: skip
        AuditEntry.objects.bulk_create(
            [
                AuditEntry(
                    organisme=world.organisme, actor=world.educateur, actor_label="Anne Éduc <a@a.org>",
                    action=AuditAction.READ, record_type="dossiers.document", record_id=str(docs[i % 200].pk),
                    record_label=f"Compte rendu {i % 200}",
                )
                for i in range(3000)
            ]
        )  # fmt: skip
        d = Dossier.objects.select_related("jeune", "dispositif", "organisme").get(pk=dossier.pk)
        start = time.perf_counter()
        content, _, _ = rgpd.dossier_export(dossier=d, format=fmt, exclude=set(), actor=world.direction)
        elapsed = time.perf_counter() - start
    print(f"\nexport {fmt}: {elapsed:.2f} s, {len(content) // 1024} Kio")
    assert elapsed < (2 if fmt == "json" else 20)


# --- retention -----------------------------------------------------------------------------------------------------


def archived(world, *, naissance=datetime.date(1990, 1, 1), debut=datetime.date(2000, 1, 10),
             fin=datetime.date(2000, 3, 1)):  # fmt: skip
    with tenant_context(world.organisme.pk):
        jeune = factories.JeuneFactory(organisme=world.organisme, date_naissance=naissance)
    dossier = factories.dossier_en_pre_admission(world.dispositif, jeune=jeune, debut=debut)
    with tenant_context(world.organisme.pk):
        dossier_close_pre_admission(dossier=dossier, date=fin, issue="refus", actor=world.direction)
        dossier_archive(dossier=dossier, actor=world.direction)
    return dossier


def candidates(world):
    with tenant_context(world.organisme.pk):
        return set(rgpd.conservation_candidates(world.organisme).values_list("pk", flat=True))


def test_candidates_respect_duration_and_28th_birthday(world):
    old = archived(world)
    recent = archived(world, debut=datetime.date(2020, 1, 1), fin=datetime.date(2020, 2, 1))
    young = archived(world, naissance=timezone.localdate().replace(year=timezone.localdate().year - 27))
    factories.dossier_accompagne(world.dispositif)  # not archived
    assert candidates(world) == {old.pk}
    assert young.pk and recent.pk
    with tenant_context(world.organisme.pk):
        Organisme.objects.filter(pk=world.organisme.pk).update(duree_conservation_annees=2)
        world.organisme.refresh_from_db()
    assert candidates(world) == {old.pk, recent.pk}


def test_monthly_task_notifies_the_direction(world):
    from dossiers.tasks_acces import conservation_check_all

    archived(world)
    conservation_check_all.delay()
    with tenant_context(world.organisme.pk):
        notification = Notification.objects.get(recipient=world.direction, categorie="conservation")
        assert notification.titre.startswith("1 dossier archivé a dépassé")
        assert notification.lien == reverse("dossiers:conservation")
        assert not Notification.objects.filter(recipient=world.educateur).exists()


def test_conservation_page_personas_and_queries(world, client, login_as, django_assert_num_queries):
    from tests.helpers import assert_constant_queries

    page = reverse("dossiers:conservation")
    login_as(world.direction)
    assert_constant_queries(lambda: client.get(page), lambda n: [archived(world) for _ in range(n)], many=6)
    response = client.get(page)
    assert response.status_code == 200 and "Supprimer" in response.text
    for user in (world.educateur, world.admin, world.lecteur):
        login_as(user)
        assert client.get(page).status_code == 403
    for user in (world.proche, world.jeune):
        login_as(user)
        assert client.get(page).status_code == 404


def test_purge_needs_typed_confirmation_then_deletes_everything(
    world, client, login_as, django_capture_on_commit_callbacks
):
    dossier = archived(world)
    with tenant_context(world.organisme.pk):
        Dossier.objects.filter(pk=dossier.pk).update(archived_at=None)  # documents are added before archiving
        dossier.archived_at = None
    doc = add_document(world, dossier, "Bilan")
    with tenant_context(world.organisme.pk):
        Dossier.objects.filter(pk=dossier.pk).update(archived_at=timezone.now() - datetime.timedelta(days=9000))
        jeune = dossier.jeune
        proche_compte = factories.UserFactory(organisme=world.organisme, kind="proche", email="p@purge.org")
        Proche.objects.create(organisme=world.organisme, jeune=jeune, nom="X", lien="MTH", compte=proche_compte)
        ei = EvenementIndesirable.objects.create(
            organisme=world.organisme, dispositif=world.dispositif, dossier=dossier, survenu_le=timezone.now(),
            faits="Fugue", gravite="grave", declare_par=world.educateur,
        )  # fmt: skip
    num, name = jeune.num, jeune.nom_naissance
    assert default_storage.exists(doc.fichier.name)
    url = reverse("dossiers:conservation_purge", kwargs={"pk": dossier.pk})

    login_as(world.educateur)
    assert client.post(url, {"confirmation": f"SUPPRIMER {num}"}).status_code == 403
    login_as(world.direction)
    assert client.get(url).status_code == 200
    response = client.post(url, {"confirmation": "supprimer"})
    assert response.status_code == 400
    with tenant_context(world.organisme.pk):
        assert Dossier.objects.filter(pk=dossier.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirmation": f"SUPPRIMER {num}"})
    assert response.status_code == 302
    assert not default_storage.exists(doc.fichier.name)
    with tenant_context(world.organisme.pk):
        assert not Dossier.objects.filter(pk=dossier.pk).exists()
        assert not Jeune.objects.filter(pk=jeune.pk).exists()
        assert not Document.objects.filter(pk=doc.pk).exists()
        assert not Proche.objects.filter(jeune_id=jeune.pk).exists()
        proche_compte.refresh_from_db()
        assert not proche_compte.is_active
        ei.refresh_from_db()
        assert ei.dossier_id is None  # the establishment's record stays, unlinked
        entry = AuditEntry.objects.get(action=AuditAction.DELETE, record_type="dossiers.dossier")
    assert entry.record_id == str(dossier.pk)
    assert num in entry.record_label and name not in entry.record_label
    assert entry.details["num"] == num and entry.details["documents"] == 1 and entry.details["jeune_supprime"]
    assert name not in json.dumps(entry.details)


def test_purge_refused_before_the_end_of_retention(world, client, login_as):
    dossier = archived(world, debut=datetime.date(2020, 1, 1), fin=datetime.date(2020, 2, 1))
    login_as(world.direction)
    url = reverse("dossiers:conservation_purge", kwargs={"pk": dossier.pk})
    assert client.post(url, {"confirmation": f"SUPPRIMER {dossier.jeune.num}"}).status_code == 404
    with tenant_context(world.organisme.pk):
        assert Dossier.objects.filter(pk=dossier.pk).exists()
        with pytest.raises(Exception, match="durée de conservation"):
            rgpd.dossier_purge(dossier=dossier, confirmation=f"SUPPRIMER {dossier.jeune.num}", actor=world.direction)
    login_as(world.autre_educateur)
    assert client.post(url, {"confirmation": "x"}).status_code in (403, 404)


def test_purge_keeps_the_youth_with_another_dossier(world, django_capture_on_commit_callbacks):
    dossier = archived(world)
    factories.dossier_en_pre_admission(world.autre_dispositif, jeune=dossier.jeune)
    with django_capture_on_commit_callbacks(execute=True), tenant_context(world.organisme.pk):
        details = rgpd.dossier_purge(
            dossier=dossier, confirmation=f"SUPPRIMER {dossier.jeune.num}", actor=world.direction
        )
        assert not details["jeune_supprime"]
        assert Jeune.objects.filter(pk=dossier.jeune_id).exists()
