from django.apps import AppConfig


class AgendasConfig(AppConfig):
    name = "agendas"

    def ready(self):
        from agendas import perms  # noqa: F401 - registers the object rules
