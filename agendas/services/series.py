"""Recurring series (RFC 5545 RRULE + exception dates) whose occurrences are stored as ``Evenement`` rows.

Occurrences are computed on **local wall-clock times in Europe/Paris**: a weekly 9:00 series stays at 9:00 across
daylight-saving changes, and the duration is a wall-clock duration (a night from 20:00 to 8:00 stays 20:00–8:00,
one hour shorter or longer in absolute time on the nights of the change). Closures of the dispositif
(``Fermeture``) are skipped when ``sauter_fermetures``, and so are the ``exdates``. Generation is idempotent on
``(serie, occurrence_de)``: existing rows (moved, cancelled, realised) are never rewritten by it.

Edits of an occurrence take a scope: ``cette`` (detaches the occurrence), ``suivantes`` (splits the series: the old
rule ends the day before, a new series starts at this occurrence), ``toutes`` (updates the series and its
non-detached, planned occurrences from this one on; realised and detached occurrences are kept as they are).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from agendas.enums import StatutEvenement, TypeLieu
from agendas.models import (
    Evenement,
    Fermeture,
    Nature,
    Serie,
    SerieJeune,
    SerieProfessionnel,
    SerieRessource,
)
from agendas.services import feed
from agendas.services._common import PARIS, audit, check_aware
from agendas.services.evenements import (
    CHAMPS_MODIFIABLES,
    Participants,
    apply_changes,
    apply_nature,
    bulk_participations,
    default_nature,
    evenement_set_statut,
    evenement_update,
    participation_rows,
    validate_cadre_participants,
    validate_fields,
    validate_jeunes,
)
from agendas.services.natures import natures_par_defaut
from core.enums import AuditAction

HORIZON = datetime.timedelta(weeks=8)
ONE_DAY = datetime.timedelta(days=1)
SCOPES = ("cette", "suivantes", "toutes")
SERIE_CHAMPS = frozenset({"rrule", "exdates", "fin_serie", "sauter_fermetures"})


# --- Pure computation -------------------------------------------------------------------------------------------


def to_local_naive(value: datetime.datetime) -> datetime.datetime:
    return value.astimezone(PARIS).replace(tzinfo=None)


def aware(naive: datetime.datetime) -> datetime.datetime:
    """A local wall-clock time in Europe/Paris as an aware datetime (normalised: a non-existent spring-forward
    time such as 2:30 becomes 3:30)."""
    return naive.replace(tzinfo=PARIS).astimezone(datetime.UTC).astimezone(PARIS)


def parse_rrule(rule: str, dtstart: datetime.datetime):
    """The dateutil rule for an RRULE body (``FREQ=WEEKLY;BYDAY=TU``, with or without the ``RRULE:`` prefix) on
    a naive local ``dtstart``. French ValidationError on bad input."""
    body = (rule or "").strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    if not body or "\n" in body:
        raise ValidationError({"rrule": "Indiquez une règle de récurrence RFC 5545 (ex. FREQ=WEEKLY;BYDAY=TU)."})
    try:
        parsed = rrulestr(body, dtstart=dtstart, ignoretz=True)
    except (ValueError, TypeError) as exc:
        raise ValidationError({"rrule": f"Règle de récurrence invalide : {exc}."}) from None
    return parsed


def fermetures_par_dispositif(dispositif_ids: Iterable[int]) -> dict[int, list[tuple[datetime.date, datetime.date]]]:
    closures = defaultdict(list)
    for d_id, debut, fin in Fermeture.objects.filter(dispositif_id__in=set(dispositif_ids)).values_list(
        "dispositif_id", "debut", "fin"
    ):
        closures[d_id].append((debut, fin))
    return closures


def occurrences(
    *, rrule: str, debut: datetime.datetime, duree: datetime.timedelta, du: datetime.date, au: datetime.date,
    exdates: Iterable[datetime.date] = (), fermetures: Iterable[tuple[datetime.date, datetime.date]] = (),
    fin_serie: datetime.date | None = None,
) -> list[tuple[datetime.date, datetime.datetime, datetime.datetime]]:  # fmt: skip
    """(occurrence date, aware start, aware end) of the rule between ``du`` and ``au`` included, local dates."""
    dtstart = to_local_naive(debut)
    rule = parse_rrule(rrule, dtstart)
    au = min(au, fin_serie) if fin_serie else au
    du = max(du, dtstart.date())
    if au < du:
        return []
    exdates = set(exdates)
    fermetures = sorted(fermetures)
    result = []
    for start in rule.between(datetime.datetime.combine(du, datetime.time.min),
                              datetime.datetime.combine(au, datetime.time.max), inc=True):  # fmt: skip
        day = start.date()
        if day in exdates or any(f_debut <= day <= f_fin for f_debut, f_fin in fermetures):
            continue
        result.append((day, aware(start), aware(start + duree)))
    return result


# --- Generation -------------------------------------------------------------------------------------------------


def _serie_participants(series: list[Serie]) -> dict[int, Participants]:
    ids = [s.pk for s in series]
    parts = {s.pk: Participants() for s in series}
    for s_id, j in SerieJeune.objects.filter(serie_id__in=ids).values_list("serie_id", "jeune_id").order_by("pk"):
        parts[s_id].jeunes.append(j)
    for s_id, u in (
        SerieProfessionnel.objects.filter(serie_id__in=ids).values_list("serie_id", "user_id").order_by("pk")
    ):
        parts[s_id].professionnels.append(u)
    for s_id, r in (
        SerieRessource.objects.filter(serie_id__in=ids).values_list("serie_id", "ressource_id").order_by("pk")
    ):
        parts[s_id].ressources.append(r)
    return parts


def _occurrence(serie: Serie, day, debut, fin) -> Evenement:
    ev = Evenement(
        organisme_id=serie.organisme_id, dispositif_id=serie.dispositif_id, titre=serie.titre,
        modalite=serie.modalite, lieu_type=serie.lieu_type, site_id=serie.site_id, lieu_detail=serie.lieu_detail,
        partenaire_id=serie.partenaire_id, serie=serie, occurrence_de=day, debut=debut, fin=fin,
        statut=StatutEvenement.PREVU, created_by_id=serie.created_by_id,
    )  # fmt: skip
    apply_nature(ev, serie.nature, visible_famille=serie.visible_famille)
    return ev


def series_generer_bulk(*, series: Iterable[Serie], jusqu_au: datetime.date) -> int:
    """Generate the occurrences of many series up to ``jusqu_au`` (local date) in a constant number of queries
    (bulk inserts). Idempotent; returns the number of occurrences created. Call inside a transaction."""
    series = [s for s in series if s.genere_jusqu_au is None or s.genere_jusqu_au < jusqu_au]
    if not series:
        return 0
    natures = Nature.objects.in_bulk({s.nature_id for s in series})
    for s in series:
        s.nature = natures[s.nature_id]
    closures = fermetures_par_dispositif(s.dispositif_id for s in series if s.sauter_fermetures)
    planned: list[tuple[Serie, tuple]] = []
    for s in series:
        du = s.genere_jusqu_au + ONE_DAY if s.genere_jusqu_au else to_local_naive(s.debut).date()
        for occ in occurrences(
            rrule=s.rrule, debut=s.debut, duree=s.duree, du=du, au=jusqu_au, exdates=s.exdates,
            fermetures=closures.get(s.dispositif_id, ()) if s.sauter_fermetures else (), fin_serie=s.fin_serie,
        ):  # fmt: skip
            planned.append((s, occ))
    existing = set()
    if planned:
        existing = set(
            Evenement.objects.filter(
                serie_id__in=[s.pk for s in series], occurrence_de__gte=min(occ[0] for _, occ in planned)
            ).values_list("serie_id", "occurrence_de")
        )
    new = [_occurrence(s, *occ) for s, occ in planned if (s.pk, occ[0]) not in existing]
    created = Evenement.objects.bulk_create(new, batch_size=2000)
    parts = _serie_participants(series)
    bulk_participations(participation_rows(ev, parts[ev.serie_id]) for ev in created)
    keys = set()
    for ev in created:
        keys |= feed.keys_for(
            jeune_ids=parts[ev.serie_id].jeunes, dispositif_id=ev.dispositif_id, debut=ev.debut, fin=ev.fin
        )
    if keys:
        feed.semaines_invalider(organisme_id=series[0].organisme_id, keys=keys)
    for s in series:
        limit = min(jusqu_au, s.fin_serie) if s.fin_serie else jusqu_au
        s.genere_jusqu_au = max(limit, s.genere_jusqu_au or limit)
    Serie.objects.bulk_update(series, ["genere_jusqu_au"], batch_size=2000)
    return len(created)


@transaction.atomic
def series_generer(*, serie: Serie, jusqu_au: datetime.date | None = None) -> int:
    """Generate one series' occurrences ahead (default: 8 weeks from today). Idempotent."""
    serie = Serie.objects.select_for_update().get(pk=serie.pk)
    return series_generer_bulk(series=[serie], jusqu_au=jusqu_au or timezone.localdate() + HORIZON)


@transaction.atomic
def series_generer_toutes(*, jusqu_au: datetime.date | None = None, batch: int = 200) -> int:
    """Every series of the current organisme, generated ahead (the daily beat job)."""
    jusqu_au = jusqu_au or timezone.localdate() + HORIZON
    total = 0
    qs = Serie.objects.filter(Q(genere_jusqu_au__isnull=True) | Q(genere_jusqu_au__lt=jusqu_au)).exclude(
        fin_serie__isnull=False, genere_jusqu_au__isnull=False, genere_jusqu_au__gte=F("fin_serie")
    )
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    for i in range(0, len(ids), batch):
        chunk = list(Serie.objects.select_for_update().filter(pk__in=ids[i : i + batch]).order_by("pk"))
        total += series_generer_bulk(series=chunk, jusqu_au=jusqu_au)
    return total


# --- Creation ---------------------------------------------------------------------------------------------------


def _check_serie(serie: Serie, nature: Nature, participants: Participants, visible_famille) -> None:
    check_aware(serie.debut, "debut")
    if not isinstance(serie.duree, datetime.timedelta) or serie.duree <= datetime.timedelta(0):
        raise ValidationError({"duree": "La durée doit être positive."})
    if serie.duree > datetime.timedelta(days=1):
        raise ValidationError({"duree": "Une occurrence ne peut pas durer plus de 24 heures."})
    parse_rrule(serie.rrule, to_local_naive(serie.debut))
    if serie.fin_serie and serie.fin_serie < to_local_naive(serie.debut).date():
        raise ValidationError({"fin_serie": "La dernière date précède la première occurrence."})
    validate_fields(serie, nature=nature, visible_famille=visible_famille)
    validate_cadre_participants(nature=nature, participants=participants)
    validate_jeunes(dispositif=serie.dispositif, jeune_ids=participants.jeunes)


def _set_serie_participants(serie: Serie, participants: Participants, *, replace: bool = False) -> None:
    if replace:
        SerieJeune.objects.filter(serie=serie).delete()
        SerieProfessionnel.objects.filter(serie=serie).delete()
        SerieRessource.objects.filter(serie=serie).delete()
    org = serie.organisme_id
    SerieJeune.objects.bulk_create(
        [SerieJeune(organisme_id=org, serie=serie, jeune_id=j) for j in participants.jeunes]
    )
    SerieProfessionnel.objects.bulk_create(
        [SerieProfessionnel(organisme_id=org, serie=serie, user_id=u) for u in participants.professionnels]
    )
    SerieRessource.objects.bulk_create(
        [SerieRessource(organisme_id=org, serie=serie, ressource_id=r) for r in participants.ressources]
    )


@transaction.atomic
def serie_create(
    *, dispositif, nature, rrule: str, debut: datetime.datetime, duree: datetime.timedelta, actor, jeunes=(),
    professionnels=(), ressources=(), exdates: Iterable[datetime.date] = (), fin_serie: datetime.date | None = None,
    sauter_fermetures: bool = True, modalite="", lieu_type=TypeLieu.SITE, site=None, lieu_detail="",
    partenaire=None, titre="", visible_famille=None, generer_jusqu_au: datetime.date | None = None,
    generer: bool = True, request=None,
) -> Serie:  # fmt: skip
    """Create a recurring series and generate its occurrences up to ``generer_jusqu_au`` (default 8 weeks ahead;
    past dates of the rule from ``debut`` are generated too). ``rrule`` is an RRULE body such as
    ``FREQ=WEEKLY;BYDAY=TU``; ``debut`` the first occurrence's start (aware), ``duree`` a wall-clock duration."""
    if not isinstance(nature, Nature) and not dispositif.natures.exists():
        natures_par_defaut(dispositif=dispositif, actor=actor)
    nature = default_nature(dispositif, nature)
    serie = Serie(
        organisme_id=dispositif.organisme_id, dispositif=dispositif, nature=nature, titre=titre,
        modalite=modalite or "", lieu_type=lieu_type or TypeLieu.SITE, site=site, lieu_detail=lieu_detail,
        partenaire=partenaire, rrule=rrule.strip().removeprefix("RRULE:"), debut=debut, duree=duree,
        exdates=sorted(set(exdates)), fin_serie=fin_serie, sauter_fermetures=sauter_fermetures,
        created_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    apply_nature(serie, nature, visible_famille=visible_famille)
    participants = Participants.of(jeunes=jeunes, professionnels=professionnels, ressources=ressources)
    _check_serie(serie, nature, participants, visible_famille)
    serie.full_clean(exclude=["created_by"], validate_constraints=False)
    serie.save()
    _set_serie_participants(serie, participants)
    audit(actor, AuditAction.CREATE, serie, request, rrule=serie.rrule)
    if generer:
        series_generer_bulk(series=[serie], jusqu_au=generer_jusqu_au or timezone.localdate() + HORIZON)
    return serie


# --- Edits with a scope -----------------------------------------------------------------------------------------


def _targets(serie: Serie, depuis: datetime.date):
    """Occurrences a series-wide edit rewrites: planned, not detached, from ``depuis`` on."""
    return Evenement.objects.filter(
        serie=serie, detachee=False, statut=StatutEvenement.PREVU, occurrence_de__gte=depuis
    ).order_by("occurrence_de")


def _regenerate(serie: Serie, depuis: datetime.date) -> None:
    """Delete the rewritable occurrences from ``depuis`` and generate again up to where the series was."""
    targets = list(_targets(serie, depuis))
    feed.invalider_evenements(targets)
    Evenement.objects.filter(pk__in=[ev.pk for ev in targets]).delete()
    until = serie.genere_jusqu_au
    serie.genere_jusqu_au = depuis - ONE_DAY
    serie.save(update_fields=["genere_jusqu_au"])
    if until and until >= depuis:
        series_generer_bulk(series=[serie], jusqu_au=until)


def _time_changes(serie: Serie, occurrence: Evenement, changes: dict) -> tuple[bool, bool]:
    """Apply a move of ``occurrence`` (``debut``/``fin`` in changes) to the series' start time and wall-clock
    duration. Returns (times changed, day changed)."""
    if "debut" not in changes and "fin" not in changes:
        return False, False
    new_debut, new_fin = changes.get("debut", occurrence.debut), changes.get("fin", occurrence.fin)
    check_aware(new_debut, "debut")
    check_aware(new_fin, "fin")
    if new_fin <= new_debut:
        raise ValidationError({"fin": "La fin doit être postérieure au début."})
    local_debut = to_local_naive(new_debut)
    day_shift = local_debut.date() - to_local_naive(occurrence.debut).date()
    serie_local = to_local_naive(serie.debut)
    serie.debut = aware(datetime.datetime.combine(serie_local.date() + day_shift, local_debut.time()))
    serie.duree = to_local_naive(new_fin) - local_debut
    return True, bool(day_shift)


def _update_serie_fields(serie: Serie, changes: dict) -> Participants | None:
    nature = default_nature(serie.dispositif, changes.get("nature", serie.nature))
    for name in ("titre", "modalite", "lieu_type", "site", "lieu_detail", "partenaire", *SERIE_CHAMPS):
        if name in changes:
            value = changes[name]
            if name == "rrule":
                value = (value or "").strip().removeprefix("RRULE:")
            if name == "exdates":
                value = sorted(set(value or ()))
            setattr(serie, name, value if value is not None or name in ("site", "partenaire", "fin_serie") else "")
    visible = changes.get("visible_famille", serie.visible_famille if "nature" not in changes else None)
    apply_nature(serie, nature, visible_famille=visible)
    participants = None
    if any(name in changes for name in ("jeunes", "professionnels", "ressources")):
        current = _serie_participants([serie])[serie.pk]
        participants = Participants.of(
            **{n: changes.get(n, getattr(current, n)) for n in ("jeunes", "professionnels", "ressources")}
        )
    _check_serie(serie, nature, participants or _serie_participants([serie])[serie.pk], changes.get("visible_famille"))
    serie.full_clean(exclude=["created_by"], validate_constraints=False)
    serie.save()
    if participants is not None:
        _set_serie_participants(serie, participants, replace=True)
    return participants


def _propagate(serie: Serie, depuis: datetime.date, changes: dict, *, regenerate: bool) -> None:
    """Rewrite the planned, non-detached occurrences of ``serie`` from ``depuis`` after a series-wide change."""
    if regenerate:
        _regenerate(serie, depuis)
        return
    duree = serie.duree
    local_time = to_local_naive(serie.debut).time()
    field_changes = {k: v for k, v in changes.items() if k in CHAMPS_MODIFIABLES - {"debut", "fin"}}
    field_changes |= {k: v for k, v in changes.items() if k in ("jeunes", "professionnels", "ressources")}
    if "nature" in changes:
        field_changes["nature"] = serie.nature
    for ev in _targets(serie, depuis).select_related("nature", "dispositif"):
        moved = dict(field_changes)
        if "debut" in changes or "fin" in changes:
            start = datetime.datetime.combine(ev.occurrence_de, local_time)
            moved["debut"], moved["fin"] = aware(start), aware(start + duree)
        if moved:
            apply_changes(ev, moved)
    # Occurrences that the new rule, exdates, closures or end date no longer produce are removed.
    _prune(serie, depuis)


def _prune(serie: Serie, depuis: datetime.date) -> None:
    targets = list(_targets(serie, depuis))
    if not targets:
        return
    closures = fermetures_par_dispositif([serie.dispositif_id]) if serie.sauter_fermetures else {}
    wanted = {
        occ[0]
        for occ in occurrences(
            rrule=serie.rrule, debut=serie.debut, duree=serie.duree, du=depuis, au=targets[-1].occurrence_de,
            exdates=serie.exdates, fermetures=closures.get(serie.dispositif_id, ()), fin_serie=serie.fin_serie,
        )
    }  # fmt: skip
    gone = [ev for ev in targets if ev.occurrence_de not in wanted]
    if gone:
        feed.invalider_evenements(gone)
        Evenement.objects.filter(pk__in=[ev.pk for ev in gone]).delete()


@transaction.atomic
def occurrence_modifier(*, evenement: Evenement, scope: str, actor, request=None, **changes) -> Evenement:
    """Edit an occurrence of a series: ``cette`` (only this one, detached), ``suivantes`` (this one and the
    following: the series is split), ``toutes`` (the whole series from this occurrence: the series and its
    planned, non-detached occurrences). Changes: event fields, participants (``jeunes=[...]``), and for the
    series scopes ``rrule``, ``exdates``, ``fin_serie``, ``sauter_fermetures``. A move of the occurrence
    (``debut``/``fin``) moves the series' time of day and duration; returns the edited occurrence."""
    if scope not in SCOPES:
        raise ValidationError({"scope": "Portée inconnue : « cette », « suivantes » ou « toutes »."})
    if evenement.serie_id is None or scope == "cette":
        if SERIE_CHAMPS & set(changes):
            raise ValidationError("La règle de récurrence se modifie pour la série, pas pour une occurrence.")
        return evenement_update(evenement=evenement, actor=actor, request=request, **changes)
    serie = Serie.objects.select_for_update().select_related("nature", "dispositif").get(pk=evenement.serie_id)
    evenement = Evenement.objects.get(pk=evenement.pk)
    depuis = evenement.occurrence_de
    if scope == "suivantes" and depuis > to_local_naive(serie.debut).date():
        serie = _split(serie, depuis, actor=actor, request=request)
    times, day_changed = _time_changes(serie, evenement, changes)
    if day_changed and "BYDAY" in serie.rrule.upper() and "rrule" not in changes:
        raise ValidationError(
            {"debut": "Pour changer le jour des occurrences, modifiez aussi la règle de récurrence (jours)."}
        )
    rule_changed = bool({"rrule", "sauter_fermetures"} & set(changes)) or day_changed
    if scope == "toutes":
        depuis = min(depuis, timezone.localdate())
    _update_serie_fields(serie, changes)
    _propagate(serie, depuis, changes, regenerate=rule_changed)
    audit(actor, AuditAction.UPDATE, serie, request, portee=scope, champs=sorted(changes), depuis=str(depuis))
    return Evenement.objects.filter(serie=serie, occurrence_de=evenement.occurrence_de).first() or evenement


def _split(serie: Serie, depuis: datetime.date, *, actor, request=None) -> Serie:
    """End ``serie`` the day before ``depuis`` and continue it as a new series from ``depuis`` (same rule, same
    participants); occurrences from ``depuis`` on move to the new series."""
    participants = _serie_participants([serie])[serie.pk]
    local = to_local_naive(serie.debut)
    rule = parse_rrule(serie.rrule, local)
    first = rule.after(datetime.datetime.combine(depuis, datetime.time.min), inc=True)
    start = first if first is not None else datetime.datetime.combine(depuis, local.time())
    new = Serie(
        organisme_id=serie.organisme_id, dispositif_id=serie.dispositif_id, nature=serie.nature, titre=serie.titre,
        modalite=serie.modalite, lieu_type=serie.lieu_type, site_id=serie.site_id, lieu_detail=serie.lieu_detail,
        partenaire_id=serie.partenaire_id, visible_famille=serie.visible_famille, rrule=serie.rrule,
        debut=aware(start), duree=serie.duree, exdates=[d for d in serie.exdates if d >= depuis],
        fin_serie=serie.fin_serie, sauter_fermetures=serie.sauter_fermetures, genere_jusqu_au=serie.genere_jusqu_au,
        created_by=actor if getattr(actor, "pk", None) else serie.created_by,
    )  # fmt: skip
    new.save()
    _set_serie_participants(new, participants)
    Evenement.objects.filter(serie=serie, occurrence_de__gte=depuis).update(serie=new)
    serie.fin_serie = depuis - ONE_DAY
    serie.exdates = [d for d in serie.exdates if d < depuis]
    if serie.genere_jusqu_au and serie.genere_jusqu_au > serie.fin_serie:
        serie.genere_jusqu_au = serie.fin_serie
    serie.save(update_fields=["fin_serie", "exdates", "genere_jusqu_au"])
    audit(actor, AuditAction.CREATE, new, request, scission_de=serie.pk, depuis=str(depuis))
    return new


@transaction.atomic
def occurrence_annuler(*, evenement: Evenement, actor, request=None) -> Evenement:
    """Cancel one occurrence: the row is kept with statut ``annule`` (the series never regenerates it)."""
    return evenement_set_statut(evenement=evenement, statut=StatutEvenement.ANNULE, actor=actor, request=request)


@transaction.atomic
def serie_update(*, serie: Serie, actor, request=None, **changes) -> Serie:
    """Whole-series edit from today on (same as ``occurrence_modifier(scope="toutes")`` without an occurrence)."""
    serie = Serie.objects.select_for_update().select_related("nature", "dispositif").get(pk=serie.pk)
    rule_changed = bool({"rrule", "sauter_fermetures", "debut", "duree"} & set(changes))
    if "debut" in changes:
        check_aware(changes["debut"], "debut")
        serie.debut = changes["debut"]
    if "duree" in changes:
        serie.duree = changes["duree"]
    _update_serie_fields(serie, {k: v for k, v in changes.items() if k not in ("debut", "duree")})
    _propagate(serie, timezone.localdate(), {k: v for k, v in changes.items() if k not in ("debut", "duree")},
               regenerate=rule_changed)  # fmt: skip
    audit(actor, AuditAction.UPDATE, serie, request, champs=sorted(changes))
    return serie


@transaction.atomic
def serie_delete(*, serie: Serie, actor, request=None) -> int:
    """Delete a series and its occurrences that were not realised (realised ones are kept, unlinked).
    Returns the number of occurrences deleted."""
    serie = Serie.objects.select_for_update().get(pk=serie.pk)
    doomed = list(Evenement.objects.filter(serie=serie).exclude(statut=StatutEvenement.REALISE))
    feed.invalider_evenements(doomed)
    Evenement.objects.filter(pk__in=[ev.pk for ev in doomed]).delete()
    audit(actor, AuditAction.DELETE, serie, request, occurrences_supprimees=len(doomed))
    serie.delete()
    return len(doomed)


def occurrences_de(serie: Serie) -> list[Evenement]:
    return list(Evenement.objects.filter(serie=serie).order_by("occurrence_de"))
