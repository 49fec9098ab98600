"""Celery tasks of the activity reports (``activite.services.rapports``). The beat entry
``activite.tasks.rapports_trimestriels_all`` (1st of January, April, July, October) is named explicitly: it queues
one task per organisme producing the previous quarter's AIRe tables and notifying the directors."""

from django.utils import timezone

from ditep.celery import app
from dossiers.tasks import SteppedTenantTask


@app.task(name="activite.tasks.rapports_trimestriels_all")
def rapports_trimestriels_all(aujourd_hui: str | None = None):
    """Beat entry (quarterly): one producer per organisme."""
    from core.tenancy import all_organisme_ids

    for organisme_id in all_organisme_ids():
        rapports_trimestriels_organisme.delay(organisme_id=organisme_id, aujourd_hui=aujourd_hui)


@app.task(base=SteppedTenantTask, name="activite.tasks.rapports_trimestriels_organisme")
def rapports_trimestriels_organisme(*, aujourd_hui: str | None = None, organisme_id: int | None = None) -> list[int]:
    import datetime

    from activite.services.rapports import rapports_trimestriels
    from core.tenancy import tenant_context

    jour = datetime.date.fromisoformat(aujourd_hui) if aujourd_hui else timezone.localdate()
    return rapports_trimestriels(
        aujourd_hui=jour, organisme_id=organisme_id, step=lambda: tenant_context(organisme_id)
    )


@app.task(base=SteppedTenantTask, name="activite.tasks.rapport_produire_task")
def rapport_produire_task(*, rapport_id: int, organisme_id: int | None = None) -> str:
    """Compute, store and announce one report (idempotent: a finished report is left alone)."""
    from activite.services.rapports import rapport_produire
    from core.tenancy import tenant_context

    return rapport_produire(rapport_id=rapport_id, step=lambda: tenant_context(organisme_id))
