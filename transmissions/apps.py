from django.apps import AppConfig


class TransmissionsConfig(AppConfig):
    name = "transmissions"

    def ready(self):
        from transmissions import perms  # noqa: F401 - perms registers the object rules
        from transmissions import demo  # noqa: F401 - registers the demo step (transmissions_demo_step)
