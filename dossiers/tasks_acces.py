"""Beat tasks of dossier access and retention. Each beat entry runs a dispatcher (no tenant) that enqueues one
``TenantTask`` per organisme: Row Level Security hides every tenant row without one, so the body runs under it.

Imported by ``dossiers.tasks`` so that Celery's autodiscovery registers them.
"""

from ditep.celery import TenantTask, app


@app.task
def delegations_sync_all():
    """Daily: grant the delegations that became due and revoke the expired ones, per organisme."""
    from core.tenancy import all_organisme_ids

    for organisme_id in all_organisme_ids():
        delegations_sync.delay(organisme_id=organisme_id)


@app.task(base=TenantTask)
def delegations_sync():
    from dossiers.services.acces import delegations_sync as sync

    return sync()


@app.task
def conservation_check_all():
    """Monthly: tell each organisme's direction about archived dossiers past their retention period."""
    from core.tenancy import all_organisme_ids

    for organisme_id in all_organisme_ids():
        conservation_check.delay(organisme_id=organisme_id)


@app.task(base=TenantTask)
def conservation_check():
    from core.tenancy import current_organisme_id
    from dossiers.services.rgpd import conservation_notify

    return conservation_notify(organisme_id=current_organisme_id())
