"""The link from a validated transmission to the adverse-event declaration opened from it (the transmission row is
immutable), and the immutability of a validated transmission's attachments: a trigger refuses INSERT, UPDATE and
DELETE of ``transmissions_piecejointe`` rows whose transmission is validated (same shape as 0002)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

SQL = """
CREATE OR REPLACE FUNCTION transmissions_piece_jointe_immuable() RETURNS trigger
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
        RAISE EXCEPTION 'Les pièces jointes d''une transmission validée ne peuvent pas être modifiées.'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
REVOKE ALL ON FUNCTION transmissions_piece_jointe_immuable() FROM PUBLIC;
DROP TRIGGER IF EXISTS piece_jointe_immuable ON transmissions_piecejointe;
CREATE TRIGGER piece_jointe_immuable
    BEFORE INSERT OR UPDATE OR DELETE ON transmissions_piecejointe
    FOR EACH ROW EXECUTE FUNCTION transmissions_piece_jointe_immuable();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS piece_jointe_immuable ON transmissions_piecejointe;
DROP FUNCTION IF EXISTS transmissions_piece_jointe_immuable();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_serafin_code"),
        ("dossiers", "0005_export_dossier"),
        ("transmissions", "0002_liens_jeunes_immuables"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SignalementTransmission",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                (
                    "evenement_indesirable",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="signalements_transmission",
                        to="dossiers.evenementindesirable",
                    ),
                ),
                (
                    "organisme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.organisme",
                        verbose_name="organisme",
                    ),
                ),
                (
                    "signale_par",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "transmission",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="signalements",
                        to="transmissions.transmission",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organisme", "transmission"), name="signalement_transmission_unique"
                    )
                ],
            },
        ),
        migrations.RunSQL(SQL, REVERSE_SQL),
    ]
