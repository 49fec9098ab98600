from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "dossiers"

    def ready(self):
        from dossiers import echange, perms  # noqa: F401 - perms registers the object rules

        # Exchange-format sections of this app (partenaires; the Dossiers issue adds jeunes).
        echange.register()
