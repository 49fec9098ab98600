"""``manage.py demo_data --scale N``: load the demo organisme (deterministic, idempotent, through the services).

Runs as the application role; see ``core/demo.py`` for what is generated and ``docs/demo.md`` for the logins.
"""

from django.core.management.base import BaseCommand, CommandError

from core.demo import DEMO_LOGINS, DEMO_ORGANISME_NOM, DEMO_PASSWORD, load_demo_data
from core.echange import EchangeInvalide


class Command(BaseCommand):
    help = "Charge l'organisme de démonstration (données fictives, déterministes)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="facteur d'échelle : ~50 professionnels et ~120 jeunes par unité (défaut 1)",
        )

    def handle(self, *args, **options):
        if options["scale"] < 1:
            raise CommandError("--scale doit être un entier supérieur ou égal à 1.")
        try:
            result = load_demo_data(options["scale"])
        except EchangeInvalide as exc:  # a bug of the generator: say where
            raise CommandError("; ".join(f"{e['chemin']}: {e['message']}" for e in exc.errors)) from exc
        if result is None:
            self.stdout.write(f"L'organisme de démonstration « {DEMO_ORGANISME_NOM} » existe déjà : rien à faire.")
            return
        self.stdout.write(result.summary())
        self.stdout.write(f"\nComptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
        for email, description in DEMO_LOGINS:
            self.stdout.write(f"  {email:<45} {description}")
