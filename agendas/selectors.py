"""Read helpers of the agendas app: conflicts before saving, absence counts."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import CharField, F, IntegerField, Q, Value
from django.db.models.functions import Concat

from agendas.enums import Cadre, Presence, StatutEvenement
from agendas.models import Evenement, ParticipationJeune, ParticipationProfessionnel, ReservationRessource
from agendas.services._common import local_date


@dataclass(frozen=True)
class Conflit:
    """One participant already booked on an overlapping event."""

    type: str  # "jeune" | "professionnel" | "ressource"
    objet_id: int
    libelle: str
    evenement_id: int
    evenement_titre: str
    debut: datetime.datetime
    fin: datetime.datetime
    dispositif_id: int = 0
    # False when the user may not open the other event: its title and link are not shown.
    evenement_lisible: bool = True

    @property
    def message(self) -> str:
        from django.utils import timezone

        debut, fin = timezone.localtime(self.debut), timezone.localtime(self.fin)
        quoi = {"jeune": "Le jeune", "professionnel": "Le professionnel", "ressource": "La ressource"}[self.type]
        titre = self.evenement_titre if self.evenement_lisible else "un autre événement"
        return f"{quoi} {self.libelle} est déjà pris(e) le {debut:%d/%m/%Y} de {debut:%H:%M} à {fin:%H:%M} ({titre})."


def conflits_visibles(access, conflits: list[Conflit]) -> list[Conflit]:
    """What the user may see of the conflicts (DOMAIN §3: restricted stays restricted): the other event's title and
    link only if the user may read the agenda of its dispositif; a youth whose dossier is closed to the user is not
    named (« dossier restreint ») and the other event stays hidden. One query for the youths."""
    from dataclasses import replace

    from agendas.perms import can_read_dispositif_agenda, readable_jeune_ids

    youths = {c.objet_id for c in conflits if c.type == "jeune"}
    readable = readable_jeune_ids(access, youths) if youths else set()
    visibles = []
    for c in conflits:
        lisible = can_read_dispositif_agenda(access, c.dispositif_id)
        libelle = c.libelle
        if c.type == "jeune" and c.objet_id not in readable:
            libelle, lisible = "(dossier restreint)", False
        visibles.append(replace(c, libelle=libelle, evenement_lisible=lisible))
    return visibles


def _ids(objects) -> list[int]:
    return [o if isinstance(o, int) else o.pk for o in objects or ()]


def conflits(
    *, debut: datetime.datetime | None = None, fin: datetime.datetime | None = None, jeunes=(), professionnels=(),
    ressources=(), exclude=None, plages=None,
) -> list[Conflit]:  # fmt: skip
    """The youths, professionals and resources already booked on an overlapping, not-cancelled event, to show as
    warnings before saving (one query). ``exclude``: the event being edited (or an iterable of event ids, e.g. a
    series' own occurrences). ``plages``: several (debut, fin) ranges at once instead of one (a series)."""
    jeunes, professionnels, ressources = _ids(jeunes), _ids(professionnels), _ids(ressources)
    plages = list(plages) if plages is not None else [(debut, fin)]
    if not (jeunes or professionnels or ressources) or not plages:
        return []
    excluded = [] if exclude is None else ([exclude.pk] if hasattr(exclude, "pk") else list(exclude))
    overlapping = Q()
    for d, f in plages:
        overlapping |= Q(evenement__debut__lt=f, evenement__fin__gt=d)
    not_cancelled = dict(evenement__statut=StatutEvenement.ANNULE)
    columns = ("kind", "objet", "libelle", "evenement_id", "ev_titre", "ev_nature", "evenement__debut",
               "evenement__fin", "evenement__dispositif_id")  # fmt: skip

    def bookings(model, kind, ids, id_field, libelle):
        return (
            model.objects.filter(overlapping, **{f"{id_field}__in": ids})
            .exclude(**not_cancelled)
            .exclude(evenement_id__in=excluded)
            .annotate(
                kind=Value(kind, output_field=CharField()),
                objet=F(id_field),
                libelle=libelle,
                ev_titre=F("evenement__titre"),
                ev_nature=F("evenement__nature__libelle"),
            )
            .values_list(*columns)
        )

    queries = []
    if jeunes:
        libelle = Concat("jeune__prenom", Value(" "), "jeune__nom_naissance", output_field=CharField())
        queries.append(bookings(ParticipationJeune, "jeune", jeunes, "jeune_id", libelle))
    if professionnels:
        libelle = Concat("user__first_name", Value(" "), "user__last_name", output_field=CharField())
        queries.append(bookings(ParticipationProfessionnel, "professionnel", professionnels, "user_id", libelle))
    if ressources:
        queries.append(bookings(ReservationRessource, "ressource", ressources, "ressource_id", F("ressource__nom")))
    qs = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
    rows = sorted(qs, key=lambda r: (r[6], r[0], r[2]))
    return [
        Conflit(type=k, objet_id=o, libelle=lib, evenement_id=ev, evenement_titre=titre or nature, debut=d, fin=f,
                dispositif_id=disp)
        for k, o, lib, ev, titre, nature, d, f, disp in rows
    ]  # fmt: skip


def conflits_serie(
    *, dispositif, rrule: str, debut: datetime.datetime, duree: datetime.timedelta, jusqu_au: datetime.date,
    exdates=(), fin_serie=None, sauter_fermetures: bool = True, jeunes=(), professionnels=(), ressources=(),
    exclude=None,
) -> list[Conflit]:  # fmt: skip
    """Conflicts of the occurrences a series would have up to ``jusqu_au`` (two queries: closures, bookings)."""
    from agendas.services.series import fermetures_par_dispositif, occurrences, to_local_naive

    closures = fermetures_par_dispositif([dispositif.pk]).get(dispositif.pk, ()) if sauter_fermetures else ()
    plages = [
        (d, f)
        for _, d, f in occurrences(
            rrule=rrule, debut=debut, duree=duree, du=to_local_naive(debut).date(), au=jusqu_au, exdates=exdates,
            fermetures=closures, fin_serie=fin_serie,
        )
    ]  # fmt: skip
    return conflits(plages=plages, jeunes=jeunes, professionnels=professionnels, ressources=ressources,
                    exclude=exclude)  # fmt: skip


def jours_absence(*, jeune_ids, dispositif, du: datetime.date, au: datetime.date) -> dict[int, int]:
    """Days of absence per youth between ``du`` and ``au`` (local dates, included), as the TBP defines them
    (DOMAIN §8.2): a (youth, local date) with at least one direct participation marked ``absent_prevu`` or
    ``absent_imprevu`` on a realised event of the dispositif, and no ``present`` direct participation that date.
    One query; youths without any day are absent from the result."""
    from agendas.services._common import PARIS

    start = datetime.datetime.combine(du, datetime.time.min, tzinfo=PARIS)
    end = datetime.datetime.combine(au + datetime.timedelta(days=1), datetime.time.min, tzinfo=PARIS)
    rows = ParticipationJeune.objects.filter(
        jeune_id__in=_ids(jeune_ids),
        evenement__dispositif=dispositif,
        evenement__statut=StatutEvenement.REALISE,
        evenement__cadre=Cadre.DIRECT,
        evenement__debut__gte=start,
        evenement__debut__lt=end,
        presence__in=[Presence.PRESENT, Presence.ABSENT_PREVU, Presence.ABSENT_IMPREVU],
    ).values_list("jeune_id", "evenement__debut", "presence")
    absent, present = defaultdict(set), defaultdict(set)
    for jeune_id, debut, presence in rows:
        (present if presence == Presence.PRESENT else absent)[jeune_id].add(local_date(debut))
    result = {j: len(days - present[j]) for j, days in absent.items()}
    return {j: n for j, n in result.items() if n}


def absences_par_jeune(*, jeune_ids, dispositif, du: datetime.date, au: datetime.date) -> dict[int, dict]:
    """Per youth: ``jours`` (TBP days of absence, see ``jours_absence``) and ``seances`` (absent participations
    on realised events, by presence) between two local dates. Two queries."""
    from django.db.models import Count

    from agendas.services._common import PARIS

    start = datetime.datetime.combine(du, datetime.time.min, tzinfo=PARIS)
    end = datetime.datetime.combine(au + datetime.timedelta(days=1), datetime.time.min, tzinfo=PARIS)
    ids = _ids(jeune_ids)
    result = {j: {"jours": 0, "absent_prevu": 0, "absent_imprevu": 0} for j in ids}
    for j, n in jours_absence(jeune_ids=ids, dispositif=dispositif, du=du, au=au).items():
        result[j]["jours"] = n
    counts = (
        ParticipationJeune.objects.filter(
            jeune_id__in=ids,
            evenement__dispositif=dispositif,
            evenement__statut=StatutEvenement.REALISE,
            evenement__debut__gte=start,
            evenement__debut__lt=end,
            presence__in=[Presence.ABSENT_PREVU, Presence.ABSENT_IMPREVU],
        )  # fmt: skip
        .values("jeune_id", "presence")
        .annotate(n=Count("pk", output_field=IntegerField()))
        .order_by()
    )
    for row in counts:
        result[row["jeune_id"]][row["presence"]] = row["n"]
    return result


def evenements_du_jour(*, dispositif, jour: datetime.date):
    """Not-cancelled events of a dispositif starting on a local date (pointage)."""
    from agendas.services._common import PARIS

    start = datetime.datetime.combine(jour, datetime.time.min, tzinfo=PARIS)
    end = datetime.datetime.combine(jour + datetime.timedelta(days=1), datetime.time.min, tzinfo=PARIS)
    return Evenement.objects.filter(dispositif=dispositif, debut__gte=start, debut__lt=end).exclude(
        statut=StatutEvenement.ANNULE
    )
