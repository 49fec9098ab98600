"""Exports of the activity figures: JSON as is, CSV that parses back, XLSX with numbers as numbers and French
sheets and headers, PDF carrying the figures, the charts and the parameters."""

import csv
import io
import json
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from activite import charts
from activite.exports import exporter
from activite.exports.pdf import contexte_pdf
from activite.exports.xlsx import LIGNE_ENTETES
from tests.activite.exemples_exports import AIRE, ANNUEL, CONTEXTE, QUALITE, TBP


def test_json_is_the_dict_as_is():
    contenu, content_type, nom = exporter("aire", AIRE, "json")
    assert json.loads(contenu.decode("utf-8")) == AIRE
    assert content_type.startswith("application/json")
    assert nom == "aire_750000001_2026-01-01_2026-03-31.json"
    assert exporter("tbp", TBP, "json")[2] == "tbp_750000001_2026.json"
    assert exporter("rapport_annuel", ANNUEL, "json")[2] == "rapport-annuel_750000001_2026.json"


def test_unknown_type_or_format_is_refused():
    with pytest.raises(ValueError, match="Format d'export inconnu"):
        exporter("aire", AIRE, "docx")
    with pytest.raises(ValueError, match="Type d'export inconnu"):
        exporter("budget", AIRE, "json")


def _sections(contenu: bytes) -> dict[str, list[list[str]]]:
    assert contenu.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    rows = list(csv.reader(io.StringIO(contenu.decode("utf-8-sig")), delimiter=";"))
    sections, courant = {}, None
    for row in rows:
        if not row:
            courant = None
        elif courant is None:
            courant = row[0]
            sections[courant] = []
        else:
            sections[courant].append(row)
    return sections


def test_csv_aire_parses_back_with_french_headers_and_decimal_comma():
    contenu, content_type, nom = exporter("aire", AIRE, "csv", contexte=CONTEXTE)
    assert content_type.startswith("text/csv") and nom.endswith(".csv")
    sections = _sections(contenu)
    assert list(sections)[:6] == [
        "File active", "Semaines-jeune par combinaison", "Intensité hebdomadaire", "Volumes", "Appui-ressources",
        "Anomalies",
    ]  # fmt: skip
    assert sections["File active"][0] == ["Statut", "Jeunes"]
    assert ["Total (jeunes distincts)", "42"] in sections["File active"]
    assert ["Internat + accueil de jour", "I+AJ", "80"] in sections["Semaines-jeune par combinaison"]
    assert ["Moins d'1 h", "moins_1h", "30"] in sections["Intensité hebdomadaire"]
    volumes = dict(sections["Volumes"][1:])
    assert float(volumes["Journées (internat et accueil de jour)"].replace(",", ".")) == 1234.5
    assert volumes["Heures de prestations directes (heures-jeune)"] == "4210,25"
    # A text cell that looks like a formula is neutralised.
    assert sections["Anomalies"][1][:2] == ["J-0042", "'=EV-9931"]
    parametres = dict(sections["Paramètres"][1:])
    assert parametres["FINESS"] == "750000001"
    assert parametres["Bornes des tranches d'intensité (heures par semaine)"] == "1, 3, 6, 12"


def test_csv_tbp_and_quality():
    sections = _sections(exporter("tbp", TBP, "csv")[0])
    indicateurs = dict(sections["Indicateurs"][1:])
    assert indicateurs["Taux de réalisation de l'activité (%)"] == "90,3"
    assert indicateurs["Journées financées"] == "9000"
    assert ["Sexe", "Garçons", "38"] in sections["Répartitions"]
    assert ["Retour en milieu ordinaire", "6"] in sections["Motifs de sortie"]
    sections = _sections(exporter("qualite", QUALITE, "csv")[0])
    assert ["Transmissions par jeune semaine", "2,4"] in sections["Indicateurs"]


def _feuille(wb, nom):
    ws = wb[nom]
    entetes = [c.value for c in ws[LIGNE_ENTETES] if c.value is not None]
    lignes = [
        [c.value for c in row]
        for row in ws.iter_rows(min_row=LIGNE_ENTETES + 1)
        if any(c.value is not None for c in row)
    ]
    return ws, entetes, lignes


def test_xlsx_aire_one_sheet_per_table_numbers_as_numbers():
    contenu, content_type, nom = exporter("aire", AIRE, "xlsx", contexte=CONTEXTE)
    assert content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = load_workbook(io.BytesIO(contenu))
    assert wb.sheetnames == [
        "File active", "Semaines-jeune par combinaison", "Intensité hebdomadaire", "Volumes", "Appui-ressources",
        "Anomalies", "Paramètres",
    ]  # fmt: skip
    ws, entetes, lignes = _feuille(wb, "Semaines-jeune par combinaison")
    assert entetes == ["Combinaison de modalités", "Code", "Semaines-jeune"]
    assert ["Internat + accueil de jour", "I+AJ", 80] in lignes
    assert ws.cell(LIGNE_ENTETES, 1).font.b
    assert ws.column_dimensions["A"].width > 20
    ws, _entetes, lignes = _feuille(wb, "Volumes")
    valeurs = {ligne[0]: ligne[1] for ligne in lignes if ligne[1] is not None}
    assert valeurs["Journées (internat et accueil de jour)"] == 1234.5
    assert isinstance(valeurs["Nuitées d'internat"], int)
    rows = ws.iter_rows(min_row=LIGNE_ENTETES + 1)
    cellule = next(row[1] for row in rows if row[0].value == "Heures de professionnels")
    assert cellule.data_type == "n" and cellule.number_format == "#,##0.00"
    _ws, _e, lignes = _feuille(wb, "Paramètres")
    parametres = {ligne[0]: ligne[1] for ligne in lignes}
    assert parametres["Modèle de calcul"] == "aire-v1"
    assert parametres["Version des paramètres"] == 2
    assert parametres["Heure de coupure matin / après-midi"] == "13:00"
    assert parametres["Dispositif"] == "DITEP Les Tilleuls"


def test_xlsx_tbp_and_annual_report_sheets():
    wb = load_workbook(io.BytesIO(exporter("tbp", TBP, "xlsx")[0]))
    assert wb.sheetnames == ["Indicateurs", "Répartitions", "Motifs de sortie", "Paramètres"]
    _ws, entetes, lignes = _feuille(wb, "Répartitions")
    assert entetes == ["Répartition", "Catégorie", "Jeunes"]
    assert ["Déficience principale", "Troubles du comportement et de la communication", 40] in lignes
    wb = load_workbook(io.BytesIO(exporter("rapport_annuel", ANNUEL, "xlsx")[0]))
    assert wb.sheetnames[0] == "Narratif"
    assert "AIRe par trimestre" in wb.sheetnames
    _ws, entetes, lignes = _feuille(wb, "AIRe par trimestre")
    assert entetes == ["Indicateur", "T1", "T2", "T3", "T4", "Année 2026"]
    assert ["File active — Total (jeunes distincts)", 40, 41, 42, 43, 42] in lignes


def test_pdf_contains_figures_labels_charts_and_parameters():
    contexte = contexte_pdf("aire", AIRE, dict(CONTEXTE, genere_le=None))
    from django.template.loader import render_to_string

    html = render_to_string("activite/pdf/rapport.html", contexte)
    for attendu in ("DITEP Les Tilleuls", "750000001", "du 01/01/2026 au 31/03/2026", "Internat + accueil de jour",
                    "Moins d&#x27;1 h", "1\u202f234,5", "4\u202f210,25", "<svg", 'role="img"', "Paramètres du calcul",
                    "13:00"):  # fmt: skip
        assert attendu in html, attendu
    contenu, content_type, nom = exporter("aire", AIRE, "pdf", contexte=CONTEXTE)
    assert contenu.startswith(b"%PDF-") and content_type == "application/pdf" and nom.endswith(".pdf")
    if shutil.which("pdftotext"):
        texte = subprocess.run(["pdftotext", "-", "-"], input=contenu, capture_output=True, check=True).stdout.decode()
        assert "Tableau d'activité AIRe" in texte
        assert "1 234,5" in texte.replace("\u202f", " ")
        assert "Internat + accueil de jour" in texte


@pytest.mark.parametrize("type_, resultat", [("tbp", TBP), ("rapport_annuel", ANNUEL), ("qualite", QUALITE)])
def test_pdf_of_every_type_renders(type_, resultat):
    contenu, _ct, _nom = exporter(type_, resultat, "pdf", contexte=CONTEXTE)
    assert contenu.startswith(b"%PDF-")


def test_charts_are_accessible_and_escape_labels():
    svg = charts.barres("File <active>", [("<b>x</b>", 3), ("y", 1.5)], ident="t 1")
    assert 'role="img"' in svg and 'aria-labelledby="t-1-titre t-1-desc"' in svg
    assert '<title id="t-1-titre">File &lt;active&gt;</title>' in svg
    assert "<b>" not in svg and "style=" not in svg
    assert "1,5" in svg
    svg = charts.barres_empilees("S", ["janv.", "févr."], [("I", [1, 2]), ("AJ", [0, 3])], ident="e")
    assert svg.count("<rect") >= 3 and "style=" not in svg
    svg = charts.courbe("C", ["T1", "T2"], [("File active", [4, 5])], ident="c")
    assert "<polyline" in svg
