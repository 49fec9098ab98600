from django.core.management.commands.migrate import Command as DjangoMigrateCommand

from core.db import owner_connection


class Command(DjangoMigrateCommand):
    help = "Apply migrations as the owner role (DATABASE_OWNER_URL), then the RLS policies and grants."

    def handle(self, *args, **options):
        with owner_connection(options["database"]):
            return super().handle(*args, **options)
