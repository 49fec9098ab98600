"""PDF export (WeasyPrint through ``dossiers.pdf.render_pdf``): header (organisme, dispositif and FINESS), title and
period, each table with French labels and, for the main ones, an SVG chart next to it, then the parameter set used
and the generation date. Template: ``templates/activite/pdf/rapport.html``.
"""

from activite import charts
from activite.exports import libelles as L
from activite.exports.tableaux import TITRES, Nombre, periode_fr, tableau_parametres, tableaux
from dossiers.pdf import render_pdf


def texte_cellule(value) -> tuple[str, bool]:
    """(text, is_number) of a cell, numbers in the French format."""
    if value is None:
        return "—", True
    if isinstance(value, Nombre):
        return charts.format_fr(value.valeur, value.decimales), True
    if isinstance(value, bool):
        return ("Oui" if value else "Non"), False
    if isinstance(value, int):
        return charts.format_fr(value, 0), True
    if isinstance(value, float):
        return charts.format_fr(value), True
    return str(value), False


def graphiques_aire(r: dict, prefixe: str = "aire") -> dict[str, list]:
    fa = r.get("file_active", {})
    sj = r.get("semaines_jeune", {})
    par_type = r.get("appui_ressources", {}).get("par_type_partenaire", {})
    return {
        "file_active": [
            charts.barres(
                "File active par statut (jeunes)",
                [(L.STATUTS[k], fa.get(k, 0)) for k in L.STATUTS if k != "total"],
                largeur=640,
                ident=f"{prefixe}-file-active",
            )
        ],  # fmt: skip
        "combinaisons": [
            charts.barres(
                "Semaines-jeune par combinaison de modalités",
                [(L.COMBINAISONS[k], sj.get("par_combinaison", {}).get(k, 0)) for k in L.COMBINAISONS],
                largeur=640,
                ident=f"{prefixe}-combinaisons",
            )
        ],  # fmt: skip
        "intensite": [
            charts.barres(
                "Semaines-jeune par tranche d'heures directes",
                [(L.INTENSITES[k], sj.get("par_intensite", {}).get(k, 0)) for k in L.INTENSITES],
                largeur=640,
                ident=f"{prefixe}-intensite",
            )
        ],  # fmt: skip
        "appui_ressources": [
            charts.barres(
                "Interventions d'appui-ressources par type de partenaire",
                [(L.libelle(k, L.TYPES_PARTENAIRE), v) for k, v in par_type.items()],
                largeur=640,
                ident=f"{prefixe}-appui",
            )
        ],  # fmt: skip
    }


def graphiques_tbp(r: dict, prefixe: str = "tbp") -> dict[str, list]:
    graphiques = []
    for titre, cle, table in (
        ("Répartition par sexe", "repartition_sexe", L.SEXES),
        ("Répartition par âge au 31 décembre", "repartition_age", L.AGES),
        ("Répartition par déficience principale", "repartition_deficience_principale", L.DEFICIENCES),
    ):
        donnees = [(L.libelle(k, table), v) for k, v in (r.get(cle) or {}).items()]
        if donnees:
            graphiques.append(charts.barres(titre, donnees, largeur=640, ident=f"{prefixe}-{cle}"))
    return {"repartitions": graphiques}


def graphiques(type_: str, r: dict) -> dict[str, list]:
    if type_ == "aire":
        return graphiques_aire(r)
    if type_ == "tbp":
        return graphiques_tbp(r)
    if type_ == "rapport_annuel":
        result = {}
        if r.get("tbp"):
            result.update({f"tbp_{k}": v for k, v in graphiques_tbp(r["tbp"]).items()})
        trimestres = r.get("aire_trimestres") or []
        if trimestres:
            etiquettes = [f"T{i + 1}" for i in range(len(trimestres))]
            result["aire_trimestres"] = [
                charts.barres_empilees(
                    "Semaines-jeune par trimestre et combinaison",
                    etiquettes,
                    [(L.COMBINAISONS[k], [t.get("semaines_jeune", {}).get("par_combinaison", {}).get(k, 0)
                                          for t in trimestres]) for k in L.COMBINAISONS],
                    largeur=640, ident="annuel-combinaisons",
                ),
                charts.courbe(
                    "File active par trimestre",
                    etiquettes,
                    [("File active", [t.get("file_active", {}).get("total", 0) for t in trimestres])],
                    largeur=640, ident="annuel-file-active",
                ),
            ]  # fmt: skip
        return result
    return {}


def contexte_pdf(type_: str, resultat: dict, contexte: dict) -> dict:
    dispositif = contexte.get("dispositif") or {"nom": "", "finess": resultat.get("dispositif", "")}
    par_table = graphiques(type_, resultat)
    sections = []
    for tableau in tableaux(type_, resultat):
        lignes = []
        for i, ligne in enumerate(tableau.lignes):
            cellules = [dict(zip(("texte", "nombre"), texte_cellule(v), strict=True)) for v in ligne]
            lignes.append({"cellules": cellules, "total": i in tableau.lignes_total, "retrait": i in tableau.retraits})
        entetes = [
            {"texte": titre, "nombre": bool(lignes) and all(ligne["cellules"][j]["nombre"] for ligne in lignes)}
            for j, titre in enumerate(tableau.colonnes)
        ]
        sections.append(
            {"tableau": tableau, "lignes": lignes, "entetes": entetes, "graphiques": par_table.get(tableau.cle, []),
             "texte_libre": tableau.cle == "narratif"}
        )  # fmt: skip
    parametres = tableau_parametres(type_, resultat, contexte)
    return {
        "titre": contexte.get("titre") or TITRES.get(type_, type_),
        "periode": periode_fr(resultat),
        "organisme": contexte.get("organisme"),
        "dispositif": dispositif,
        "sections": sections,
        "parametres": [[texte_cellule(v)[0] for v in ligne] for ligne in parametres.lignes],
        "genere_le": contexte.get("genere_le"),
        "modele": resultat.get("modele", ""),
    }


def exporter_pdf(type_: str, resultat: dict, contexte: dict) -> bytes:
    return render_pdf("activite/pdf/rapport.html", contexte_pdf(type_, resultat, contexte))
