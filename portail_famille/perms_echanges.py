"""Who may read and answer the portal exchanges on the staff side (messages, questionnaires, register of complaints).

- A thread (``FilDiscussion``) is read by whoever may read the youth's dossier in the thread's dispositif
  (référent, chef de service, any reader of the dossier); answering and closing need the write right on that
  dossier (a read-only colleague reads, does not answer).
- Questionnaires: built, opened and closed by the direction; the chefs de service of the dispositif read them and
  their results.
- Register of complaints and suggestions: kept by the direction (take in charge, answer, close, CVS members); read
  by the chefs de service of the dispositif and by the members of its CVS (professional accounts here; portal
  accounts on the portal's read-only register). Only the direction and the chefs de service see who wrote and
  about which youth.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core import perms as core_perms
from core.enums import Metier
from core.tenancy import Access
from dossiers.perms import can_read_dossier, can_write_dossier, readable_dossiers


def _dossier_of(fil):
    from dossiers.models import Dossier

    return Dossier.objects.filter(jeune_id=fil.jeune_id, dispositif_id=fil.dispositif_id).order_by("-pk").first()


def can_read_fil(access: Access, fil) -> bool:
    if not access.is_professionnel:
        return False
    dossier = _dossier_of(fil)
    return dossier is not None and can_read_dossier(access, dossier)


def can_write_fil(access: Access, fil) -> bool:
    if not access.is_professionnel:
        return False
    dossier = _dossier_of(fil)
    return dossier is not None and can_write_dossier(access, dossier)


def readable_fils(access: Access, queryset=None):
    """The threads of the youths whose dossier (in the thread's dispositif) this professional may read."""
    from portail_famille.models import FilDiscussion

    qs = queryset if queryset is not None else FilDiscussion.objects.all()
    if not access.is_professionnel:
        return qs.none()
    dossiers = readable_dossiers(access).filter(jeune_id=OuterRef("jeune_id"), dispositif_id=OuterRef("dispositif_id"))
    return qs.filter(organisme_id=access.organisme_id).filter(Exists(dossiers))


def is_chef_de_service(access: Access, dispositif_id: int) -> bool:
    return any(a.dispositif_id == dispositif_id and a.metier == Metier.CHEF_DE_SERVICE for a in access.affectations)


def can_use_messages(access: Access) -> bool:
    return access.is_professionnel and bool(access.metiers - {Metier.ADMIN_ORGANISME})


# --- Questionnaires -------------------------------------------------------------------------------------------


def can_manage_questionnaires(access: Access) -> bool:
    return access.is_professionnel and access.is_direction


def can_read_questionnaires(access: Access, dispositif_id: int | None = None) -> bool:
    if not access.is_professionnel:
        return False
    if access.is_direction:
        return True
    if dispositif_id is None:
        return Metier.CHEF_DE_SERVICE in access.metiers
    return is_chef_de_service(access, dispositif_id)


def questionnaire_dispositif_ids(access: Access) -> set[int] | None:
    """Dispositifs whose questionnaires this user reads (``None``: all of the organisme)."""
    if access.is_direction:
        return None
    return {a.dispositif_id for a in access.affectations if a.metier == Metier.CHEF_DE_SERVICE}


# --- Register of complaints -----------------------------------------------------------------------------------


def cvs_dispositif_ids(user) -> set[int]:
    """The dispositifs whose CVS this account sits on today."""
    from portail_famille.models import MembreCvs

    today = timezone.localdate()
    return set(
        MembreCvs.objects.filter(user_id=user.pk, debut__lte=today)
        .filter(Q(fin__isnull=True) | Q(fin__gte=today))
        .values_list("dispositif_id", flat=True)
    )


def can_manage_registre(access: Access) -> bool:
    return access.is_professionnel and access.is_direction


def registre_dispositif_ids(access: Access) -> set[int] | None:
    """Dispositifs whose register this professional reads (``None``: every one of the organisme)."""
    if access.is_direction:
        return None
    ids = {a.dispositif_id for a in access.affectations if a.metier == Metier.CHEF_DE_SERVICE}
    return ids | cvs_dispositif_ids(access.user)


def can_read_registre(access: Access) -> bool:
    if not access.is_professionnel:
        return False
    ids = registre_dispositif_ids(access)
    return ids is None or bool(ids)


def sees_identities(access: Access, dispositif_id: int) -> bool:
    """Who wrote and about which youth: the direction and the chefs de service only (not the CVS)."""
    return access.is_professionnel and (access.is_direction or is_chef_de_service(access, dispositif_id))


def can_read_reclamation(access: Access, reclamation) -> bool:
    if not access.is_professionnel:
        return False
    ids = registre_dispositif_ids(access)
    return ids is None or reclamation.dispositif_id in ids


def _register():
    from portail_famille import models as m

    core_perms.register(m.FilDiscussion, read=can_read_fil, write=can_write_fil)
    core_perms.register(
        m.Questionnaire,
        read=lambda a, q: can_read_questionnaires(a, q.dispositif_id),
        write=lambda a, q: can_manage_questionnaires(a),
    )
    core_perms.register(
        m.Question,
        read=lambda a, q: can_read_questionnaires(a, q.questionnaire.dispositif_id),
        write=lambda a, q: can_manage_questionnaires(a),
    )
    core_perms.register(m.Reclamation, read=can_read_reclamation, write=lambda a, r: can_manage_registre(a))
    core_perms.register(
        m.MembreCvs,
        read=lambda a, o: can_manage_registre(a),
        write=lambda a, o: can_manage_registre(a),
    )


_register()
