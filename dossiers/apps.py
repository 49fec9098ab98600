from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "dossiers"

    def ready(self):
        from dossiers import demo, echange, perms  # noqa: F401 - perms registers the object rules, demo its step

        # Exchange-format sections of this app (partenaires; the Dossiers issue adds jeunes).
        echange.register()
