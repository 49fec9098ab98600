"""TBP indicators (Tableau de bord de la performance, ATIH), model ``tbp-v1`` (DOMAIN §8.2), for a dispositif D and a
calendar year Y.

``indicateurs_tbp(dispositif, annee)`` returns exactly the §8.2 JSON (same keys, same order). Each indicator is
one function below, whose docstring is its definition; ``detail_tbp`` returns the same figures with the rows
behind each of them (drill-down pages), computed by the same functions, in a constant number of queries
(parcours periods, half-days, actes, absences, youths, yearly parameters, AIRe parameters).

Decisions (where §8.2 is silent or ambiguous), applied everywhere below:

- **Dates are inclusive**: a parcours period [debut, fin] covers both ends; ``fin`` is the last day accompanied.
- **Exit on 31 December**: an ``accompagne`` period ending on 31/12 of Y is a sortie définitive of Y and is *not*
  in the effectif on 31/12 (the effectif is the youths still accompanied after that day: ``fin`` empty or later
  than 31/12). Otherwise the TBP formula file active = effectif + sorties would count that youth twice.
- **File active** is the TBP formula, effectif_31_12 + sorties_definitives, on rows: one row per youth of the
  effectif and one per exit. A youth who left and was re-admitted in Y (two ``accompagne`` periods) is one row
  as a sortie and one as effectif: two in the file active, as the TBP formula counts. The répartitions and the
  ASE share are computed over these same rows, so each répartition adds up to ``file_active``.
- **Sex**: the TBP has only ``F`` and ``M``; a youth of sex ``I`` (indéterminé) is counted in neither key
  (``repartition_sexe`` then sums to less than the file active; the page lists them).
- **Keys of the répartitions** are the stable codes of the product (``dossiers.enums``), every category present
  (0 when empty) in the order of the enum, so exports have fixed columns: ``Deficience`` codes for the
  déficience principale, ``MotifSortie`` codes plus ``non_renseigne`` (exit without a motif) for the exits.
- **Percentages and means** are rounded half up to 1 decimal at output only; ``taux_realisation_activite`` is null
  when no journée is financed (no ``DispositifAnnee`` row for Y, or 0 places, or 0 days), the mean duration null
  when there is no exit, ``journees_absence_moyenne`` 0.0 when no youth was absent, ``part_mesure_ase`` 0.0 when
  the file active is empty.
- **Counted pairs** (journées, actes) are those of DOMAIN §8.1 items 1–2, with the current AIRe parameters of
  the dispositif (``suivi_post_sortie_annees``, half-day cut-off), by the rule fragments of
  ``activite.services.faits`` (one definition, shared with the AIRe facts). A pair belongs to Y by its local date
  (the date its event starts); a half-day covered by several pairs belongs to the earliest-starting one, so a pair
  running past midnight on 31/12 brings its 1 January half-day into Y and that half-day is never counted twice.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db import connection

from activite.enums import MODELE_TBP
from activite.services import faits
from dossiers.enums import Deficience, MotifSortie, StatutParcours

TRANCHES_AGE = ("moins_6", "6_10", "11_15", "16_17", "18_19", "20_plus")
AGE_CRETON = 20
MOTIF_NON_RENSEIGNE = "non_renseigne"


def arrondi(value, decimals: int = 1) -> float:
    """Round half up (not the banker's rounding of ``round``) at output."""
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def _31_12(annee: int) -> datetime.date:
    return datetime.date(annee, 12, 31)


def _parametres(dispositif):
    """The AIRe parameters in force for the dispositif (suivi post-sortie, half-day cut-off)."""
    from activite.services.parametres import parametres_courants

    return parametres_courants(dispositif)


# --- Parcours-based indicators (rows: ``dossiers.Parcours`` with ``dossier__jeune``) -----------------------------


def periodes_accompagne(dispositif, annee: int) -> list:
    """The ``accompagne`` parcours periods of D overlapping Y, with their dossier and youth (one query): the rows
    every parcours-based indicator is computed from."""
    from dossiers.models import Parcours

    return list(
        Parcours.objects.filter(
            organisme_id=dispositif.organisme_id,
            dossier__dispositif=dispositif,
            statut=StatutParcours.ACCOMPAGNE,
            debut__lte=_31_12(annee),
        )
        .exclude(fin__lt=datetime.date(annee, 1, 1))
        .select_related("dossier__jeune")
        .order_by("dossier__jeune__nom_naissance", "dossier__jeune__prenom", "debut")
    )


def effectif_31_12(periodes, annee: int) -> list:
    """Effectif au 31/12: youths with an ``accompagne`` period of D covering 31 December of Y and going on after
    it (``fin`` empty or after 31/12: an exit on 31/12 is a sortie of Y, not effectif). Periods never overlap, so
    one period per youth."""
    jour = _31_12(annee)
    return [p for p in periodes if p.debut <= jour and (p.fin is None or p.fin > jour)]


def entrees(periodes, annee: int) -> list:
    """Entrées: ``accompagne`` periods of D starting in Y (a youth admitted twice in Y counts twice)."""
    return [p for p in periodes if p.debut.year == annee]


def sorties_definitives(periodes, annee: int) -> list:
    """Sorties définitives: ``accompagne`` periods of D ending in Y (31/12 included)."""
    return [p for p in periodes if p.fin is not None and p.fin.year == annee]


def file_active(effectif, sorties) -> list:
    """File active (TBP): persons in the effectif on 31/12 + sorties définitives in the year, as rows (one per
    youth of the effectif, one per exit; see the module docstring for a youth re-admitted in Y)."""
    return [*effectif, *sorties]


def duree_moyenne_accompagnement_sortants_jours(sorties) -> float | None:
    """Durée moyenne d'accompagnement des sortants: Σ (sortie − admission) in days / number of définitive exits,
    i.e. the mean of (fin − debut) of the exiting ``accompagne`` periods (1 decimal; null if no exit)."""
    if not sorties:
        return None
    return arrondi(Decimal(sum((p.fin - p.debut).days for p in sorties)) / len(sorties))


def tranche_age(age: int) -> str:
    """Age band of the TBP: ``moins_6`` (< 6), ``6_10``, ``11_15``, ``16_17``, ``18_19``, ``20_plus`` (ages in
    completed years, bounds included)."""
    if age < 6:
        return "moins_6"
    if age <= 10:
        return "6_10"
    if age <= 15:
        return "11_15"
    if age <= 17:
        return "16_17"
    if age <= 19:
        return "18_19"
    return "20_plus"


def repartition_sexe(lignes) -> dict:
    """Répartition by sex of the file active rows: ``F`` and ``M`` (a youth of sex ``I`` is in neither)."""
    counts = Counter(p.dossier.jeune.sexe for p in lignes)
    return {"F": counts["F"], "M": counts["M"]}


def repartition_age(lignes, annee: int) -> dict:
    """Répartition by age band (``tranche_age``) of the file active rows, ages on 31 December of Y."""
    counts = Counter(tranche_age(p.dossier.jeune.age_on(_31_12(annee))) for p in lignes)
    return {t: counts[t] for t in TRANCHES_AGE}


def creton(effectif, annee: int) -> list:
    """Amendement Creton: youths of the effectif on 31/12 aged 20 or more that day (20th birthday on 31/12
    included)."""
    jour = _31_12(annee)
    return [p for p in effectif if p.dossier.jeune.age_on(jour) >= AGE_CRETON]


def motif_de(periode) -> str:
    return periode.motif_sortie or MOTIF_NON_RENSEIGNE


def motifs_sortie(sorties) -> dict:
    """Sorties définitives counted by motif (every ``MotifSortie`` code, then ``non_renseigne``); sums to
    ``sorties_definitives``."""
    counts = Counter(motif_de(p) for p in sorties)
    return {m: counts[m] for m in [*MotifSortie.values, MOTIF_NON_RENSEIGNE]}


def repartition_deficience_principale(lignes) -> dict:
    """Répartition of the file active rows by the youth's déficience principale (every TBP category code of
    ``Deficience``, in its order); sums to ``file_active``."""
    counts = Counter(p.dossier.jeune.deficience_principale for p in lignes)
    return {d: counts[d] for d in Deficience.values}


def part_mesure_ase(lignes) -> float:
    """Share of the file active rows whose youth has an ASE measure (``Jeune.mesure_ase``), in percent (1 decimal;
    0.0 for an empty file active)."""
    if not lignes:
        return 0.0
    return arrondi(Decimal(100 * sum(1 for p in lignes if p.dossier.jeune.mesure_ase)) / len(lignes))


# --- Event-based indicators (one set-based query each) -----------------------------------------------------------


def bornes_locales(du: datetime.date, au: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The instants [du 00:00, au + 1 day 00:00) in Europe/Paris: what happened on the local dates [du, au]."""
    tz = ZoneInfo(faits.TZ)
    debut = datetime.datetime.combine(du, datetime.time.min, tzinfo=tz)
    fin = datetime.datetime.combine(au + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return debut, fin


def _sql_journees_actes() -> str:
    """One statement: per youth, the half-days and the actes ambulatoires of the counted pairs whose local date is
    in [du, au]. Composed of the rule fragments of ``activite.services.faits`` (counted pairs, date, statut,
    half-days, actes: each written once there), on the pairs of D overlapping the dates (and up to 31 days before,
    like the facts, so a half-day covered by an earlier-starting pair is attributed to that pair's date)."""
    jour = faits.regle_jour()
    _nuitees, actes = faits.regle_nuitees_actes()
    # The half-day fragment attributes each half-day to the earliest-starting pair covering it and returns that
    # pair's ``lundi`` column: here ``lundi`` carries the pair's local date (calendar dates, no week attribution).
    return f"""
    WITH params AS (
        SELECT id, dispositif_id, suivi_post_sortie_annees, coupure_demi_journee
        FROM activite_parametresactivite WHERE id = %(parametres_id)s
    ),
    candidates AS (
        SELECT e.organisme_id, e.id AS evenement_id, e.dispositif_id, pj.jeune_id, e.cadre, e.modalite,
               e.debut, e.fin, (n.code = '{faits.NUITEE}') AS nuitee, {jour} AS p_jour, {jour} AS lundi,
               NULL::date AS k_lundi
        FROM agendas_evenement e
        JOIN agendas_participationjeune pj ON pj.evenement_id = e.id
        JOIN agendas_nature n ON n.id = e.nature_id
        WHERE e.organisme_id = %(organisme_id)s AND e.dispositif_id = %(dispositif_id)s
          AND e.debut < %(fin)s AND e.fin > %(debut)s AND e.debut > %(debut)s - interval '31 days'
          AND {faits.regle_paires_comptables()}
    ),
    paires AS (
        {faits.regle_paires_avec_statut()}
    ),
    paires_valides AS (SELECT * FROM paires WHERE statut IS NOT NULL),
    demi AS ({faits.regle_demi_journees()}),
    demi_par_jeune AS (
        SELECT jeune_id, count(*) AS n FROM demi WHERE lundi BETWEEN %(du)s AND %(au)s GROUP BY jeune_id
    ),
    actes_par_jeune AS (
        SELECT p.jeune_id, {actes} AS n FROM paires_valides p
        WHERE p.p_jour BETWEEN %(du)s AND %(au)s GROUP BY p.jeune_id
    )
    SELECT coalesce(dm.jeune_id, a.jeune_id), coalesce(dm.n, 0), coalesce(a.n, 0)
    FROM demi_par_jeune dm FULL JOIN actes_par_jeune a ON a.jeune_id = dm.jeune_id
    """  # noqa: S608 - fragments are constants; values go through parameters


def journees_actes_par_jeune(dispositif, annee: int, parametres) -> tuple[dict[int, Decimal], dict[int, int]]:
    """Per youth, in one query over the counted pairs (DOMAIN §8.1 items 1–2) whose local date falls in Y:

    - **journées réalisées**: the half-day rule of §8.1 item 6 — internat / accueil de jour, nuitées excluded;
      morning before the cut-off, afternoon after; 0.5 per half-day a pair overlaps for a positive time, so at most
      1 per (youth, local date); a half-day covered by several pairs belongs to the earliest-starting one (a pair
      of 31/12 running past midnight keeps its 1 January half-day in Y, never counted twice) — calendar dates, no
      week attribution;
    - **actes ambulatoires**: counted direct pairs in modalité ``ambulatoire``.

    Youths without any are left out of each dict."""
    debut, fin = bornes_locales(datetime.date(annee, 1, 1), _31_12(annee))
    params = {
        "parametres_id": parametres.pk, "organisme_id": dispositif.organisme_id, "dispositif_id": dispositif.pk,
        "debut": debut, "fin": fin, "du": datetime.date(annee, 1, 1), "au": _31_12(annee),
    }  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(_sql_journees_actes(), params)
        rows = cursor.fetchall()
    journees = {jeune_id: Decimal(demi) / 2 for jeune_id, demi, _ in rows if demi}
    actes = {jeune_id: n for jeune_id, _, n in rows if n}
    return journees, actes


def journees_realisees(par_jeune: dict) -> float:
    """Journées réalisées of D in Y: the sum of the youths' journées (``journees_actes_par_jeune``), 1 decimal."""
    return arrondi(sum(par_jeune.values(), Decimal(0)))


def actes_ambulatoires(par_jeune: dict) -> int:
    """Actes ambulatoires of D in Y: counted direct pairs (§8.1 items 1–2) in modalité ``ambulatoire`` whose local
    date falls in Y: the sum of the youths' actes (``journees_actes_par_jeune``)."""
    return sum(par_jeune.values())


def journees_financees(dispositif_annee) -> int:
    """Journées financées = (places financées internat + accueil de jour) × days of operation of D for Y
    (``core.DispositifAnnee``; 0 without a row for Y)."""
    if dispositif_annee is None:
        return 0
    places = dispositif_annee.places_internat + dispositif_annee.places_accueil_de_jour
    return places * dispositif_annee.jours_ouverture


def taux_realisation_activite(realisees: float, financees: int) -> float | None:
    """Taux de réalisation de l'activité = 100 × journées réalisées / journées financées (1 decimal; null if no
    journée is financed)."""
    if not financees:
        return None
    return arrondi(Decimal(str(realisees)) * 100 / financees)


def jours_absence_par_jeune(dispositif, annee: int, periodes) -> dict[int, int]:
    """Days of absence in Y of the youths with an ``accompagne`` period of D overlapping Y (``periodes``): a
    (youth, local date in Y) with at least one direct participation marked ``absent_prevu`` or ``absent_imprevu``
    on a ``realise`` event of D and no ``present`` direct participation that date. The rule itself is
    ``agendas.selectors.jours_absence`` (one definition, one query); youths without such a day are left out."""
    from agendas.selectors import jours_absence

    jeune_ids = sorted({p.dossier.jeune_id for p in periodes})
    if not jeune_ids:
        return {}
    return jours_absence(jeune_ids=jeune_ids, dispositif=dispositif, du=datetime.date(annee, 1, 1), au=_31_12(annee))


def journees_absence_moyenne(jours: dict[int, int]) -> float:
    """Nombre moyen de journées d'absence: days of absence of the youths of the year (``jours_absence_par_jeune``)
    / number of youths absent at least one day (1 decimal; 0.0 if none)."""
    if not jours:
        return 0.0
    return arrondi(Decimal(sum(jours.values())) / len(jours))


# --- Composition ---------------------------------------------------------------------------------------------------


@dataclass
class DetailTbp:
    """The §8.2 figures (``indicateurs``) and the rows behind them (drill-down)."""

    indicateurs: dict
    dispositif_annee: object = None
    parametres: object = None
    effectif: list = field(default_factory=list)
    entrees: list = field(default_factory=list)
    sorties: list = field(default_factory=list)
    file_active: list = field(default_factory=list)
    creton: list = field(default_factory=list)
    journees_par_jeune: dict = field(default_factory=dict)
    actes_par_jeune: dict = field(default_factory=dict)
    jours_absence: dict = field(default_factory=dict)
    dossiers: dict = field(default_factory=dict)  # jeune id -> Dossier (with jeune): every youth named by a figure

    def lignes_par(self, cle: str, valeur) -> list:
        """The file active rows in one category of a répartition (``sexe``, ``age``, ``deficience``, ``ase``)."""
        annee = self.indicateurs["annee"]
        tests = {
            "sexe": lambda p: p.dossier.jeune.sexe == valeur,
            "age": lambda p: tranche_age(p.dossier.jeune.age_on(_31_12(annee))) == valeur,
            "deficience": lambda p: p.dossier.jeune.deficience_principale == valeur,
            "ase": lambda p: p.dossier.jeune.mesure_ase,
        }
        return [p for p in self.file_active if tests[cle](p)]


def detail_tbp(dispositif, annee: int) -> DetailTbp:
    """The §8.2 indicators of D for Y with their rows (constant number of queries)."""
    from core.models import DispositifAnnee
    from dossiers.models import Dossier

    parametres = _parametres(dispositif)
    periodes = periodes_accompagne(dispositif, annee)
    effectif = effectif_31_12(periodes, annee)
    sorties = sorties_definitives(periodes, annee)
    admissions = entrees(periodes, annee)
    fa = file_active(effectif, sorties)
    journees, actes = journees_actes_par_jeune(dispositif, annee, parametres)
    absences = jours_absence_par_jeune(dispositif, annee, periodes)
    dispositif_annee = DispositifAnnee.objects.filter(
        organisme_id=dispositif.organisme_id, dispositif=dispositif, annee=annee
    ).first()
    realisees = journees_realisees(journees)
    financees = journees_financees(dispositif_annee)
    cretons = creton(effectif, annee)
    indicateurs = {
        "modele": MODELE_TBP,
        "dispositif": dispositif.finess,
        "annee": annee,
        "journees_realisees": realisees,
        "journees_financees": financees,
        "taux_realisation_activite": taux_realisation_activite(realisees, financees),
        "actes_ambulatoires": actes_ambulatoires(actes),
        "effectif_31_12": len(effectif),
        "entrees": len(admissions),
        "sorties_definitives": len(sorties),
        "file_active": len(fa),
        "duree_moyenne_accompagnement_sortants_jours": duree_moyenne_accompagnement_sortants_jours(sorties),
        "journees_absence_moyenne": journees_absence_moyenne(absences),
        "repartition_sexe": repartition_sexe(fa),
        "repartition_age": repartition_age(fa, annee),
        "creton": len(cretons),
        "motifs_sortie": motifs_sortie(sorties),
        "repartition_deficience_principale": repartition_deficience_principale(fa),
        "part_mesure_ase": part_mesure_ase(fa),
    }
    dossiers = {p.dossier.jeune_id: p.dossier for p in periodes}
    autres = (set(journees) | set(actes)) - set(dossiers)
    if autres:  # youths counted in journées or actes without an accompagne period in Y (pre-admission, follow-up)
        dossiers.update(
            (d.jeune_id, d)
            for d in Dossier.objects.filter(dispositif=dispositif, jeune_id__in=sorted(autres)).select_related("jeune")
        )
    return DetailTbp(
        indicateurs=indicateurs,
        dispositif_annee=dispositif_annee,
        parametres=parametres,
        effectif=effectif,
        entrees=admissions,
        sorties=sorties,
        file_active=fa,
        creton=cretons,
        journees_par_jeune=journees,
        actes_par_jeune=actes,
        jours_absence=absences,
        dossiers=dossiers,
    )


def parametres_utilises(detail: DetailTbp) -> dict:
    """The parameters the figures used (recorded with exports and reports): the AIRe parameter set (follow-up
    duration, half-day cut-off) and the dispositif's yearly parameters (places financées, days of operation; 0
    without a ``DispositifAnnee`` row for the year)."""
    da = detail.dispositif_annee
    return {
        **(detail.parametres.as_dict() if detail.parametres is not None else {}),
        "places_internat": da.places_internat if da else 0,
        "places_accueil_de_jour": da.places_accueil_de_jour if da else 0,
        "places_ambulatoire": da.places_ambulatoire if da else 0,
        "jours_ouverture": da.jours_ouverture if da else 0,
    }


def indicateurs_tbp(dispositif, annee: int) -> dict:
    """Exactly the §8.2 JSON (model ``tbp-v1``) of dispositif D for calendar year ``annee``."""
    return detail_tbp(dispositif, annee).indicateurs
