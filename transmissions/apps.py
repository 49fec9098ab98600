from django.apps import AppConfig


class TransmissionsConfig(AppConfig):
    name = "transmissions"

    def ready(self):
        from transmissions import demo, perms  # noqa: F401 - object rules (perms), demo step (demo)
