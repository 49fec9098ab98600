"""The parcours lifecycle (DOMAIN §4), one service per step; each writes the audit journal.

pre-admission → admission (or refusal / abandonment) → exit → follow-up → archive; ponctuel accompaniment apart.
Periods of one dossier never overlap (checked here with French messages, and in the database by an exclusion
constraint). ``Dossier.statut`` and ``Dossier.modalites`` mirror the current period; only these services set them.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.enums import AuditAction, Modalite
from core.services.audit import audit_record
from dossiers.enums import IssuePreAdmission, StatutParcours
from dossiers.models import Dossier, Jeune, Parcours

ONE_DAY = datetime.timedelta(days=1)


def _full_clean_save(obj, **kwargs):
    obj.full_clean(**kwargs)
    obj.save()
    return obj


def _audit(actor, action, record, request=None, **details):
    audit_record(actor=actor, action=action, record=record, request=request, details=details or None)


def _open_period(dossier: Dossier) -> Parcours | None:
    return dossier.parcours.filter(fin__isnull=True).order_by("-debut").first()


def current_period(dossier: Dossier, day: datetime.date | None = None) -> Parcours | None:
    day = day or timezone.localdate()
    periods = list(dossier.parcours.order_by("debut"))
    covering = [p for p in periods if p.debut <= day and (p.fin is None or p.fin >= day)]
    return covering[-1] if covering else None


def refresh_statut(dossier: Dossier) -> None:
    """Mirror the period covering today (or the last one started) on the dossier."""
    period = current_period(dossier)
    if period is None:
        started = dossier.parcours.filter(debut__lte=timezone.localdate()).order_by("-debut").first()
        period = started if started and started.fin is None else None
    statut = period.statut if period else ""
    if dossier.statut != statut:
        dossier.statut = statut
        dossier.save(update_fields=["statut"])


def _check_no_overlap(dossier: Dossier, debut: datetime.date, fin: datetime.date | None, exclude=None):
    qs = dossier.parcours.all()
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    for other in qs:
        other_fin = other.fin or datetime.date.max
        if debut <= other_fin and (fin or datetime.date.max) >= other.debut:
            raise ValidationError({"debut": f"Cette période chevauche la période « {other} » du dossier."})


def _add_period(dossier: Dossier, *, statut, debut, fin=None, **fields) -> Parcours:
    if fin is not None and fin < debut:
        raise ValidationError({"fin": "La fin ne peut pas précéder le début."})
    _check_no_overlap(dossier, debut, fin)
    period = Parcours(
        organisme_id=dossier.organisme_id, dossier=dossier, statut=statut, debut=debut, fin=fin, **fields
    )
    return _full_clean_save(period)


def _check_writable(dossier: Dossier):
    if dossier.archived_at is not None:
        raise ValidationError("Ce dossier est archivé : il est en lecture seule.")


def _check_modalites(modalites, field="modalites"):
    if not modalites:
        raise ValidationError({field: "Choisissez au moins une modalité d'accompagnement."})
    unknown = set(modalites) - set(Modalite.values)
    if unknown:
        raise ValidationError({field: f"Modalité inconnue : {', '.join(sorted(unknown))}."})
    return [m for m in Modalite.values if m in modalites]  # canonical order


@transaction.atomic
def jeune_create(*, organisme_id: int, actor, request=None, **fields) -> Jeune:
    jeune = Jeune(organisme_id=organisme_id, **fields)
    _full_clean_save(jeune)
    _audit(actor, AuditAction.CREATE, jeune, request)
    return jeune


@transaction.atomic
def jeune_update(*, jeune: Jeune, actor, request=None, **fields) -> Jeune:
    for name, value in fields.items():
        setattr(jeune, name, value)
    _full_clean_save(jeune)
    _audit(actor, AuditAction.UPDATE, jeune, request, champs=sorted(fields))
    return jeune


@transaction.atomic
def dossier_open_pre_admission(
    *, jeune: Jeune, dispositif, debut: datetime.date, actor, request=None, origine="", site=None,
    date_orientation=None, modalites_demandees=(), priorite="normale", prochaine_etape="",
) -> Dossier:  # fmt: skip
    """First contact: the dossier is created in the dispositif with an open pre-admission period."""
    if Dossier.objects.filter(jeune=jeune, dispositif=dispositif).exists():
        raise ValidationError("Ce jeune a déjà un dossier dans ce dispositif.")
    dossier = Dossier(
        organisme_id=jeune.organisme_id, jeune=jeune, dispositif=dispositif, site=site,
        date_orientation=date_orientation, modalites_demandees=list(modalites_demandees), priorite=priorite,
        prochaine_etape=prochaine_etape,
    )  # fmt: skip
    _full_clean_save(dossier)
    _add_period(dossier, statut=StatutParcours.PRE_ADMISSION, debut=debut, origine=origine)
    refresh_statut(dossier)
    _audit(actor, AuditAction.CREATE, dossier, request, etape="pre_admission", debut=debut.isoformat())
    return dossier


@transaction.atomic
def dossier_admit(
    *, dossier: Dossier, date_admission: datetime.date, modalites, actor, request=None, site=None
) -> Parcours:
    """Admission: the pre-admission period (if open) ends the day before, an ``accompagne`` period opens.
    The contrat de séjour or DIPC is then due within 15 days and signed within the month (reminders)."""
    _check_writable(dossier)
    modalites = _check_modalites(modalites)
    open_period = _open_period(dossier)
    if open_period is not None:
        if open_period.statut != StatutParcours.PRE_ADMISSION:
            raise ValidationError(f"Le dossier est déjà en période « {open_period.get_statut_display()} ».")
        if date_admission <= open_period.debut:
            raise ValidationError({"date_admission": "L'admission doit suivre le début de la pré-admission."})
        open_period.fin = date_admission - ONE_DAY
        open_period.issue = IssuePreAdmission.ADMIS
        _full_clean_save(open_period)
    period = _add_period(dossier, statut=StatutParcours.ACCOMPAGNE, debut=date_admission)
    dossier.modalites = modalites
    if site is not None:
        dossier.site = site
    dossier.save(update_fields=["modalites", "site"])
    refresh_statut(dossier)
    _audit(actor, AuditAction.UPDATE, dossier, request, etape="admission", date=date_admission.isoformat(),
           modalites=modalites)  # fmt: skip
    return period


@transaction.atomic
def dossier_close_pre_admission(
    *, dossier: Dossier, date: datetime.date, issue: str, actor, request=None, commentaire=""
) -> Parcours:
    """Refusal or abandonment at pre-admission: the period ends with its issue; the dossier can then be archived."""
    _check_writable(dossier)
    if issue not in (IssuePreAdmission.REFUS, IssuePreAdmission.ABANDON):
        raise ValidationError({"issue": "Choisissez « Refus » ou « Abandon »."})
    period = _open_period(dossier)
    if period is None or period.statut != StatutParcours.PRE_ADMISSION:
        raise ValidationError("Le dossier n'a pas de pré-admission en cours.")
    if date < period.debut:
        raise ValidationError({"date": "La date ne peut pas précéder le début de la pré-admission."})
    period.fin, period.issue, period.commentaire = date, issue, commentaire
    _full_clean_save(period)
    refresh_statut(dossier)
    _audit(actor, AuditAction.UPDATE, dossier, request, etape=f"pre_admission_{issue}", date=date.isoformat())
    return period


@transaction.atomic
def dossier_exit(
    *, dossier: Dossier, date_sortie: datetime.date, motif_sortie: str, actor, request=None, destination="",
    suivi_post_sortie: bool = True,
) -> Parcours | None:  # fmt: skip
    """Exit (sortie définitive): the ``accompagne`` period ends on the exit date with its motif and destination;
    the follow-up period starts the next day unless declined. Returns the follow-up period, if any."""
    _check_writable(dossier)
    period = _open_period(dossier)
    if period is None or period.statut != StatutParcours.ACCOMPAGNE:
        raise ValidationError("Le dossier n'est pas en période d'accompagnement.")
    if date_sortie < period.debut:
        raise ValidationError({"date_sortie": "La sortie ne peut pas précéder l'admission."})
    if not motif_sortie:
        raise ValidationError({"motif_sortie": "Indiquez le motif de sortie."})
    period.fin, period.motif_sortie, period.destination = date_sortie, motif_sortie, destination
    _full_clean_save(period)
    suivi = None
    if suivi_post_sortie:
        suivi = _add_period(dossier, statut=StatutParcours.SUIVI_POST_SORTIE, debut=date_sortie + ONE_DAY)
    dossier.modalites = []
    dossier.save(update_fields=["modalites"])
    refresh_statut(dossier)
    _audit(actor, AuditAction.UPDATE, dossier, request, etape="sortie", date=date_sortie.isoformat(),
           motif=motif_sortie, suivi=suivi_post_sortie)  # fmt: skip
    return suivi


def _end_open_period(dossier: Dossier, *, statut: str, date: datetime.date, actor, request, absent: str, etape: str):
    _check_writable(dossier)
    period = _open_period(dossier)
    if period is None or period.statut != statut:
        raise ValidationError(absent)
    if date < period.debut:
        raise ValidationError({"date": "La fin ne peut pas précéder le début de la période."})
    period.fin = date
    _full_clean_save(period)
    refresh_statut(dossier)
    _audit(actor, AuditAction.UPDATE, dossier, request, etape=etape, date=date.isoformat())
    return period


@transaction.atomic
def dossier_end_follow_up(*, dossier: Dossier, date: datetime.date, actor, request=None) -> Parcours:
    """End of the follow-up after exit (at the latest ``suivi_post_sortie_annees`` after it started)."""
    return _end_open_period(
        dossier, statut=StatutParcours.SUIVI_POST_SORTIE, date=date, actor=actor, request=request,
        absent="Le dossier n'est pas en suivi post-sortie.", etape="fin_suivi",
    )  # fmt: skip


@transaction.atomic
def dossier_add_ponctuel(
    *, dossier: Dossier, debut: datetime.date, fin: datetime.date | None, actor, request=None, commentaire=""
) -> Parcours:
    """A short accompaniment without admission."""
    _check_writable(dossier)
    period = _add_period(dossier, statut=StatutParcours.PONCTUEL, debut=debut, fin=fin, commentaire=commentaire)
    refresh_statut(dossier)
    _audit(actor, AuditAction.UPDATE, dossier, request, etape="ponctuel", debut=debut.isoformat())
    return period


@transaction.atomic
def dossier_end_ponctuel(*, dossier: Dossier, date: datetime.date, actor, request=None) -> Parcours:
    """End an open ponctuel accompaniment."""
    return _end_open_period(
        dossier, statut=StatutParcours.PONCTUEL, date=date, actor=actor, request=request,
        absent="Le dossier n'a pas d'accompagnement ponctuel en cours.", etape="fin_ponctuel",
    )  # fmt: skip


@transaction.atomic
def dossier_archive(*, dossier: Dossier, actor, request=None) -> Dossier:
    """After the follow-up (or a refused pre-admission): read-only, greyed, still searchable by authorised staff."""
    _check_writable(dossier)
    open_period = _open_period(dossier)
    if open_period is not None:
        raise ValidationError(
            f"La période « {open_period} » est encore ouverte : terminez-la avant d'archiver le dossier."
        )
    dossier.archived_at = timezone.now()
    dossier.save(update_fields=["archived_at"])
    _audit(actor, AuditAction.UPDATE, dossier, request, etape="archivage")
    return dossier


@transaction.atomic
def dossier_update(*, dossier: Dossier, actor, request=None, **fields) -> Dossier:
    """Référent, coordinateur, site, waiting-list fields, contrat dates (not the statut: see the steps above)."""
    _check_writable(dossier)
    forbidden = {"statut", "archived_at", "jeune", "dispositif", "organisme"} & set(fields)
    if forbidden:
        raise ValueError(f"dossier_update cannot set {sorted(forbidden)}")
    for name, value in fields.items():
        setattr(dossier, name, value)
    _full_clean_save(dossier)
    _audit(actor, AuditAction.UPDATE, dossier, request, champs=sorted(fields))
    return dossier
