"""Celery tasks of the activity facts (DOMAIN §8.3). Beat entries iterate the organismes (``all_organisme_ids()``:
RLS hides ``core_organisme`` before a tenant is set) and queue one tenant task each.

- ``faits_recalculer_invalides_all`` (every 2 minutes): consume the change feed, debounced (rows older than
  ``activite.services.faits.DELAI_ANTI_REBOND`` only).
- ``faits_reconciliation_all`` (nightly): recompute the last two years of every organisme, idempotently.
- ``faits_recalculer_dispositif_task``: every fact of one dispositif (after a new version of its parameters).

The quarterly reports (``activite.tasks.rapports_trimestriels_all``) live in ``activite/tasks_rapports.py``.
"""

from ditep.celery import TenantTask, app


@app.task
def faits_recalculer_invalides_all():
    """Beat entry (every 2 minutes): one feed consumer per organisme."""
    from core.tenancy import all_organisme_ids

    for organisme_id in all_organisme_ids():
        faits_recalculer_invalides_organisme.delay(organisme_id=organisme_id)


@app.task(base=TenantTask)
def faits_recalculer_invalides_organisme() -> int:
    """Consume the organisme's change feed (debounced); returns the number of youth-weeks recomputed."""
    from activite.services.faits import faits_recalculer_invalides

    return faits_recalculer_invalides()


@app.task
def faits_reconciliation_all():
    """Beat entry (nightly): one reconciliation per organisme."""
    from core.tenancy import all_organisme_ids

    for organisme_id in all_organisme_ids():
        faits_reconciliation_organisme.delay(organisme_id=organisme_id)


@app.task(base=TenantTask)
def faits_reconciliation_organisme() -> dict:
    """Recompute the organisme's facts of the last two years (idempotent upsert)."""
    from activite.services.faits import faits_reconciliation

    return faits_reconciliation()


@app.task(base=TenantTask)
def faits_recalculer_dispositif_task(*, dispositif_id: int) -> dict:
    """Every fact of one dispositif (queued on commit by ``parametres_modifier``)."""
    from activite.services.faits import faits_recalculer_dispositif
    from core.models import Dispositif

    return faits_recalculer_dispositif(Dispositif.objects.get(pk=dispositif_id))


from activite import tasks_rapports  # noqa: E402, F401 - registers the report tasks (beat name activite.tasks.rapports_trimestriels_all)
