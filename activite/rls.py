"""Pre-tenant lookups of the activite app, registered with ``core.rls`` (applied after every ``migrate``).

The commands ``aire_table`` and ``tbp_indicateurs`` name a dispositif by its FINESS principal, before any tenant is
known. This SECURITY DEFINER function (owned by the owner role, ``search_path`` pinned) returns ids only: the
dispositifs with that FINESS, in every organisme (a FINESS is unique inside an organisme, not across them).
"""

from core.rls import register_lookup_sql

LOOKUP_DISPOSITIF = """
CREATE OR REPLACE FUNCTION ditep_activite_dispositifs_par_finess(p_finess text)
RETURNS TABLE(dispositif_id bigint, organisme_id bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT d.id, d.organisme_id FROM core_dispositif d WHERE d.finess = p_finess ORDER BY d.organisme_id
$$;
"""

register_lookup_sql(LOOKUP_DISPOSITIF, ("core_dispositif",))
