"""Absences of a youth (DOMAIN §5, TBP §8.2): declared beforehand by the family or the team, or noted afterwards.

A declaration is *taken into account* by the team: the youth's participations in direct events of the dispositif
overlapping the period (not cancelled) are then marked ``absent_prevu`` (or ``absent_imprevu`` for an absence
noted afterwards) with the motif, and linked to the absence. Declarations by the team are taken into account at
once; those of the family wait for a professional (``a_confirmer``).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agendas.enums import Cadre, MotifAbsence, OrigineAbsence, Presence, StatutAbsence, StatutEvenement
from agendas.models import Absence, ParticipationJeune
from agendas.services import feed
from agendas.services._common import audit, check_aware
from core.enums import AuditAction


@transaction.atomic
def absence_declarer(
    *, jeune, dispositif, debut: datetime.datetime, fin: datetime.datetime, motif: str, actor,
    origine: str = OrigineAbsence.EQUIPE, prevue: bool = True, commentaire: str = "", prendre_en_compte=None,
    request=None,
) -> Absence:  # fmt: skip
    """Declare an absence. ``prendre_en_compte`` (default: yes for the team, no for the family) marks the
    participations at once."""
    from dossiers.models import Dossier

    check_aware(debut, "debut")
    check_aware(fin, "fin")
    if fin <= debut:
        raise ValidationError({"fin": "La fin de l'absence doit être postérieure à son début."})
    if motif not in MotifAbsence.values:
        raise ValidationError({"motif": f"Motif d'absence inconnu : « {motif} »."})
    if origine not in OrigineAbsence.values:
        raise ValidationError({"origine": "Origine inconnue : « famille » ou « equipe »."})
    if not Dossier.objects.filter(jeune=jeune, dispositif=dispositif).exists():
        raise ValidationError({"jeune": f"Ce jeune n'a pas de dossier dans le dispositif « {dispositif} »."})
    absence = Absence(
        organisme_id=jeune.organisme_id, jeune=jeune, dispositif=dispositif, debut=debut, fin=fin, motif=motif,
        commentaire=commentaire, prevue=prevue, origine=origine, declaree_par=actor,
    )  # fmt: skip
    absence.full_clean()
    absence.save()
    audit(actor, AuditAction.CREATE, absence, request, origine=origine)
    if prendre_en_compte is None:
        prendre_en_compte = origine == OrigineAbsence.EQUIPE
    if prendre_en_compte:
        absence_prendre_en_compte(absence=absence, actor=actor, request=request)
        absence.refresh_from_db()
    return absence


@transaction.atomic
def absence_prendre_en_compte(*, absence: Absence, actor, request=None) -> int:
    """Mark the youth's participations in the period (direct events of the dispositif, not cancelled) absent with
    the motif; returns the number of participations marked. Idempotent."""
    absence = Absence.objects.select_for_update().get(pk=absence.pk)
    if absence.statut == StatutAbsence.REFUSEE:
        raise ValidationError("Cette absence n'a pas été retenue : elle ne peut pas être prise en compte.")
    presence = Presence.ABSENT_PREVU if absence.prevue else Presence.ABSENT_IMPREVU
    parts = list(
        ParticipationJeune.objects.select_for_update(of=("self",))
        .select_related("evenement")
        .filter(
            jeune_id=absence.jeune_id,
            evenement__dispositif_id=absence.dispositif_id,
            evenement__cadre=Cadre.DIRECT,
            evenement__debut__lt=absence.fin,
            evenement__fin__gt=absence.debut,
        )
        .exclude(evenement__statut=StatutEvenement.ANNULE)
    )
    changed = [
        p for p in parts if (p.presence, p.motif_absence, p.absence_id) != (presence, absence.motif, absence.pk)
    ]
    for p in changed:
        p.presence, p.motif_absence, p.absence_id = presence, absence.motif, absence.pk
    if changed:
        ParticipationJeune.objects.bulk_update(changed, ["presence", "motif_absence", "absence"])
        feed.invalider_evenements(
            [p.evenement for p in changed], jeune_ids_by_event={p.evenement_id: [absence.jeune_id] for p in changed}
        )
    absence.statut = StatutAbsence.CONFIRMEE
    absence.traitee_par = actor if getattr(actor, "pk", None) else None
    absence.traitee_le = timezone.now()
    absence.save(update_fields=["statut", "traitee_par", "traitee_le"])
    audit(actor, AuditAction.UPDATE, absence, request, statut=StatutAbsence.CONFIRMEE, participations=len(changed))
    return len(changed)


@transaction.atomic
def absence_refuser(*, absence: Absence, actor, commentaire: str = "", request=None) -> Absence:
    """The team does not retain a family's declaration (the participations are left as they are)."""
    absence = Absence.objects.select_for_update().get(pk=absence.pk)
    if absence.statut == StatutAbsence.CONFIRMEE:
        raise ValidationError("Cette absence est déjà prise en compte.")
    absence.statut = StatutAbsence.REFUSEE
    absence.traitee_par, absence.traitee_le = actor, timezone.now()
    if commentaire:
        absence.commentaire = f"{absence.commentaire}\n{commentaire}".strip()
    absence.save(update_fields=["statut", "traitee_par", "traitee_le", "commentaire"])
    audit(actor, AuditAction.UPDATE, absence, request, statut=StatutAbsence.REFUSEE)
    return absence
