"""Who may read and write a dossier and its parts (DOMAIN §3).

- Open by default: every professional of the dossier's dispositif reads it (direction and admin_organisme: every
  dispositif — but admin_organisme sees no clinical content, so it is excluded here).
- A *restricted* dossier (``est_restreint``) is read only by the direction, its référent and coordinateur, the
  holders of a django-guardian grant ``view_dossier_restreint`` (members, replacements, delegations), and whoever
  opened it by break-the-glass in the last hours.
- Writing needs the ``contributeur`` role in the dispositif (direction always) and a dossier not archived.
- ``confidentiel_soin`` content: care métiers (médecin, infirmier, psychologue) and its author.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core import perms as core_perms
from core.enums import CARE_METIERS
from core.tenancy import Access


def _is_clinical_reader(access: Access) -> bool:
    # admin_organisme configures the tenant and sees no clinical content by default (DOMAIN §3).
    return access.is_professionnel and bool(access.metiers - {"admin_organisme"})


def granted_dossier_ids(access: Access) -> set[int]:
    """Restricted dossiers opened to this user by an object grant or a live break-the-glass (2 queries, cached
    on the access object for the request).

    Grants whose (dossier, user) pair has a schedule (``AccesDelegue``) follow its dates to the day, whether or not
    the daily beat has caught up yet: a due delegation opens the dossier from its first day, an expired one no
    longer does; grants without a schedule (created outside the access tab) count as they are."""
    cached = getattr(access, "_granted_dossier_ids", None)
    if cached is not None:
        return cached
    from dossiers.models import AccesDelegue, BrisDeGlace, DossierUserObjectPermission

    user_id = access.user.pk
    today = timezone.localdate()
    live = Q(debut__lte=today) & (Q(fin__isnull=True) | Q(fin__gte=today))
    schedule = AccesDelegue.objects.filter(user_id=user_id, dossier_id=OuterRef("content_object_id"))
    grants = (
        DossierUserObjectPermission.objects.filter(user_id=user_id, permission__codename="view_dossier_restreint")
        .exclude(Exists(schedule) & ~Exists(schedule.filter(live)))
        .order_by()
        .values_list("content_object_id", flat=True)
    )
    due = AccesDelegue.objects.filter(live, user_id=user_id).order_by().values_list("dossier_id", flat=True)
    ids = set(grants.union(due))
    ids |= set(
        BrisDeGlace.objects.filter(user_id=user_id, expire_le__gt=timezone.now()).values_list("dossier_id", flat=True)
    )
    access._granted_dossier_ids = ids
    return ids


def readable_dossiers(access: Access, queryset=None):
    """The dossiers this user may open, as a queryset (lists, search, API)."""
    from dossiers.models import Dossier

    qs = (queryset if queryset is not None else Dossier.objects.all()).for_access(access)
    if not _is_clinical_reader(access):
        return qs.none()
    if access.is_direction:
        return qs
    user_id = access.user.pk
    return qs.filter(
        Q(est_restreint=False)
        | Q(referent_id=user_id)
        | Q(coordinateur_id=user_id)
        | Q(pk__in=granted_dossier_ids(access))
    )


def can_read_dossier(access: Access, dossier) -> bool:
    if not _is_clinical_reader(access) or not access.can_read_dispositif(dossier.dispositif_id):
        return False
    if not dossier.est_restreint or access.is_direction:
        return True
    user_id = access.user.pk
    return user_id in (dossier.referent_id, dossier.coordinateur_id) or dossier.pk in granted_dossier_ids(access)


def needs_break_glass(access: Access, dossier) -> bool:
    """A professional of the dispositif who cannot open this restricted dossier may break the glass."""
    return (
        _is_clinical_reader(access)
        and access.can_read_dispositif(dossier.dispositif_id)
        and not can_read_dossier(access, dossier)
    )


def can_write_dossier(access: Access, dossier) -> bool:
    return (
        can_read_dossier(access, dossier)
        and access.can_write_dispositif(dossier.dispositif_id)
        and dossier.archived_at is None
    )


def can_read_confidentiel(access: Access, author_id: int | None = None) -> bool:
    """``confidentiel_soin``: care métiers and the author."""
    return bool(access.metiers & CARE_METIERS) or (author_id is not None and author_id == access.user.pk)


def can_read_item(access: Access, *, dossier, visibilite: str, author_id: int | None = None) -> bool:
    """A part of a dossier with a visibility (document, transmission...)."""
    if not can_read_dossier(access, dossier):
        return False
    if visibilite == "confidentiel_soin":
        return can_read_confidentiel(access, author_id)
    return True


def can_manage_access(access: Access, dossier) -> bool:
    """Restricting a dossier and granting access: the direction and the chefs de service of the dispositif."""
    return access.is_professionnel and (
        access.is_direction
        or ("chef_de_service" in access.metiers and access.can_write_dispositif(dossier.dispositif_id))
    )


def can_export_rgpd(access: Access) -> bool:
    """Right of access (RGPD art. 15) exports of a whole dossier: the direction, the data controller's voice."""
    return access.is_professionnel and access.is_direction


def can_manage_conservation(access: Access) -> bool:
    """Listing archived dossiers past their retention period and purging them: the direction."""
    return access.is_professionnel and access.is_direction


def can_list_break_glass(access: Access) -> bool:
    """The list of break-the-glass accesses is shown to the direction (DOMAIN §3)."""
    return access.is_professionnel and access.is_direction


def can_manage_evenements_indesirables(access: Access) -> bool:
    """Follow-up and closing of adverse events: the direction."""
    return access.is_professionnel and access.is_direction


PARTENAIRE_EDITORS = frozenset(
    {"direction", "chef_de_service", "coordinateur_parcours", "secretariat", "admin_organisme"}
)


def can_edit_partenaires(access: Access) -> bool:
    """The partners directory is kept by the direction, chefs de service, coordinators and the secretariat."""
    return access.is_professionnel and bool(access.metiers & PARTENAIRE_EDITORS)


def _via_dossier(read_or_write):
    return lambda access, obj: read_or_write(access, obj.dossier)


def _register():
    from dossiers import models as m

    core_perms.register(m.Dossier, read=can_read_dossier, write=can_write_dossier)
    for model in (m.Parcours, m.ChangementModalite, m.SituationComplexe, m.DossierPartenaire, m.MembreCercle):
        core_perms.register(model, read=_via_dossier(can_read_dossier), write=_via_dossier(can_write_dossier))
    core_perms.register(
        m.Document,
        read=lambda a, d: can_read_item(a, dossier=d.dossier, visibilite=d.visibilite, author_id=d.uploaded_by_id),
        write=lambda a, d: can_write_dossier(a, d.dossier),
    )
    core_perms.register(
        m.Jeune,
        read=lambda a, j: readable_dossiers(a, j.dossiers.all()).exists(),
        write=lambda a, j: any(can_write_dossier(a, d) for d in j.dossiers.all()),
    )
    for model in (m.Proche, m.PeriodeScolaire, m.NotificationMdph):
        core_perms.register(
            model,
            read=lambda a, o: readable_dossiers(a, o.jeune.dossiers.all()).exists(),
            write=lambda a, o: any(can_write_dossier(a, d) for d in o.jeune.dossiers.all()),
        )
    core_perms.register(m.Partenaire, read=lambda a, p: a.is_professionnel, write=lambda a, p: can_edit_partenaires(a))
    core_perms.register(m.ModeleDocument, read=lambda a, o: _is_clinical_reader(a), write=lambda a, o: a.is_direction)
    core_perms.register(m.Intervenant, read=lambda a, i: a.is_professionnel, write=lambda a, i: a.is_professionnel)
    core_perms.register(
        m.EvenementIndesirable,
        read=lambda a, e: a.is_professionnel and a.can_read_dispositif(e.dispositif_id) and _is_clinical_reader(a),
        write=lambda a, e: can_manage_evenements_indesirables(a),
    )


_register()
