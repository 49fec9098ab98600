"""The AIRe activity table (model ``aire-v1``, DOMAIN §8.1) of a dispositif D for a period P.

``table_aire(dispositif, debut, fin)`` returns exactly the §8.1 JSON (same keys, same order; counts are ``int``,
hours and journées ``float``, rounded at output only: hours to 2 decimals, journées to 1 — half up, from exact
integer seconds and half-days). ``table_aire_avec_parametres`` returns it with the parameter set used (the current
version of D's parameters: every fact read was computed with it, see ``faits_a_jour``).

Where each figure comes from (the rules themselves are written once in ``activite.services.faits``, or in the
function named here):

- **P's weeks** (§8.1 item 3): the ISO weeks whose Thursday lies in [debut, fin] (``lundis_de_la_periode``); the
  events of those weeks count with them even when their own date is just outside P.
- ``file_active``, ``semaines_jeune``, ``volumes`` (except ``heures_professionnels``), ``jeunes_multi_modalites``:
  from the ``FaitSemaine`` rows of D in P's weeks (``_agregats_faits``).
- ``semaines_jeune.par_intensite`` (§8.1 item 5): ``bande_intensite``.
- ``volumes.heures_professionnels`` (§8.1 item 6): ``_heures_professionnels``.
- ``appui_ressources`` (§8.1 item 8): ``_appui_ressources``.
- ``situations_complexes`` (§8.1 item 9): ``_situations_complexes``.
- ``anomalies``: the ``AnomalieActivite`` rows of D in P's weeks, ``{"jeune": ref, "evenement": ref, "motif"}``
  where a youth's ref is its exchange-format ``ref`` when set, else its stable ``num``; an event's ref is its
  exchange-format ``ref`` when set, else ``evt-<id>``; ordered by event start, then youth ref.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Exists, OuterRef

from activite.enums import MODELE_AIRE
from activite.models import AnomalieActivite, FaitSemaine
from activite.services.faits import TZ, faits_a_jour, regle_paires_comptables
from activite.services.parametres import parametres_courants
from core.enums import TypePartenaire
from dossiers.enums import StatutParcours

COMBINAISONS = ("I", "AJ", "A", "I+AJ", "I+A", "AJ+A", "I+AJ+A", "indirect")
BANDES_INTENSITE = ("moins_1h", "1h_3h", "3h_6h", "6h_12h", "12h_plus")
STATUTS = (
    StatutParcours.PRE_ADMISSION,
    StatutParcours.ACCOMPAGNE,
    StatutParcours.SUIVI_POST_SORTIE,
    StatutParcours.PONCTUEL,
)
TYPES_PARTENAIRE = tuple(TypePartenaire.values)
UNE_SEMAINE = datetime.timedelta(days=7)


# --- Periods ------------------------------------------------------------------------------------------------------


def lundis_de_la_periode(debut: datetime.date, fin: datetime.date) -> list[datetime.date]:
    """§8.1 item 3 — **P's weeks**: the Mondays of the ISO weeks whose **Thursday** is in [debut, fin] (so the four
    quarters of a year add up to the year, each week counted once)."""
    premier = debut - datetime.timedelta(days=3)
    premier += datetime.timedelta(days=-premier.weekday() % 7)  # the first Monday on or after debut − 3 days
    dernier = fin - datetime.timedelta(days=3)
    lundis = []
    while premier <= dernier:
        lundis.append(premier)
        premier += UNE_SEMAINE
    return lundis


def semaines_de_la_periode(dispositif, debut: datetime.date, fin: datetime.date):
    """The youth-weeks (``FaitSemaine`` queryset) of D in P's weeks (drill-down of every facts-based figure)."""
    lundis = lundis_de_la_periode(debut, fin)
    if not lundis:
        return FaitSemaine.objects.none()
    return FaitSemaine.objects.filter(dispositif=dispositif, lundi__gte=lundis[0], lundi__lte=lundis[-1])


def evenements_comptes(dispositif, jeune_id: int, lundi: datetime.date):
    """The events behind one youth-week: events of D attributed to that week (local date of their start) with a
    counted pair (§8.1 item 1) for that youth and a valid statut (not an anomaly). Queryset, by start."""
    from django.db.models import Q

    from agendas.enums import Cadre, Presence, StatutEvenement
    from agendas.models import Evenement, ParticipationJeune

    debut, fin = _instants(lundi, lundi)
    paire = ParticipationJeune.objects.filter(evenement_id=OuterRef("pk"), jeune_id=jeune_id)
    anomalie = AnomalieActivite.objects.filter(evenement_id=OuterRef("pk"), jeune_id=jeune_id)
    return (
        Evenement.objects.filter(
            dispositif=dispositif,
            statut=StatutEvenement.REALISE,
            hors_prestation=False,
            debut__gte=debut,
            debut__lt=fin,
        )  # fmt: skip
        .filter(
            Q(Exists(paire), cadre=Cadre.INDIRECT)
            | Q(Exists(paire.filter(presence=Presence.PRESENT)), cadre=Cadre.DIRECT)
        )
        .exclude(Exists(anomalie))
        .select_related("nature")
        .order_by("debut", "pk")
    )


def _instants(premier_lundi: datetime.date, dernier_lundi: datetime.date):
    """[first Monday 00:00, the Monday after the last week 00:00) in local time: events whose local start date is
    in those weeks."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(TZ)
    return (
        datetime.datetime.combine(premier_lundi, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(dernier_lundi + UNE_SEMAINE, datetime.time.min, tzinfo=tz),
    )


# --- Rules of the table -------------------------------------------------------------------------------------------


def bande_intensite(secondes_directes: int, bornes_heures) -> str:
    """§8.1 item 5 — **intensity band** of a youth-week with direct pairs, from its direct seconds and the bounds
    (hours, parameter ``bornes_intensite`` = [1, 3, 6, 12] by default): ``moins_1h`` [0, b1), ``1h_3h`` [b1, b2),
    ``3h_6h`` [b2, b3), ``6h_12h`` [b3, b4), ``12h_plus`` [b4, ∞). (The SQL of ``_agregats_faits`` applies the same
    comparisons; this function is the reference the tests check it against.)"""
    for bande, borne in zip(BANDES_INTENSITE, bornes_heures, strict=False):
        if secondes_directes < borne * 3600:
            return bande
    return BANDES_INTENSITE[-1]


def _bandes_sql(bornes_heures) -> str:
    cas = " ".join(
        f"WHEN secondes_directes < {int(b) * 3600} THEN '{bande}'"
        for bande, b in zip(BANDES_INTENSITE, bornes_heures, strict=False)
    )
    return f"CASE {cas} ELSE '{BANDES_INTENSITE[-1]}' END"


def _heures(secondes) -> float:
    """Hours rounded to 2 decimals (half up), at output only."""
    return float((Decimal(int(secondes)) / Decimal(3600)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _journees(demi_journees) -> float:
    """Journées (0.5 per half-day), 1 decimal."""
    return float((Decimal(int(demi_journees)) / 2).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _agregats_faits(dispositif, lundis, bornes) -> dict:
    """§8.1 items 4–7 and 10 from the facts of P's weeks, one query: file active (distinct youths, per statut: a
    youth counts in every statut of its youth-weeks, the total once), youth-weeks per combinaison and per intensity
    band (youth-weeks with direct pairs), volumes, and youths with at least two distinct modalités over P."""
    sql = f"""
        WITH f AS (
            SELECT * FROM activite_faitsemaine
            WHERE organisme_id = %(organisme)s AND dispositif_id = %(dispositif)s
              AND lundi >= %(premier)s AND lundi <= %(dernier)s
        ),
        jeunes AS (SELECT jeune_id, array_agg(DISTINCT s) AS statuts FROM f, unnest(f.statuts) s GROUP BY jeune_id),
        multi AS (
            SELECT jeune_id FROM f, unnest(f.modalites) m GROUP BY jeune_id HAVING count(DISTINCT m) >= 2
        )
        SELECT
            (SELECT count(*) FROM jeunes),
            (SELECT json_object_agg(s, n) FROM (
                SELECT s, count(*) AS n FROM jeunes, unnest(statuts) s GROUP BY s) x),
            (SELECT count(*) FROM f),
            (SELECT json_object_agg(combinaison, n) FROM (
                SELECT combinaison, count(*) AS n FROM f GROUP BY combinaison) x),
            (SELECT json_object_agg(bande, n) FROM (
                SELECT {_bandes_sql(bornes)} AS bande, count(*) AS n FROM f WHERE paires_directes > 0
                GROUP BY 1) x),
            (SELECT coalesce(sum(nuitees), 0) FROM f),
            (SELECT coalesce(sum(demi_journees), 0) FROM f),
            (SELECT coalesce(sum(actes_ambulatoires), 0) FROM f),
            (SELECT coalesce(sum(secondes_directes), 0) FROM f),
            (SELECT coalesce(sum(secondes_indirectes), 0) FROM f),
            (SELECT count(*) FROM multi)
    """  # noqa: S608 - constant fragments, values as parameters
    import json

    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {"organisme": dispositif.organisme_id, "dispositif": dispositif.pk, "premier": lundis[0],
             "dernier": lundis[-1]},
        )  # fmt: skip
        row = cursor.fetchone()

    def as_dict(value):
        return value if isinstance(value, dict) else (json.loads(value) if value else {})

    return {
        "file_active": row[0], "statuts": as_dict(row[1]), "semaines": row[2], "combinaisons": as_dict(row[3]),
        "bandes": as_dict(row[4]), "nuitees": row[5], "demi_journees": row[6], "actes": row[7],
        "secondes_directes": row[8], "secondes_indirectes": row[9], "multi_modalites": row[10],
    }  # fmt: skip


def _heures_professionnels(dispositif, lundis) -> int:
    """§8.1 item 6 — **heures_professionnels** (returned in seconds): Σ duration × number of professionals over
    the distinct events of D attributed to P's weeks that have at least one counted pair (§8.1 item 1) with a valid
    statut (a pair that is not an anomaly ``hors_parcours``)."""
    debut, fin = _instants(lundis[0], lundis[-1])
    sql = f"""
        SELECT coalesce(sum(extract(epoch FROM e.fin - e.debut)), 0)::bigint
        FROM agendas_evenement e
        JOIN agendas_participationprofessionnel pp ON pp.organisme_id = %(organisme)s AND pp.evenement_id = e.id
        WHERE e.organisme_id = %(organisme)s AND e.dispositif_id = %(dispositif)s
          AND e.debut >= %(debut)s AND e.debut < %(fin)s AND e.cadre IN ('direct', 'indirect')
          AND EXISTS (
              SELECT 1 FROM agendas_participationjeune pj
              WHERE pj.organisme_id = %(organisme)s AND pj.evenement_id = e.id AND {regle_paires_comptables()}
                AND (pj.jeune_id, e.id) NOT IN (
                    SELECT a.jeune_id, a.evenement_id FROM activite_anomalieactivite a
                    WHERE a.organisme_id = %(organisme)s AND a.dispositif_id = %(dispositif)s
                      AND a.lundi >= %(premier)s AND a.lundi <= %(dernier)s))
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {"organisme": dispositif.organisme_id, "dispositif": dispositif.pk, "debut": debut, "fin": fin,
             "premier": lundis[0], "dernier": lundis[-1]},
        )  # fmt: skip
        return cursor.fetchone()[0]


def _appui_ressources(dispositif, lundis) -> dict:
    """§8.1 item 8 — **appui-ressources**: the events of cadre ``appui_ressources`` organised by D, ``realise``,
    not ``hors_prestation``, attributed to P's weeks: number of interventions, professional-hours (Σ duration ×
    number of professionals), distinct partners, and interventions per partner type (``Partenaire.type``)."""
    debut, fin = _instants(lundis[0], lundis[-1])
    sql = """
        SELECT p.type, count(*), coalesce(sum(extract(epoch FROM e.fin - e.debut)
                   * (SELECT count(*) FROM agendas_participationprofessionnel pp WHERE pp.evenement_id = e.id)), 0),
               array_agg(DISTINCT e.partenaire_id)
        FROM agendas_evenement e
        LEFT JOIN dossiers_partenaire p ON p.id = e.partenaire_id
        WHERE e.organisme_id = %(organisme)s AND e.dispositif_id = %(dispositif)s
          AND e.debut >= %(debut)s AND e.debut < %(fin)s
          AND e.statut = 'realise' AND NOT e.hors_prestation AND e.cadre = 'appui_ressources'
        GROUP BY p.type
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql, {"organisme": dispositif.organisme_id, "dispositif": dispositif.pk, "debut": debut, "fin": fin}
        )
        rows = cursor.fetchall()
    par_type = dict.fromkeys(TYPES_PARTENAIRE, 0)
    partenaires, secondes, interventions = set(), 0, 0
    for type_, n, sec, ids in rows:
        par_type[type_ if type_ in par_type else TypePartenaire.AUTRE] += n
        interventions += n
        secondes += int(sec)
        partenaires |= {i for i in ids if i is not None}
    return {
        "interventions": interventions,
        "heures_professionnels": _heures(secondes),
        "partenaires_distincts": len(partenaires),
        "par_type_partenaire": par_type,
    }


def _situations_complexes(dispositif, lundis, debut: datetime.date, fin: datetime.date) -> int:
    """§8.1 item 9 — **situations complexes**: distinct youths of the file active (a youth-week in P) whose dossier
    in D has a ``SituationComplexe`` period overlapping P = [debut, fin] (inclusive dates, open end = ongoing)."""
    from django.db.models import Q

    from dossiers.models import SituationComplexe

    file_active = FaitSemaine.objects.filter(
        dispositif=dispositif, lundi__gte=lundis[0], lundi__lte=lundis[-1]
    ).values("jeune_id")
    return (
        SituationComplexe.objects.filter(dossier__dispositif=dispositif, dossier__jeune_id__in=file_active)
        .filter(debut__lte=fin)
        .filter(Q(fin__isnull=True) | Q(fin__gte=debut))
        .values("dossier__jeune_id")
        .distinct()
        .count()
    )


def _anomalies(dispositif, lundis) -> list[dict]:
    rows = (
        AnomalieActivite.objects.filter(dispositif=dispositif, lundi__gte=lundis[0], lundi__lte=lundis[-1])
        .values_list("jeune__ref", "jeune__num", "evenement__ref", "evenement_id", "motif", "evenement__debut")
        .order_by("evenement__debut", "evenement_id", "jeune__num")
    )
    return [
        {"jeune": jref or num, "evenement": eref or f"evt-{eid}", "motif": motif}
        for jref, num, eref, eid, motif, _ in rows
    ]


def ref_jeune(jeune) -> str:
    """The reference of a youth in the AIRe output: its exchange-format ``ref`` when set, else its ``num``."""
    return jeune.ref or jeune.num


def ref_evenement(evenement) -> str:
    """The reference of an event in the AIRe output: its exchange-format ``ref`` when set, else ``evt-<id>``."""
    return evenement.ref or f"evt-{evenement.pk}"


# --- The table ----------------------------------------------------------------------------------------------------


def _valider_periode(debut, fin):
    from django.core.exceptions import ValidationError

    if not isinstance(debut, datetime.date) or not isinstance(fin, datetime.date):
        raise ValidationError("Indiquez les dates de début et de fin de la période (AAAA-MM-JJ).")
    if fin < debut:
        raise ValidationError("La fin de la période précède son début.")


def table_aire_avec_parametres(dispositif, debut: datetime.date, fin: datetime.date) -> tuple[dict, dict]:
    """The §8.1 table of D for P and the parameter set it used (``ParametresActivite.as_dict()``). Facts are brought
    up to date first (pending change-feed rows of D, facts of P's weeks computed with an older parameter version)."""
    _valider_periode(debut, fin)
    parametres = parametres_courants(dispositif)
    lundis = lundis_de_la_periode(debut, fin)
    if lundis:
        faits_a_jour(dispositif, lundis)
    zero_statuts = dict.fromkeys(STATUTS, 0)
    if lundis:
        a = _agregats_faits(dispositif, lundis, parametres.bornes_intensite)
        heures_pro = _heures_professionnels(dispositif, lundis)
        appui = _appui_ressources(dispositif, lundis)
        situations = _situations_complexes(dispositif, lundis, debut, fin)
        anomalies = _anomalies(dispositif, lundis)
    else:  # a period shorter than a week, without a Thursday: no week
        a = {
            "file_active": 0,
            "statuts": {},
            "semaines": 0,
            "combinaisons": {},
            "bandes": {},
            "nuitees": 0,
            "demi_journees": 0,
            "actes": 0,
            "secondes_directes": 0,
            "secondes_indirectes": 0,
            "multi_modalites": 0,
        }
        heures_pro, situations, anomalies = 0, 0, []
        appui = {"interventions": 0, "heures_professionnels": 0.0, "partenaires_distincts": 0,
                 "par_type_partenaire": dict.fromkeys(TYPES_PARTENAIRE, 0)}  # fmt: skip
    table = {
        "modele": MODELE_AIRE,
        "dispositif": dispositif.finess,
        "debut": debut.isoformat(),
        "fin": fin.isoformat(),
        "file_active": {"total": int(a["file_active"]), **{s: int(a["statuts"].get(s, 0)) for s in zero_statuts}},
        "semaines_jeune": {
            "total": int(a["semaines"]),
            "par_combinaison": {c: int(a["combinaisons"].get(c, 0)) for c in COMBINAISONS},
            "par_intensite": {b: int(a["bandes"].get(b, 0)) for b in BANDES_INTENSITE},
        },
        "volumes": {
            "nuitees": int(a["nuitees"]),
            "journees": _journees(a["demi_journees"]),
            "actes_ambulatoires": int(a["actes"]),
            "heures_directes": _heures(a["secondes_directes"]),
            "heures_indirectes": _heures(a["secondes_indirectes"]),
            "heures_professionnels": _heures(heures_pro),
        },
        "appui_ressources": appui,
        "situations_complexes": int(situations),
        "jeunes_multi_modalites": int(a["multi_modalites"]),
        "anomalies": anomalies,
    }
    return table, parametres.as_dict()


def table_aire(dispositif, debut: datetime.date, fin: datetime.date) -> dict:
    """Exactly the §8.1 JSON of D for P (see the module docstring)."""
    return table_aire_avec_parametres(dispositif, debut, fin)[0]
