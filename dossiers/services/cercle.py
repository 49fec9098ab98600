"""The cercle d'accompagnement of a dossier: the internal professionals around the jeune, with their role."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from core.enums import AccountKind, AuditAction
from core.models import Affectation, User
from core.services.audit import audit_record
from dossiers.models import Dossier, MembreCercle


def professionnels_du_dispositif(dossier: Dossier, day: datetime.date):
    """Active professional accounts with an affectation in the dossier's dispositif on ``day``."""
    affectations = Affectation.objects.filter(
        Q(fin__isnull=True) | Q(fin__gte=day), dispositif_id=dossier.dispositif_id, debut__lte=day
    )
    return User.objects.filter(
        organisme_id=dossier.organisme_id,
        kind=AccountKind.PROFESSIONNEL,
        is_active=True,
        pk__in=affectations.values("user_id"),
    ).order_by("last_name", "first_name")


@transaction.atomic
def membre_cercle_save(*, membre: MembreCercle, actor, request=None, changed=None) -> MembreCercle:
    """Add (or update) a professional of the dispositif to the cercle d'accompagnement of a dossier."""
    dossier = membre.dossier
    if dossier.archived_at is not None:
        raise ValidationError("Ce dossier est archivé : il est en lecture seule.")
    if membre.fin is not None and membre.fin < membre.debut:
        raise ValidationError({"fin": "La fin ne peut pas précéder le début."})
    created = membre.pk is None
    if created:
        if not professionnels_du_dispositif(dossier, membre.debut).filter(pk=membre.professionnel_id).exists():
            raise ValidationError(
                {"professionnel": "Choisissez un professionnel affecté au dispositif du dossier à cette date."}
            )
        already = MembreCercle.objects.filter(
            dossier_id=dossier.pk, professionnel_id=membre.professionnel_id, fin__isnull=True
        )
        if already.exists():
            raise ValidationError({"professionnel": "Ce professionnel fait déjà partie du cercle d'accompagnement."})
    membre.full_clean()
    membre.save()
    details = {"dossier": dossier.pk, "professionnel": membre.professionnel_id}
    if changed:
        details["champs"] = sorted(changed)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        record=membre,
        request=request,
        details=details,
    )
    return membre


@transaction.atomic
def membre_cercle_end(*, membre: MembreCercle, fin: datetime.date, actor, request=None) -> MembreCercle:
    """The professional leaves the cercle (kept in its history)."""
    if membre.fin is not None:
        raise ValidationError({"fin": f"Ce professionnel a déjà quitté le cercle (le {membre.fin:%d/%m/%Y})."})
    membre.fin = fin
    return membre_cercle_save(membre=membre, actor=actor, request=request, changed=["fin"])
