from django.apps import AppConfig


class ActiviteConfig(AppConfig):
    name = "activite"

    def ready(self):
        # Object rules (perms), parcours → change feed (signals), demo step (demo).
        from activite import demo, perms, signals  # noqa: F401
