"""Small server-side SVG charts (dashboards and PDF reports): horizontal bars, stacked bars and lines.

Rules:
- The markup has no ``style`` attribute (the CSP forbids inline styles): colours, sizes and fonts are SVG
  presentation attributes (``fill``, ``stroke``, ``font-size``), which WeasyPrint renders too; classes
  (``graphique__*``) let ``static/activite/activite.css`` adjust them on screen.
- Accessible: ``role="img"``, a ``<title>`` and a ``<desc>`` referenced by ``aria-labelledby``. A chart is never the
  only carrier of a figure: pages and PDFs always show the data table next to it.
- Every text is escaped; values are numbers (``None`` counts as 0).
"""

import math
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#1f5f99", "#2a9d8f", "#e0a526", "#d9653b", "#7a4f9a", "#5c7c2e", "#b0476b", "#6b7785"]
TEXTE = "#1a1a1a"
GRILLE = "#d0d4d9"
POLICE = "DejaVu Sans, Arial, sans-serif"


def format_fr(value, decimales: int | None = None) -> str:
    """``1234.5`` → ``1 234,5`` (narrow no-break space as thousands separator, decimal comma)."""
    if value is None:
        return "—"
    if decimales is None:
        decimales = 0 if float(value).is_integer() else (1 if round(value, 1) == value else 2)
    texte = f"{value:,.{decimales}f}"
    return texte.replace(",", "\u202f").replace(".", ",")


def _ident(ident: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_-]", "-", ident) or "graphique"


def _entete(ident: str, titre: str, description: str, largeur: int, hauteur: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graphique" role="img" '
        f'viewBox="0 0 {largeur} {hauteur}" width="{largeur}" height="{hauteur}" '
        f'preserveAspectRatio="xMinYMin meet" aria-labelledby="{ident}-titre {ident}-desc" '
        f'font-family="{POLICE}" font-size="12" fill="{TEXTE}">'
        f'<title id="{ident}-titre">{escape(titre)}</title>'
        f'<desc id="{ident}-desc">{escape(description)}</desc>'
    )


def _pas(maximum: float, graduations: int = 4) -> float:
    """A round step (1, 2, 2.5, 5 × 10^n) so that ``graduations`` steps cover ``maximum``."""
    if maximum <= 0:
        return 1
    brut = maximum / graduations
    puissance = 10 ** math.floor(math.log10(brut))
    for facteur in (1, 2, 2.5, 5, 10):
        if brut <= facteur * puissance:
            return facteur * puissance
    return 10 * puissance


def _largeur_texte(texte: str, taille: int = 12) -> int:
    return int(len(texte) * taille * 0.58) + 4


def _description(donnees) -> str:
    return "; ".join(f"{label} : {format_fr(v or 0)}" for label, v in donnees)


def barres(
    titre: str, donnees: list[tuple[str, float]], *, ident: str, largeur: int = 460, unite: str = ""
) -> SafeString:
    """Horizontal bars, one per (label, value), the value printed at the end of the bar."""
    ident = _ident(ident)
    donnees = [(str(label), float(v or 0)) for label, v in donnees]
    hauteur_barre, ecart, haut = 20, 8, 8
    marge_gauche = min(max([_largeur_texte(label) for label, _v in donnees] + [60]) + 8, int(largeur * 0.5))
    marge_droite = 70
    hauteur = haut * 2 + len(donnees) * (hauteur_barre + ecart) + 4
    maximum = max([v for _l, v in donnees] + [0]) or 1
    zone = largeur - marge_gauche - marge_droite
    parts = [_entete(ident, titre, _description(donnees), largeur, hauteur)]
    parts.append(
        f'<line class="graphique__axe" x1="{marge_gauche}" y1="{haut - 2}" x2="{marge_gauche}" '
        f'y2="{hauteur - haut + 2}" stroke="{GRILLE}" stroke-width="1"/>'
    )
    for i, (label, v) in enumerate(donnees):
        y = haut + i * (hauteur_barre + ecart)
        w = round(zone * v / maximum, 1)
        texte = label if _largeur_texte(label) <= marge_gauche - 8 else label[: int((marge_gauche - 8) / 7)] + "…"
        parts.append(
            f'<text class="graphique__etiquette" x="{marge_gauche - 6}" y="{y + hauteur_barre / 2 + 4}" '
            f'text-anchor="end">{escape(texte)}</text>'
        )
        couleur = PALETTE[i % len(PALETTE)] if len(donnees) <= len(PALETTE) else PALETTE[0]
        parts.append(
            f'<rect class="graphique__barre" x="{marge_gauche}" y="{y}" width="{w}" height="{hauteur_barre}" '
            f'fill="{couleur}" rx="2"/>'
        )
        parts.append(
            f'<text class="graphique__valeur" x="{marge_gauche + w + 5}" y="{y + hauteur_barre / 2 + 4}">'
            f"{escape(format_fr(v))}{escape(unite)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped


def _axe_y(parts, maximum, x0, x1, y0, y1):
    """Horizontal grid lines and labels; returns the top of the scale."""
    pas = _pas(maximum)
    haut_echelle = pas * max(1, math.ceil(maximum / pas))
    n = round(haut_echelle / pas)
    for k in range(n + 1):
        valeur = pas * k
        y = y1 - (y1 - y0) * valeur / haut_echelle
        parts.append(
            f'<line class="graphique__grille" x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="{GRILLE}" '
            f'stroke-width="1"/>'
        )
        parts.append(
            f'<text class="graphique__graduation" x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
            f"{escape(format_fr(valeur))}</text>"
        )
    return haut_echelle


def _legende(parts, series_noms, x0, y, largeur):
    x = x0
    for i, nom in enumerate(series_noms):
        w = _largeur_texte(nom, 11) + 22
        if x + w > largeur and x > x0:
            x = x0
            y += 18
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}" rx="2"/>')
        parts.append(f'<text class="graphique__legende" x="{x + 16}" y="{y}" font-size="11">{escape(nom)}</text>')
        x += w
    return y


def _etiquettes_x(parts, etiquettes, xs, y):
    pas = max(1, math.ceil(len(etiquettes) / 14))
    for i, (label, x) in enumerate(zip(etiquettes, xs, strict=True)):
        if i % pas == 0:
            parts.append(
                f'<text class="graphique__graduation" x="{x:.1f}" y="{y}" text-anchor="middle" font-size="11">'
                f"{escape(label)}</text>"
            )


def _hauteur_legende(series_noms, largeur, x0):
    lignes, x = 1, x0
    for nom in series_noms:
        w = _largeur_texte(nom, 11) + 22
        if x + w > largeur and x > x0:
            lignes += 1
            x = x0
        x += w
    return lignes * 18


def barres_empilees(
    titre: str, etiquettes: list[str], series: list[tuple[str, list[float]]], *, ident: str, largeur: int = 520,
    hauteur: int = 240,
) -> SafeString:  # fmt: skip
    """Vertical bars per label (e.g. per month), each split into the series (e.g. combinaisons), with a legend."""
    ident = _ident(ident)
    series = [(str(nom), [float(v or 0) for v in valeurs]) for nom, valeurs in series]
    totaux = [sum(valeurs[i] for _n, valeurs in series) for i in range(len(etiquettes))]
    x0, x1, y0 = 48, largeur - 10, 10
    legende = _hauteur_legende([n for n, _v in series], largeur, x0)
    y1 = hauteur - 24 - legende
    description = "; ".join(
        f"{label} : " + ", ".join(f"{nom} {format_fr(valeurs[i])}" for nom, valeurs in series if valeurs[i])
        + f" (total {format_fr(totaux[i])})"
        for i, label in enumerate(etiquettes)
    )  # fmt: skip
    parts = [_entete(ident, titre, description, largeur, hauteur)]
    haut_echelle = _axe_y(parts, max(totaux + [0]) or 1, x0, x1, y0, y1)
    n = max(1, len(etiquettes))
    case = (x1 - x0) / n
    w = max(4.0, min(48.0, case * 0.7))
    xs = []
    for i in range(len(etiquettes)):
        cx = x0 + case * (i + 0.5)
        xs.append(cx)
        y = y1
        for k, (nom, valeurs) in enumerate(series):
            v = valeurs[i]
            if not v:
                continue
            h = (y1 - y0) * v / haut_echelle
            y -= h
            parts.append(
                f'<rect class="graphique__barre" x="{cx - w / 2:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(etiquettes[i])} — {escape(nom)} : '
                f"{escape(format_fr(v))}</title></rect>"
            )
    _etiquettes_x(parts, etiquettes, xs, y1 + 16)
    _legende(parts, [n for n, _v in series], x0, y1 + 40, largeur)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped


def courbe(
    titre: str, etiquettes: list[str], series: list[tuple[str, list[float | None]]], *, ident: str,
    largeur: int = 520, hauteur: int = 220,
) -> SafeString:  # fmt: skip
    """Lines with points, one per series, over the labels (e.g. file active per month; réalisées vs financées)."""
    ident = _ident(ident)
    x0, x1, y0 = 48, largeur - 14, 10
    legende = _hauteur_legende([str(n) for n, _v in series], largeur, x0) if len(series) > 1 else 0
    y1 = hauteur - 24 - legende
    description = "; ".join(
        f"{nom} : " + ", ".join(f"{label} {format_fr(v)}" for label, v in zip(etiquettes, valeurs, strict=True))
        for nom, valeurs in series
    )
    parts = [_entete(ident, titre, description, largeur, hauteur)]
    maximum = max([v for _n, valeurs in series for v in valeurs if v is not None] + [0]) or 1
    haut_echelle = _axe_y(parts, maximum, x0, x1, y0, y1)
    n = len(etiquettes)
    xs = [x0 + (x1 - x0) * ((i + 0.5) / n) for i in range(n)] if n else []
    for k, (nom, valeurs) in enumerate(series):
        couleur = PALETTE[k % len(PALETTE)]
        points = [(x, y1 - (y1 - y0) * v / haut_echelle, v) for x, v in zip(xs, valeurs, strict=True) if v is not None]
        if len(points) > 1:
            chemin = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v in points)
            parts.append(
                f'<polyline class="graphique__ligne" points="{chemin}" fill="none" stroke="{couleur}" '
                f'stroke-width="2"/>'
            )
        for x, y, v in points:
            parts.append(
                f'<circle class="graphique__point" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{couleur}">'
                f"<title>{escape(nom)} : {escape(format_fr(v))}</title></circle>"
            )
    _etiquettes_x(parts, etiquettes, xs, y1 + 16)
    if len(series) > 1:
        _legende(parts, [str(n) for n, _v in series], x0, y1 + 40, largeur)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped
