"""Celery tasks of the PPA app: daily reminders of due and late PPAs (beat entry ``ppa-rappels``)."""

import datetime

from ditep.celery import TenantTask, app


@app.task
def rappels_ppa_all():
    """Beat entry (daily): one task per organisme (ids through ``all_organisme_ids()``: RLS hides
    ``core_organisme`` before a tenant is set)."""
    from core.tenancy import all_organisme_ids

    for organisme_id in all_organisme_ids():
        rappels_ppa_organisme.delay(organisme_id=organisme_id)


@app.task(base=TenantTask)
def rappels_ppa_organisme(*, today: str | None = None) -> int:
    """One organisme's PPA reminders (``ppa.services.rappels``); ``today`` as an ISO date (default: today).
    Idempotent: a reminder already sent for the same PPA, deadline and kind is never repeated."""
    from ppa.services.rappels import rappels_ppa_envoyer

    return rappels_ppa_envoyer(today=datetime.date.fromisoformat(today) if today else None)
