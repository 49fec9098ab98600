import importlib
import importlib.util

from django.apps import AppConfig


class PortailFamilleConfig(AppConfig):
    name = "portail_famille"

    def ready(self):
        from portail_famille import demo

        demo.register()  # demo step (order 60): families with accounts, an upload, an absence to take into account
        if importlib.util.find_spec("portail_famille.demo_echanges") is not None:
            module = importlib.import_module("portail_famille.demo_echanges")  # the exchanges' demo step
            if hasattr(module, "register"):
                module.register()
