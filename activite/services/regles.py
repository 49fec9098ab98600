"""SQL building blocks of the activity rules shared by the AIRe facts and the TBP (DOMAIN §8.1 items 1, 2 and 6).

Each rule is written once here, as a SQL fragment with named parameters, and composed by the callers into one
set-based query (no per-row Python loop):

- ``PAIRES_COMPTEES``: the **counted pairs** (§8.1 item 1) with their **statut** (§8.1 item 2) of one dispositif,
  for the events starting in a range of instants. A (youth y, event e) counts when e is organised by the
  dispositif, ``realise``, not ``hors_prestation``, of cadre ``direct`` with y ``present``, or of cadre
  ``indirect`` with y among its youths; its statut is the parcours period of y's dossier in the dispositif that
  covers e's **local date** (Europe/Paris date of its start), a ``suivi_post_sortie`` period covering it only
  strictly before its start + ``suivi_post_sortie_annees`` years. A pair without a covering period is not counted
  (``PAIRES_HORS_PARCOURS`` lists those, the AIRe anomalies). Columns: ``jeune_id, evenement_id, debut, fin,
  cadre, modalite, nuitee, jour, statut, parcours_id``.
- ``DEMI_JOURNEES``: the half-days (§8.1 item 6) of a ``paires`` relation: for each (youth, local date), the
  morning [00:00, coupure) and the afternoon [coupure, 24:00) that a direct pair of modalité ``internat`` or
  ``accueil_de_jour``, other than a nuitée, overlaps for a positive time. Columns ``jeune_id, jour, demi``
  (0 = morning, 1 = afternoon), one row per distinct half-day: a date counts at most 2 half-days = 1 journée.
  Boundaries are local wall-clock times turned into instants, so a day of a daylight-saving change is handled
  (durations are real elapsed time). A pair running past midnight overlaps the half-days of the next date too;
  they are the pair's half-days, attributed with the pair (its own local date decides its period).

Parameters (``%(name)s``): ``organisme``, ``dispositif``, ``debut`` and ``fin`` (aware instants: the events with
``debut <= e.debut < fin``), ``suivi_annees``, ``nuitee`` (the nature code of a nuitée, ``agendas.enums.NUITEE``),
and for ``DEMI_JOURNEES`` ``coupure`` (a ``datetime.time``). Use ``parametres_sql`` to build them.
"""

import datetime

from agendas.enums import NUITEE

FUSEAU = "Europe/Paris"

# Local date of an event (Europe/Paris date of its start).
_JOUR = f"(e.debut AT TIME ZONE '{FUSEAU}')::date"

_PAIRES_FROM = """
    FROM agendas_evenement e
    JOIN agendas_nature n ON n.id = e.nature_id
    JOIN agendas_participationjeune pj ON pj.evenement_id = e.id
    {lateral}
    WHERE e.organisme_id = %(organisme)s
      AND e.dispositif_id = %(dispositif)s
      AND e.statut = 'realise'
      AND NOT e.hors_prestation
      AND e.debut >= %(debut)s AND e.debut < %(fin)s
      AND ((e.cadre = 'direct' AND pj.presence = 'present') OR e.cadre = 'indirect')
"""

# The parcours period covering the pair's local date (§8.1 item 2).
_COUVRANTE = f"""
    SELECT pa.id, pa.statut
    FROM dossiers_dossier d
    JOIN dossiers_parcours pa ON pa.dossier_id = d.id
    WHERE d.jeune_id = pj.jeune_id AND d.dispositif_id = e.dispositif_id
      AND pa.debut <= {_JOUR} AND (pa.fin IS NULL OR pa.fin >= {_JOUR})
      AND (pa.statut <> 'suivi_post_sortie'
           OR {_JOUR} < (pa.debut + make_interval(years => %(suivi_annees)s))::date)
    LIMIT 1
"""

PAIRES_COMPTEES = f"""
    SELECT pj.jeune_id, e.id AS evenement_id, e.debut, e.fin, e.cadre, e.modalite,
           (n.code = %(nuitee)s) AS nuitee, {_JOUR} AS jour, cp.statut, cp.id AS parcours_id
    {_PAIRES_FROM.format(lateral=f"CROSS JOIN LATERAL ({_COUVRANTE}) cp")}
"""

PAIRES_HORS_PARCOURS = f"""
    SELECT pj.jeune_id, e.id AS evenement_id, e.debut, {_JOUR} AS jour
    {_PAIRES_FROM.format(lateral="")}
      AND NOT EXISTS ({_COUVRANTE})
"""

DEMI_JOURNEES = f"""
    SELECT DISTINCT p.jeune_id, j.jour::date AS jour, h.demi
    FROM paires p
    CROSS JOIN LATERAL generate_series(
        (p.debut AT TIME ZONE '{FUSEAU}')::date, (p.fin AT TIME ZONE '{FUSEAU}')::date, interval '1 day'
    ) AS j(jour)
    CROSS JOIN LATERAL (VALUES
        (0, (j.jour::date)::timestamp AT TIME ZONE '{FUSEAU}',
            (j.jour::date + %(coupure)s::time) AT TIME ZONE '{FUSEAU}'),
        (1, (j.jour::date + %(coupure)s::time) AT TIME ZONE '{FUSEAU}',
            (j.jour::date + 1)::timestamp AT TIME ZONE '{FUSEAU}')
    ) AS h(demi, d0, d1)
    WHERE p.cadre = 'direct' AND p.modalite IN ('internat', 'accueil_de_jour') AND NOT p.nuitee
      AND p.debut < h.d1 AND p.fin > h.d0
"""


def bornes_locales(du: datetime.date, au: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The instants [du 00:00, au + 1 day 00:00) in Europe/Paris: events whose local date is in [du, au]."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(FUSEAU)
    debut = datetime.datetime.combine(du, datetime.time.min, tzinfo=tz)
    fin = datetime.datetime.combine(au + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return debut, fin


def parametres_sql(
    *, dispositif, du: datetime.date, au: datetime.date, suivi_annees: int, coupure: datetime.time | None = None
) -> dict:
    """The named parameters of the fragments above for the events whose local date is in [du, au]."""
    debut, fin = bornes_locales(du, au)
    params = {
        "organisme": dispositif.organisme_id,
        "dispositif": dispositif.pk,
        "debut": debut,
        "fin": fin,
        "suivi_annees": suivi_annees,
        "nuitee": NUITEE,
    }
    if coupure is not None:
        params["coupure"] = coupure
    return params
