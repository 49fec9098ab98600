"""The Celery app. Tasks touching tenant data use ``TenantTask``: the caller passes ``organisme_id`` and the body
runs in a transaction where Row Level Security sees that organisme (a task has no request to set it)."""

import os

from celery import Celery, signals
from celery.contrib.django.task import DjangoTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ditep.settings")

app = Celery("ditep")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class TenantTask(DjangoTask):
    """Runs the body in one transaction under ``organisme_id``'s Row Level Security (a keyword argument that the
    body does not receive). Without it the task fails at once: it would otherwise silently read 0 rows.

    Enqueue with ``.delay_on_commit(...)`` (from DjangoTask): the task must not run before the rows it reads exist.
    """

    abstract = True
    # Celery's own argument check would refuse ``organisme_id`` (not in the body's signature): ``_check_call`` does
    # it without that keyword, when the task is enqueued (or scheduled on commit), not only when it runs.
    typing = False

    def _check_call(self, args, kwargs) -> None:
        kwargs = kwargs or {}
        if not kwargs.get("organisme_id"):
            raise TypeError(f"{self.name} is a TenantTask: call it with organisme_id=<the tenant's id>")
        header = getattr(self, "__header__", None)
        if header is not None:
            header(*(args or ()), **{key: value for key, value in kwargs.items() if key != "organisme_id"})

    def apply_async(self, args=None, kwargs=None, **options):
        self._check_call(args, kwargs)
        return super().apply_async(args, kwargs, **options)

    def delay_on_commit(self, *args, **kwargs):
        self._check_call(args, kwargs)
        return super().delay_on_commit(*args, **kwargs)

    def __call__(self, *args, organisme_id: int | None = None, **kwargs):
        from core.tenancy import tenant_context

        if not organisme_id:
            raise TypeError(f"{self.name} is a TenantTask: call it with organisme_id=<the tenant's id>")
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
