"""Writes on the jeune's surroundings: proches, schooling, MDPH notifications, situations complexes.

Proches, schooling periods and MDPH notifications belong to the jeune (shared by their dossiers in several
dispositifs); they are read-only once every dossier of the jeune is archived.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.enums import AuditAction, Modalite
from core.services.audit import audit_record, save_audited
from dossiers.models import Jeune, NotificationMdph, PeriodeScolaire, Proche, SituationComplexe

AGE_MAJORITE = 18


def _check_jeune_writable(jeune: Jeune) -> None:
    """A jeune whose every dossier is archived is read-only (a jeune without dossier yet, e.g. during an import,
    is writable)."""
    dossiers = list(jeune.dossiers.values_list("archived_at", flat=True))
    if dossiers and all(archived_at is not None for archived_at in dossiers):
        raise ValidationError("Ce dossier est archivé : il est en lecture seule.")


def is_minor(jeune: Jeune, day: datetime.date | None = None) -> bool:
    return jeune.age_on(day or timezone.localdate()) < AGE_MAJORITE


def _other_representants(proche: Proche):
    return Proche.objects.filter(jeune_id=proche.jeune_id, representant_legal=True).exclude(pk=proche.pk)


def _check_keeps_a_representant(proche: Proche, *, action: str) -> None:
    """A minor always keeps at least one représentant légal once one has been recorded (Code civil, art. 371-1:
    the parental authority belongs to the parents until majority)."""
    if is_minor(proche.jeune) and not _other_representants(proche).exists():
        raise ValidationError(
            f"Impossible de {action} {proche.prenom} {proche.nom} : c'est le dernier représentant légal "
            "d'un jeune mineur. Enregistrez d'abord l'autre représentant légal (parent, tuteur, ASE)."
        )


@transaction.atomic
def proche_save(*, proche: Proche, actor, request=None, changed=None) -> Proche:
    """Create or update a proche. A représentant légal is, by default, a responsable légal (role GUARD).
    The last représentant légal of a minor cannot lose that quality."""
    _check_jeune_writable(proche.jeune)
    if proche.pk is not None and not proche.representant_legal:
        was_representant = Proche.objects.filter(pk=proche.pk, representant_legal=True).exists()
        if was_representant:
            _check_keeps_a_representant(proche, action="retirer la qualité de représentant légal à")
    if proche.representant_legal and not proche.role:
        proche.role = "GUARD"
    return save_audited(proche, actor=actor, request=request, changed=changed)


@transaction.atomic
def proche_delete(*, proche: Proche, actor, request=None) -> None:
    """Remove a proche (their own rights go with them). Refused for the last représentant légal of a minor."""
    _check_jeune_writable(proche.jeune)
    if proche.representant_legal:
        _check_keeps_a_representant(proche, action="retirer")
    if proche.compte_id is not None:
        raise ValidationError(
            "Ce proche a un compte sur le portail des familles : désactivez d'abord son compte avant de le retirer."
        )
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        record=proche,
        request=request,
        details={"jeune": proche.jeune_id, "lien": proche.lien, "representant_legal": proche.representant_legal},
    )
    proche.delete()


def _check_period_dates(debut, fin, field="fin"):
    if debut and fin and fin < debut:
        raise ValidationError({field: "La fin ne peut pas précéder le début."})


@transaction.atomic
def periode_scolaire_save(*, periode: PeriodeScolaire, actor, request=None, changed=None) -> PeriodeScolaire:
    _check_jeune_writable(periode.jeune)
    _check_period_dates(periode.debut, periode.fin)
    if periode.demi_journees is not None and periode.demi_journees > 14:
        raise ValidationError({"demi_journees": "Une semaine compte au plus 14 demi-journées."})
    if periode.etablissement_id and periode.etablissement.type != "education_nationale":
        raise ValidationError({"etablissement": "Choisissez un établissement de l'Éducation nationale."})
    return save_audited(periode, actor=actor, request=request, changed=changed)


@transaction.atomic
def periode_scolaire_end(*, periode: PeriodeScolaire, fin: datetime.date, actor, request=None) -> PeriodeScolaire:
    """End a schooling period (change of school or of class type: a new period follows)."""
    if periode.fin is not None:
        raise ValidationError({"fin": f"Cette période est déjà terminée (le {periode.fin:%d/%m/%Y})."})
    periode.fin = fin
    return periode_scolaire_save(periode=periode, actor=actor, request=request, changed=["fin"])


@transaction.atomic
def notification_mdph_save(*, notification: NotificationMdph, actor, request=None, changed=None) -> NotificationMdph:
    """Create or update an MDPH decision. Validity ends after it starts; the decision precedes the validity end."""
    _check_jeune_writable(notification.jeune)
    if notification.date_debut and notification.date_fin and notification.date_fin < notification.date_debut:
        raise ValidationError({"date_fin": "La fin de validité ne peut pas précéder le début de validité."})
    if notification.date_decision and notification.date_fin and notification.date_decision > notification.date_fin:
        raise ValidationError({"date_decision": "La décision ne peut pas être postérieure à la fin de validité."})
    # Canonical order of the modalités (as on the dossier), whatever order they were ticked in.
    notification.modalites_entree = [m for m in Modalite.values if m in (notification.modalites_entree or ())]
    if notification.dossier_id is not None and notification.dossier.jeune_id != notification.jeune_id:
        raise ValidationError({"dossier": "Ce dossier n'est pas celui de ce jeune."})
    return save_audited(notification, actor=actor, request=request, changed=changed)


@transaction.atomic
def situation_complexe_save(*, situation: SituationComplexe, actor, request=None, changed=None) -> SituationComplexe:
    if situation.pk is None and situation.created_by_id is None and actor is not None:
        situation.created_by = actor
    return save_audited(situation, actor=actor, request=request, changed=changed)
