"""``manage.py aire_table --dispositif FINESS --debut AAAA-MM-JJ --fin AAAA-MM-JJ [--format json|csv|xlsx|pdf]
[--output FICHIER] [--organisme FINESS_JURIDIQUE]``: the AIRe table (DOMAIN §8.1) of a dispositif for a period.

``--format json`` (default) prints exactly the §8.1 JSON on stdout (or writes it to ``--output``); the other
formats go through ``activite.exports.exporter`` and need ``--output``. The dispositif is found by its FINESS
across organismes (SECURITY DEFINER lookup, ``activite/rls.py``), then everything runs under its organisme's tenant.
Facts pending in the change feed of that dispositif are computed first.
"""

import datetime
import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

FORMATS = ("json", "csv", "xlsx", "pdf")


def parse_date(value: str, option: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CommandError(f"Date invalide pour {option} : « {value} » (attendu AAAA-MM-JJ).") from None


class Command(BaseCommand):
    help = "Tableau d'activité AIRe (modèle aire-v1) d'un dispositif pour une période."

    def add_arguments(self, parser):
        parser.add_argument("--dispositif", required=True, help="FINESS principal du dispositif")
        parser.add_argument("--debut", required=True, help="premier jour de la période (AAAA-MM-JJ)")
        parser.add_argument("--fin", required=True, help="dernier jour de la période (AAAA-MM-JJ)")
        parser.add_argument("--format", default="json", choices=FORMATS, help="format de sortie (json par défaut)")
        parser.add_argument("--output", help="fichier de sortie (obligatoire pour csv, xlsx et pdf)")
        parser.add_argument("--organisme", help="FINESS juridique de l'organisme, si le FINESS est ambigu")

    def handle(self, *args, **options):
        from activite.services.aire import table_aire_avec_parametres
        from activite.services.dispositifs import DispositifIntrouvable, dispositif_par_finess
        from core.models import Dispositif
        from core.tenancy import tenant_context

        debut, fin = parse_date(options["debut"], "--debut"), parse_date(options["fin"], "--fin")
        if fin < debut:
            raise CommandError("La fin de la période précède son début.")
        fmt, output = options["format"], options.get("output")
        if fmt != "json" and not output:
            raise CommandError(f"Le format {fmt} s'écrit dans un fichier : indiquez --output FICHIER.")
        try:
            organisme_id, dispositif_id = dispositif_par_finess(options["dispositif"], options.get("organisme"))
        except DispositifIntrouvable as exc:
            raise CommandError(str(exc)) from None
        with tenant_context(organisme_id):
            dispositif = Dispositif.objects.select_related("organisme").get(pk=dispositif_id)
            try:
                table, parametres = table_aire_avec_parametres(dispositif, debut, fin)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            if fmt == "json":
                contenu = json.dumps(table, ensure_ascii=False)
            else:
                from activite.exports import exporter

                contexte = {"organisme": dispositif.organisme, "dispositif": dispositif, "parametres": parametres}
                contenu, _, _ = exporter("aire", table, fmt, contexte=contexte)
        if output:
            mode, data = ("w", contenu) if isinstance(contenu, str) else ("wb", contenu)
            kwargs = {"encoding": "utf-8"} if mode == "w" else {}
            with open(output, mode, **kwargs) as handle:
                handle.write(data)
            self.stderr.write(f"Tableau AIRe écrit dans {output}.")
        else:
            self.stdout.write(contenu)
