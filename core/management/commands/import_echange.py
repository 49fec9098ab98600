"""``manage.py import_echange FILE.json``: import an exchange-format v1 document (all or nothing).

Runs as the application role (the normal connection): the organisme is found by its FINESS juridique through a
SECURITY DEFINER lookup, created with ``organisme_create`` when it does not exist yet, and every write happens
under its tenant. Exit code 0 with a French summary; 1 with one ``chemin: message`` line per error on stderr.
"""

import json
import sys

from django.core.management.base import BaseCommand

from core.echange import EchangeInvalide, import_document


class Command(BaseCommand):
    help = "Importe un document au format d'échange DITEP v1 (tout ou rien, idempotent sur les références)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="chemin du fichier JSON à importer")

    def handle(self, *args, **options):
        try:
            with open(options["file"], encoding="utf-8") as handle:
                document = json.load(handle)
        except OSError as exc:
            self._fail([{"chemin": "", "message": f"Fichier illisible : {exc.strerror or exc}."}])
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            where = f" (ligne {exc.lineno}, colonne {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
            self._fail([{"chemin": "", "message": f"Le fichier n'est pas un JSON valide{where}."}])
        try:
            result = import_document(document, create_organisme=True)
        except EchangeInvalide as exc:
            self._fail(exc.errors)
        self.stdout.write(result.summary())

    def _fail(self, errors):
        self.stderr.write(f"Import refusé, rien n'a été écrit ({len(errors)} erreur(s)) :")
        for error in errors:
            self.stderr.write(f"{error['chemin'] or '(document)'}: {error['message']}")
        sys.exit(1)
