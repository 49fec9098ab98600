"""CSV export: one section per table (title line, header line, rows, blank line), then the parameters.

Made for a director opening the file in Excel or LibreOffice with a French locale: ``;`` separator, decimal comma,
UTF-8 with a BOM (so accents show), dates dd/mm/yyyy. A cell with no value is empty.
"""

import csv
import io

from activite.exports.tableaux import Nombre, tableau_parametres, tableaux


def valeur_csv(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Nombre):
        return f"{value.valeur:.{value.decimales}f}".replace(".", ",")
    if isinstance(value, float):
        return str(value).replace(".", ",")
    texte = str(value)
    # A text cell starting like a formula is neutralised (CSV injection): the spreadsheet shows it as text.
    if texte[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + texte
    return texte


def exporter_csv(type_: str, resultat: dict, contexte: dict) -> bytes:
    sortie = io.StringIO()
    writer = csv.writer(sortie, delimiter=";", lineterminator="\r\n")
    for tableau in [*tableaux(type_, resultat), tableau_parametres(type_, resultat, contexte)]:
        writer.writerow([tableau.titre])
        writer.writerow(tableau.colonnes)
        for ligne in tableau.lignes:
            writer.writerow([valeur_csv(v) for v in ligne])
        if not tableau.lignes:
            writer.writerow(["Aucune ligne"])
        writer.writerow([])
    return ("\ufeff" + sortie.getvalue()).encode("utf-8")
