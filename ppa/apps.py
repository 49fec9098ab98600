from django.apps import AppConfig


class PpaConfig(AppConfig):
    name = "ppa"
    verbose_name = "PPA"

    def ready(self):
        from ppa import demo, perms  # noqa: F401 - object rules (perms), demo step (demo)
        from ppa.views import redaction  # noqa: F401 - dossier tab "PPA"
