from django.apps import AppConfig


class AgendasConfig(AppConfig):
    name = "agendas"

    def ready(self):
        from agendas import echange, perms  # noqa: F401 - perms registers the object rules

        echange.register()  # exchange-format sections natures and evenements
