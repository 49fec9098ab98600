from django.apps import AppConfig


class PpaConfig(AppConfig):
    name = "ppa"
    verbose_name = "PPA"

    def ready(self):
        from ppa import perms  # noqa: F401 - object rules
        from ppa.views import redaction  # noqa: F401 - dossier tab "PPA"
