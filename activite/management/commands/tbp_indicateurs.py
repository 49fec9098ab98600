"""``manage.py tbp_indicateurs --dispositif FINESS --annee AAAA [--format json|csv|xlsx|pdf] [--output FICHIER]
[--organisme FINESS_JURIDIQUE]``: the TBP indicators (DOMAIN §8.2, model ``tbp-v1``) of a dispositif for a calendar
year.

``--format json`` (default) prints exactly the §8.2 JSON on stdout (or writes it to ``--output``); the other formats
go through ``activite.exports.exporter`` (type ``tbp``) and need ``--output``. The dispositif is found by its
FINESS across organismes (``activite.services.dispositifs.dispositif_par_finess``, the lookup of ``aire_table``),
then everything runs under its organisme's tenant.
"""

import json

from django.core.management.base import BaseCommand, CommandError

FORMATS = ("json", "csv", "xlsx", "pdf")


def parse_annee(value) -> int:
    try:
        annee = int(value)
    except (TypeError, ValueError):
        raise CommandError(f"Année invalide : « {value} » (attendu AAAA).") from None
    if not 1900 <= annee <= 2100:
        raise CommandError(f"Année invalide : « {value} » (attendu une année entre 1900 et 2100).")
    return annee


class Command(BaseCommand):
    help = "Indicateurs du tableau de bord de la performance (modèle tbp-v1) d'un dispositif pour une année civile."

    def add_arguments(self, parser):
        parser.add_argument("--dispositif", required=True, help="FINESS principal du dispositif")
        parser.add_argument("--annee", required=True, help="année civile (AAAA)")
        parser.add_argument("--format", default="json", choices=FORMATS, help="format de sortie (json par défaut)")
        parser.add_argument("--output", help="fichier de sortie (obligatoire pour csv, xlsx et pdf)")
        parser.add_argument("--organisme", help="FINESS juridique de l'organisme, si le FINESS est ambigu")

    def handle(self, *args, **options):
        from activite.services.dispositifs import DispositifIntrouvable, dispositif_par_finess
        from activite.services.tbp import detail_tbp, parametres_utilises
        from core.models import Dispositif
        from core.tenancy import tenant_context

        annee = parse_annee(options["annee"])
        fmt, output = options["format"], options.get("output")
        if fmt != "json" and not output:
            raise CommandError(f"Le format {fmt} s'écrit dans un fichier : indiquez --output FICHIER.")
        try:
            organisme_id, dispositif_id = dispositif_par_finess(options["dispositif"], options.get("organisme"))
        except DispositifIntrouvable as exc:
            raise CommandError(str(exc)) from None
        with tenant_context(organisme_id):
            dispositif = Dispositif.objects.select_related("organisme").get(pk=dispositif_id)
            detail = detail_tbp(dispositif, annee)
            if fmt == "json":
                contenu = json.dumps(detail.indicateurs, ensure_ascii=False)
            else:
                from activite.exports import exporter

                contexte = {
                    "organisme": dispositif.organisme, "dispositif": dispositif,
                    "parametres": parametres_utilises(detail),
                }  # fmt: skip
                contenu, _, _ = exporter("tbp", detail.indicateurs, fmt, contexte=contexte)
        if output:
            mode, data = ("w", contenu) if isinstance(contenu, str) else ("wb", contenu)
            kwargs = {"encoding": "utf-8"} if mode == "w" else {}
            with open(output, mode, **kwargs) as handle:
                handle.write(data)
            self.stderr.write(f"Indicateurs TBP écrits dans {output}.")
        else:
            self.stdout.write(contenu)
