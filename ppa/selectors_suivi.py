"""Read helpers of the PPA follow-up: what was realised per objective over a period, the youth's agenda items that
can be linked, and the summary that pre-fills a review.

**Realised** (``realisation``): the events linked to the objective — directly, or through a linked series (all its
occurrences) — with the status ``realise``, starting in the period, in which the youth took part: present at a
direct event (``cadre`` direct, presence ``present``), or named at an indirect or appui-ressources event (work about
the youth without them). An event linked both directly and through its series counts once. Hours are the events'
durations. One SQL query for all the objectives of a version.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import DurationField, Exists, F, Func, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from agendas.enums import Cadre, Presence, StatutEvenement

ABSENCES = (Presence.ABSENT_PREVU, Presence.ABSENT_IMPREVU)
CADRES_INDIRECTS = (Cadre.INDIRECT, Cadre.APPUI_RESSOURCES)


def bornes(debut: datetime.date, fin: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Aware datetimes of the first instant of ``debut`` and of the day after ``fin`` (local time)."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(debut, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(fin + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def periode_par_defaut(version, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The version's period up to today: from its start (or validation, or creation) to its end date, today, or
    its closure, whichever comes first."""
    today = today or timezone.localdate()
    debut = version.date_debut or version.valide_le or timezone.localdate(version.created_at)
    fin = min(d for d in (today, version.date_fin, version.clos_le) if d is not None)
    return debut, max(debut, fin)


def _evenements_lies(jeune_id: int, debut: datetime.date, fin: datetime.date, *, objectif_ref="pk"):
    """Events involving the youth linked to the objective ``OuterRef(objectif_ref)`` (directly or by their series),
    starting in the period, realised or still planned (cancelled ones never count)."""
    from agendas.models import Evenement
    from ppa.models import LienObjectif

    start, end = bornes(debut, fin)
    lie = LienObjectif.objects.filter(objectif_id=OuterRef(OuterRef(objectif_ref))).filter(
        Q(evenement_id=OuterRef("pk")) | Q(serie_id=OuterRef("serie_id"))
    )
    return (
        Evenement.objects.filter(
            debut__gte=start, debut__lt=end, statut__in=[StatutEvenement.REALISE, StatutEvenement.PREVU]
        )
        .filter(Exists(lie))
        .filter(Exists(_participation(jeune_id)))
    )


def _participation(jeune_id: int, **filters):
    from agendas.models import ParticipationJeune

    return ParticipationJeune.objects.filter(evenement_id=OuterRef("pk"), jeune_id=jeune_id, **filters)


def _realises(qs, jeune_id: int):
    """Realised events where the youth was present (direct) or named (indirect, appui-ressources)."""
    present = Exists(_participation(jeune_id, presence=Presence.PRESENT))
    return qs.filter(statut=StatutEvenement.REALISE).filter(
        (Q(cadre=Cadre.DIRECT) & present) | Q(cadre__in=CADRES_INDIRECTS)
    )


def _count(qs):
    return Coalesce(
        Subquery(qs.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def _sum_duree(qs):
    return Coalesce(
        Subquery(
            qs.order_by()
            .annotate(d=Func(F("fin") - F("debut"), function="SUM", output_field=DurationField()))
            .values("d")[:1]
        ),
        Value(datetime.timedelta(0)),
        output_field=DurationField(),
    )


@dataclass
class Realisation:
    seances: int = 0
    heures: float = 0.0
    seances_directes: int = 0
    seances_indirectes: int = 0
    absences: int = 0  # linked direct sessions the youth missed (absent prévu or imprévu)
    prevues: int = 0  # linked sessions still planned (not marked realised nor cancelled) in the period


def phrase_realisation(r: Realisation) -> str:
    """The sentence pre-filling an evaluation's comment (the team rewrites it)."""
    if not r.seances and not r.absences:
        return ""
    texte = f"Sur la période : {r.seances} séance{'s' if r.seances > 1 else ''} réalisée{'s' if r.seances > 1 else ''}"
    texte += f" ({r.heures:g} h)"
    if r.absences:
        texte += f", {r.absences} manquée{'s' if r.absences > 1 else ''}"
    return texte + "."


def realisation(version, jeune_id: int, debut: datetime.date, fin: datetime.date) -> dict[int, Realisation]:
    """``{objectif_id: Realisation}`` for every objective of ``version`` over ``[debut, fin]`` (one query)."""
    from ppa.models import Objectif

    lies = _evenements_lies(jeune_id, debut, fin)
    realises = _realises(lies, jeune_id)
    absents = lies.filter(statut=StatutEvenement.REALISE, cadre=Cadre.DIRECT).filter(
        Exists(_participation(jeune_id, presence__in=ABSENCES))
    )
    rows = Objectif.objects.filter(version=version).annotate(
        r_seances=_count(realises),
        r_duree=_sum_duree(realises),
        r_directes=_count(realises.filter(cadre=Cadre.DIRECT)),
        r_absences=_count(absents),
        r_prevues=_count(lies.filter(statut=StatutEvenement.PREVU)),
    )
    return {
        row.pk: Realisation(
            seances=row.r_seances,
            heures=round(row.r_duree.total_seconds() / 3600, 1),
            seances_directes=row.r_directes,
            seances_indirectes=row.r_seances - row.r_directes,
            absences=row.r_absences,
            prevues=row.r_prevues,
        )
        for row in rows.only("pk")
    }


def liens_par_objectif(version) -> dict[int, list]:
    """``{objectif_id: [LienObjectif with evenement/serie (and nature) loaded]}`` (one query)."""
    from ppa.models import LienObjectif

    liens = {}
    qs = (
        LienObjectif.objects.filter(objectif__version=version)
        .select_related("evenement__nature", "serie__nature")
        .order_by("serie_id", "evenement__debut", "pk")
    )
    for lien in qs:
        liens.setdefault(lien.objectif_id, []).append(lien)
    return liens


def series_du_jeune(access, jeune_id: int) -> list:
    """The youth's series in the agendas this user reads (the weekly schedule), current ones first (one query)."""
    from agendas.models import Serie, SerieJeune

    today = timezone.localdate()
    qs = (
        Serie.objects.filter(Exists(SerieJeune.objects.filter(serie_id=OuterRef("pk"), jeune_id=jeune_id)))
        .filter(Q(fin_serie__isnull=True) | Q(fin_serie__gte=today - datetime.timedelta(days=365)))
        .select_related("nature", "dispositif")
        .order_by("debut")
    )
    if not access.sees_all_dispositifs:
        qs = qs.filter(dispositif_id__in=access.dispositif_ids)
    return list(qs[:200])


def evenements_du_jeune(access, jeune_id: int, lundi: datetime.date) -> list:
    """The youth's events of the week starting ``lundi`` in the agendas this user reads (one query)."""
    from agendas.models import Evenement

    start, end = bornes(lundi, lundi + datetime.timedelta(days=6))
    qs = (
        Evenement.objects.filter(debut__gte=start, debut__lt=end)
        .filter(Exists(_participation(jeune_id)))
        .exclude(cadre=Cadre.INSTITUTIONNEL)
        .select_related("nature", "serie")
        .order_by("debut")
    )
    if not access.sees_all_dispositifs:
        qs = qs.filter(dispositif_id__in=access.dispositif_ids)
    return list(qs[:200])


# --- Review summary ------------------------------------------------------------------------------------------------

MAX_TRANSMISSIONS = 100


@dataclass
class Resume:
    """The read-only summary of a review's period: realisation per objective, the readable transmissions about the
    youth (most recent first, at most ``MAX_TRANSMISSIONS``), the declared absences."""

    realisation: dict
    transmissions: list = field(default_factory=list)
    transmissions_tronquees: bool = False
    absences: list = field(default_factory=list)
    jours_absence: int = 0


def resume_periode(access, version, dossier, debut: datetime.date, fin: datetime.date) -> Resume:
    """Constant number of queries (realisation: 1; transmissions: 1 + 1 prefetch; absences: 1)."""
    from agendas.enums import StatutAbsence
    from agendas.models import Absence
    from dossiers.models import Jeune
    from transmissions.perms import readable_transmissions

    start, end = bornes(debut, fin)
    jeune_id = dossier.jeune_id
    transmissions_qs = readable_transmissions(access).filter(
        liens_jeunes__jeune_id=jeune_id, survenue_le__gte=start, survenue_le__lt=end, addendum_de__isnull=True
    )
    jeunes = Jeune.objects.only("pk", "prenom", "nom_naissance", "nom_usage", "organisme_id")
    transmissions = list(
        transmissions_qs.select_related("auteur", "categorie")
        .prefetch_related(Prefetch("jeunes", queryset=jeunes))
        .order_by("-survenue_le")[: MAX_TRANSMISSIONS + 1]
    )
    absences = list(
        Absence.objects.filter(jeune_id=jeune_id, debut__lt=end, fin__gt=start)
        .exclude(statut=StatutAbsence.REFUSEE)
        .filter(dispositif_id=dossier.dispositif_id)
        .order_by("debut")
    )
    jours = set()
    for absence in absences:
        day = max(timezone.localdate(absence.debut), debut)
        last = min(timezone.localdate(absence.fin), fin)
        while day <= last:
            jours.add(day)
            day += datetime.timedelta(days=1)
    return Resume(
        realisation=realisation(version, jeune_id, debut, fin),
        transmissions=transmissions[:MAX_TRANSMISSIONS],
        transmissions_tronquees=len(transmissions) > MAX_TRANSMISSIONS,
        absences=absences,
        jours_absence=len(jours),
    )
