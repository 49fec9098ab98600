from django.core.management.commands.flush import Command as DjangoFlushCommand

from core.db import owner_connection


class Command(DjangoFlushCommand):
    help = "Empty the database as the owner role (the app role may not TRUNCATE, and the journal is append-only)."

    def handle(self, **options):
        with owner_connection(options["database"]):
            return super().handle(**options)
