"""Celery tasks of the agendas app: recurring series generated ahead (daily beat, one task per organisme)."""

import datetime

from ditep.celery import TenantTask, app


@app.task
def series_generer_all():
    """Beat entry (daily): generate every organisme's series ahead (ids through ``all_organisme_ids()``: RLS hides
    ``core_organisme`` before a tenant is set)."""
    from core.tenancy import all_organisme_ids

    for organisme_id in all_organisme_ids():
        series_generer_organisme.delay(organisme_id=organisme_id)


@app.task(base=TenantTask)
def series_generer_organisme(*, jusqu_au: str | None = None) -> int:
    """Occurrences of one organisme's active series up to ``jusqu_au`` (ISO date; default 8 weeks from today).
    Idempotent: existing occurrences are never rewritten. Returns the number created."""
    from agendas.services.series import series_generer_toutes

    return series_generer_toutes(jusqu_au=datetime.date.fromisoformat(jusqu_au) if jusqu_au else None)
