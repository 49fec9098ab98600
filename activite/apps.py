from django.apps import AppConfig


class ActiviteConfig(AppConfig):
    name = "activite"
