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
