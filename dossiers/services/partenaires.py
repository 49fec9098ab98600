"""Writes of the partners directory (schools, ASE, hospital, leisure, other ESMS), their intervenants, and the
links between a dossier and the partners working with the jeune."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from core.enums import AuditAction
from core.services.audit import audit_record
from dossiers.models import DossierPartenaire, Intervenant, Partenaire


def _audit_save(obj, *, created: bool, actor, request=None, changed=None, **details):
    if changed:
        details["champs"] = sorted(changed)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        record=obj,
        request=request,
        details=details or None,
    )


@transaction.atomic
def partenaire_save(*, partenaire: Partenaire, actor, request=None, changed: list[str] | None = None) -> Partenaire:
    """Create or update an external partner (school, ASE, hospital...) of the organisme."""
    created = partenaire.pk is None
    if partenaire.ref:
        others = Partenaire.objects.filter(organisme_id=partenaire.organisme_id, ref=partenaire.ref)
        if others.exclude(pk=partenaire.pk).exists():
            raise ValidationError({"ref": "Un autre partenaire de l'organisme a déjà cette référence externe."})
    partenaire.full_clean()
    partenaire.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        record=partenaire,
        request=request,
        details={"champs": changed} if changed else None,
    )
    return partenaire


@transaction.atomic
def intervenant_save(*, intervenant: Intervenant, actor, request=None, changed=None) -> Intervenant:
    """Create or update a person working at a partner."""
    created = intervenant.pk is None
    intervenant.full_clean()
    intervenant.save()
    _audit_save(intervenant, created=created, actor=actor, request=request, changed=changed,
                partenaire=intervenant.partenaire_id)  # fmt: skip
    return intervenant


def _check_dossier_writable(dossier) -> None:
    if dossier.archived_at is not None:
        raise ValidationError("Ce dossier est archivé : il est en lecture seule.")


@transaction.atomic
def dossier_partenaire_save(*, lien: DossierPartenaire, actor, request=None, changed=None) -> DossierPartenaire:
    """Link a partner (and optionally one of its intervenants) to a dossier, with their role near the jeune."""
    _check_dossier_writable(lien.dossier)
    if lien.intervenant_id is not None and lien.intervenant.partenaire_id != lien.partenaire_id:
        raise ValidationError({"intervenant": "Cet intervenant ne travaille pas chez ce partenaire."})
    if lien.fin is not None and lien.fin < lien.debut:
        raise ValidationError({"fin": "La fin ne peut pas précéder le début."})
    if lien.pk is None and not lien.partenaire.is_active:
        raise ValidationError({"partenaire": "Ce partenaire n'est plus actif dans l'annuaire."})
    created = lien.pk is None
    if created:
        duplicate = DossierPartenaire.objects.filter(
            dossier_id=lien.dossier_id, partenaire_id=lien.partenaire_id, intervenant_id=lien.intervenant_id,
            fin__isnull=True,
        )  # fmt: skip
        if duplicate.exists():
            raise ValidationError("Ce partenaire est déjà lié à ce dossier.")
    lien.full_clean()
    lien.save()
    _audit_save(lien, created=created, actor=actor, request=request, changed=changed, dossier=lien.dossier_id)
    return lien


@transaction.atomic
def dossier_partenaire_end(*, lien: DossierPartenaire, fin: datetime.date, actor, request=None) -> DossierPartenaire:
    """The partner no longer works with the jeune (kept in the history of the cercle)."""
    if lien.fin is not None:
        raise ValidationError({"fin": f"Ce lien est déjà terminé (le {lien.fin:%d/%m/%Y})."})
    lien.fin = fin
    return dossier_partenaire_save(lien=lien, actor=actor, request=request, changed=["fin"])
