from django.apps import AppConfig


class AgendasConfig(AppConfig):
    name = "agendas"

    def ready(self):
        from agendas import demo, echange, perms  # noqa: F401 - perms registers the object rules

        echange.register()  # exchange-format sections natures and evenements
        demo.register()  # demo step: a school year of agendas
