"""The Celery app. Tasks touching tenant data use ``TenantTask``: the caller passes ``organisme_id`` and the body
runs in a transaction where Row Level Security sees that organisme (a task has no request to set it)."""

import os

from celery import Celery, Task, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ditep.settings")

app = Celery("ditep")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class TenantTask(Task):
    abstract = True

    def __call__(self, *args, organisme_id: int, **kwargs):
        from core.tenancy import tenant_context

        with tenant_context(organisme_id):
            return super().__call__(*args, **kwargs)


@signals.worker_process_init.connect
def _check_role(**kwargs):
    from core.db import assert_safe_app_role

    assert_safe_app_role()


@signals.beat_init.connect
def _check_role_beat(**kwargs):
    from core.db import assert_safe_app_role

    assert_safe_app_role()
