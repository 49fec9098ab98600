"""The AIRe parameters of a dispositif (DOMAIN §8.1), versioned.

- ``parametres_courants(dispositif)``: the latest version; version 1 with the defaults (follow-up 3 years, intensity
  bounds 1/3/6/12 h, half-day cut-off 13:00) is created on first use.
- ``parametres_modifier(...)``: a change is a **new version** (a version used by facts or tables is never
  edited), audited; the facts of the dispositif are then recomputed (Celery job queued on commit; ``table_aire``
  also recomputes synchronously the facts of its weeks still computed with an older version, so a table always
  uses one parameter set, which it records).
"""

import datetime
import itertools

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from activite.models import ParametresActivite
from core.enums import AuditAction
from core.services.audit import audit_record

SUIVI_MAX_ANNEES = 10


def parametres_courants(dispositif) -> ParametresActivite:
    """The current (latest) version of the dispositif's parameters; version 1 with the defaults if none."""
    current = ParametresActivite.objects.filter(dispositif=dispositif).order_by("-version").first()
    if current is not None:
        return current
    try:
        with transaction.atomic():
            return ParametresActivite.objects.create(
                organisme_id=dispositif.organisme_id, dispositif=dispositif, version=1
            )
    except IntegrityError:  # created concurrently
        return ParametresActivite.objects.filter(dispositif=dispositif).order_by("-version").first()


def parametres_par_dispositif(dispositif_ids) -> dict[int, ParametresActivite]:
    """Current parameters of several dispositifs (two queries; missing versions 1 created in one insert)."""
    from core.models import Dispositif

    ids = set(dispositif_ids)
    result = {}
    for p in ParametresActivite.objects.filter(dispositif_id__in=ids).order_by("dispositif_id", "-version"):
        result.setdefault(p.dispositif_id, p)
    missing = ids - set(result)
    if missing:
        organismes = dict(Dispositif.objects.filter(pk__in=missing).values_list("pk", "organisme_id"))
        ParametresActivite.objects.bulk_create(
            [ParametresActivite(organisme_id=organismes[d], dispositif_id=d, version=1) for d in organismes],
            ignore_conflicts=True,
        )
        for p in ParametresActivite.objects.filter(dispositif_id__in=missing).order_by("dispositif_id", "-version"):
            result.setdefault(p.dispositif_id, p)
    return result


def parametres_historique(dispositif):
    """Every version of the dispositif's parameters, latest first."""
    return ParametresActivite.objects.filter(dispositif=dispositif).select_related("created_by").order_by("-version")


def _valider(suivi_post_sortie_annees, bornes_intensite, coupure_demi_journee) -> dict:
    errors = {}
    try:
        suivi = int(suivi_post_sortie_annees)
    except (TypeError, ValueError):
        suivi = None
    if suivi is None or not 0 <= suivi <= SUIVI_MAX_ANNEES:
        errors["suivi_post_sortie_annees"] = f"Indiquez un nombre d'années entre 0 et {SUIVI_MAX_ANNEES}."
    try:
        bornes = [int(b) for b in bornes_intensite]
    except (TypeError, ValueError):
        bornes = []
    if len(bornes) != 4 or any(b <= 0 for b in bornes) or any(a >= b for a, b in itertools.pairwise(bornes)):
        errors["bornes_intensite"] = (
            "Indiquez quatre bornes en heures, entières, positives et croissantes (par exemple 1, 3, 6, 12)."
        )
    if not isinstance(coupure_demi_journee, datetime.time):
        errors["coupure_demi_journee"] = "Indiquez une heure de coupure (HH:MM)."
    elif coupure_demi_journee == datetime.time(0, 0):
        errors["coupure_demi_journee"] = "La coupure entre matin et après-midi ne peut pas être minuit."
    if errors:
        raise ValidationError(errors)
    return {
        "suivi_post_sortie_annees": suivi,
        "bornes_intensite": bornes,
        "coupure_demi_journee": coupure_demi_journee,
    }


@transaction.atomic
def parametres_modifier(
    *, dispositif, actor, suivi_post_sortie_annees, bornes_intensite, coupure_demi_journee, request=None
) -> ParametresActivite:
    """A new version of the dispositif's AIRe parameters (audited); the facts are recomputed after commit."""
    values = _valider(suivi_post_sortie_annees, bornes_intensite, coupure_demi_journee)
    current = ParametresActivite.objects.select_for_update().filter(dispositif=dispositif).order_by("-version").first()
    if current is None:
        current = parametres_courants(dispositif)
    if all(getattr(current, k) == v for k, v in values.items()):
        raise ValidationError("Ces paramètres sont déjà ceux de la version en vigueur : aucune nouvelle version.")
    nouveau = ParametresActivite(
        organisme_id=dispositif.organisme_id, dispositif=dispositif, version=current.version + 1,
        created_by=actor if getattr(actor, "pk", None) else None, **values,
    )  # fmt: skip
    nouveau.full_clean(validate_constraints=False)
    nouveau.save()
    audit_record(
        actor=actor, action=AuditAction.CREATE, record=nouveau, request=request,
        details={"avant": current.as_dict(), "apres": nouveau.as_dict()},
    )  # fmt: skip
    from activite.tasks import faits_recalculer_dispositif_task

    faits_recalculer_dispositif_task.delay_on_commit(dispositif_id=dispositif.pk, organisme_id=dispositif.organisme_id)
    return nouveau
