from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Socle"

    def ready(self):
        from django.db.models.signals import post_migrate

        from core import rls, signals  # noqa: F401

        # After every migrate (run as the owner role): RLS policies, composite keys, grants, lookup functions.
        post_migrate.connect(rls.apply_after_migrate, dispatch_uid="core.rls")
