"""Access to a restricted dossier: restriction, named grants (guardian direct-FK rows), dated delegations and their
daily beat, the Accès tab (personas, writes, "qui a consulté ce dossier", query counts)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.enums import AuditAction, Metier
from core.models import AuditEntry
from core.tenancy import Access, all_organisme_ids, tenant_context
from dossiers.models import AccesDelegue, Dossier, DossierUserObjectPermission
from dossiers.perms import can_read_dossier, granted_dossier_ids, needs_break_glass, readable_dossiers
from dossiers.services import acces as services
from tests import factories
from tests.helpers import assert_constant_queries, count_queries

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def access_of(user) -> Access:
    with tenant_context(user.organisme_id):
        return Access.for_user(user)


def can_open(user, dossier) -> bool:
    with tenant_context(user.organisme_id):
        access = Access.for_user(user)
        dossier = Dossier.objects.get(pk=dossier.pk)
        return can_read_dossier(access, dossier) and readable_dossiers(access).filter(pk=dossier.pk).exists()


@pytest.fixture
def restreint(world):
    dossier = factories.dossier_accompagne(world.dispositif)
    with tenant_context(world.organisme.pk):
        services.dossier_set_restreint(dossier=dossier, est_restreint=True, actor=world.direction)
    return dossier


@pytest.fixture
def chef(world):
    return factories.professionnel(world.dispositif, Metier.CHEF_DE_SERVICE, email="chef@a.org")


def grant(world, dossier, user, *, debut=None, fin=None, motif="Membre de l'équipe de soin"):
    with tenant_context(world.organisme.pk):
        return services.acces_delegue_create(
            dossier=dossier, user=user, motif=motif, debut=debut or TODAY(), fin=fin, actor=world.direction
        )


def sync(world, today=None):
    with tenant_context(world.organisme.pk):
        return services.delegations_sync(today=today)


# --- rules ---------------------------------------------------------------------------------------------------------


def test_restricted_dossier_hidden_from_colleague_visible_to_direction(world, restreint):
    assert not can_open(world.educateur, restreint)
    assert not can_open(world.lecteur, restreint)
    assert can_open(world.direction, restreint)
    assert needs_break_glass(access_of(world.educateur), restreint)
    with tenant_context(world.organisme.pk):
        assert not needs_break_glass(Access.for_user(world.admin), restreint)  # no clinical access at all


def test_referent_reads_restricted_dossier(world, restreint):
    with tenant_context(world.organisme.pk):
        Dossier.objects.filter(pk=restreint.pk).update(referent=world.educateur)
    assert can_open(world.educateur, restreint)
    assert not can_open(world.lecteur, restreint)


def test_grant_writes_guardian_row_with_organisme(world, restreint):
    acces = grant(world, restreint, world.educateur)
    assert acces.fin is None
    with tenant_context(world.organisme.pk):
        row = DossierUserObjectPermission.objects.get(content_object=restreint, user=world.educateur)
        assert row.organisme_id == world.organisme.pk
        assert row.permission.codename == "view_dossier_restreint"
        # guardian's own lookup (``get_perms``) reads the same direct-FK row
        from guardian.shortcuts import get_perms

        assert get_perms(world.educateur, restreint) == ["view_dossier_restreint"]
        entry = AuditEntry.objects.filter(record_type="dossiers.dossier", record_id=str(restreint.pk)).first()
        assert entry.details["acces"] == "acces_nominatif" and entry.details["professionnel"] == world.educateur.pk
    assert can_open(world.educateur, restreint)
    assert not can_open(world.lecteur, restreint)


def test_grant_refused_outside_the_dispositif_and_for_duplicates(world, restreint):
    ailleurs = factories.professionnel(world.autre_dispositif, Metier.EDUCATEUR)
    with pytest.raises(ValidationError, match="pas d'affectation dans ce dispositif"):
        grant(world, restreint, ailleurs)
    with pytest.raises(ValidationError, match="pas d'affectation"):
        grant(world, restreint, world.admin)  # admin_organisme only: no clinical access
    grant(world, restreint, world.educateur)
    with pytest.raises(ValidationError, match="déjà un accès"):
        grant(world, restreint, world.educateur, debut=TODAY() + 5 * DAY, fin=TODAY() + 9 * DAY)
    with pytest.raises(ValidationError, match="précéder"):
        grant(world, restreint, world.lecteur, debut=TODAY(), fin=TODAY() - DAY)
    with tenant_context(world.organisme.pk):
        assert DossierUserObjectPermission.objects.filter(content_object=restreint).count() == 1


def test_delegation_before_during_after_its_dates(world, restreint):
    debut, fin = TODAY() + 3 * DAY, TODAY() + 10 * DAY
    grant(world, restreint, world.psychologue, debut=debut, fin=fin, motif="Remplacement du médecin en congé")
    with tenant_context(world.organisme.pk):
        assert not DossierUserObjectPermission.objects.filter(user=world.psychologue).exists()
    assert not can_open(world.psychologue, restreint)

    assert sync(world, today=debut - DAY) == {"accordes": 0, "retires": 0}
    assert sync(world, today=debut) == {"accordes": 1, "retires": 0}
    assert sync(world, today=debut) == {"accordes": 0, "retires": 0}  # idempotent
    with tenant_context(world.organisme.pk):
        assert DossierUserObjectPermission.objects.filter(user=world.psychologue, content_object=restreint).exists()
    assert sync(world, today=fin) == {"accordes": 0, "retires": 0}
    assert sync(world, today=fin + DAY) == {"accordes": 0, "retires": 1}
    with tenant_context(world.organisme.pk):
        assert not DossierUserObjectPermission.objects.filter(user=world.psychologue).exists()
        states = [
            e.details["permission"]
            for e in AuditEntry.objects.filter(details__acces="calendrier", record_id=str(restreint.pk)).order_by(
                "at", "id"
            )
        ]
    assert states == ["accorde", "retire"]


def test_delegation_dates_hold_to_the_day_even_before_the_beat(world, restreint):
    """The read rule follows the schedule itself: an expired delegation no longer opens the dossier even if the
    beat has not revoked its guardian row yet; a due one opens it before the beat grants it."""
    acces = grant(world, restreint, world.psychologue, debut=TODAY(), fin=TODAY() + DAY)
    assert can_open(world.psychologue, restreint)
    with tenant_context(world.organisme.pk):
        AccesDelegue.objects.filter(pk=acces.pk).update(debut=TODAY() - 5 * DAY, fin=TODAY() - DAY)
        assert DossierUserObjectPermission.objects.filter(user=world.psychologue).exists()  # beat not run yet
    assert not can_open(world.psychologue, restreint)
    with tenant_context(world.organisme.pk):
        AccesDelegue.objects.filter(pk=acces.pk).update(fin=TODAY())
        DossierUserObjectPermission.objects.filter(user=world.psychologue).delete()  # beat not run yet
    assert can_open(world.psychologue, restreint)


def test_unscheduled_guardian_row_is_left_alone_by_the_beat(world, restreint):
    with tenant_context(world.organisme.pk):
        DossierUserObjectPermission.objects.create(
            organisme_id=world.organisme.pk, content_object=restreint, user=world.lecteur,
            permission=services._permission(),
        )  # fmt: skip
    assert sync(world) == {"accordes": 0, "retires": 0}
    assert can_open(world.lecteur, restreint)
    with tenant_context(world.organisme.pk):
        services.acces_retirer(dossier=restreint, user=world.lecteur, actor=world.direction)
    assert not can_open(world.lecteur, restreint)


def test_end_and_cancel_scheduled_access(world, restreint):
    started = grant(world, restreint, world.educateur, debut=TODAY() - 3 * DAY)
    future = grant(world, restreint, world.psychologue, debut=TODAY() + 2 * DAY, fin=TODAY() + 4 * DAY)
    with tenant_context(world.organisme.pk):
        services.acces_delegue_end(acces=started, actor=world.direction)
        started.refresh_from_db()
        assert started.fin == TODAY() - DAY
        services.acces_delegue_end(acces=future, actor=world.direction)
        assert not AccesDelegue.objects.filter(pk=future.pk).exists()
        with pytest.raises(ValidationError, match="déjà terminé"):
            services.acces_delegue_end(acces=started, actor=world.direction)
    assert not can_open(world.educateur, restreint)


def test_acces_retirer_ends_every_schedule_of_the_pair(world, restreint):
    grant(world, restreint, world.educateur, debut=TODAY() - 2 * DAY, fin=TODAY() + 2 * DAY)
    grant(world, restreint, world.educateur, debut=TODAY() + 10 * DAY, fin=TODAY() + 12 * DAY)
    with tenant_context(world.organisme.pk):
        services.acces_retirer(dossier=restreint, user=world.educateur, actor=world.direction)
        assert list(AccesDelegue.objects.filter(user=world.educateur).values_list("fin", flat=True)) == [TODAY() - DAY]
        with pytest.raises(ValidationError, match="pas d'accès nominatif"):
            services.acces_retirer(dossier=restreint, user=world.educateur, actor=world.direction)
    assert not can_open(world.educateur, restreint)
    assert sync(world) == {"accordes": 0, "retires": 0}


def test_granted_ids_cost_two_queries(world, restreint):
    grant(world, restreint, world.educateur)
    access = access_of(world.educateur)
    with tenant_context(world.organisme.pk):
        access.metiers  # noqa: B018 - resolved before counting
        assert count_queries(lambda: granted_dossier_ids(access)) == 2


def test_all_organisme_ids_reads_every_tenant_without_one(world):
    with tenant_context(None):
        ids = all_organisme_ids()
    assert {world.organisme.pk, world.organisme_b.pk} <= set(ids)


def test_beat_task_syncs_each_organisme(world, restreint):
    from dossiers.tasks_acces import delegations_sync_all

    with tenant_context(world.organisme.pk):
        acces = services.acces_delegue_create(
            dossier=restreint, user=world.psychologue, motif="Remplacement", debut=TODAY() + DAY,
            fin=TODAY() + 3 * DAY, actor=world.direction,
        )  # fmt: skip
        AccesDelegue.objects.filter(pk=acces.pk).update(debut=TODAY())  # it became due
    delegations_sync_all.delay()
    with tenant_context(world.organisme.pk):
        assert DossierUserObjectPermission.objects.filter(user=world.psychologue).exists()


# --- the Accès tab -------------------------------------------------------------------------------------------------


def url(dossier, name="dossiers:acces", **kwargs):
    return reverse(name, kwargs={"pk": dossier.pk, **kwargs})


def test_tab_personas(world, restreint, chef, client, login_as):
    login_as(world.direction)
    response = client.get(url(restreint))
    assert response.status_code == 200
    assert "Qui a consulté ce dossier" in response.text
    assert f"?type=dossiers.dossier&amp;id={restreint.pk}" in response.text
    assert "Exporter le dossier complet" in response.text
    open_dossier = factories.dossier_accompagne(world.dispositif)
    login_as(chef)
    response = client.get(url(open_dossier))
    assert response.status_code == 200
    assert "Exporter le dossier complet" not in response.text
    # a restricted dossier is opened by the direction and the named professionals only, chefs de service included
    assert client.get(url(restreint)).status_code == 403
    grant(world, restreint, chef)
    assert client.get(url(restreint)).status_code == 200
    login_as(world.educateur)
    response = client.get(url(restreint))
    assert response.status_code == 403  # restricted: the break-the-glass page
    assert reverse("dossiers:bris_de_glace", kwargs={"pk": restreint.pk}) in response.text
    assert client.get(url(open_dossier)).status_code == 403  # may read, may not manage access
    login_as(world.lecteur)
    assert client.get(url(open_dossier)).status_code == 403
    login_as(world.admin)
    assert client.get(url(open_dossier)).status_code == 403
    login_as(world.autre_educateur)
    assert client.get(url(open_dossier)).status_code == 404
    for account in (world.proche, world.jeune):
        login_as(account)
        assert client.get(url(open_dossier)).status_code == 404


def test_tab_visible_only_to_managers(world, chef):
    from dossiers import tabs

    dossier = factories.dossier_accompagne(world.dispositif)
    keys = lambda user: [t["key"] for t in tabs.tabs_for(access_of(user), dossier, "synthese")]  # noqa: E731
    assert "acces" in keys(world.direction)
    assert "acces" in keys(chef)
    assert "acces" not in keys(world.educateur)


def test_restrict_and_open_from_the_tab(world, chef, client, login_as):
    dossier = factories.dossier_accompagne(world.dispositif)
    login_as(world.educateur)
    assert client.post(url(dossier, "dossiers:acces_restriction"), {"est_restreint": "1"}).status_code == 403
    login_as(chef)
    assert client.get(url(dossier, "dossiers:acces_restriction")).status_code == 405
    response = client.post(url(dossier, "dossiers:acces_restriction"), {"est_restreint": "1"})
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        assert Dossier.objects.get(pk=dossier.pk).est_restreint
    assert not can_open(world.educateur, dossier)
    # the chef who restricted it keeps a named access (listed in the tab, removable by the direction)
    assert can_open(chef, dossier)
    with tenant_context(world.organisme.pk):
        assert AccesDelegue.objects.get(dossier=dossier).user_id == chef.pk
    assert client.post(url(dossier, "dossiers:acces_restriction"), {"est_restreint": "0"}).status_code == 302
    assert can_open(world.educateur, dossier)
    login_as(world.autre_educateur)
    assert client.post(url(dossier, "dossiers:acces_restriction"), {"est_restreint": "1"}).status_code == 404


def test_grant_delegation_and_end_from_the_tab(world, restreint, client, login_as):
    login_as(world.direction)
    response = client.get(url(restreint))
    assert world.educateur.get_full_name() in response.text  # among the candidates
    response = client.post(
        url(restreint, "dossiers:acces_accorder"),
        {"user": world.psychologue.pk, "motif": "Remplacement du médecin", "debut": TODAY(), "fin": TODAY() + DAY},
    )
    assert response.status_code == 302
    assert can_open(world.psychologue, restreint)
    # an invalid form is shown again with its errors, nothing written
    response = client.post(
        url(restreint, "dossiers:acces_accorder"),
        {"user": world.educateur.pk, "motif": "x", "debut": TODAY(), "fin": TODAY() - DAY},
    )
    assert response.status_code == 400
    assert "La fin ne peut pas précéder le début." in response.text
    # the service's refusal lands on the form
    response = client.post(
        url(restreint, "dossiers:acces_accorder"),
        {"user": world.psychologue.pk, "motif": "Encore", "debut": TODAY()},
    )
    assert response.status_code == 400
    assert "déjà un accès" in response.text
    with tenant_context(world.organisme.pk):
        acces = AccesDelegue.objects.get(user=world.psychologue)
    response = client.post(url(restreint, "dossiers:acces_terminer", acces_pk=acces.pk))
    assert response.status_code == 302
    assert not can_open(world.psychologue, restreint)


def test_tab_writes_refused_to_read_only_and_other_organisme(world, restreint, client, login_as):
    grant(world, restreint, world.lecteur)
    with tenant_context(world.organisme.pk):
        acces = AccesDelegue.objects.get(user=world.lecteur)
    data = {"user": world.educateur.pk, "motif": "Membre", "debut": TODAY()}
    login_as(world.lecteur)  # may open the dossier (granted), may not manage its access
    assert client.post(url(restreint, "dossiers:acces_accorder"), data).status_code == 403
    assert client.post(url(restreint, "dossiers:acces_terminer", acces_pk=acces.pk)).status_code == 403
    assert client.post(url(restreint, "dossiers:acces_retirer", user_pk=world.lecteur.pk)).status_code == 403
    login_as(world.autre_educateur)
    assert client.post(url(restreint, "dossiers:acces_accorder"), data).status_code == 404
    assert can_open(world.lecteur, restreint)


def test_tab_lists_who_consulted_newest_first(world, restreint, client, login_as):
    from dossiers.services.documents import document_create

    with tenant_context(world.organisme.pk):
        doc = document_create(
            dossier=restreint, content=b"%PDF-1.4\n%%EOF\n", nom_fichier="bilan.pdf", type="bilan",
            titre="Bilan orthophonique", actor=world.direction,
        )  # fmt: skip
    login_as(world.direction)
    client.get(reverse("dossiers:dossier", kwargs={"pk": restreint.pk}))
    response = client.get(url(restreint))
    text = response.text
    assert "Document : Bilan orthophonique" in text
    assert text.index("Consultation") < text.index("Création")  # newest first
    assert doc.pk


def test_tab_constant_queries(world, restreint, client, login_as, django_assert_max_num_queries):
    login_as(world.direction)
    others = [factories.professionnel(world.dispositif, Metier.EDUCATEUR) for _ in range(3)]

    def add_rows(n):
        with tenant_context(world.organisme.pk):
            for _ in range(n):
                AuditEntry.objects.create(
                    organisme=world.organisme, actor=world.educateur, actor_label="Éducateur <e@a.org>",
                    action=AuditAction.READ, record_type="dossiers.dossier", record_id=str(restreint.pk),
                )  # fmt: skip
            for user in others[: min(n, len(others))]:
                if not AccesDelegue.objects.filter(user=user).exists():
                    services.acces_delegue_create(
                        dossier=restreint, user=user, motif="Équipe", debut=TODAY(), actor=world.direction
                    )

    count = assert_constant_queries(lambda: client.get(url(restreint)), add_rows)
    # session, user, tenant setting x2, access, dossier, READ audit, schedule, history, unscheduled, break-glass,
    # log count + page, candidates, OTP device... a fixed number whatever the rows.
    assert count < 30
