"""The tenant wall, database side. Applied after every ``migrate`` (run as the owner role), derived from the models.

1. Every table with an ``organisme_id`` column: ENABLE + FORCE ROW LEVEL SECURITY and the policy
   ``tenant_isolation`` on ``current_setting('app.organisme_id', true)``; ``core_organisme`` itself by its ``id``.
2. Tables without ``organisme_id`` that hold rows of a tenant table (auto-created many-to-many tables, the
   per-user tables of django-otp and django-guardian, ``core_user_groups``...): a policy that lets a row through
   only when its parent row is visible (the parent is itself under RLS).
3. Every foreign key between two tenant tables gets a composite ``(organisme_id, fk) -> (organisme_id, id)``
   constraint, so that a row can never point into another organisme (plain FKs bypass RLS).
4. The application role gets DML on every table, and loses UPDATE/DELETE on append-only tables.
5. Pre-tenant lookups (login, password reset, API token, import by FINESS) go through SECURITY DEFINER
   functions owned by the owner, each returning only ids; a SELECT policy for the owner role lets them read.
   Other apps add theirs with ``register_lookup_sql()`` from an ``<app>/rls.py`` module (imported by ``apply()``),
   so that core never names their tables.

Tables left without RLS, on purpose (they hold no tenant data, or are read before any tenant is known):
``NON_TENANT_TABLES`` below; docs/architecture.md explains each.
"""

import hashlib

from django.apps import apps
from django.db import connection, models, transaction
from django.utils.module_loading import autodiscover_modules
from psycopg import sql

from core.db import app_role

POLICY = "tenant_isolation"
OWNER_LOOKUP_POLICY = "owner_lookup"
TENANT_EXPR = "NULLIF(current_setting('app.organisme_id', true), '')::bigint"

NON_TENANT_TABLES = {
    "django_migrations": "schema history",
    "django_content_type": "model catalogue",
    "auth_permission": "permission catalogue",
    "auth_group": "unused (no groups): roles live in Affectation",
    "auth_group_permissions": "unused (no groups)",
    "django_session": "looked up by an unguessable key before the tenant is known; holds ids only",
    "axes_accessattempt": "login lockout counters, read before the tenant is known",
    "axes_accessattemptexpiration": "login lockout counters",
    "axes_accesslog": "unused (AXES_DISABLE_ACCESS_LOG)",
    "axes_accessfailurelog": "login failures, read before the tenant is known",
    "guardian_groupobjectpermission": "unused (no groups)",
    "core_serafincode": "national SERAFIN-PH reference, the same for every organisme (read-only for the app)",
}

# Tables the application role may only INSERT into and SELECT from.
APPEND_ONLY_TABLES = {"core_auditentry"}
# Tables the application role may only read.
READ_ONLY_TABLES = {"django_migrations", "django_content_type", "auth_permission", "core_serafincode"}

LOOKUP_TABLES = ("core_user", "core_apitoken", "core_organisme")

LOOKUP_FUNCTIONS = """
CREATE OR REPLACE FUNCTION ditep_auth_lookup_email(p_email text)
RETURNS TABLE(user_id bigint, organisme_id bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT u.id, u.organisme_id FROM core_user u WHERE lower(u.email) = lower(p_email)
$$;
CREATE OR REPLACE FUNCTION ditep_auth_lookup_user(p_user_id bigint)
RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT u.organisme_id FROM core_user u WHERE u.id = p_user_id
$$;
CREATE OR REPLACE FUNCTION ditep_auth_lookup_token(p_key_hash text)
RETURNS TABLE(user_id bigint, organisme_id bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT t.user_id, t.organisme_id FROM core_apitoken t
    WHERE t.key_hash = p_key_hash AND t.revoked_at IS NULL
$$;
CREATE OR REPLACE FUNCTION ditep_organisme_by_finess(p_finess text)
RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT o.id FROM core_organisme o WHERE o.finess_juridique = p_finess
$$;
CREATE OR REPLACE FUNCTION ditep_organisme_ids()
RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT o.id FROM core_organisme o ORDER BY o.id
$$;
"""

# Lookups of other apps: (SQL creating SECURITY DEFINER functions, tables they read), see register_lookup_sql().
_APP_LOOKUPS: list[tuple[str, tuple[str, ...]]] = []


def register_lookup_sql(sql_text: str, tables: tuple[str, ...]) -> None:
    """Add an app's pre-tenant lookup functions (``CREATE OR REPLACE FUNCTION ... SECURITY DEFINER``, pinned
    ``search_path``, returning ids only) and the tables they read (they get the ``owner_lookup`` SELECT policy).
    Call it at import time of ``<app>/rls.py``: ``apply()`` imports that module of every installed app."""
    entry = (sql_text, tuple(tables))
    if entry not in _APP_LOOKUPS:
        _APP_LOOKUPS.append(entry)


def _is_tenant_model(model) -> bool:
    try:
        field = model._meta.get_field("organisme")
    except Exception:  # noqa: BLE001 - FieldDoesNotExist and reverse relations alike
        return False
    return getattr(field, "related_model", None) is apps.get_model("core", "Organisme") and field.concrete


def tenant_models():
    return [m for m in apps.get_models(include_auto_created=True) if _is_tenant_model(m) and m._meta.managed]


def _tenant_tables() -> set[str]:
    return {m._meta.db_table for m in tenant_models()} | {"core_organisme"}


def parent_linked_tables() -> dict[str, tuple[str, str]]:
    """Tables without ``organisme_id`` holding rows of a tenant table, directly or through another such table
    (otp static tokens -> static devices -> users): table -> (fk column, parent table)."""
    protected = _tenant_tables()
    linked: dict[str, tuple[str, str]] = {}
    models_ = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed]
    changed = True
    while changed:
        changed = False
        for model in models_:
            table = model._meta.db_table
            if table in protected:
                continue
            for field in model._meta.concrete_fields:
                if isinstance(field, models.ForeignKey) and field.related_model._meta.db_table in protected:
                    linked[table] = (field.column, field.related_model._meta.db_table)
                    protected.add(table)
                    changed = True
                    break
    return linked


def composite_foreign_keys() -> list[tuple[str, str, str]]:
    """(child table, fk column, parent table) for every FK between two tenant models (Organisme excluded)."""
    result = []
    for model in tenant_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.ForeignKey) or field.name == "organisme":
                continue
            if _is_tenant_model(field.related_model):
                result.append((model._meta.db_table, field.column, field.related_model._meta.db_table))
    return result


def _name(*parts: str, suffix: str) -> str:
    raw = "_".join(parts)
    if len(raw) + len(suffix) + 1 <= 63:
        return f"{raw}_{suffix}"
    digest = hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"{raw[: 63 - len(suffix) - 10]}_{digest}_{suffix}"


def _execute(cursor, statement, params=None):
    cursor.execute(statement, params)


def _enable(cursor, table: str, using: sql.Composable) -> None:
    ident = sql.Identifier(table)
    _execute(cursor, sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(ident))
    _execute(cursor, sql.SQL("ALTER TABLE {} FORCE ROW LEVEL SECURITY").format(ident))
    _execute(cursor, sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier(POLICY), ident))
    _execute(
        cursor,
        sql.SQL("CREATE POLICY {} ON {} USING ({}) WITH CHECK ({})").format(
            sql.Identifier(POLICY), ident, using, using
        ),
    )


def _existing_constraints(cursor) -> set[str]:
    cursor.execute("SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace")
    return {row[0] for row in cursor.fetchall()}


def apply(cursor, app_role: str | None) -> None:
    """Idempotent: safe to run after every migrate."""
    existing = _existing_constraints(cursor)
    tenant_expr = sql.SQL(TENANT_EXPR)
    for table in sorted(_tenant_tables()):
        column = "id" if table == "core_organisme" else "organisme_id"
        _enable(cursor, table, sql.SQL("{} = {}").format(sql.Identifier(column), tenant_expr))
    for table, (column, parent) in sorted(parent_linked_tables().items()):
        using = sql.SQL("EXISTS (SELECT 1 FROM {parent} p WHERE p.id = {table}.{column})").format(
            parent=sql.Identifier(parent), table=sql.Identifier(table), column=sql.Identifier(column)
        )
        _enable(cursor, table, using)

    parents = {parent for _, _, parent in composite_foreign_keys()}
    for parent in sorted(parents):
        name = _name(parent, suffix="org_id_uniq")
        if name not in existing:
            _execute(
                cursor,
                sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} UNIQUE (organisme_id, id)").format(
                    sql.Identifier(parent), sql.Identifier(name)
                ),
            )
    for child, column, parent in composite_foreign_keys():
        name = _name(child, column, suffix="org_fk")
        if name not in existing:
            _execute(
                cursor,
                sql.SQL(
                    "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY (organisme_id, {}) REFERENCES {} (organisme_id, id)"
                    " DEFERRABLE INITIALLY DEFERRED"
                ).format(sql.Identifier(child), sql.Identifier(name), sql.Identifier(column), sql.Identifier(parent)),
            )

    # Pre-tenant lookups: SECURITY DEFINER functions run as the owner, who may read these tables.
    autodiscover_modules("rls")
    app_tables = [table for _, tables in _APP_LOOKUPS for table in tables]
    for table in dict.fromkeys([*LOOKUP_TABLES, *app_tables]):
        ident = sql.Identifier(table)
        _execute(cursor, sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier(OWNER_LOOKUP_POLICY), ident))
        _execute(
            cursor,
            sql.SQL("CREATE POLICY {} ON {} FOR SELECT TO CURRENT_USER USING (true)").format(
                sql.Identifier(OWNER_LOOKUP_POLICY), ident
            ),
        )
    _execute(cursor, LOOKUP_FUNCTIONS)
    for sql_text, _ in _APP_LOOKUPS:
        _execute(cursor, sql_text)

    if app_role:
        role = sql.Identifier(app_role)
        _execute(cursor, sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role))
        _execute(
            cursor, sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(role)
        )
        _execute(cursor, sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(role))
        _execute(cursor, sql.SQL("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {}").format(role))
        for table in sorted(APPEND_ONLY_TABLES):
            _execute(
                cursor, sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(sql.Identifier(table), role)
            )
        for table in sorted(READ_ONLY_TABLES):
            _execute(
                cursor,
                sql.SQL("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(sql.Identifier(table), role),
            )


def apply_after_migrate(sender, using="default", **kwargs):
    # post_migrate fires once per app, after all migrations ran: apply once, on the core app's signal.
    if sender.name != "core":
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        apply(cursor, app_role())
    from core.reference import load_serafin

    load_serafin()
