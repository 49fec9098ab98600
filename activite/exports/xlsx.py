"""XLSX export (openpyxl): one sheet per table, French headers in bold, numbers stored as numbers with a number
format (integers ``# ##0``, decimals with the decimals of the figure), column widths fitted to the content, the
header row frozen; a last « Paramètres » sheet (model, dispositif, period, parameter set, generation date).

Layout of a sheet: A1 the table's title, A2 dispositif and period, row 4 the headers, data from row 5.
"""

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from activite.exports.tableaux import TITRES, Nombre, Tableau, periode_fr, tableau_parametres, tableaux

LIGNE_ENTETES = 4
FOND_ENTETE = PatternFill("solid", fgColor="DCE6F0")
GRAS = Font(bold=True)


def _nom_feuille(titre: str, pris: set[str]) -> str:
    nom = re.sub(r"[\[\]\*\?/\\:]", "-", titre)[:31] or "Feuille"
    base, k = nom, 2
    while nom.lower() in pris:
        suffixe = f" ({k})"
        nom = base[: 31 - len(suffixe)] + suffixe
        k += 1
    pris.add(nom.lower())
    return nom


def _format(decimales: int) -> str:
    return "#,##0" if decimales == 0 else "#,##0." + "0" * decimales


def _ecrire(ws, tableau: Tableau, sous_titre: str) -> None:
    ws["A1"] = tableau.titre
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = sous_titre
    ws["A2"].font = Font(italic=True, color="555555")
    largeurs = [len(c) for c in tableau.colonnes]
    for j, titre in enumerate(tableau.colonnes, start=1):
        cell = ws.cell(row=LIGNE_ENTETES, column=j, value=titre)
        cell.font = GRAS
        cell.fill = FOND_ENTETE
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for i, ligne in enumerate(tableau.lignes):
        row = LIGNE_ENTETES + 1 + i
        for j, value in enumerate(ligne, start=1):
            cell = ws.cell(row=row, column=j)
            if isinstance(value, Nombre):
                cell.value = value.valeur
                cell.number_format = _format(value.decimales)
                texte = f"{value.valeur:,.{value.decimales}f}"
            elif isinstance(value, bool):
                cell.value = int(value)
                texte = str(int(value))
            elif isinstance(value, int):
                cell.value = value
                cell.number_format = _format(0)
                texte = f"{value:,}"
            elif value is None:
                texte = ""
            else:
                cell.value = str(value)
                texte = str(value)
                if len(texte) > 60:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            if j == 1 and i in tableau.retraits:
                cell.alignment = Alignment(indent=2)
            if i in tableau.lignes_total:
                cell.font = GRAS
            largeurs[j - 1] = max(largeurs[j - 1], min(len(texte), 80))
    if tableau.description:
        row = LIGNE_ENTETES + len(tableau.lignes) + 2
        ws.cell(row=row, column=1, value=tableau.description).font = Font(italic=True, color="555555")
    for j, largeur in enumerate(largeurs, start=1):
        ws.column_dimensions[get_column_letter(j)].width = max(10, min(largeur + 3, 90))
    ws.freeze_panes = ws.cell(row=LIGNE_ENTETES + 1, column=1)
    # Printed (or converted to PDF), every column of a table fits the width of one page, headers repeated.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{LIGNE_ENTETES}:{LIGNE_ENTETES}"


def exporter_xlsx(type_: str, resultat: dict, contexte: dict) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    dispositif = contexte.get("dispositif")
    nom = getattr(dispositif, "nom", None) or (dispositif or {}).get("nom", "") if dispositif else ""
    finess = resultat.get("dispositif", "")
    sous_titre = " — ".join(x for x in (TITRES.get(type_, ""), f"{nom} (FINESS {finess})" if nom else
                                        f"FINESS {finess}", periode_fr(resultat)) if x)  # fmt: skip
    pris: set[str] = set()
    for tableau in [*tableaux(type_, resultat), tableau_parametres(type_, resultat, contexte)]:
        ws = wb.create_sheet(_nom_feuille(tableau.titre, pris))
        _ecrire(ws, tableau, sous_titre)
    wb.properties.title = TITRES.get(type_, type_)
    wb.properties.creator = "DUI DITEP"
    sortie = io.BytesIO()
    wb.save(sortie)
    return sortie.getvalue()
