from django.apps import AppConfig


class TransmissionsConfig(AppConfig):
    name = "transmissions"

    def ready(self):
        from transmissions import perms  # noqa: F401 - perms registers the object rules
