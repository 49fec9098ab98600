"""Access to a dossier beyond the open default (DOMAIN §3): restriction, per-object grants, dated delegations,
break-the-glass, and the dossier's access log.

Grants are django-guardian rows of the direct-FK model ``DossierUserObjectPermission`` (permission
``dossiers.view_dossier_restreint``). They are written here, not with ``guardian.shortcuts.assign_perm``: the model
carries the tenant column ``organisme`` that guardian does not know about.

Every grant made from the product has a schedule row (``AccesDelegue``): a named grant without end
(``fin`` empty), or a delegation / named replacement with its dates. The schedule is the source of truth: the
guardian row of a (dossier, user) pair exists exactly while one of the pair's schedule rows covers today. The
services keep it so when they change a schedule, and the daily beat (``delegations_sync``) grants the delegations
that became due and revokes the expired ones. Guardian rows without any schedule (made by an import or by hand)
are left alone by the beat and can be withdrawn from the access tab.
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone

from core.enums import AccountKind, AuditAction, Metier
from core.models import Affectation, AuditEntry, User
from core.services.audit import audit_record
from core.services.notifications import notify
from dossiers.models import AccesDelegue, BrisDeGlace, Document, Dossier, DossierUserObjectPermission

PERMISSION_CODENAME = "view_dossier_restreint"
BRIS_DE_GLACE_MOTIF_MIN = 15


def _permission() -> Permission:
    return Permission.objects.get(content_type__app_label="dossiers", codename=PERMISSION_CODENAME)


def _live(today: datetime.date) -> Q:
    return Q(debut__lte=today) & (Q(fin__isnull=True) | Q(fin__gte=today))


def _user_label(user) -> str:
    return user.get_full_name() or user.email


# --- Restriction ---------------------------------------------------------------------------------------------------


@transaction.atomic
def dossier_set_restreint(
    *, dossier: Dossier, est_restreint: bool, actor, request=None, keep_actor_access: bool = False
) -> Dossier:
    """Restrict a dossier to the direction, its référent and coordinateur and the named professionals — or lift the
    restriction. An access setting, not content: allowed on archived dossiers too.

    ``keep_actor_access``: a chef de service who restricts a dossier is given a named access, so that they can
    still open it (and lift the restriction); the direction reads every dossier and needs none."""
    if dossier.est_restreint == est_restreint:
        return dossier
    dossier.est_restreint = est_restreint
    dossier.full_clean()
    dossier.save(update_fields=["est_restreint"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, record=dossier, request=request,
        details={"acces": "restreint" if est_restreint else "ouvert", "est_restreint": est_restreint},
    )  # fmt: skip
    today = timezone.localdate()
    if (
        est_restreint
        and keep_actor_access
        and actor.pk not in (dossier.referent_id, dossier.coordinateur_id)
        and not AccesDelegue.objects.filter(_live(today), dossier=dossier, user=actor).exists()
        and not DossierUserObjectPermission.objects.filter(content_object=dossier, user=actor).exists()
    ):
        acces_delegue_create(
            dossier=dossier, user=actor, motif="A restreint l'accès au dossier", debut=today, actor=actor,
            request=request,
        )  # fmt: skip
    return dossier


# --- Grants and delegations ----------------------------------------------------------------------------------------


def grant_candidates(dossier: Dossier):
    """Professionals who may receive a grant on ``dossier``: active accounts with a current or future affectation
    in its dispositif, with clinical access (not only admin_organisme), and not the direction (who already reads
    every dossier)."""
    today = timezone.localdate()
    affectations = Affectation.objects.filter(dispositif_id=dossier.dispositif_id).filter(
        Q(fin__isnull=True) | Q(fin__gte=today)
    )
    direction = Affectation.objects.filter(metier=Metier.DIRECTION).filter(Q(fin__isnull=True) | Q(fin__gte=today))
    return (
        User.objects.filter(
            organisme_id=dossier.organisme_id, kind=AccountKind.PROFESSIONNEL, is_active=True,
            pk__in=affectations.exclude(metier=Metier.ADMIN_ORGANISME).values("user_id"),
        )
        .exclude(pk__in=direction.values("user_id"))
        .order_by("last_name", "first_name")
    )  # fmt: skip


def _check_grantee(dossier: Dossier, user, debut: datetime.date, fin: datetime.date | None) -> None:
    if user.organisme_id != dossier.organisme_id or user.kind != AccountKind.PROFESSIONNEL or not user.is_active:
        raise ValidationError({"user": "Choisissez un professionnel actif de l'organisme."})
    covering = (
        Affectation.objects.filter(user=user, dispositif_id=dossier.dispositif_id)
        .exclude(metier=Metier.ADMIN_ORGANISME)
        .filter(Q(fin__isnull=True) | Q(fin__gte=debut))
    )
    if fin is not None:
        covering = covering.filter(debut__lte=fin)
    if not covering.exists():
        raise ValidationError(
            {"user": f"{_user_label(user)} n'a pas d'affectation dans ce dispositif pendant cette période."}
        )


def _pair_is_live(dossier_id: int, user_id: int, today: datetime.date) -> bool:
    return AccesDelegue.objects.filter(_live(today), dossier_id=dossier_id, user_id=user_id).exists()


def _sync_pair(dossier: Dossier, user_id: int, *, today: datetime.date | None = None) -> str | None:
    """Make the guardian row of (dossier, user) match the pair's schedule; returns "accorde", "retire" or None."""
    today = today or timezone.localdate()
    rows = DossierUserObjectPermission.objects.filter(
        content_object=dossier, user_id=user_id, permission__codename=PERMISSION_CODENAME
    )
    live = _pair_is_live(dossier.pk, user_id, today)
    if live and not rows.exists():
        DossierUserObjectPermission.objects.create(
            organisme_id=dossier.organisme_id, content_object=dossier, user_id=user_id, permission=_permission()
        )
        return "accorde"
    if not live and rows.exists():
        rows.delete()
        return "retire"
    return None


@transaction.atomic
def acces_delegue_create(
    *, dossier: Dossier, user, motif: str, debut: datetime.date, fin: datetime.date | None = None, actor,
    request=None,
) -> AccesDelegue:  # fmt: skip
    """Open a restricted dossier to a named professional: without end (named grant) or between ``debut`` and
    ``fin`` included (replacement, delegation while someone is away). The guardian permission is granted at once
    when the period has started, otherwise by the daily beat on ``debut``."""
    today = timezone.localdate()
    motif = (motif or "").strip()
    if fin is not None and fin < debut:
        raise ValidationError({"fin": "La fin ne peut pas précéder le début."})
    if fin is not None and fin < today:
        raise ValidationError({"fin": "Cette période est déjà terminée."})
    _check_grantee(dossier, user, debut, fin)
    overlapping = AccesDelegue.objects.filter(dossier=dossier, user=user).filter(
        Q(fin__isnull=True) | Q(fin__gte=debut)
    )
    if fin is not None:
        overlapping = overlapping.filter(debut__lte=fin)
    if overlapping.exists():
        raise ValidationError(
            {"user": f"{_user_label(user)} a déjà un accès à ce dossier sur cette période : modifiez-le d'abord."}
        )
    acces = AccesDelegue(
        organisme_id=dossier.organisme_id, dossier=dossier, user=user, motif=motif, debut=debut, fin=fin,
        accorde_par=actor,
    )  # fmt: skip
    acces.full_clean()
    acces.save()
    state = _sync_pair(dossier, user.pk, today=today)
    audit_record(
        actor=actor, action=AuditAction.UPDATE, record=dossier, request=request,
        details={
            "acces": "delegation" if fin else "acces_nominatif", "acces_delegue": acces.pk,
            "professionnel": user.pk, "professionnel_nom": _user_label(user), "motif": motif,
            "debut": debut.isoformat(), "fin": fin.isoformat() if fin else None, "permission": state or "programme",
        },
    )  # fmt: skip
    return acces


@transaction.atomic
def acces_delegue_end(*, acces: AccesDelegue, actor, request=None) -> None:
    """End a scheduled grant now: a period not started yet is cancelled (its row deleted), a started one ends
    yesterday; the guardian permission goes at once unless another schedule row of the pair still covers today."""
    today = timezone.localdate()
    dossier = acces.dossier
    if acces.fin is not None and acces.fin < today:
        raise ValidationError("Cet accès est déjà terminé.")
    pk, user = acces.pk, acces.user
    if acces.debut >= today:
        acces.delete()
        etape = "annule"
    else:
        acces.fin = today - datetime.timedelta(days=1)
        acces.full_clean()
        acces.save(update_fields=["fin"])
        etape = "termine"
    state = _sync_pair(dossier, user.pk, today=today)
    audit_record(
        actor=actor, action=AuditAction.UPDATE, record=dossier, request=request,
        details={"acces": etape, "acces_delegue": pk, "professionnel": user.pk,
                 "professionnel_nom": _user_label(user), "permission": state or "inchange"},
    )  # fmt: skip


@transaction.atomic
def acces_retirer(*, dossier: Dossier, user, actor, request=None) -> None:
    """Withdraw every access of ``user`` to ``dossier``: current and future schedule rows end or are cancelled,
    and the guardian permission is removed (also when it had no schedule)."""
    today = timezone.localdate()
    current = AccesDelegue.objects.filter(dossier=dossier, user=user).filter(Q(fin__isnull=True) | Q(fin__gte=today))
    cancelled = current.filter(debut__gte=today).delete()[0]
    ended = current.update(fin=today - datetime.timedelta(days=1))
    removed = DossierUserObjectPermission.objects.filter(
        content_object=dossier, user=user, permission__codename=PERMISSION_CODENAME
    ).delete()[0]
    if not (cancelled or ended or removed):
        raise ValidationError(f"{_user_label(user)} n'a pas d'accès nominatif à ce dossier.")
    audit_record(
        actor=actor, action=AuditAction.UPDATE, record=dossier, request=request,
        details={"acces": "retire", "professionnel": user.pk, "professionnel_nom": _user_label(user),
                 "acces_termines": ended, "acces_annules": cancelled},
    )  # fmt: skip


@transaction.atomic
def delegations_sync(*, today: datetime.date | None = None) -> dict:
    """Daily beat, for the current organisme (run under its tenant): grant the scheduled accesses that became due,
    revoke those whose period ended. Idempotent; each change is audited (actor: the system)."""
    today = today or timezone.localdate()
    pairs = set(AccesDelegue.objects.order_by().values_list("dossier_id", "user_id").distinct())
    live = set(AccesDelegue.objects.filter(_live(today)).order_by().values_list("dossier_id", "user_id").distinct())
    granted = set(
        DossierUserObjectPermission.objects.filter(permission__codename=PERMISSION_CODENAME)
        .order_by()
        .values_list("content_object_id", "user_id")
    )
    to_grant = live - granted
    to_revoke = (pairs - live) & granted
    dossiers = Dossier.objects.in_bulk({d for d, _ in to_grant | to_revoke})
    if to_grant:
        permission = _permission()
        DossierUserObjectPermission.objects.bulk_create(
            [
                DossierUserObjectPermission(
                    organisme_id=dossiers[d].organisme_id, content_object=dossiers[d], user_id=u, permission=permission
                )
                for d, u in sorted(to_grant)
            ]
        )
    for d, u in sorted(to_revoke):
        DossierUserObjectPermission.objects.filter(
            content_object_id=d, user_id=u, permission__codename=PERMISSION_CODENAME
        ).delete()
    for state, changed in (("accorde", to_grant), ("retire", to_revoke)):
        for d, u in sorted(changed):
            audit_record(
                actor=None, action=AuditAction.UPDATE, record=dossiers[d],
                details={"acces": "calendrier", "professionnel": u, "permission": state, "jour": today.isoformat()},
            )  # fmt: skip
    return {"accordes": len(to_grant), "retires": len(to_revoke)}


# --- Break-the-glass -----------------------------------------------------------------------------------------------


def direction_users(organisme_id: int):
    """Active professionals with a current direction affectation (recipients of access alerts)."""
    today = timezone.localdate()
    ids = Affectation.objects.filter(metier=Metier.DIRECTION, debut__lte=today).filter(
        Q(fin__isnull=True) | Q(fin__gte=today)
    )
    return User.objects.filter(organisme_id=organisme_id, is_active=True, pk__in=ids.values("user_id"))


@transaction.atomic
def bris_de_glace_open(*, dossier: Dossier, user, motif: str, request=None) -> BrisDeGlace:
    """Break-the-glass (DOMAIN §3): ``user`` opens a restricted dossier they have no grant on, after typing a
    reason. Valid ``DITEP_BRIS_DE_GLACE_HEURES`` hours, written to the audit journal with the reason, and the
    direction is notified (no youth name in the notification). The caller checks ``needs_break_glass``."""
    motif = (motif or "").strip()
    if len(motif) < BRIS_DE_GLACE_MOTIF_MIN:
        raise ValidationError(
            {"motif": f"Expliquez le motif de cet accès exceptionnel (au moins {BRIS_DE_GLACE_MOTIF_MIN} caractères)."}
        )
    if not dossier.est_restreint:
        raise ValidationError("Ce dossier n'est pas restreint : aucun accès exceptionnel n'est nécessaire.")
    now = timezone.now()
    bris = BrisDeGlace(
        organisme_id=dossier.organisme_id, dossier=dossier, user=user, motif=motif, ouvert_le=now,
        expire_le=now + datetime.timedelta(hours=settings.DITEP_BRIS_DE_GLACE_HEURES),
    )  # fmt: skip
    bris.full_clean()
    bris.save()
    audit_record(
        actor=user, action=AuditAction.BREAK_GLASS, record=dossier, request=request, reason=motif,
        details={"bris_de_glace": bris.pk, "expire_le": bris.expire_le.isoformat()},
    )  # fmt: skip
    from django.urls import reverse

    notify(
        recipients=list(direction_users(dossier.organisme_id).exclude(pk=user.pk)),
        titre=f"Accès exceptionnel (bris de glace) à un dossier restreint par {_user_label(user)}",
        lien=reverse("dossiers:acces_exceptionnels"),
        categorie="bris_de_glace",
    )
    return bris


# --- The dossier's access log --------------------------------------------------------------------------------------


def access_log(dossier: Dossier):
    """Audit journal rows about this dossier, its youth's identity and its documents (reads and writes), newest
    first — "qui a consulté ce dossier". One query; the documents are matched by a subquery."""
    document_ids = (
        Document.objects.filter(dossier_id=dossier.pk).order_by().annotate(sid=Cast("id", CharField())).values("sid")
    )
    return AuditEntry.objects.filter(organisme_id=dossier.organisme_id).filter(
        Q(record_type="dossiers.dossier", record_id=str(dossier.pk))
        | Q(record_type="dossiers.jeune", record_id=str(dossier.jeune_id))
        | Q(record_type="dossiers.document", record_id__in=document_ids)
    )
