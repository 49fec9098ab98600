"""The tenant wall, database side: every tenant table is under RLS, and the app role sees nothing without the
setting and only its own organisme's rows with it."""

import pytest
from django.apps import apps
from django.db import connection

from core import rls
from core.models import Dispositif
from core.tenancy import current_organisme_id, tenant_context

pytestmark = pytest.mark.django_db


def _tables_with_organisme_column():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND column_name = 'organisme_id'"
        )
        return {row[0] for row in cursor.fetchall()}


def _rls_state():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
            " EXISTS (SELECT 1 FROM pg_policies p WHERE p.tablename = c.relname AND p.policyname = %s)"
            " FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'",
            [rls.POLICY],
        )
        return {name: (enabled, forced, policy) for name, enabled, forced, policy in cursor.fetchall()}


def test_every_table_with_organisme_id_has_forced_rls_and_policy():
    state = _rls_state()
    tables = _tables_with_organisme_column() | {"core_organisme"}
    assert "core_user" in tables and "core_auditentry" in tables
    missing = sorted(t for t in tables if state[t] != (True, True, True))
    assert missing == []


def test_every_model_is_tenant_scoped_or_a_documented_exception():
    state = _rls_state()
    unprotected = {t for t, (enabled, forced, policy) in state.items() if not (enabled and forced and policy)}
    assert unprotected == set(rls.NON_TENANT_TABLES)
    # Every Django model table is in one of the two lists.
    for model in apps.get_models(include_auto_created=True):
        assert model._meta.db_table in state


def test_tenant_to_tenant_foreign_keys_are_composite():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace"
        )
        names = {row[0] for row in cursor.fetchall()}
    expected = {rls._name(child, column, suffix="org_fk") for child, column, _ in rls.composite_foreign_keys()}
    assert ("core_affectation", "dispositif_id", "core_dispositif") in rls.composite_foreign_keys()
    assert expected <= names


def test_app_role_is_not_privileged():
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False)


def test_raw_sql_sees_nothing_without_tenant_and_only_own_rows_with_it(world):
    tables = sorted(_tables_with_organisme_column())
    with tenant_context(None):
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - table names from the catalogue
                assert cursor.fetchone()[0] == 0, table
            cursor.execute("SELECT count(*) FROM core_organisme")
            assert cursor.fetchone()[0] == 0
    with tenant_context(world.organisme.pk):
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f'SELECT count(*) FROM "{table}" WHERE organisme_id <> %s', [world.organisme.pk])  # noqa: S608
                assert cursor.fetchone()[0] == 0, table
            cursor.execute("SELECT count(*) FROM core_dispositif")
            assert cursor.fetchone()[0] == 2
            cursor.execute("SELECT count(*) FROM core_user")
            assert cursor.fetchone()[0] == 7


def test_cannot_write_into_another_organisme(world):
    from django.db import DatabaseError

    with tenant_context(world.organisme.pk):
        with pytest.raises(DatabaseError):
            with tenant_context(world.organisme.pk):
                Dispositif.objects.create(organisme=world.organisme_b, nom="Intrus", finess="999999999")


def test_composite_key_refuses_cross_organisme_link(world):
    from django.db import IntegrityError

    from core.models import Site

    with tenant_context(world.organisme.pk):
        with pytest.raises(IntegrityError):
            with tenant_context(world.organisme.pk):
                Site.objects.create(organisme=world.organisme, dispositif_id=world.dispositif_b.pk, nom="Intrus")
                connection.check_constraints()  # deferred constraints are checked at commit


def test_tenant_context_restores_previous_value(world):
    with tenant_context(world.organisme.pk):
        with tenant_context(world.organisme_b.pk):
            assert current_organisme_id() == world.organisme_b.pk
        assert current_organisme_id() == world.organisme.pk


def test_audit_journal_is_append_only(world):
    from django.db import DatabaseError

    from core.models import AuditEntry

    with tenant_context(world.organisme.pk):
        assert AuditEntry.objects.exists()
        with pytest.raises(DatabaseError):
            with tenant_context(world.organisme.pk):
                AuditEntry.objects.update(reason="changed")
        with pytest.raises(DatabaseError):
            with tenant_context(world.organisme.pk):
                AuditEntry.objects.all().delete()
