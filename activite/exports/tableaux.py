"""The figures of a result as titled tables with French labels: the one layout shared by the CSV, XLSX and PDF
exports (so the three show the same figures, in the same order, with the same labels).

A table is a list of rows under French column headers; a cell is a ``str``, an ``int``, a ``Nombre`` (a decimal
figure with the number of decimals it is shown with) or ``None`` (no value, e.g. a rate whose denominator is 0).
"""

import datetime
from dataclasses import dataclass, field

from activite.exports import libelles as L


@dataclass(frozen=True)
class Nombre:
    """A decimal figure, shown with ``decimales`` decimals (the value is already rounded by the computation)."""

    valeur: float
    decimales: int = 1


@dataclass
class Tableau:
    cle: str  # stable identifier (sheet order, tests)
    titre: str  # sheet name (≤ 31 characters) and section title
    colonnes: list[str]
    lignes: list[list] = field(default_factory=list)
    description: str = ""
    # Rows whose first cell is a total (shown in bold, left out of charts).
    lignes_total: set[int] = field(default_factory=set)
    # Rows whose label is indented (detail of the row above).
    retraits: set[int] = field(default_factory=set)


TYPES = ("aire", "tbp", "rapport_annuel", "qualite")


def _dec(value, decimales):
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int) and decimales == 0:
        return value
    return Nombre(float(value), decimales)


def _num(value):
    """An int stays an int, a float is a Nombre with 1 or 2 decimals (as rounded by the computation)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        texte = repr(value)
        decimales = len(texte.split(".")[1]) if "." in texte and "e" not in texte else 2
        return Nombre(value, max(1, min(decimales, 2)))
    return str(value)


def date_fr(value) -> str:
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def periode_fr(resultat: dict) -> str:
    if "debut" in resultat and "fin" in resultat:
        return f"du {date_fr(resultat['debut'])} au {date_fr(resultat['fin'])}"
    if "annee" in resultat:
        return f"année {resultat['annee']}"
    return ""


# --- AIRe (§8.1) -----------------------------------------------------------------------------------------------
def tableaux_aire(r: dict) -> list[Tableau]:
    fa = r.get("file_active", {})
    sj = r.get("semaines_jeune", {})
    vol = r.get("volumes", {})
    appui = r.get("appui_ressources", {})
    file_active = Tableau(
        "file_active",
        "File active",
        ["Statut", "Jeunes"],
        [[L.STATUTS[k], _num(fa.get(k, 0))] for k in L.STATUTS]
        + [[L.AIRE_DIVERS[k], _num(r.get(k, 0))] for k in L.AIRE_DIVERS],
        description=(
            "Jeunes distincts ayant au moins une semaine-jeune sur la période, au total et par statut de parcours "
            "(un jeune admis pendant la période compte en pré-admission et en accompagné ; le total le compte une "
            "fois)."
        ),
        lignes_total={0},
        retraits={1, 2, 3, 4},
    )
    combinaisons = Tableau(
        "combinaisons",
        "Semaines-jeune par combinaison",
        ["Combinaison de modalités", "Code", "Semaines-jeune"],
        [[L.COMBINAISONS[k], k, _num(sj.get("par_combinaison", {}).get(k, 0))] for k in L.COMBINAISONS]
        + [["Total des semaines-jeune", "", _num(sj.get("total", 0))]],
        description="Semaines ISO (rattachées à la période par leur jeudi) avec au moins une prestation comptée.",
        lignes_total={len(L.COMBINAISONS)},
    )
    intensite = Tableau(
        "intensite",
        "Intensité hebdomadaire",
        ["Heures directes dans la semaine", "Code", "Semaines-jeune"],
        [[L.INTENSITES[k], k, _num(sj.get("par_intensite", {}).get(k, 0))] for k in L.INTENSITES],
        description="Semaines-jeune avec des prestations directes, par tranche d'heures directes (nuitées exclues).",
    )
    volumes = Tableau(
        "volumes",
        "Volumes",
        ["Indicateur", "Valeur"],
        [
            [L.VOLUMES["nuitees"], _dec(vol.get("nuitees", 0), 0)],
            [L.VOLUMES["journees"], _dec(vol.get("journees", 0), 1)],
            [L.VOLUMES["actes_ambulatoires"], _dec(vol.get("actes_ambulatoires", 0), 0)],
            [L.VOLUMES["heures_directes"], _dec(vol.get("heures_directes", 0), 2)],
            [L.VOLUMES["heures_indirectes"], _dec(vol.get("heures_indirectes", 0), 2)],
            [L.VOLUMES["heures_professionnels"], _dec(vol.get("heures_professionnels", 0), 2)],
        ],
        description="Journées : 0,5 par demi-journée de présence en internat ou accueil de jour (au plus 1 par jour).",
    )
    par_type = appui.get("par_type_partenaire", {})
    types = list(L.TYPES_PARTENAIRE) + [k for k in par_type if k not in L.TYPES_PARTENAIRE]
    appui_ressources = Tableau(
        "appui_ressources",
        "Appui-ressources",
        ["Indicateur", "Valeur"],
        [
            [L.APPUI["interventions"], _dec(appui.get("interventions", 0), 0)],
            [L.APPUI["heures_professionnels"], _dec(appui.get("heures_professionnels", 0), 2)],
            [L.APPUI["partenaires_distincts"], _dec(appui.get("partenaires_distincts", 0), 0)],
        ]
        + [[f"Interventions : {L.libelle(k, L.TYPES_PARTENAIRE)}", _num(par_type.get(k, 0))] for k in types],
        retraits=set(range(3, 3 + len(types))),
    )
    anomalies = Tableau(
        "anomalies",
        "Anomalies",
        ["Jeune (référence)", "Événement (référence)", "Motif"],
        [
            [str(a.get("jeune", "")), str(a.get("evenement", "")), L.libelle(a.get("motif"), L.MOTIFS_ANOMALIE)]
            for a in r.get("anomalies", [])
        ],
        description="Prestations réalisées non comptées faute de période de parcours couvrant leur date.",
    )
    return [file_active, combinaisons, intensite, volumes, appui_ressources, anomalies]


def tableau_aire_comparatif(colonnes: list[tuple[str, dict]]) -> Tableau:
    """One AIRe table per column (e.g. T1..T4 and the year): the figures side by side."""

    def ligne(label, getter, decimales=None):
        values = []
        for _titre, r in colonnes:
            value = getter(r)
            values.append(_dec(value, decimales) if decimales is not None else _num(value))
        return [label, *values]

    lignes = [ligne(f"File active — {L.STATUTS[k]}", lambda r, k=k: r.get("file_active", {}).get(k, 0))
              for k in L.STATUTS]  # fmt: skip
    lignes.append(ligne("Semaines-jeune — total", lambda r: r.get("semaines_jeune", {}).get("total", 0)))
    for k in L.COMBINAISONS:
        lignes.append(
            ligne(f"Semaines-jeune — {L.COMBINAISONS[k]}",
                  lambda r, k=k: r.get("semaines_jeune", {}).get("par_combinaison", {}).get(k, 0))
        )  # fmt: skip
    for k in L.INTENSITES:
        lignes.append(
            ligne(f"Intensité — {L.INTENSITES[k]}",
                  lambda r, k=k: r.get("semaines_jeune", {}).get("par_intensite", {}).get(k, 0))
        )  # fmt: skip
    decimales_volumes = {"nuitees": 0, "journees": 1, "actes_ambulatoires": 0}
    for k in L.VOLUMES:
        lignes.append(ligne(L.VOLUMES[k], lambda r, k=k: r.get("volumes", {}).get(k, 0), decimales_volumes.get(k, 2)))
    lignes.append(ligne(L.APPUI["interventions"], lambda r: r.get("appui_ressources", {}).get("interventions", 0), 0))
    lignes.append(
        ligne("Appui-ressources — heures de professionnels",
              lambda r: r.get("appui_ressources", {}).get("heures_professionnels", 0), 2)
    )  # fmt: skip
    lignes.append(
        ligne(L.APPUI["partenaires_distincts"],
              lambda r: r.get("appui_ressources", {}).get("partenaires_distincts", 0), 0)
    )  # fmt: skip
    for k in L.AIRE_DIVERS:
        lignes.append(ligne(L.AIRE_DIVERS[k], lambda r, k=k: r.get(k, 0), 0))
    return Tableau(
        "aire_trimestres",
        "AIRe par trimestre",
        ["Indicateur", *[titre for titre, _r in colonnes]],
        lignes,
        description=(
            "Les semaines sont rattachées au trimestre qui contient leur jeudi : les chiffres additifs des quatre "
            "trimestres font ceux de l'année ; la file active de l'année compte chaque jeune une fois."
        ),
    )


# --- TBP (§8.2) ------------------------------------------------------------------------------------------------
_TBP_DECIMALES = {
    "journees_realisees": 1,
    "journees_financees": 0,
    "taux_realisation_activite": 1,
    "actes_ambulatoires": 0,
    "effectif_31_12": 0,
    "entrees": 0,
    "sorties_definitives": 0,
    "file_active": 0,
    "duree_moyenne_accompagnement_sortants_jours": 1,
    "journees_absence_moyenne": 1,
    "creton": 0,
    "part_mesure_ase": 1,
}


def tableaux_tbp(r: dict) -> list[Tableau]:
    indicateurs = Tableau(
        "indicateurs",
        "Indicateurs",
        ["Indicateur", "Valeur"],
        [[L.TBP_INDICATEURS[k], _dec(r.get(k), d)] for k, d in _TBP_DECIMALES.items()],
        description="Indicateurs du tableau de bord de la performance (ATIH), calculés à partir du dossier.",
    )
    repartitions = Tableau("repartitions", "Répartitions", ["Répartition", "Catégorie", "Jeunes"])
    for titre, cle, table in (
        ("Sexe", "repartition_sexe", L.SEXES),
        ("Âge au 31 décembre", "repartition_age", L.AGES),
        ("Déficience principale", "repartition_deficience_principale", L.DEFICIENCES),
    ):
        for k, v in (r.get(cle) or {}).items():
            repartitions.lignes.append([titre, L.libelle(k, table), _num(v)])
    repartitions.description = "Sur la file active de l'année (âges au 31 décembre)."
    motifs = Tableau(
        "motifs",
        "Motifs de sortie",
        ["Motif de sortie", "Sorties"],
        [[L.libelle(k, L.MOTIFS_SORTIE), _num(v)] for k, v in (r.get("motifs_sortie") or {}).items()],
    )
    return [indicateurs, repartitions, motifs]


# --- Quality (HAS evaluation): generic layout of whatever indicators the computation returns -------------------
_META = {"modele", "dispositif", "debut", "fin", "annee", "parametres"}


def tableaux_generiques(r: dict, *, titre_indicateurs="Indicateurs") -> list[Tableau]:
    """Scalars → one « Indicateurs » table; each dict → its own table (nested dicts flattened, scalars of a nested
    dict as rows); each list of dicts → a table whose columns are the dicts' keys."""
    indicateurs = Tableau("indicateurs", titre_indicateurs, ["Indicateur", "Valeur"])
    autres = []
    for cle, value in r.items():
        if cle in _META:
            continue
        if isinstance(value, dict):
            t = Tableau(cle, L.libelle(cle)[:31], ["Indicateur", "Valeur"])
            _aplatir(value, "", t.lignes)
            autres.append(t)
        elif isinstance(value, list):
            keys = []
            for item in value:
                if isinstance(item, dict):
                    keys += [k for k in item if k not in keys]
            if keys:
                t = Tableau(cle, L.libelle(cle)[:31], [L.libelle(k) for k in keys])
                t.lignes = [[_cellule(item.get(k)) for k in keys] for item in value if isinstance(item, dict)]
            else:
                t = Tableau(cle, L.libelle(cle)[:31], ["Valeur"], [[_cellule(v)] for v in value])
            autres.append(t)
        else:
            indicateurs.lignes.append([L.libelle(cle), _cellule(value)])
    return ([indicateurs] if indicateurs.lignes else []) + autres


def _cellule(value):
    if isinstance(value, dict | list):
        return str(value)
    return _num(value)


def _aplatir(d: dict, prefixe: str, lignes: list) -> None:
    for k, v in d.items():
        label = f"{prefixe}{L.libelle(k)}"
        if isinstance(v, dict):
            _aplatir(v, f"{label} — ", lignes)
        else:
            lignes.append([label, _cellule(v)])


# --- Annual report -------------------------------------------------------------------------------------------------
def tableaux_rapport_annuel(r: dict) -> list[Tableau]:
    """Annual report: narrative, TBP of the year, AIRe of the year next to each quarter, the year's anomalies."""
    narratif = r.get("narratif") or {}
    tables = [
        Tableau(
            "narratif",
            "Narratif",
            ["Rubrique", "Texte"],
            [[L.NARRATIF[k], narratif.get(k) or ""] for k in L.NARRATIF],
        )
    ]
    tbp = r.get("tbp")
    if tbp:
        for t in tableaux_tbp(tbp):
            t.cle = f"tbp_{t.cle}"
            t.titre = f"TBP — {t.titre}"[:31]
            tables.append(t)
    aire = r.get("aire")
    trimestres = r.get("aire_trimestres") or []
    if aire:
        colonnes = [(f"T{i + 1}", t) for i, t in enumerate(trimestres)] + [(f"Année {r.get('annee', '')}", aire)]
        tables.append(tableau_aire_comparatif(colonnes))
        anomalies = tableaux_aire(aire)[-1]
        anomalies.titre = "AIRe — anomalies"
        tables.append(anomalies)
    return tables


def tableaux(type_: str, resultat: dict) -> list[Tableau]:
    if type_ == "aire":
        return tableaux_aire(resultat)
    if type_ == "tbp":
        return tableaux_tbp(resultat)
    if type_ == "rapport_annuel":
        return tableaux_rapport_annuel(resultat)
    if type_ == "qualite":
        return tableaux_generiques(resultat)
    raise ValueError(f"Type d'export inconnu : {type_}")


def tableau_parametres(type_: str, resultat: dict, contexte: dict) -> Tableau:
    """The « Paramètres » sheet: what was computed, for which dispositif and period, with which parameter set."""
    dispositif = contexte.get("dispositif") or {}
    lignes = [
        ["Document", TITRES.get(type_, type_)],
        ["Modèle de calcul", str(resultat.get("modele", ""))],
        ["Dispositif", _attr(dispositif, "nom")],
        ["FINESS", _attr(dispositif, "finess") or str(resultat.get("dispositif", ""))],
        ["Période", periode_fr(resultat)],
    ]
    organisme = contexte.get("organisme")
    if organisme:
        lignes.insert(2, ["Organisme", _attr(organisme, "nom")])
    parametres = contexte.get("parametres") or resultat.get("parametres") or {}
    for k, v in parametres.items():
        if k == "modele" and v == resultat.get("modele"):
            continue
        if isinstance(v, list | tuple):
            v = ", ".join(str(x) for x in v)
        elif isinstance(v, dict):
            v = ", ".join(f"{L.libelle(kk)} : {vv}" for kk, vv in v.items())
        lignes.append([L.libelle(k, L.PARAMETRES), _num(v) if not isinstance(v, str) else v])
    if contexte.get("demande_par"):
        lignes.append(["Demandé par", str(contexte["demande_par"])])
    lignes.append(["Généré le", date_fr(contexte.get("genere_le"))])
    return Tableau("parametres", "Paramètres", ["Paramètre", "Valeur"], lignes)


TITRES = {
    "aire": "Tableau d'activité AIRe",
    "tbp": "Indicateurs du tableau de bord de la performance (TBP)",
    "rapport_annuel": "Rapport d'activité annuel",
    "qualite": "Indicateurs qualité (évaluation HAS)",
}


def _attr(obj, name) -> str:
    if obj is None:
        return ""
    if isinstance(obj, dict):
        return str(obj.get(name) or "")
    return str(getattr(obj, name, "") or "")
