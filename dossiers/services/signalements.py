"""Adverse events (événements indésirables): declaration by any professional writing in the dispositif, follow-up
and closing by the direction (DOMAIN §3; article L. 331-8-1 CASF: serious dysfunctions and events are reported to
the authorities — ``information_ars``). Every step writes the audit journal."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.enums import AuditAction, Metier
from core.models import Affectation, Dispositif, User
from core.services.audit import audit_record
from core.services.notifications import notify
from dossiers.enums import GraviteEi, StatutEi
from dossiers.models import Dossier, EvenementIndesirable


def direction_recipients(organisme_id: int, *, exclude=None) -> list[User]:
    """The active direction accounts of the organisme (the direction sees every dispositif)."""
    user_ids = (
        Affectation.objects.filter(organisme_id=organisme_id, metier=Metier.DIRECTION)
        .active_on_today()
        .values("user_id")
    )
    qs = User.objects.filter(pk__in=user_ids, is_active=True)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs)


@transaction.atomic
def evenement_indesirable_declare(
    *,
    dispositif: Dispositif,
    actor,
    survenu_le: datetime.datetime,
    faits: str,
    gravite: str,
    dossier: Dossier | None = None,
    lieu: str = "",
    personnes_impliquees: str = "",
    mesures_immediates: str = "",
    information_ars: bool = False,
    request=None,
) -> EvenementIndesirable:
    """Declare an adverse event and notify the direction (the notification's title never names the youth).

    Called by the declaration form; the Transmissions app can call it with the same keywords pre-filled from a
    transmission (``dispositif``, ``dossier``, ``survenu_le``, ``faits``...): there is no transmission
    parameter, the link back to the transmission, if any, belongs to the caller.
    """
    if dossier is not None and dossier.dispositif_id != dispositif.pk:
        raise ValidationError({"dossier": "Ce dossier n'appartient pas au dispositif choisi."})
    if survenu_le and survenu_le > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"survenu_le": "La date de l'événement ne peut pas être dans le futur."})
    evenement = EvenementIndesirable(
        organisme_id=dispositif.organisme_id,
        dispositif=dispositif,
        dossier=dossier,
        survenu_le=survenu_le,
        lieu=lieu,
        faits=faits,
        personnes_impliquees=personnes_impliquees,
        mesures_immediates=mesures_immediates,
        gravite=gravite,
        information_ars=information_ars,
        declare_par=actor,
        declare_le=timezone.now(),
        statut=StatutEi.DECLARE,
    )
    evenement.full_clean()
    evenement.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        record=evenement,
        request=request,
        details={"dispositif": dispositif.pk, "gravite": gravite, "information_ars": information_ars},
    )
    titre = f"Événement indésirable déclaré ({GraviteEi(gravite).label.lower()}) — {dispositif.nom}"
    if information_ars:
        titre += " — à signaler à l'ARS"
    notify(
        recipients=direction_recipients(dispositif.organisme_id, exclude=actor),
        titre=titre,
        lien=reverse("dossiers:evenement_detail", kwargs={"pk": evenement.pk}),
        categorie="evenement_indesirable",
    )
    return evenement


def _check_open(evenement: EvenementIndesirable) -> None:
    if evenement.statut == StatutEi.CLOS:
        raise ValidationError("Cet événement indésirable est clos : il ne peut plus être modifié.")


@transaction.atomic
def evenement_indesirable_suivre(
    *,
    evenement: EvenementIndesirable,
    actor,
    note: str = "",
    signale_ars_le: datetime.date | None = None,
    request=None,
) -> EvenementIndesirable:
    """A follow-up by the direction: a dated note appended to ``suivi`` and/or the date the ARS was told; the event
    becomes "en cours de traitement"."""
    _check_open(evenement)
    note = (note or "").strip()
    if not note and signale_ars_le is None:
        raise ValidationError({"note": "Saisissez une note de suivi ou la date de signalement à l'ARS."})
    if signale_ars_le is not None and signale_ars_le > timezone.localdate():
        raise ValidationError({"signale_ars_le": "La date de signalement à l'ARS ne peut pas être dans le futur."})
    changed = []
    if note:
        stamp = f"{timezone.localtime():%d/%m/%Y %H:%M} — {actor.get_full_name()}"
        evenement.suivi = f"{evenement.suivi}\n\n{stamp} :\n{note}".strip()
        changed.append("suivi")
    if signale_ars_le is not None:
        evenement.signale_ars_le = signale_ars_le
        changed.append("signale_ars_le")
    evenement.statut = StatutEi.EN_COURS
    evenement.full_clean()
    evenement.save()
    audit_record(
        actor=actor, action=AuditAction.UPDATE, record=evenement, request=request, details={"champs": changed}
    )
    return evenement


@transaction.atomic
def evenement_indesirable_cloturer(
    *, evenement: EvenementIndesirable, actor, conclusion: str, request=None
) -> EvenementIndesirable:
    """Close the event with the direction's conclusion. An event to report to the ARS needs the date it was
    reported first."""
    _check_open(evenement)
    conclusion = (conclusion or "").strip()
    if not conclusion:
        raise ValidationError({"conclusion": "La conclusion est obligatoire pour clore l'événement."})
    if evenement.information_ars and evenement.signale_ars_le is None:
        raise ValidationError(
            {"conclusion": "Cet événement doit être signalé à l'ARS : indiquez d'abord la date du signalement."}
        )
    evenement.conclusion = conclusion
    evenement.statut = StatutEi.CLOS
    evenement.cloture_par = actor
    evenement.cloture_le = timezone.now()
    evenement.full_clean()
    evenement.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, record=evenement, request=request,
                 details={"champs": ["statut", "conclusion"]})  # fmt: skip
    return evenement


@transaction.atomic
def situation_complexe_end(*, situation, actor, fin: datetime.date, request=None):
    """End a situation complexe (delegates to ``situation_complexe_save``, which audits)."""
    from dossiers.services.famille import situation_complexe_save

    if situation.fin is not None:
        raise ValidationError({"fin": "Cette situation complexe est déjà terminée."})
    if fin < situation.debut:
        raise ValidationError({"fin": "La fin ne peut pas précéder le début de la situation."})
    situation.fin = fin
    return situation_complexe_save(situation=situation, actor=actor, request=request, changed={"fin"})
