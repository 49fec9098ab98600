"""One-off events and occurrences: creation, edits, status, presences (DOMAIN §5).

``cadre``, SERAFIN code and ``hors_prestation`` are copied from the nature when an event is saved. Every change
upserts the change feed (``SemaineAInvalider``) for the youths and weeks it touches, old and new, in the same
transaction.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agendas.enums import Cadre, MotifAbsence, Presence, StatutEvenement, TypeLieu
from agendas.models import (
    Evenement,
    Nature,
    ParticipationIntervenant,
    ParticipationJeune,
    ParticipationProfessionnel,
    ReservationRessource,
)
from agendas.services import feed
from agendas.services._common import audit, check_aware
from agendas.services.natures import check_serafin, natures_par_defaut
from core.enums import AuditAction, Modalite

ABSENCES = frozenset({Presence.ABSENT_PREVU, Presence.ABSENT_IMPREVU})

# Fields a caller may change with evenement_update / occurrence_modifier (participants are replaced as sets).
CHAMPS_MODIFIABLES = frozenset(
    {
        "nature", "debut", "fin", "titre", "modalite", "lieu_type", "site", "lieu_detail", "partenaire",
        "visible_famille", "hors_prestation", "commentaire",
    }
)  # fmt: skip
PARTICIPANTS = ("jeunes", "professionnels", "intervenants", "ressources")


def _ids(objects) -> list[int]:
    """Model instances or ids -> ids, order kept, duplicates dropped."""
    seen = {}
    for obj in objects or ():
        seen.setdefault(obj if isinstance(obj, int) else obj.pk, None)
    return list(seen)


@dataclass
class Participants:
    jeunes: list[int] = field(default_factory=list)
    professionnels: list[int] = field(default_factory=list)
    intervenants: list[int] = field(default_factory=list)
    ressources: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, *, jeunes=(), professionnels=(), intervenants=(), ressources=()):
        return cls(_ids(jeunes), _ids(professionnels), _ids(intervenants), _ids(ressources))


def apply_nature(obj, nature: Nature, *, visible_famille=None, hors_prestation=None) -> None:
    """Copy the nature's cadre/SERAFIN/hors prestation onto an event or series (``Serie`` has no copy fields)."""
    obj.nature = nature
    if isinstance(obj, Evenement):
        obj.cadre = nature.cadre
        obj.serafin_code, obj.serafin_version = nature.serafin_code, nature.serafin_version
        obj.hors_prestation = nature.hors_prestation if hors_prestation is None else hors_prestation
    if visible_famille is None:
        visible_famille = nature.visible_famille
    obj.visible_famille = bool(visible_famille) and not nature.discrete


def validate_fields(obj, *, nature: Nature, visible_famille=None) -> None:
    """Rules shared by events and series (obj has the EvenementFields); French messages on the faulty field."""
    errors = {}
    if nature.dispositif_id != obj.dispositif_id:
        errors["nature"] = "Cette nature n'est pas configurée pour ce dispositif."
    elif not nature.is_active:
        errors["nature"] = f"La nature « {nature} » n'est plus active."
    if nature.cadre == Cadre.DIRECT:
        if not obj.modalite:
            errors["modalite"] = "La modalité (internat, accueil de jour, ambulatoire) est requise (acte direct)."
        elif obj.modalite not in Modalite.values:
            errors["modalite"] = f"Modalité inconnue : « {obj.modalite} »."
    else:
        obj.modalite = ""
    if nature.cadre == Cadre.APPUI_RESSOURCES and obj.partenaire_id is None:
        errors["partenaire"] = "Une intervention d'appui-ressources se fait auprès d'un partenaire : choisissez-le."
    if obj.lieu_type == TypeLieu.PARTENAIRE and obj.partenaire_id is None:
        errors["partenaire"] = "Indiquez le partenaire chez qui a lieu l'événement."
    if obj.site_id is not None and obj.site.dispositif_id != obj.dispositif_id:
        errors["site"] = "Ce site n'appartient pas au dispositif."
    if nature.discrete and visible_famille:
        errors["visible_famille"] = f"La nature « {nature} » est discrète : jamais visible par les familles."
    if errors:
        raise ValidationError(errors)


def validate_jeunes(*, dispositif, jeune_ids: Iterable[int]) -> None:
    """Youths must have a dossier in the organising dispositif (one query)."""
    from dossiers.models import Dossier, Jeune

    jeune_ids = set(jeune_ids)
    if not jeune_ids:
        return
    with_dossier = set(
        Dossier.objects.filter(dispositif=dispositif, jeune_id__in=jeune_ids).values_list("jeune_id", flat=True)
    )
    missing = jeune_ids - with_dossier
    if missing:
        names = ", ".join(sorted(str(j) for j in Jeune.objects.filter(pk__in=missing))) or "inconnu"
        raise ValidationError({"jeunes": f"Sans dossier dans le dispositif « {dispositif} » : {names}."})


def validate_cadre_participants(*, nature: Nature, participants: Participants) -> None:
    if nature.cadre == Cadre.DIRECT and nature.code != "transport" and not participants.jeunes:
        raise ValidationError({"jeunes": "Un acte direct se fait avec au moins un jeune."})


def default_nature(dispositif, nature):
    """Accept a Nature or a code; creates the dispositif's default natures on first use."""
    if isinstance(nature, Nature):
        return nature
    from agendas.services.natures import nature_par_code

    return nature_par_code(dispositif=dispositif, code=nature)


def build_evenement(
    *, dispositif, nature, debut, fin, actor=None, modalite="", lieu_type=TypeLieu.SITE, site=None, lieu_detail="",
    partenaire=None, titre="", visible_famille=None, statut=StatutEvenement.PREVU, hors_prestation=None,
    commentaire="", ref="", serie=None, occurrence_de=None,
) -> Evenement:  # fmt: skip
    """An unsaved, validated event (shared by the single and the bulk paths)."""
    check_aware(debut, "debut")
    check_aware(fin, "fin")
    if fin <= debut:
        raise ValidationError({"fin": "La fin doit être postérieure au début."})
    if statut not in StatutEvenement.values:
        raise ValidationError({"statut": f"Statut inconnu : « {statut} »."})
    ev = Evenement(
        organisme_id=dispositif.organisme_id, dispositif=dispositif, debut=debut, fin=fin, modalite=modalite or "",
        lieu_type=lieu_type or TypeLieu.SITE, site=site, lieu_detail=lieu_detail, partenaire=partenaire,
        titre=titre, statut=statut, commentaire=commentaire, ref=ref or "", serie=serie,
        occurrence_de=occurrence_de, created_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    apply_nature(ev, nature, visible_famille=visible_famille, hors_prestation=hors_prestation)
    validate_fields(ev, nature=nature, visible_famille=visible_famille)
    return ev


def participation_rows(ev: Evenement, participants: Participants, presences: dict | None = None) -> dict:
    """Unsaved participation rows of one saved event, by model."""
    presences = presences or {}
    org = ev.organisme_id
    return {
        ParticipationJeune: [
            ParticipationJeune(
                organisme_id=org,
                evenement_id=ev.pk,
                jeune_id=j,
                presence=presences.get(j, ("", ""))[0],
                motif_absence=presences.get(j, ("", ""))[1] or "",
            )  # fmt: skip
            for j in participants.jeunes
        ],
        ParticipationProfessionnel: [
            ParticipationProfessionnel(organisme_id=org, evenement_id=ev.pk, user_id=u)
            for u in participants.professionnels
        ],
        ParticipationIntervenant: [
            ParticipationIntervenant(organisme_id=org, evenement_id=ev.pk, intervenant_id=i)
            for i in participants.intervenants
        ],
        ReservationRessource: [
            ReservationRessource(organisme_id=org, evenement_id=ev.pk, ressource_id=r) for r in participants.ressources
        ],
    }


def bulk_participations(rows_by_model: Iterable[dict]) -> None:
    merged: dict = {}
    for rows in rows_by_model:
        for model, objs in rows.items():
            merged.setdefault(model, []).extend(objs)
    for model, objs in merged.items():
        if objs:
            model.objects.bulk_create(objs, batch_size=2000)


def check_presence(presence: str, motif: str, *, cadre: str, path: str = "presence") -> None:
    if presence and presence not in Presence.values:
        raise ValidationError({path: f"Présence inconnue : « {presence} »."})
    if presence and cadre != Cadre.DIRECT:
        raise ValidationError({path: "La présence ne se saisit que pour un acte direct (avec le jeune)."})
    if motif and motif not in MotifAbsence.values:
        raise ValidationError({path: f"Motif d'absence inconnu : « {motif} »."})
    if motif and presence not in ABSENCES:
        raise ValidationError({path: "Un motif d'absence ne s'indique que pour un jeune absent."})


@transaction.atomic
def evenement_create(
    *, dispositif, nature, debut: datetime.datetime, fin: datetime.datetime, actor, jeunes=(), professionnels=(),
    intervenants=(), ressources=(), modalite="", lieu_type=TypeLieu.SITE, site=None, lieu_detail="",
    partenaire=None, titre="", visible_famille=None, statut=StatutEvenement.PREVU, hors_prestation=None,
    commentaire="", presences: dict | None = None, ref="", serafin_code=None, presents_par_defaut: bool = True,
    request=None,
) -> Evenement:  # fmt: skip
    """Create a one-off event with its participants. ``nature`` is a Nature or a code of the dispositif's natures
    (the default list is created on first use). ``presences``: {jeune_id: (presence, motif)}; ``serafin_code``
    overrides the nature's code for this event (it must exist in the SERAFIN-PH reference). An event created
    already realised marks its youths without a presence as present unless ``presents_par_defaut`` is False
    (the import keeps what the document says)."""
    if not isinstance(nature, Nature) and not dispositif.natures.exists():
        natures_par_defaut(dispositif=dispositif, actor=actor)
    nature = default_nature(dispositif, nature)
    ev = build_evenement(
        dispositif=dispositif, nature=nature, debut=debut, fin=fin, actor=actor, modalite=modalite,
        lieu_type=lieu_type, site=site, lieu_detail=lieu_detail, partenaire=partenaire, titre=titre,
        visible_famille=visible_famille, statut=statut, hors_prestation=hors_prestation, commentaire=commentaire,
        ref=ref,
    )  # fmt: skip
    if serafin_code and serafin_code != ev.serafin_code:
        check_serafin(serafin_code)
        ev.serafin_code = serafin_code
    participants = Participants.of(
        jeunes=jeunes, professionnels=professionnels, intervenants=intervenants, ressources=ressources
    )
    validate_cadre_participants(nature=nature, participants=participants)
    validate_jeunes(dispositif=dispositif, jeune_ids=participants.jeunes)
    presences = {int(k): v for k, v in (presences or {}).items()}
    for jeune_id, (presence, motif) in presences.items():
        if jeune_id not in participants.jeunes:
            raise ValidationError({"presences": "Une présence est saisie pour un jeune absent de l'événement."})
        check_presence(presence, motif, cadre=nature.cadre, path="presences")
    if presents_par_defaut and statut == StatutEvenement.REALISE and nature.cadre == Cadre.DIRECT:
        presences = {j: presences.get(j) or (Presence.PRESENT, "") for j in participants.jeunes}
    ev.full_clean(exclude=["created_by"], validate_constraints=False)
    ev.save()
    bulk_participations([participation_rows(ev, participants, presences)])
    feed.invalider_evenements([ev], jeune_ids_by_event={ev.pk: participants.jeunes})
    audit(actor, AuditAction.CREATE, ev, request)
    return ev


def _current_participants(ev: Evenement) -> Participants:
    return Participants(
        jeunes=list(ev.participations_jeunes.values_list("jeune_id", flat=True)),
        professionnels=list(ev.participations_professionnels.values_list("user_id", flat=True)),
        intervenants=list(ev.participations_intervenants.values_list("intervenant_id", flat=True)),
        ressources=list(ev.reservations.values_list("ressource_id", flat=True)),
    )


def _replace_participants(ev: Evenement, old: Participants, new: Participants) -> None:
    specs = (
        ("jeunes", ParticipationJeune, "jeune_id"),
        ("professionnels", ParticipationProfessionnel, "user_id"),
        ("intervenants", ParticipationIntervenant, "intervenant_id"),
        ("ressources", ReservationRessource, "ressource_id"),
    )
    rows = participation_rows(ev, new)
    for name, model, fk in specs:
        before, after = set(getattr(old, name)), set(getattr(new, name))
        if before - after:
            model.objects.filter(evenement=ev, **{f"{fk}__in": before - after}).delete()
        added = [row for row in rows[model] if getattr(row, fk) in after - before]
        if added:
            model.objects.bulk_create(added)


def apply_changes(ev: Evenement, changes: dict) -> tuple[Participants, Participants, tuple]:
    """Apply field and participant changes to a saved event (validated, saved, feed upserted). Returns the old
    and new participants and the old (debut, fin)."""
    unknown = set(changes) - CHAMPS_MODIFIABLES - set(PARTICIPANTS) - {"statut", "serafin_code"}
    if unknown:
        raise ValidationError(f"Champs non modifiables : {', '.join(sorted(unknown))}.")
    old_times = (ev.debut, ev.fin)
    old = _current_participants(ev)
    nature = changes.get("nature", ev.nature)
    nature = default_nature(ev.dispositif, nature)
    for name in CHAMPS_MODIFIABLES - {"nature", "visible_famille", "hors_prestation"}:
        if name in changes:
            setattr(ev, name, changes[name] if changes[name] is not None or name in ("site", "partenaire") else "")
    if "statut" in changes:
        if changes["statut"] not in StatutEvenement.values:
            raise ValidationError({"statut": f"Statut inconnu : « {changes['statut']} »."})
        ev.statut = changes["statut"]
    visible = changes.get("visible_famille", ev.visible_famille if "nature" not in changes else None)
    hors = changes.get("hors_prestation", ev.hors_prestation if "nature" not in changes else None)
    serafin = changes.get("serafin_code", ev.serafin_code if "nature" not in changes else None)
    apply_nature(ev, nature, visible_famille=visible, hors_prestation=hors)
    if serafin and serafin != ev.serafin_code:
        check_serafin(serafin)
        ev.serafin_code = serafin
    check_aware(ev.debut, "debut")
    check_aware(ev.fin, "fin")
    if ev.fin <= ev.debut:
        raise ValidationError({"fin": "La fin doit être postérieure au début."})
    validate_fields(ev, nature=nature, visible_famille=changes.get("visible_famille"))
    new = Participants.of(**{name: changes.get(name, getattr(old, name)) for name in PARTICIPANTS})
    validate_cadre_participants(nature=nature, participants=new)
    if set(new.jeunes) - set(old.jeunes):
        validate_jeunes(dispositif=ev.dispositif, jeune_ids=set(new.jeunes) - set(old.jeunes))
    ev.updated_at = timezone.now()
    ev.full_clean(exclude=["created_by"], validate_constraints=False)
    ev.save()
    _replace_participants(ev, old, new)
    extra = feed.keys_for(jeune_ids=old.jeunes, dispositif_id=ev.dispositif_id, debut=old_times[0], fin=old_times[1])
    feed.invalider_evenements([ev], jeune_ids_by_event={ev.pk: new.jeunes}, extra=extra)
    return old, new, old_times


@transaction.atomic
def evenement_update(*, evenement: Evenement, actor, request=None, **changes) -> Evenement:
    """Change fields and/or participants (``jeunes=[...]`` replaces the set). An occurrence of a series edited on
    its own becomes *detached* (the series no longer rewrites it)."""
    evenement = Evenement.objects.select_for_update().get(pk=evenement.pk)
    apply_changes(evenement, changes)
    if evenement.serie_id and not evenement.detachee:
        evenement.detachee = True
        evenement.save(update_fields=["detachee"])
    audit(actor, AuditAction.UPDATE, evenement, request, champs=sorted(changes))
    return evenement


def _default_presences(evenements: list[Evenement]) -> None:
    """Realising a direct event: youths whose presence is not yet ticked are marked present."""
    direct = [ev.pk for ev in evenements if ev.cadre == Cadre.DIRECT]
    if direct:
        ParticipationJeune.objects.filter(evenement_id__in=direct, presence="").update(presence=Presence.PRESENT)


@transaction.atomic
def evenement_set_statut(*, evenement: Evenement, statut: str, actor, request=None) -> Evenement:
    """prevu → realise | annule (and back to prevu to correct a mistake). Cancelled rows are kept.
    Realising a direct event marks the youths not yet ticked as present."""
    if statut not in StatutEvenement.values:
        raise ValidationError({"statut": f"Statut inconnu : « {statut} »."})
    evenement = Evenement.objects.select_for_update().get(pk=evenement.pk)
    before = evenement.statut
    if before == statut:
        return evenement
    evenement.statut = statut
    evenement.updated_at = timezone.now()
    evenement.save(update_fields=["statut", "updated_at"])
    if statut == StatutEvenement.REALISE:
        _default_presences([evenement])
    feed.invalider_evenements([evenement])
    audit(actor, AuditAction.UPDATE, evenement, request, statut=[before, statut])
    return evenement


@transaction.atomic
def evenements_marquer_realises(*, evenements, actor, request=None) -> int:
    """Bulk "mark done" (e.g. all of a day's events of a group): planned events become realised, their unticked
    youths present. Cancelled events are left as they are. Returns the number of events changed."""
    ids = _ids(evenements)
    todo = list(Evenement.objects.select_for_update().filter(pk__in=ids, statut=StatutEvenement.PREVU).order_by("pk"))
    if not todo:
        return 0
    now = timezone.now()
    Evenement.objects.filter(pk__in=[ev.pk for ev in todo]).update(statut=StatutEvenement.REALISE, updated_at=now)
    for ev in todo:
        ev.statut = StatutEvenement.REALISE
    _default_presences(todo)
    feed.invalider_evenements(todo)
    audit(
        actor, AuditAction.UPDATE, todo[0], request, statut=[StatutEvenement.PREVU, StatutEvenement.REALISE],
        evenements=[ev.pk for ev in todo],
    )  # fmt: skip
    return len(todo)


@transaction.atomic
def presences_set(*, evenement: Evenement, presences: dict, actor, request=None) -> int:
    """Tick presences: ``{jeune_id: (presence, motif)}`` for youths of the event (``presence`` "" clears it).
    Returns the number of participations changed."""
    evenement = Evenement.objects.get(pk=evenement.pk)
    parts = {p.jeune_id: p for p in ParticipationJeune.objects.select_for_update().filter(evenement=evenement)}
    changed = []
    for jeune_id, value in presences.items():
        presence, motif = (value, "") if isinstance(value, str) else value
        motif = motif or ""
        jeune_id = int(getattr(jeune_id, "pk", jeune_id))
        part = parts.get(jeune_id)
        if part is None:
            raise ValidationError({"presences": "Ce jeune ne participe pas à cet événement."})
        check_presence(presence, motif, cadre=evenement.cadre, path="presences")
        if (part.presence, part.motif_absence) != (presence, motif):
            part.presence, part.motif_absence = presence, motif
            if presence not in ABSENCES:
                part.absence = None
            changed.append(part)
    if changed:
        ParticipationJeune.objects.bulk_update(changed, ["presence", "motif_absence", "absence"])
        feed.invalider_evenements([evenement], jeune_ids_by_event={evenement.pk: [p.jeune_id for p in changed]})
        audit(
            actor, AuditAction.UPDATE, evenement, request,
            presences={str(p.jeune_id): [p.presence, p.motif_absence] for p in changed},
        )  # fmt: skip
    return len(changed)


@transaction.atomic
def presences_set_bulk(*, presences_par_evenement: dict, actor, request=None) -> int:
    """``presences_set`` for several events at once (the pointage of a day): ``{evenement: {jeune_id: (presence,
    motif)}}``. All or nothing; a constant number of queries whatever the number of events (one lock-and-read, one
    update, one feed upsert, one journal insert with a row per changed event). Returns the participations changed."""
    from core.services.audit import audit_records

    if not presences_par_evenement:
        return 0
    events = {ev.pk: ev for ev in presences_par_evenement}
    parts = {
        (p.evenement_id, p.jeune_id): p
        for p in ParticipationJeune.objects.select_for_update().filter(evenement_id__in=list(events))
    }
    changed_by_event: dict[int, list] = {}
    for ev, presences in presences_par_evenement.items():
        for jeune_id, value in presences.items():
            presence, motif = (value, "") if isinstance(value, str) else value
            motif = motif or ""
            jeune_id = int(getattr(jeune_id, "pk", jeune_id))
            part = parts.get((ev.pk, jeune_id))
            if part is None:
                raise ValidationError({"presences": "Ce jeune ne participe pas à cet événement."})
            check_presence(presence, motif, cadre=ev.cadre, path="presences")
            if (part.presence, part.motif_absence) != (presence, motif):
                part.presence, part.motif_absence = presence, motif
                if presence not in ABSENCES:
                    part.absence = None
                changed_by_event.setdefault(ev.pk, []).append(part)
    changed = [p for parts_ in changed_by_event.values() for p in parts_]
    if not changed:
        return 0
    ParticipationJeune.objects.bulk_update(changed, ["presence", "motif_absence", "absence"])
    feed.invalider_evenements(
        [events[pk] for pk in changed_by_event],
        jeune_ids_by_event={pk: [p.jeune_id for p in parts_] for pk, parts_ in changed_by_event.items()},
    )
    audit_records(
        actor=actor, action=AuditAction.UPDATE, request=request,
        records_details=[
            (events[pk], {"presences": {str(p.jeune_id): [p.presence, p.motif_absence] for p in parts_}})
            for pk, parts_ in changed_by_event.items()
        ],
    )  # fmt: skip
    return len(changed)


@transaction.atomic
def evenement_delete(*, evenement: Evenement, actor, request=None) -> None:
    """Delete a planned event entered by mistake (a realised event is kept: cancel it instead)."""
    evenement = Evenement.objects.select_for_update().get(pk=evenement.pk)
    if evenement.statut == StatutEvenement.REALISE:
        raise ValidationError("Un événement réalisé ne se supprime pas : annulez-le ou corrigez-le.")
    feed.invalider_evenements([evenement])
    audit(actor, AuditAction.DELETE, evenement, request)
    evenement.delete()
