"""Break-the-glass: a colleague opens a restricted dossier after typing a reason; limited in time, audited with the
reason, notified to the direction, listed on the direction's page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.enums import AuditAction
from core.models import AuditEntry, Notification
from core.tenancy import tenant_context
from dossiers.models import BrisDeGlace
from dossiers.services import acces as services
from tests import factories
from tests.helpers import assert_constant_queries

MOTIF = "Remplacement imprévu de la référente, appel de la famille"


@pytest.fixture
def restreint(world):
    dossier = factories.dossier_accompagne(world.dispositif)
    with tenant_context(world.organisme.pk):
        services.dossier_set_restreint(dossier=dossier, est_restreint=True, actor=world.direction)
    return dossier


def bris_url(dossier):
    return reverse("dossiers:bris_de_glace", kwargs={"pk": dossier.pk})


def dossier_url(dossier):
    return reverse("dossiers:dossier", kwargs={"pk": dossier.pk})


def test_break_the_glass_opens_the_dossier_for_four_hours(world, restreint, client, login_as, settings):
    login_as(world.educateur)
    assert client.get(dossier_url(restreint)).status_code == 403
    response = client.get(bris_url(restreint))
    assert response.status_code == 200
    assert "4 heures" in response.text
    before = timezone.now()
    response = client.post(bris_url(restreint), {"motif": MOTIF})
    assert response.status_code == 302
    assert response["Location"] == dossier_url(restreint)
    assert client.get(dossier_url(restreint)).status_code == 200
    with tenant_context(world.organisme.pk):
        bris = BrisDeGlace.objects.get(dossier=restreint, user=world.educateur)
        assert bris.motif == MOTIF
        hours = (bris.expire_le - before).total_seconds() / 3600
        assert 3.99 < hours < 4.01
        entry = AuditEntry.objects.get(action=AuditAction.BREAK_GLASS)
        assert (entry.record_type, entry.record_id, entry.reason) == ("dossiers.dossier", str(restreint.pk), MOTIF)
        assert entry.actor_id == world.educateur.pk
        notification = Notification.objects.get(recipient=world.direction)
        assert restreint.jeune.nom_naissance not in notification.titre
        assert restreint.jeune.prenom not in notification.titre
        assert notification.lien == reverse("dossiers:acces_exceptionnels")
        assert not Notification.objects.filter(recipient=world.educateur).exists()
        # it expires
        BrisDeGlace.objects.filter(pk=bris.pk).update(expire_le=timezone.now() - datetime.timedelta(minutes=1))
    assert client.get(dossier_url(restreint)).status_code == 403


def test_duration_is_a_setting(world, restreint, client, login_as, settings):
    settings.DITEP_BRIS_DE_GLACE_HEURES = 1
    login_as(world.lecteur)  # read-only colleagues may need it too
    client.post(bris_url(restreint), {"motif": MOTIF})
    with tenant_context(world.organisme.pk):
        bris = BrisDeGlace.objects.get(user=world.lecteur)
    assert (bris.expire_le - bris.ouvert_le) == datetime.timedelta(hours=1)


def test_reason_is_required_and_long_enough(world, restreint, client, login_as):
    login_as(world.educateur)
    for motif in ("", "urgence", "   quatorze car."):
        response = client.post(bris_url(restreint), {"motif": motif})
        assert response.status_code == 400
    assert "au moins 15 caractères" in response.text
    with tenant_context(world.organisme.pk):
        assert not BrisDeGlace.objects.exists()
        assert not AuditEntry.objects.filter(action=AuditAction.BREAK_GLASS).exists()


def test_who_may_break_the_glass(world, restreint, client, login_as):
    open_dossier = factories.dossier_accompagne(world.dispositif)
    login_as(world.educateur)
    assert client.get(bris_url(open_dossier)).status_code == 302  # nothing to break: straight to the dossier
    login_as(world.direction)
    assert client.post(bris_url(restreint), {"motif": MOTIF}).status_code == 302
    login_as(world.admin)  # no clinical content, not even by breaking the glass
    assert client.post(bris_url(restreint), {"motif": MOTIF}).status_code == 403
    ailleurs = factories.professionnel(world.autre_dispositif)
    login_as(ailleurs)  # not in the dossier's dispositif
    assert client.post(bris_url(restreint), {"motif": MOTIF}).status_code == 403
    login_as(world.autre_educateur)
    assert client.post(bris_url(restreint), {"motif": MOTIF}).status_code == 404
    for account in (world.proche, world.jeune):
        login_as(account)
        assert client.post(bris_url(restreint), {"motif": MOTIF}).status_code == 404
    with tenant_context(world.organisme.pk):
        assert not BrisDeGlace.objects.exists()


def test_direction_lists_break_the_glass_accesses(world, restreint, client, login_as):
    with tenant_context(world.organisme.pk):
        services.bris_de_glace_open(dossier=restreint, user=world.educateur, motif=MOTIF)
        old = services.bris_de_glace_open(dossier=restreint, user=world.lecteur, motif="Ancien accès, hors période")
        BrisDeGlace.objects.filter(pk=old.pk).update(ouvert_le=timezone.now() - datetime.timedelta(days=200))
    page = reverse("dossiers:acces_exceptionnels")
    login_as(world.direction)
    response = client.get(page)
    assert response.status_code == 200
    assert MOTIF in response.text and world.educateur.get_full_name() in response.text
    assert "Ancien accès" not in response.text  # default period: the last 90 days
    du = (timezone.localdate() - datetime.timedelta(days=365)).isoformat()
    response = client.get(page, {"du": du})
    assert "Ancien accès" in response.text
    assert "Accès exceptionnels" in client.get(reverse("core:gestion")).text  # « Gestion » page entry
    # the direction also sees it in the dossier's Accès tab
    assert MOTIF in client.get(reverse("dossiers:acces", kwargs={"pk": restreint.pk})).text
    for user in (world.educateur, world.admin):
        login_as(user)
        assert client.get(page).status_code == 403
    login_as(world.proche)
    assert client.get(page).status_code == 404


def test_break_the_glass_list_constant_queries(world, client, login_as):
    login_as(world.direction)

    def add_rows(n):
        for _ in range(n):
            dossier = factories.dossier_accompagne(world.dispositif)
            with tenant_context(world.organisme.pk):
                services.dossier_set_restreint(dossier=dossier, est_restreint=True, actor=world.direction)
                services.bris_de_glace_open(dossier=dossier, user=world.educateur, motif=MOTIF)

    assert_constant_queries(lambda: client.get(reverse("dossiers:acces_exceptionnels")), add_rows, many=8)
