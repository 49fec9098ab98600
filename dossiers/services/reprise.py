"""Data migration (reprise de données) of dossiers from a legacy tool: the exchange-format import writes through
these services, which check a whole parcours at once instead of replaying the lifecycle step by step.

- ``check_periods``: the rules of a parcours (known statuts and codes, ``fin`` ≥ ``debut``, no overlap, motif of
  every closed accompaniment), each problem with the index and field of the faulty period (the import turns them
  into JSON paths such as ``jeunes[0].parcours[2].debut``).
- ``dossier_reprise_create``: a dossier created as it stands in the legacy tool (its periods follow).
- ``parcours_replace``: the dossier's periods replaced by the given ones, only when they differ.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from core.enums import AuditAction
from core.services.audit import audit_record
from dossiers.enums import IssuePreAdmission, MotifSortie, OriginePreAdmission, StatutParcours
from dossiers.models import Dossier, Jeune, Parcours, SituationComplexe
from dossiers.services.famille import situation_complexe_save
from dossiers.services.parcours import refresh_statut

# The fields of a period the import carries, in the order they are compared.
PERIOD_FIELDS = ("statut", "debut", "fin", "origine", "issue", "motif_sortie", "destination", "commentaire")


@dataclass(frozen=True)
class PeriodError:
    index: int
    field: str
    message: str


def _label(period: dict) -> str:
    statut = StatutParcours(period["statut"]).label if period.get("statut") in StatutParcours.values else "?"
    fin = f" au {period['fin']:%d/%m/%Y}" if period.get("fin") else " (en cours)"
    return f"{statut} du {period['debut']:%d/%m/%Y}{fin}"


def normalize_periods(periods: list[dict]) -> list[dict]:
    """Every field present (empty text by default), sorted by start; a pre-admission closed the day before an
    accompaniment starts gets the issue « admis » when the source did not say."""
    out = [{name: p.get(name) if name in ("debut", "fin") else (p.get(name) or "") for name in PERIOD_FIELDS}
           for p in periods]  # fmt: skip
    out.sort(key=lambda p: p["debut"])
    for before, after in zip(out, out[1:], strict=False):
        if (
            before["statut"] == StatutParcours.PRE_ADMISSION
            and not before["issue"]
            and after["statut"] == StatutParcours.ACCOMPAGNE
            and before["fin"] is not None
            and before["fin"] + datetime.timedelta(days=1) == after["debut"]
        ):
            before["issue"] = IssuePreAdmission.ADMIS
    return out


def check_periods(periods: list[dict]) -> list[PeriodError]:
    """Every problem of a parcours given as dicts (dates already parsed), with the index of the faulty period.

    An overlap is reported on the ``debut`` of the period that starts inside an earlier one.
    """
    errors = []
    if not periods:
        return [PeriodError(-1, "", "Indiquez au moins une période de parcours.")]
    for index, period in enumerate(periods):
        statut = period.get("statut")
        if statut not in StatutParcours.values:
            errors.append(
                PeriodError(index, "statut", f"Statut inconnu « {statut} ». Valeurs possibles : "
                            f"{', '.join(StatutParcours.values)}.")
            )  # fmt: skip
        debut, fin = period.get("debut"), period.get("fin")
        if debut is None:
            errors.append(PeriodError(index, "debut", "La date de début est obligatoire."))
        elif fin is not None and fin < debut:
            errors.append(PeriodError(index, "fin", "La fin ne peut pas précéder le début."))
        motif = period.get("motif_sortie") or ""
        if motif and motif not in MotifSortie.values:
            errors.append(
                PeriodError(index, "motif_sortie", f"Motif de sortie inconnu « {motif} ». Valeurs possibles : "
                            f"{', '.join(MotifSortie.values)}.")
            )  # fmt: skip
        elif motif and statut != StatutParcours.ACCOMPAGNE:
            errors.append(PeriodError(index, "motif_sortie", "Seule une période « accompagne » a un motif de sortie."))
        elif statut == StatutParcours.ACCOMPAGNE and fin is not None and not motif:
            errors.append(PeriodError(index, "motif_sortie", "Indiquez le motif de sortie de cet accompagnement."))
        if period.get("destination") and statut != StatutParcours.ACCOMPAGNE:
            errors.append(PeriodError(index, "destination", "Seule une période « accompagne » a une destination."))
        for name, choices in (("origine", OriginePreAdmission), ("issue", IssuePreAdmission)):
            value = period.get(name) or ""
            if value and value not in choices.values:
                errors.append(
                    PeriodError(index, name, f"Valeur inconnue « {value} ». Valeurs possibles : "
                                f"{', '.join(choices.values)}.")
                )  # fmt: skip
            elif value and statut != StatutParcours.PRE_ADMISSION:
                errors.append(PeriodError(index, name, f"Seule une période « pre_admission » a un(e) « {name} »."))
    dated = sorted(
        ((p["debut"], index, p) for index, p in enumerate(periods) if p.get("debut") is not None),
        key=lambda t: (t[0], t[1]),
    )
    for (_, _, before), (_, index, after) in zip(dated, dated[1:], strict=False):
        if before.get("fin") is None or before["fin"] >= after["debut"]:
            errors.append(
                PeriodError(index, "debut", f"Cette période chevauche la période « {_label(before)} » : les périodes "
                            "d'un parcours ne se recouvrent pas.")
            )  # fmt: skip
    return errors


def _raise(errors: list[PeriodError]):
    raise ValidationError(
        {(f"parcours[{e.index}].{e.field}" if e.index >= 0 else "parcours"): e.message for e in errors}
    )


def current_periods(dossier: Dossier) -> list[dict]:
    return [{name: getattr(p, name) for name in PERIOD_FIELDS} for p in dossier.parcours.order_by("debut", "pk")]


@transaction.atomic
def dossier_reprise_create(*, jeune: Jeune, dispositif, actor, request=None, **fields) -> Dossier:
    """A dossier taken over from a legacy tool: created without a period (``parcours_replace`` writes them)."""
    if Dossier.objects.filter(jeune=jeune, dispositif=dispositif).exists():
        raise ValidationError("Ce jeune a déjà un dossier dans ce dispositif.")
    forbidden = {"statut", "archived_at", "organisme"} & set(fields)
    if forbidden:
        raise ValueError(f"dossier_reprise_create cannot set {sorted(forbidden)}")
    dossier = Dossier(organisme_id=jeune.organisme_id, jeune=jeune, dispositif=dispositif, **fields)
    dossier.full_clean()
    dossier.save()
    audit_record(actor=actor, action=AuditAction.CREATE, record=dossier, request=request,
                 details={"etape": "reprise"})  # fmt: skip
    return dossier


@transaction.atomic
def parcours_replace(*, dossier: Dossier, periods: list[dict], actor, request=None) -> bool:
    """Replace the dossier's parcours periods by ``periods`` (dicts of ``PERIOD_FIELDS``, dates parsed) when they
    differ from the stored ones; return whether anything was written. ``Dossier.statut`` follows
    (``refresh_statut``). An archived dossier is read-only."""
    errors = check_periods(periods)
    if errors:
        _raise(errors)
    wanted = normalize_periods(periods)
    if wanted == current_periods(dossier):
        return False
    if dossier.archived_at is not None:
        raise ValidationError("Ce dossier est archivé : il est en lecture seule.")
    before = len(dossier.parcours.all())
    dossier.parcours.all().delete()
    for values in wanted:
        period = Parcours(organisme_id=dossier.organisme_id, dossier=dossier, **values)
        period.full_clean(exclude=["dossier"])  # the dossier is the one in hand: no lookup
        period.save()
    refresh_statut(dossier)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        record=dossier,
        request=request,
        details={"etape": "reprise_parcours", "periodes_avant": before, "periodes": len(wanted),
                 "statut": dossier.statut},
    )  # fmt: skip
    return True


@transaction.atomic
def situation_complexe_reprise_save(*, situation: SituationComplexe, actor, request=None, changed=None):
    """A situation complexe from a legacy tool: like ``famille.situation_complexe_save``, but a command-line import
    has no author to record (``created_by`` stays empty; the model field is not ``blank``)."""
    if situation.created_by_id is None and actor is not None:
        return situation_complexe_save(situation=situation, actor=actor, request=request, changed=changed)
    created = situation.pk is None
    situation.full_clean(exclude=["created_by"])
    situation.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        record=situation,
        request=request,
        details={"champs": sorted(changed)} if changed else None,
    )
    return situation
