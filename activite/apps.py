from django.apps import AppConfig


class ActiviteConfig(AppConfig):
    name = "activite"

    def ready(self):
        from activite import perms, signals  # noqa: F401 - object rules (perms), parcours → change feed (signals)
