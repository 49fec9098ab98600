"""Once validated, a transmission cannot be changed: the database refuses UPDATE and DELETE of the row and any
change of its youths, even in raw SQL as the application role (RLS applies, the role cannot disable triggers)."""

import pytest
from django.db import DatabaseError, connection, transaction

from core.db import app_role
from core.tenancy import tenant_context
from transmissions.services import transmission_create_draft, transmission_write

INSERT_LINK = (
    "INSERT INTO transmissions_transmissionjeune (organisme_id, transmission_id, jeune_id) VALUES (%s, %s, %s)"
)


def _sql(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@pytest.fixture
def validee(tw):
    with tenant_context(tw.organisme.pk):
        return transmission_write(
            auteur=tw.educateur, dispositif=tw.dispositif, categorie=tw.categories["incident"], jeunes=[tw.jeune],
            texte="Chute dans l'escalier, pas de blessure.",
        )  # fmt: skip


def test_runs_as_the_unprivileged_app_role(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        user, is_super, bypass = cursor.fetchone()
    assert user == app_role() and not is_super and not bypass


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE transmissions_transmission SET texte = 'réécrit' WHERE id = %s",
        "UPDATE transmissions_transmission SET statut = 'brouillon' WHERE id = %s",
        "UPDATE transmissions_transmission SET importance = 'importante' WHERE id = %s",
        "DELETE FROM transmissions_transmission WHERE id = %s",
        "DELETE FROM transmissions_transmissionjeune WHERE transmission_id = %s",
        "UPDATE transmissions_transmissionjeune SET jeune_id = jeune_id WHERE transmission_id = %s",
    ],
)
def test_validated_transmission_refuses_raw_update_and_delete(tw, validee, sql):
    with tenant_context(tw.organisme.pk):
        with pytest.raises(DatabaseError):
            _sql(sql, [validee.pk])
        with connection.cursor() as cursor:
            cursor.execute("SELECT texte, statut FROM transmissions_transmission WHERE id = %s", [validee.pk])
            assert cursor.fetchone() == ("Chute dans l'escalier, pas de blessure.", "validee")
            cursor.execute(
                "SELECT count(*) FROM transmissions_transmissionjeune WHERE transmission_id = %s", [validee.pk]
            )
            assert cursor.fetchone()[0] == 1


def test_validated_transmission_refuses_a_new_youth(tw, validee):
    with tenant_context(tw.organisme.pk), pytest.raises(DatabaseError):
        _sql(
            INSERT_LINK,
            [tw.organisme.pk, validee.pk, tw.jeune2.pk],
        )


def test_orm_update_and_delete_fail_too(tw, validee):
    from transmissions.models import Transmission

    with tenant_context(tw.organisme.pk):
        with pytest.raises(DatabaseError), transaction.atomic():
            Transmission.objects.filter(pk=validee.pk).update(texte="x")
        with pytest.raises(DatabaseError), transaction.atomic():
            Transmission.objects.filter(pk=validee.pk).delete()


def test_draft_can_be_updated_and_its_youths_changed_in_raw_sql(tw):
    with tenant_context(tw.organisme.pk):
        draft = transmission_create_draft(
            auteur=tw.educateur, dispositif=tw.dispositif, categorie=tw.categories["sante"], jeunes=[tw.jeune]
        )
        assert _sql("UPDATE transmissions_transmission SET texte = 'brouillon tapé' WHERE id = %s", [draft.pk]) == 1
        assert _sql("DELETE FROM transmissions_transmissionjeune WHERE transmission_id = %s", [draft.pk]) == 1
        assert (
            _sql(
                INSERT_LINK,
                [tw.organisme.pk, draft.pk, tw.jeune2.pk],
            )
            == 1
        )
        draft.refresh_from_db()
        assert draft.texte == "brouillon tapé"
        assert _sql("DELETE FROM transmissions_transmissionjeune WHERE transmission_id = %s", [draft.pk]) == 1
        assert _sql("DELETE FROM transmissions_transmission WHERE id = %s", [draft.pk]) == 1
