"""Reads of the portal (what a family or a youth sees of one youth). Every function takes a youth already
resolved through the account's access (``portail_famille.acces``) and returns only what may be shown to families:

- agenda: events the youth takes part in, ``visible_famille`` and of a non-discreet nature; cancelled ones are shown
  as cancelled. An event is named by its nature only (a free title could name other youths of a group), with its
  place, modalité and the **first names** of the professionals;
- plan: the PPA version in force (``valide`` / ``en_cours``) of each of the youth's dossiers, objectives in plain
  words, SERAFIN-PH needs by their label (never a code), with the events of the week linked to each objective;
- documents and journal: see ``portail_famille.perms``.

Every function runs a constant number of queries whatever the number of rows.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from agendas.enums import Presence, StatutEvenement, TypeLieu
from agendas.models import Evenement, ParticipationJeune, ParticipationProfessionnel
from dossiers.enums import StatutParcours
from dossiers.models import Dossier

JOURS = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")


def dossiers_courants(jeune_id: int) -> list[Dossier]:
    """The youth's dossiers that are not archived, accompanied ones first (one query)."""
    rows = list(
        Dossier.objects.filter(jeune_id=jeune_id, archived_at__isnull=True).select_related("dispositif").order_by("pk")
    )
    rows.sort(key=lambda d: (d.statut != StatutParcours.ACCOMPAGNE, d.pk))
    return rows


# --- weeks --------------------------------------------------------------------------------------------------------


@dataclass
class Semaine:
    lundi: datetime.date
    debut: datetime.datetime
    fin: datetime.datetime
    code: str
    precedente: str
    suivante: str
    courante: bool

    @property
    def dimanche(self) -> datetime.date:
        return self.lundi + datetime.timedelta(days=6)


def _code(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def semaine(code: str | None, today: datetime.date | None = None) -> Semaine:
    """The ISO week ``YYYY-Www`` (this week when missing or malformed)."""
    today = today or timezone.localdate()
    lundi = today - datetime.timedelta(days=today.weekday())
    if code:
        try:
            lundi = datetime.date.fromisoformat(f"{code}-1") if "W" in code else lundi
        except ValueError:
            pass
    tz = timezone.get_current_timezone()
    debut = datetime.datetime.combine(lundi, datetime.time.min, tzinfo=tz)
    fin = datetime.datetime.combine(lundi + datetime.timedelta(days=7), datetime.time.min, tzinfo=tz)
    return Semaine(
        lundi=lundi, debut=debut, fin=fin, code=_code(lundi),
        precedente=_code(lundi - datetime.timedelta(days=7)), suivante=_code(lundi + datetime.timedelta(days=7)),
        courante=lundi <= today < lundi + datetime.timedelta(days=7),
    )  # fmt: skip


# --- agenda -------------------------------------------------------------------------------------------------------


def evenements_famille(jeune_id: int):
    """The youth's events that families may see (cancelled ones included, to be shown as such)."""
    return (
        Evenement.objects.filter(participations_jeunes__jeune_id=jeune_id, visible_famille=True)
        .exclude(nature__discrete=True)
        .select_related("nature", "site", "partenaire")
        .prefetch_related(
            Prefetch(
                "participations_professionnels",
                queryset=ParticipationProfessionnel.objects.select_related("user").only(
                    "id", "evenement_id", "user_id", "user__first_name"
                ),
                to_attr="pros",
            ),
            Prefetch(
                "participations_jeunes",
                queryset=ParticipationJeune.objects.filter(jeune_id=jeune_id),
                to_attr="participation_du_jeune",
            ),
        )
        .order_by("debut", "pk")
    )


def lieu(evenement) -> str:
    if evenement.lieu_type == TypeLieu.SITE:
        return evenement.site.nom if evenement.site_id else "Sur le site"
    if evenement.lieu_type == TypeLieu.DOMICILE:
        return "À la maison"
    if evenement.lieu_type == TypeLieu.ECOLE:
        return evenement.lieu_detail or "À l'école"
    if evenement.lieu_type == TypeLieu.PARTENAIRE and evenement.partenaire_id:
        return evenement.partenaire.nom
    return evenement.lieu_detail or evenement.get_lieu_type_display()


@dataclass
class RendezVous:
    """An event as families see it."""

    pk: int
    debut: datetime.datetime
    fin: datetime.datetime
    libelle: str
    lieu: str
    modalite: str
    professionnels: list[str]
    annule: bool
    absence_prevue: bool
    serie_id: int | None = None
    objectifs: list = field(default_factory=list)


def rendez_vous(evenement) -> RendezVous:
    participation = (evenement.participation_du_jeune or [None])[0]
    return RendezVous(
        pk=evenement.pk,
        debut=timezone.localtime(evenement.debut),
        fin=timezone.localtime(evenement.fin),
        libelle=evenement.nature.libelle,
        lieu=lieu(evenement),
        modalite=evenement.get_modalite_display() if evenement.modalite else "",
        professionnels=sorted({p.user.first_name for p in evenement.pros if p.user.first_name}),
        annule=evenement.statut == StatutEvenement.ANNULE,
        absence_prevue=bool(participation and participation.presence == Presence.ABSENT_PREVU),
        serie_id=evenement.serie_id,
    )


def semaine_du_jeune(jeune_id: int, sem: Semaine) -> list[dict]:
    """The seven days of the week, each with its events (3 queries)."""
    today = timezone.localdate()
    events = [rendez_vous(e) for e in evenements_famille(jeune_id).entre(sem.debut, sem.fin)]
    jours = []
    for offset in range(7):
        day = sem.lundi + datetime.timedelta(days=offset)
        items = [e for e in events if e.debut.date() == day]
        if offset >= 5 and not items:
            continue  # week-ends only when something happens
        jours.append({"date": day, "nom": JOURS[offset], "evenements": items, "aujourdhui": day == today})
    return jours


def prochains_rendez_vous(jeune_id: int, *, limit: int = 3, now=None) -> list[RendezVous]:
    now = now or timezone.now()
    qs = evenements_famille(jeune_id).filter(fin__gt=now).exclude(statut=StatutEvenement.ANNULE)
    return [rendez_vous(e) for e in qs[:limit]]


# --- plan ---------------------------------------------------------------------------------------------------------


def plans_en_vigueur(jeune_id: int, sem: Semaine) -> list[dict]:
    """Each PPA in force for the youth, with its objectives in plain words and the week's events serving each one
    (constant number of queries)."""
    from core.models import SerafinCode
    from ppa.enums import StatutPpa
    from ppa.models import LienObjectif, Objectif, PpaVersion

    versions = list(
        PpaVersion.objects.filter(ppa__dossier__jeune_id=jeune_id, statut__in=[StatutPpa.VALIDE, StatutPpa.EN_COURS])
        .select_related("ppa__dossier__dispositif")
        .prefetch_related(
            Prefetch(
                "objectifs",
                queryset=Objectif.objects.order_by("ordre", "pk").prefetch_related(
                    Prefetch("liens", queryset=LienObjectif.objects.only("objectif_id", "evenement_id", "serie_id"))
                ),
            )
        )
        .order_by("ppa__dossier__dispositif__nom")
    )
    if not versions:
        return []
    codes = {o.besoin_code for v in versions for o in v.objectifs.all() if o.besoin_code}
    labels = dict(SerafinCode.objects.filter(code__in=codes).values_list("code", "libelle")) if codes else {}
    events = [rendez_vous(e) for e in evenements_famille(jeune_id).entre(sem.debut, sem.fin)]
    by_event = {e.pk: e for e in events}
    plans = []
    for version in versions:
        objectifs = []
        for objectif in version.objectifs.all():
            linked, seen = [], set()
            for lien in objectif.liens.all():
                matches = (
                    [by_event[lien.evenement_id]] if lien.evenement_id in by_event
                    else [e for e in events if lien.serie_id and e.serie_id == lien.serie_id]
                )  # fmt: skip
                for e in matches:
                    if e.pk not in seen:
                        seen.add(e.pk)
                        linked.append(e)
            linked.sort(key=lambda e: e.debut)
            objectifs.append(
                {
                    "objectif": objectif,
                    "phrase": objectif.phrase_falc or objectif.titre,
                    "besoin": _plain(labels.get(objectif.besoin_code, "")),
                    "evenements": linked,
                }
            )
        plans.append({"version": version, "dossier": version.ppa.dossier, "objectifs": objectifs})
    return plans


def _plain(label: str) -> str:
    """A SERAFIN-PH label without its leading code, if it carries one."""
    head, _, tail = label.partition(" ")
    return tail if head and head[0].isdigit() and "." in head else label


# --- journal ------------------------------------------------------------------------------------------------------


def journal(jeune_id: int):
    """Validated transmissions shared with the family that name this youth and no other one (a note about a group
    would tell a family about other youths), newest first."""
    from core.enums import Visibilite
    from transmissions.enums import StatutTransmission
    from transmissions.models import Transmission, TransmissionJeune

    autre_jeune = TransmissionJeune.objects.filter(transmission=OuterRef("pk")).exclude(jeune_id=jeune_id)
    return (
        Transmission.objects.filter(
            statut=StatutTransmission.VALIDEE,
            visibilite=Visibilite.PARTAGEABLE_FAMILLE,
            liens_jeunes__jeune_id=jeune_id,
        )
        .exclude(Exists(autre_jeune))
        .select_related("auteur", "categorie")
        .only(
            "id",
            "survenue_le",
            "texte",
            "cible",
            "donnees",
            "actions",
            "resultats",
            "auteur__first_name",
            "categorie__libelle",
        )  # fmt: skip
        .order_by("-survenue_le", "-pk")
    )
