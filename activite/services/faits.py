"""Activity facts per youth-week (``FaitSemaine``, DOMAIN §8.1 items 1–6) and anomalies (``AnomalieActivite``).

Facts are derived, never typed: one SQL statement computes the facts of many youth-weeks at once from the realised
events and the parcours periods, upserts them on their unique key (``INSERT ... ON CONFLICT DO UPDATE``: reruns
never double count), deletes the facts of the youth-weeks in scope that no longer have a counted pair, and does the
same for the anomalies. Two scopes:

- **keys** ``(jeune_id, dispositif_id, lundi)`` — the change feed ``agendas.SemaineAInvalider`` (upserted by every
  agenda change), consumed by ``faits_recalculer_invalides`` (debounced beat job, every 2 minutes: rows older than
  ``DELAI_ANTI_REBOND`` only; the consumed rows are deleted in the same transaction as the recomputation);
- **range** of weeks of some dispositifs (or the whole organisme) — ``faits_recalculer_periode``; the nightly
  ``faits_reconciliation`` recomputes the last ``RECONCILIATION_ANNEES`` years of the organisme (idempotent).

Parcours changes: the dossiers services do not feed ``SemaineAInvalider``; the signal handlers of
``activite.signals`` do (every week of the youth's counted-looking pairs in that dispositif), and the nightly
reconciliation covers any other path (raw imports, SQL fixes).

Each rule of §8.1 is written once, in the SQL fragment of the function named after it (``_regle_*``), whose
docstring is its definition. The parameters used are the **current** version of each dispositif's parameters; every
fact records it (``parametres``).
"""

import datetime
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from activite.services.parametres import parametres_par_dispositif
from core.tenancy import current_organisme_id

TZ = "Europe/Paris"
NUITEE = "nuitee"  # agendas.enums.NUITEE: the nature code of a nuitée d'internat
DELAI_ANTI_REBOND = datetime.timedelta(seconds=10)
RECONCILIATION_ANNEES = 2
LOT_INVALIDATIONS = 20000
WORK_MEM = "128MB"  # a full recomputation sorts the pairs and half-days of an organisme-year


# --- The rules (DOMAIN §8.1), one SQL fragment each ---------------------------------------------------------------


def regle_paires_comptables() -> str:
    """§8.1 item 1 — **counted pairs**: every (youth y, event e) where e is organised by the dispositif,
    ``statut = realise``, not ``hors_prestation``, and either of cadre ``direct`` with y ``present``, or of cadre
    ``indirect`` with y among its youths (whatever the presence field). ``appui_ressources`` and ``institutionnel``
    events have no pairs. (Condition on ``e`` = agendas_evenement, ``pj`` = agendas_participationjeune.)"""
    return (
        "e.statut = 'realise' AND NOT e.hors_prestation"
        " AND ((e.cadre = 'direct' AND pj.presence = 'present') OR e.cadre = 'indirect')"
    )


def regle_jour() -> str:
    """§8.1 item 2 — the **date of an event** is the local (Europe/Paris) date of its start."""
    return f"(e.debut AT TIME ZONE '{TZ}')::date"


def regle_semaine() -> str:
    """§8.1 item 3 — an event (and each of its pairs) is **attributed to the ISO week** (Monday to Sunday) of its
    date (local date of its start), even when it ends in the next week. A week belongs to the period containing
    its Thursday (``activite.services.aire.semaines_de_la_periode``)."""
    return f"date_trunc('week', e.debut AT TIME ZONE '{TZ}')::date"


def regle_statut() -> str:
    """§8.1 item 2 — **statut** of y at the event's date: the parcours period of y's dossier in the dispositif
    covering that date (periods are inclusive date ranges and never overlap), ``pre_admission``, ``accompagne``,
    ``ponctuel`` or ``suivi_post_sortie`` — the latter only while the date is **strictly before the anniversary**
    ``suivi_post_sortie_annees`` years after the start of the follow-up period (3 years from 1 March 2023: up to
    29 February 2026 included). A pair without such a period is not counted: it is an anomaly ``hors_parcours``
    (a follow-up beyond the limit included). Expression on ``pc`` (dossiers_parcours, LEFT JOINed on the covering
    period) and ``prm`` (the parameters); NULL = no valid covering period."""
    return (
        "CASE WHEN pc.id IS NULL THEN NULL"
        " WHEN pc.statut = 'suivi_post_sortie'"
        " AND p_jour >= (pc.debut + make_interval(years => prm.suivi_post_sortie_annees))::date THEN NULL"
        " ELSE pc.statut END"
    )


def regle_paires_avec_statut() -> str:
    """The candidate pairs (``candidates``) with the statut of the parcours period of the youth's dossier in the
    dispositif covering the pair's local date (``regle_statut``, NULL when none: an anomaly), with the parameter set
    (``params``). The one place where pairs meet the parcours periods (used by the facts and by the TBP)."""
    return f"""SELECT c.*, {regle_statut()} AS statut
        FROM candidates c
        JOIN params prm ON prm.dispositif_id = c.dispositif_id
        LEFT JOIN dossiers_dossier d ON d.jeune_id = c.jeune_id AND d.dispositif_id = c.dispositif_id
        LEFT JOIN dossiers_parcours pc ON pc.dossier_id = d.id AND pc.debut <= c.p_jour
             AND (pc.fin IS NULL OR pc.fin >= c.p_jour)"""  # noqa: S608 - constant fragments


def regle_combinaison() -> str:
    """§8.1 item 4 — **combinaison** of a youth-week: the set of modalités of its direct pairs written ``I``
    (internat), ``AJ`` (accueil de jour), ``A`` (ambulatoire) joined by ``+`` in that order (``I+AJ``, ``AJ+A``,
    ``I+AJ+A``...), or ``indirect`` when it has only indirect pairs. (Expression on the array ``m`` of the
    week's direct modalités; a nuitée is a direct pair of modalité internat.)"""
    return (
        "CASE WHEN cardinality(m) = 0 THEN 'indirect' ELSE concat_ws('+',"
        " CASE WHEN 'internat' = ANY(m) THEN 'I' END,"
        " CASE WHEN 'accueil_de_jour' = ANY(m) THEN 'AJ' END,"
        " CASE WHEN 'ambulatoire' = ANY(m) THEN 'A' END) END"
    )


def regle_secondes() -> tuple[str, str]:
    """§8.1 items 5–6 — **direct seconds** of a youth-week: Σ of the real elapsed durations (``fin − debut`` of
    aware datetimes: a night across a daylight-saving change is an hour shorter or longer) of its direct pairs
    other than nuitées (a nuitée counts as one nuitée, not as hours); each event counts once per youth whatever
    the number of professionals (a pair is one (event, youth)). **Indirect seconds**: Σ of the durations of its
    indirect pairs. (Aggregates over the week's counted pairs ``p``.)"""
    duree = "extract(epoch FROM p.fin - p.debut)"
    return (
        f"coalesce(sum({duree}) FILTER (WHERE p.cadre = 'direct' AND NOT p.nuitee), 0)::bigint",
        f"coalesce(sum({duree}) FILTER (WHERE p.cadre = 'indirect'), 0)::bigint",
    )


def regle_nuitees_actes() -> tuple[str, str]:
    """§8.1 item 6 — **nuitées**: count of direct pairs of nature nuitée d'internat (code ``nuitee``);
    **actes ambulatoires**: count of direct pairs of modalité ambulatoire."""
    return (
        "count(*) FILTER (WHERE p.cadre = 'direct' AND p.nuitee)",
        "count(*) FILTER (WHERE p.cadre = 'direct' AND p.modalite = 'ambulatoire')",
    )


def regle_demi_journees() -> str:
    """§8.1 item 6 — **half-days** (journées = 0.5 per half-day): for each (youth, local date), the morning
    [00:00, cut-off) and the afternoon [cut-off, 24:00) — local times, cut-off = ``coupure_demi_journee`` — that a
    counted direct pair of modalité internat or accueil de jour, other than a nuitée, overlaps **for a positive
    time** (an event ending exactly at the cut-off does not touch the afternoon); so at most 2 half-days (1 journée)
    per (youth, date) and dispositif, however many events cover it.

    Attribution to a week: a half-day belongs to the week of the **earliest-starting** counted pair covering it (ties:
    smallest event id) — i.e. with its event, like every other figure (§8.1 item 3). An event crossing midnight
    gives the half-days of both dates to its own week; a half-day covered both by a Sunday-night event and by a
    Monday event goes to the Sunday's week only, never twice.

    Rows: (jeune, dispositif, k_lundi, lundi of the attributing pair) from the valid pairs ``pv`` and parameters."""
    return f"""
        SELECT DISTINCT ON (pv.jeune_id, pv.dispositif_id, pv.k_lundi, g.jour, h.demi)
               pv.organisme_id, pv.jeune_id, pv.dispositif_id, pv.k_lundi, pv.lundi
        FROM paires_valides pv
        JOIN params prm ON prm.dispositif_id = pv.dispositif_id
        CROSS JOIN LATERAL (
            SELECT d::date AS jour FROM generate_series(
                (pv.debut AT TIME ZONE '{TZ}')::date,
                ((pv.fin - interval '1 microsecond') AT TIME ZONE '{TZ}')::date,
                interval '1 day') AS d
        ) g
        CROSS JOIN LATERAL (VALUES
            (0, (g.jour + time '00:00') AT TIME ZONE '{TZ}', (g.jour + prm.coupure_demi_journee) AT TIME ZONE '{TZ}'),
            (1, (g.jour + prm.coupure_demi_journee) AT TIME ZONE '{TZ}', ((g.jour + 1) + time '00:00') AT TIME ZONE '{TZ}')
        ) AS h(demi, hd, hf)
        WHERE pv.cadre = 'direct' AND NOT pv.nuitee AND pv.modalite IN ('internat', 'accueil_de_jour')
          AND greatest(pv.debut, h.hd) < least(pv.fin, h.hf)
        ORDER BY pv.jeune_id, pv.dispositif_id, pv.k_lundi, g.jour, h.demi, pv.debut, pv.evenement_id
    """  # noqa: E501


# --- The statement ------------------------------------------------------------------------------------------------


def _paires_sql(scope: str) -> str:
    """Candidate pairs of the scope, with their statut. ``scope = "keys"``: per key (y, D, W) the pairs of y in D
    overlapping week W (those starting in W are the key's pairs; earlier ones only compete for half-days);
    ``scope = "range"``: the pairs of the dispositifs overlapping [du, au) weeks (``k_lundi`` NULL). Events
    longer than 31 days are not looked for before a week (bounded index scans)."""
    semaine, jour, comptables = regle_semaine(), regle_jour(), regle_paires_comptables()
    if scope == "keys":
        source = f"""
            FROM cles k
            JOIN agendas_evenement e ON e.dispositif_id = k.dispositif_id
                 AND e.debut < ((k.lundi + 7) + time '00:00') AT TIME ZONE '{TZ}'
                 AND e.fin > (k.lundi + time '00:00') AT TIME ZONE '{TZ}'
                 AND e.debut > ((k.lundi - 31) + time '00:00') AT TIME ZONE '{TZ}'
            JOIN agendas_participationjeune pj ON pj.evenement_id = e.id AND pj.jeune_id = k.jeune_id
            JOIN agendas_nature n ON n.id = e.nature_id"""
        k_lundi = "k.lundi"
    else:
        source = f"""
            FROM agendas_evenement e
            JOIN agendas_participationjeune pj ON pj.evenement_id = e.id
            JOIN agendas_nature n ON n.id = e.nature_id
            WHERE e.organisme_id = %(organisme_id)s
              AND (%(tous)s OR e.dispositif_id = ANY(%(dispositif_ids)s))
              AND e.debut < (%(au)s::date + time '00:00') AT TIME ZONE '{TZ}'
              AND e.fin > (%(du)s::date + time '00:00') AT TIME ZONE '{TZ}'
              AND e.debut > (%(du)s::date - 31 + time '00:00') AT TIME ZONE '{TZ}'"""
        k_lundi = "NULL::date"
    joiner = "AND" if scope == "range" else "WHERE"
    return f"""
        SELECT e.organisme_id, e.id AS evenement_id, e.dispositif_id, pj.jeune_id, e.cadre, e.modalite,
               e.debut, e.fin, (n.code = '{NUITEE}') AS nuitee, {jour} AS p_jour, {semaine} AS lundi,
               {k_lundi} AS k_lundi
        {source}
        {joiner} {comptables}"""


def _scope(scope: str) -> tuple[str, str, str]:
    """(keys CTE, filter of the pairs/half-days counted in scope, filter of the stored rows in scope ``x``)."""
    if scope == "keys":
        cles = """cles AS (
            SELECT DISTINCT * FROM unnest(%(jeune_ids)s::bigint[], %(dispositif_ids)s::bigint[], %(lundis)s::date[])
                AS t(jeune_id, dispositif_id, lundi)
        ),"""
        stored = (
            "EXISTS (SELECT 1 FROM cles k WHERE k.jeune_id = x.jeune_id AND k.dispositif_id = x.dispositif_id"
            " AND k.lundi = x.lundi)"
        )
        return cles, "p.lundi = p.k_lundi", stored  # a key's own pairs
    stored = (
        "x.organisme_id = %(organisme_id)s AND (%(tous)s OR x.dispositif_id = ANY(%(dispositif_ids)s))"
        " AND x.lundi >= %(du)s AND x.lundi < %(au)s"
    )
    return "", "p.lundi >= %(du)s AND p.lundi < %(au)s", stored


def _statement(scope: str) -> str:
    """Statement 1: pairs → statut → facts (upserted, stamped ``calcule_le`` = this run) and anomalies (upserted,
    those of the scope no longer found deleted). Statement 2 (``_statement_suppression``) deletes the facts of the
    scope this run did not stamp. No join between the big intermediate results: the half-days are folded into the
    facts' aggregate by a UNION ALL (the planner cannot estimate CTE sizes; a nested loop there is quadratic)."""
    cles, in_scope, stored = _scope(scope)
    secondes_directes, secondes_indirectes = regle_secondes()
    nuitees, actes = regle_nuitees_actes()
    return f"""
    WITH {cles}
    params AS MATERIALIZED (
        SELECT DISTINCT ON (dispositif_id) id, dispositif_id, suivi_post_sortie_annees, coupure_demi_journee
        FROM activite_parametresactivite ORDER BY dispositif_id, version DESC
    ),
    candidates AS ({_paires_sql(scope)}),
    paires AS MATERIALIZED (
        {regle_paires_avec_statut()}
    ),
    paires_valides AS MATERIALIZED (SELECT * FROM paires WHERE statut IS NOT NULL),
    demi AS ({regle_demi_journees()}),
    contributions AS (
        SELECT p.organisme_id, p.jeune_id, p.dispositif_id, p.lundi, p.statut, p.cadre, p.modalite, p.nuitee,
               p.debut, p.fin, 0 AS demi
        FROM paires_valides p WHERE {in_scope}
        UNION ALL
        SELECT p.organisme_id, p.jeune_id, p.dispositif_id, p.lundi, NULL, NULL, NULL, NULL, NULL, NULL, 1
        FROM demi p WHERE {in_scope}
    ),
    agreges AS (
        SELECT max(p.organisme_id) AS organisme_id, p.jeune_id, p.dispositif_id, p.lundi,
               array_agg(DISTINCT p.statut ORDER BY p.statut) FILTER (WHERE p.statut IS NOT NULL) AS statuts,
               coalesce(array_agg(DISTINCT p.modalite ORDER BY p.modalite) FILTER (WHERE p.cadre = 'direct'),
                        '{{}}'::varchar[]) AS m,
               count(*) FILTER (WHERE p.cadre = 'direct') AS paires_directes,
               count(*) FILTER (WHERE p.cadre = 'indirect') AS paires_indirectes,
               {secondes_directes} AS secondes_directes,
               {secondes_indirectes} AS secondes_indirectes,
               {nuitees} AS nuitees,
               {actes} AS actes_ambulatoires,
               sum(p.demi) AS demi_journees
        FROM contributions p
        GROUP BY p.jeune_id, p.dispositif_id, p.lundi
    ),
    anomalies AS MATERIALIZED (
        SELECT DISTINCT p.organisme_id, p.jeune_id, p.evenement_id, p.dispositif_id, p.lundi
        FROM paires p WHERE p.statut IS NULL AND {in_scope}
    ),
    ins_faits AS (
        INSERT INTO activite_faitsemaine (organisme_id, jeune_id, dispositif_id, lundi, statuts, modalites,
            combinaison, paires_directes, paires_indirectes, secondes_directes, secondes_indirectes, nuitees,
            demi_journees, actes_ambulatoires, parametres_id, calcule_le)
        SELECT a.organisme_id, a.jeune_id, a.dispositif_id, a.lundi, a.statuts, a.m, {regle_combinaison()},
               a.paires_directes, a.paires_indirectes, a.secondes_directes, a.secondes_indirectes, a.nuitees,
               a.demi_journees, a.actes_ambulatoires, prm.id, %(calcule_le)s
        FROM agreges a JOIN params prm ON prm.dispositif_id = a.dispositif_id
        ON CONFLICT (organisme_id, jeune_id, dispositif_id, lundi) DO UPDATE SET
            statuts = EXCLUDED.statuts, modalites = EXCLUDED.modalites, combinaison = EXCLUDED.combinaison,
            paires_directes = EXCLUDED.paires_directes, paires_indirectes = EXCLUDED.paires_indirectes,
            secondes_directes = EXCLUDED.secondes_directes, secondes_indirectes = EXCLUDED.secondes_indirectes,
            nuitees = EXCLUDED.nuitees, demi_journees = EXCLUDED.demi_journees,
            actes_ambulatoires = EXCLUDED.actes_ambulatoires, parametres_id = EXCLUDED.parametres_id,
            calcule_le = EXCLUDED.calcule_le
        RETURNING 1
    ),
    ins_anomalies AS (
        INSERT INTO activite_anomalieactivite (organisme_id, jeune_id, evenement_id, dispositif_id, lundi, motif)
        SELECT organisme_id, jeune_id, evenement_id, dispositif_id, lundi, 'hors_parcours' FROM anomalies
        ON CONFLICT (organisme_id, jeune_id, evenement_id) DO UPDATE SET
            dispositif_id = EXCLUDED.dispositif_id, lundi = EXCLUDED.lundi, motif = EXCLUDED.motif
        RETURNING 1
    ),
    del_anomalies AS (
        DELETE FROM activite_anomalieactivite x WHERE {stored}
          AND (x.jeune_id, x.evenement_id) NOT IN (SELECT a.jeune_id, a.evenement_id FROM anomalies a)
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM ins_faits), (SELECT count(*) FROM ins_anomalies), (SELECT count(*) FROM del_anomalies)
    """  # noqa: S608 - fragments are constants of this module; values go through parameters


def _statement_suppression(scope: str) -> str:
    """The facts of the scope that the run stamped ``%(calcule_le)s`` did not produce: no counted pair any more."""
    cles, _, stored = _scope(scope)
    return (
        f"""
    WITH {cles.rstrip(",")} DELETE FROM activite_faitsemaine x WHERE {stored} AND x.calcule_le < %(calcule_le)s
    """
        if cles
        else f"DELETE FROM activite_faitsemaine x WHERE {stored} AND x.calcule_le < %(calcule_le)s"
    )  # noqa: S608


def _execute(scope: str, params: dict) -> dict:
    """Both statements, in the caller's transaction; ``calcule_le`` is this run's stamp (a fact computed earlier in
    the same transaction has an older one)."""
    params = {**params, "calcule_le": timezone.now()}
    with connection.cursor() as cursor:
        if scope == "range":  # sorts of a whole organisme-year in memory, for this statement only
            cursor.execute("SELECT current_setting('work_mem'), set_config('work_mem', %s, true)", [WORK_MEM])
            previous = cursor.fetchone()[0]
        cursor.execute(_statement(scope), params)
        faits, anomalies, anomalies_supprimees = cursor.fetchone()
        if scope == "range":
            cursor.execute("SELECT set_config('work_mem', %s, true)", [previous])
        cursor.execute(_statement_suppression(scope), params)
        supprimes = cursor.rowcount
    return {"faits": faits, "faits_supprimes": supprimes, "anomalies": anomalies,
            "anomalies_supprimees": anomalies_supprimees}  # fmt: skip


def _ensure_parametres(dispositif_ids) -> None:
    if dispositif_ids:
        parametres_par_dispositif(dispositif_ids)


# --- Entry points -------------------------------------------------------------------------------------------------


def faits_recalculer(keys: Iterable[tuple[int, int, datetime.date]]) -> dict:
    """Recompute the facts and anomalies of the youth-weeks ``(jeune_id, dispositif_id, lundi)`` (any Monday-less
    date is taken to its week's Monday). One statement; returns counts."""
    keys = {(j, d, lundi - datetime.timedelta(days=lundi.weekday())) for j, d, lundi in keys}
    if not keys:
        return {"faits": 0, "faits_supprimes": 0, "anomalies": 0, "anomalies_supprimees": 0}
    _ensure_parametres({d for _, d, _ in keys})
    jeune_ids, dispositif_ids, lundis = zip(*sorted(keys), strict=True)
    with transaction.atomic():
        return _execute("keys", {"jeune_ids": list(jeune_ids), "dispositif_ids": list(dispositif_ids),
                                 "lundis": list(lundis)})  # fmt: skip


def faits_recalculer_periode(*, du: datetime.date, au: datetime.date | None = None, dispositif_ids=None) -> dict:
    """Recompute every youth-week whose Monday is in [monday(du), au) (``au`` None: no end) for the given
    dispositifs (None: the whole current organisme). Idempotent. One statement."""
    from core.models import Dispositif

    organisme_id = current_organisme_id()
    du = du - datetime.timedelta(days=du.weekday())
    au = au or datetime.date(9999, 1, 1)
    tous = dispositif_ids is None
    ids = list(Dispositif.objects.values_list("pk", flat=True)) if tous else list(dispositif_ids)
    _ensure_parametres(ids)
    with transaction.atomic():
        return _execute(
            "range", {"organisme_id": organisme_id, "tous": tous, "dispositif_ids": ids, "du": du, "au": au}
        )


def faits_recalculer_dispositif(dispositif, *, du: datetime.date | None = None) -> dict:
    """Every fact of one dispositif (since ``du``, default: the earliest event), and its change feed consumed."""
    from agendas.models import Evenement, SemaineAInvalider

    if du is None:
        first = Evenement.objects.filter(dispositif=dispositif).order_by("debut").values_list("debut", flat=True)[:1]
        du = timezone.localtime(first[0]).date() if first else timezone.localdate()
    with transaction.atomic():
        debut = timezone.now()
        result = faits_recalculer_periode(du=du, dispositif_ids=[dispositif.pk])
        SemaineAInvalider.objects.filter(
            dispositif=dispositif, lundi__gte=du - datetime.timedelta(days=du.weekday()), signale_le__lte=debut
        ).delete()
    return result


def faits_recalculer_invalides(*, delai: datetime.timedelta | None = DELAI_ANTI_REBOND, dispositif_ids=None) -> int:
    """Consume the change feed: take (and delete, in the same transaction) the ``SemaineAInvalider`` rows signalled
    more than ``delai`` ago (debounce: a burst of edits is computed once; ``None``: all rows), by batches, and
    recompute those youth-weeks. Rows locked by a concurrent consumer are skipped. Returns the number of keys."""
    total = 0
    while True:
        with transaction.atomic():
            keys = _prendre_invalidations(delai, dispositif_ids)
            if keys:
                faits_recalculer(keys)
        total += len(keys)
        if len(keys) < LOT_INVALIDATIONS:
            return total


def _prendre_invalidations(delai, dispositif_ids) -> list[tuple[int, int, datetime.date]]:
    conditions, params = ["organisme_id = %s"], [current_organisme_id()]
    if delai is not None:
        conditions.append("signale_le <= %s")
        params.append(timezone.now() - delai)
    if dispositif_ids is not None:
        conditions.append("dispositif_id = ANY(%s)")
        params.append(list(dispositif_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""DELETE FROM agendas_semaineainvalider WHERE id IN (
                    SELECT id FROM agendas_semaineainvalider WHERE {" AND ".join(conditions)}
                    ORDER BY id LIMIT {LOT_INVALIDATIONS} FOR UPDATE SKIP LOCKED)
                RETURNING jeune_id, dispositif_id, lundi""",  # noqa: S608 - constant fragments
            params,
        )
        return cursor.fetchall()


def faits_reconciliation(*, aujourd_hui: datetime.date | None = None) -> dict:
    """Nightly reconciliation of the current organisme: every youth-week of the last ``RECONCILIATION_ANNEES``
    years (weeks whose Monday is on or after that date; no end), recomputed from scratch and upserted — idempotent,
    so it also repairs what no feed row announced (parcours edited by other paths, SQL fixes). Feed rows of those
    weeks signalled before it started are consumed. Older facts are left as they are (history)."""
    from agendas.models import SemaineAInvalider

    aujourd_hui = aujourd_hui or timezone.localdate()
    try:
        du = aujourd_hui.replace(year=aujourd_hui.year - RECONCILIATION_ANNEES)
    except ValueError:  # 29 February
        du = aujourd_hui.replace(year=aujourd_hui.year - RECONCILIATION_ANNEES, day=28)
    with transaction.atomic():
        debut = timezone.now()
        result = faits_recalculer_periode(du=du)
        SemaineAInvalider.objects.filter(
            lundi__gte=du - datetime.timedelta(days=du.weekday()), signale_le__lte=debut
        ).delete()
    return result


def faits_a_jour(dispositif, lundis: Iterable[datetime.date]) -> int:
    """Before computing a table: the change-feed rows of this dispositif are consumed now (whatever their age), and
    the facts of ``lundis`` still computed with an older parameter version are recomputed. Returns keys done."""
    from activite.models import FaitSemaine
    from activite.services.parametres import parametres_courants

    n = faits_recalculer_invalides(delai=None, dispositif_ids=[dispositif.pk])
    lundis = list(lundis)
    if lundis:
        courant = parametres_courants(dispositif)
        perimes = FaitSemaine.objects.filter(dispositif=dispositif, lundi__in=lundis).exclude(parametres=courant)
        keys = [(j, dispositif.pk, lundi) for j, lundi in perimes.values_list("jeune_id", "lundi")]
        if keys:
            faits_recalculer(keys)
            n += len(keys)
    return n
