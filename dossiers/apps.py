from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "dossiers"

    def ready(self):
        from dossiers import echange

        # Exchange-format sections of this app (partenaires; the Dossiers issue adds jeunes).
        echange.register()
