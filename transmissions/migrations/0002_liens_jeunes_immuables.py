"""The youths of a validated transmission never change: a trigger on the link table refuses INSERT, UPDATE and
DELETE when the parent transmission is validated (the parent's own trigger protects its row). pgtrigger cannot
express a condition on another table, hence plain SQL; the function reads the parent as its owner (SECURITY
DEFINER, fixed search_path) so that the check does not depend on the caller's Row Level Security view."""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION transmissions_lien_jeune_immuable() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    parent_id bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        parent_id := NEW.transmission_id;
    ELSE
        parent_id := OLD.transmission_id;
    END IF;
    IF EXISTS (SELECT 1 FROM transmissions_transmission WHERE id = parent_id AND statut = 'validee')
       OR (TG_OP = 'UPDATE' AND EXISTS (
           SELECT 1 FROM transmissions_transmission WHERE id = NEW.transmission_id AND statut = 'validee'))
    THEN
        RAISE EXCEPTION 'Les jeunes d''une transmission validée ne peuvent pas être modifiés.'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
REVOKE ALL ON FUNCTION transmissions_lien_jeune_immuable() FROM PUBLIC;
DROP TRIGGER IF EXISTS transmission_jeune_immuable ON transmissions_transmissionjeune;
CREATE TRIGGER transmission_jeune_immuable
    BEFORE INSERT OR UPDATE OR DELETE ON transmissions_transmissionjeune
    FOR EACH ROW EXECUTE FUNCTION transmissions_lien_jeune_immuable();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS transmission_jeune_immuable ON transmissions_transmissionjeune;
DROP FUNCTION IF EXISTS transmissions_lien_jeune_immuable();
"""


class Migration(migrations.Migration):
    dependencies = [("transmissions", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
