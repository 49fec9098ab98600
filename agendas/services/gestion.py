"""Writes of the agenda's administration and peripheral parts: bookable resources, closures of a dispositif,
minutes (comptes rendus) of meetings, and iCal subscriptions. Keyword-only, atomic, ``full_clean()``, audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agendas import ical
from agendas.enums import Cadre
from agendas.models import AbonnementCalendrier, CompteRendu, Evenement, Fermeture, Ressource
from agendas.services._common import audit, full_clean_save
from core.enums import AccountKind, AuditAction, Visibilite

# --- resources --------------------------------------------------------------------------------------------------


@transaction.atomic
def ressource_save(*, ressource: Ressource, actor, request=None, changed: list[str] | None = None) -> Ressource:
    """Create or update a room or a vehicle of a dispositif."""
    creating = ressource.pk is None
    if ressource.site_id and ressource.site.dispositif_id != ressource.dispositif_id:
        raise ValidationError({"site": "Ce site n'appartient pas au dispositif de la ressource."})
    full_clean_save(ressource)
    details = {"champs": sorted(changed)} if changed else {}
    audit(actor, AuditAction.CREATE if creating else AuditAction.UPDATE, ressource, request, **details)
    return ressource


@transaction.atomic
def ressource_set_active(*, ressource: Ressource, is_active: bool, actor, request=None) -> Ressource:
    """Deactivate a resource (it can no longer be booked; past bookings stay) or reactivate it."""
    if ressource.is_active != is_active:
        ressource.is_active = is_active
        ressource.save(update_fields=["is_active"])
        audit(actor, AuditAction.UPDATE, ressource, request, is_active=is_active)
    return ressource


# --- closures ---------------------------------------------------------------------------------------------------


@transaction.atomic
def fermeture_save(*, fermeture: Fermeture, actor, request=None, changed: list[str] | None = None) -> Fermeture:
    """Create or update a closure period. Series generated afterwards skip it (occurrences already stored are left
    as they are: cancel them from the agenda if needed)."""
    creating = fermeture.pk is None
    if fermeture.debut and fermeture.fin and fermeture.fin < fermeture.debut:
        raise ValidationError({"fin": "Le dernier jour doit être le premier jour ou après."})
    full_clean_save(fermeture)
    details = {"debut": fermeture.debut.isoformat(), "fin": fermeture.fin.isoformat()}
    if changed:
        details["champs"] = sorted(changed)
    audit(actor, AuditAction.CREATE if creating else AuditAction.UPDATE, fermeture, request, **details)
    return fermeture


@transaction.atomic
def fermeture_delete(*, fermeture: Fermeture, actor, request=None) -> None:
    audit(actor, AuditAction.DELETE, fermeture, request, debut=fermeture.debut.isoformat(),
          fin=fermeture.fin.isoformat())  # fmt: skip
    fermeture.delete()


# --- minutes ----------------------------------------------------------------------------------------------------


def compte_rendu_allowed(evenement: Evenement) -> bool:
    """Minutes are written for meetings about youths or with partners (synthèse, coordination...): every cadre
    but ``direct``."""
    return evenement.cadre != Cadre.DIRECT


@transaction.atomic
def compte_rendu_save(
    *, evenement: Evenement, texte: str, decisions: str = "", visibilite: str = Visibilite.EQUIPE, actor,
    request=None,
) -> CompteRendu:  # fmt: skip
    """Write or edit the minutes of a meeting. The first writer stays the author (``confidentiel_soin`` minutes are
    readable by the care métiers and their author)."""
    if not compte_rendu_allowed(evenement):
        raise ValidationError("Un compte rendu se rédige pour une réunion (synthèse, coordination, partenaires…).")
    if not (texte or "").strip():
        raise ValidationError({"texte": "Le compte rendu est vide."})
    compte_rendu = CompteRendu.objects.filter(evenement=evenement).first()
    creating = compte_rendu is None
    if creating:
        compte_rendu = CompteRendu(organisme_id=evenement.organisme_id, evenement=evenement, auteur=actor)
    compte_rendu.texte, compte_rendu.decisions, compte_rendu.visibilite = texte.strip(), decisions.strip(), visibilite
    compte_rendu.updated_at = timezone.now()
    full_clean_save(compte_rendu)
    audit(actor, AuditAction.CREATE if creating else AuditAction.UPDATE, compte_rendu, request,
          evenement=evenement.pk, visibilite=visibilite)  # fmt: skip
    return compte_rendu


# --- iCal subscriptions -----------------------------------------------------------------------------------------


@transaction.atomic
def abonnement_create(*, actor, user=None, jeune=None, request=None) -> tuple[AbonnementCalendrier, str]:
    """A new private feed URL for a professional's agenda (``user``) or a youth's (``jeune``). Returns the
    subscription and its token, which is shown once and never stored (only its SHA-256)."""
    if (user is None) == (jeune is None):
        raise ValidationError("Un abonnement porte sur l'agenda d'un professionnel ou sur celui d'un jeune.")
    if user is not None and user.kind != AccountKind.PROFESSIONNEL:
        raise ValidationError("Seul un professionnel peut s'abonner à son agenda.")
    organisme_id = (user or jeune).organisme_id
    token = ical.new_token()
    abonnement = AbonnementCalendrier(
        organisme_id=organisme_id, user=user, jeune=jeune, cree_par=actor, token_hash=ical.hash_token(token)
    )
    full_clean_save(abonnement)
    audit(actor, AuditAction.CREATE, abonnement, request, agenda="jeune" if jeune else "professionnel")
    return abonnement, token


@transaction.atomic
def abonnement_revoke(*, abonnement: AbonnementCalendrier, actor, request=None) -> AbonnementCalendrier:
    """Revoke a feed URL: it answers 404 from now on."""
    if abonnement.revoked_at is None:
        abonnement.revoked_at = timezone.now()
        abonnement.save(update_fields=["revoked_at"])
        audit(actor, AuditAction.UPDATE, abonnement, request, revoque=True)
    return abonnement


def abonnement_used(*, abonnement: AbonnementCalendrier, request=None, now=None) -> bool:
    """Note a fetch of the feed. Calendar clients poll every few minutes to hours: ``last_used_at`` is updated on
    every fetch, but the journal gets one READ row per subscription and per day (the first fetch of the day), which
    is enough to know who read what and when without drowning the journal. True when a row was written."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first_today = abonnement.last_used_at is None or timezone.localdate(abonnement.last_used_at) != today
    AbonnementCalendrier.objects.filter(pk=abonnement.pk).update(last_used_at=now)
    abonnement.last_used_at = now
    if first_today:
        # The client fetches on behalf of the subscription's owner: name them (the creator for a youth's feed).
        actor = abonnement.user or abonnement.cree_par
        audit(actor, AuditAction.READ, abonnement, request, flux="ical", jour=today.isoformat())
    return first_today
