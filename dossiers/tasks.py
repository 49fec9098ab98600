"""Celery tasks of the dossiers app. The daily beat fans out one ``TenantTask`` per organisme."""

import datetime

from django.utils import timezone

from ditep.celery import TenantTask, app
from dossiers import tasks_acces  # noqa: F401 - access and retention beat tasks, registered with this module


@app.task
def send_daily_reminders():
    """Beat entry (daily): enqueue the reminders of every organisme (ids read through the SECURITY DEFINER
    function ``ditep_organisme_ids()``: RLS hides ``core_organisme`` before a tenant is set)."""
    from core.tenancy import all_organisme_ids

    for organisme_id in all_organisme_ids():
        send_reminders.delay(organisme_id=organisme_id)


@app.task(base=TenantTask)
def send_reminders(*, today: str | None = None) -> int:
    """Contrat de séjour / DIPC and MDPH reminders of one organisme (idempotent: each reminder is sent once).
    ``today`` (ISO date) is for tests and catch-up runs."""
    from dossiers.services.rappels import rappels_send

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return rappels_send(today=day)


# --- Right-of-access exports (dossiers/services/exports.py) -------------------------------------------------------


class SteppedTenantTask(TenantTask):
    """A ``TenantTask`` (called with ``organisme_id``, refused without) whose body commits step by step instead
    of running in one transaction: each step opens its own ``tenant_context``, so that the progress it writes is
    visible to the polling status page while the job goes on. The body receives ``organisme_id``."""

    abstract = True

    def __call__(self, *args, organisme_id: int | None = None, **kwargs):
        if not organisme_id:
            raise TypeError(f"{self.name} is a TenantTask: call it with organisme_id=<the tenant's id>")
        return super(TenantTask, self).__call__(*args, organisme_id=organisme_id, **kwargs)


@app.task(base=SteppedTenantTask)
def export_dossier_produce(*, export_id: int, organisme_id: int | None = None) -> str:
    """Build, store and announce one right-of-access export (idempotent: a finished export is left alone)."""
    from core.tenancy import tenant_context
    from dossiers.services.exports import export_produce

    return export_produce(export_id=export_id, step=lambda: tenant_context(organisme_id))


@app.task
def exports_purge_all():
    """Daily: delete the expired right-of-access exports of every organisme."""
    from core.tenancy import all_organisme_ids

    for organisme_id in all_organisme_ids():
        exports_purge.delay(organisme_id=organisme_id)


@app.task(base=TenantTask)
def exports_purge() -> int:
    from dossiers.services.exports import exports_purge_expired

    return exports_purge_expired()
