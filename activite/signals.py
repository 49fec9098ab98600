"""Parcours changes invalidate the activity facts (DOMAIN §8.1 item 2: the statut of a pair depends on the parcours
period covering its date).

The dossiers services do not write the agendas change feed; these handlers do, on every save or delete of a
``Parcours`` period, whatever the path (services, import, admin): one ``INSERT ... SELECT ... ON CONFLICT`` upserts
``SemaineAInvalider`` for every week in which the youth has a counted-looking pair (realised, not hors prestation)
in that dispositif — in the caller's transaction, consumed by the debounced job like any agenda change. The nightly
reconciliation remains the safety net for raw SQL changes.
"""

from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from dossiers.models import Parcours

_SQL = """
INSERT INTO agendas_semaineainvalider (organisme_id, jeune_id, dispositif_id, lundi, signale_le)
SELECT DISTINCT e.organisme_id, pj.jeune_id, e.dispositif_id,
       date_trunc('week', e.debut AT TIME ZONE 'Europe/Paris')::date, now()
FROM agendas_participationjeune pj
JOIN agendas_evenement e ON e.id = pj.evenement_id
WHERE pj.jeune_id = %s AND e.dispositif_id = %s AND e.statut = 'realise' AND NOT e.hors_prestation
  AND e.cadre IN ('direct', 'indirect')
ON CONFLICT (organisme_id, jeune_id, dispositif_id, lundi) DO UPDATE SET signale_le = EXCLUDED.signale_le
"""


def invalider_parcours(dossier) -> None:
    """Upsert the change feed for every week of the dossier's youth with activity in the dossier's dispositif."""
    with connection.cursor() as cursor:
        cursor.execute(_SQL, [dossier.jeune_id, dossier.dispositif_id])


@receiver(post_save, sender=Parcours, dispatch_uid="activite_parcours_saved")
@receiver(post_delete, sender=Parcours, dispatch_uid="activite_parcours_deleted")
def parcours_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from dossiers.models import Dossier

    dossier = Dossier.objects.filter(pk=instance.dossier_id).only("jeune_id", "dispositif_id").first()
    if dossier is not None:
        invalider_parcours(dossier)
