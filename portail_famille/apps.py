from django.apps import AppConfig


class PortailFamilleConfig(AppConfig):
    name = "portail_famille"
