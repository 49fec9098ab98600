"""Exports of the activity figures (DOMAIN §8): ``exporter(type, resultat, fmt, *, contexte=None)``.

- ``type``: ``aire`` (§8.1 JSON), ``tbp`` (§8.2 JSON), ``rapport_annuel`` (``services.rapports.rapport_annuel``
  dict: TBP + AIRe of the year and of each quarter + the direction's narrative) or ``qualite``.
- ``fmt``: ``json`` (the dict as is, UTF-8, indented), ``csv`` (French headers, ``;``, decimal comma, UTF-8 with
  BOM: opens as a table in Excel and LibreOffice with a French locale; one section per table), ``xlsx`` (one sheet
  per table, numbers as numbers with number formats, a « Paramètres » sheet), ``pdf`` (WeasyPrint, tables and SVG
  charts, parameters and generation date).
- ``contexte`` (optional): ``organisme`` and ``dispositif`` (model instances or dicts with ``nom`` / ``finess``),
  ``parametres`` (the parameter set used, e.g. ``ParametresActivite.as_dict()``), ``genere_le`` (datetime,
  default now), ``demande_par`` (display name). Without it the header carries the FINESS of the result.

Returns ``(content: bytes, content_type: str, filename: str)``.
"""

import json

from django.utils import timezone

from activite.exports.tableaux import TYPES

FORMATS = ("json", "csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
PREFIXES = {"aire": "aire", "tbp": "tbp", "rapport_annuel": "rapport-annuel", "qualite": "qualite"}


def nom_fichier(type_: str, resultat: dict, fmt: str) -> str:
    """``aire_<FINESS>_<debut>_<fin>.xlsx``, ``tbp_<FINESS>_<annee>.pdf``..."""
    morceaux = [PREFIXES.get(type_, type_), str(resultat.get("dispositif") or "dispositif")]
    if resultat.get("debut") and resultat.get("fin") and type_ != "rapport_annuel":
        morceaux += [str(resultat["debut"]), str(resultat["fin"])]
    elif resultat.get("annee"):
        morceaux.append(str(resultat["annee"]))
    nom = "_".join(morceaux)
    nom = "".join(c if c.isalnum() or c in "-_" else "-" for c in nom)
    return f"{nom}.{fmt}"


def exporter(type_: str, resultat: dict, fmt: str, *, contexte: dict | None = None) -> tuple[bytes, str, str]:
    if type_ not in TYPES:
        raise ValueError(f"Type d'export inconnu : {type_} (attendu : {', '.join(TYPES)}).")
    if fmt not in FORMATS:
        raise ValueError(f"Format d'export inconnu : {fmt} (attendu : {', '.join(FORMATS)}).")
    contexte = dict(contexte or {})
    contexte.setdefault("genere_le", timezone.localtime())
    if fmt == "json":
        contenu = json.dumps(resultat, ensure_ascii=False, indent=2).encode("utf-8")
    elif fmt == "csv":
        from activite.exports.csv import exporter_csv

        contenu = exporter_csv(type_, resultat, contexte)
    elif fmt == "xlsx":
        from activite.exports.xlsx import exporter_xlsx

        contenu = exporter_xlsx(type_, resultat, contexte)
    else:
        from activite.exports.pdf import exporter_pdf

        contenu = exporter_pdf(type_, resultat, contexte)
    return contenu, CONTENT_TYPES[fmt], nom_fichier(type_, resultat, fmt)
