"""Pre-tenant lookups of the agendas app, registered with ``core.rls`` (applied after every ``migrate``).

An iCal feed URL (``/agendas/ical/<token>.ics``) is fetched by calendar clients without a session: the tenant is
not known until the token is found. This SECURITY DEFINER function (owned by the owner role, ``search_path``
pinned) returns ids only, for a live (not revoked) subscription whose token has this SHA-256.
"""

from core.rls import register_lookup_sql

LOOKUP_ABONNEMENT = """
CREATE OR REPLACE FUNCTION ditep_agendas_lookup_abonnement(p_token_hash text)
RETURNS TABLE(abonnement_id bigint, organisme_id bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT a.id, a.organisme_id FROM agendas_abonnementcalendrier a
    WHERE a.token_hash = p_token_hash AND a.revoked_at IS NULL
$$;
"""

register_lookup_sql(LOOKUP_ABONNEMENT, ("agendas_abonnementcalendrier",))
