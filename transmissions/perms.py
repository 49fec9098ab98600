"""Who may read and write a transmission (DOMAIN §3, §6).

- A transmission is read by the professionals with clinical access in its dispositif who may read at least one of
  its youths' dossiers in that dispositif (a note to the unit, without youth: every clinical reader of the
  dispositif). ``readable_transmissions`` is the same rule as a queryset filter (lists, search, handover).
- ``confidentiel_soin``: care métiers and the author (``dossiers.perms.can_read_confidentiel``).
- A draft is read and written by its author only; a validated transmission is never written (addenda instead).
"""

from django.db.models import Exists, OuterRef, Q

from core import perms as core_perms
from core.enums import CARE_METIERS, Visibilite
from core.tenancy import Access
from dossiers.perms import _is_clinical_reader, can_read_confidentiel, can_read_dossier, granted_dossier_ids
from transmissions.enums import StatutTransmission


def readable_transmissions(access: Access, queryset=None):
    """The transmissions this user may read, as a queryset (journal, handover, timeline, search, API)."""
    from dossiers.models import Dossier
    from transmissions.models import Transmission, TransmissionJeune

    qs = queryset if queryset is not None else Transmission.objects.all()
    if access.organisme_id is None or not _is_clinical_reader(access):
        return qs.none()
    qs = qs.filter(organisme_id=access.organisme_id)
    if not access.sees_all_dispositifs:
        qs = qs.filter(dispositif_id__in=access.dispositif_ids)
    user_id = access.user.pk
    qs = qs.filter(Q(statut=StatutTransmission.VALIDEE) | Q(auteur_id=user_id))
    if not access.metiers & CARE_METIERS:
        qs = qs.exclude(Q(visibilite=Visibilite.CONFIDENTIEL_SOIN) & ~Q(auteur_id=user_id))
    if access.is_direction:
        # The direction reads every dossier: only the youth having a dossier in the dispositif matters, and the
        # services guarantee it when the transmission is written.
        return qs
    # Hidden: a transmission naming a youth whose dossier in the transmission's dispositif is restricted and not
    # opened to the user. One NOT EXISTS over the (few) restricted dossiers, so the planner makes it an anti-join.
    closed = Dossier.objects.filter(
        est_restreint=True, jeune_id=OuterRef("jeune_id"), dispositif_id=OuterRef(OuterRef("dispositif_id"))
    ).exclude(Q(referent_id=user_id) | Q(coordinateur_id=user_id) | Q(pk__in=granted_dossier_ids(access)))
    hidden_links = TransmissionJeune.objects.filter(transmission_id=OuterRef("pk")).filter(Exists(closed))
    return qs.exclude(Exists(hidden_links))


def _dossiers_of(dispositif_id, jeune_ids):
    from dossiers.models import Dossier

    return list(Dossier.objects.filter(dispositif_id=dispositif_id, jeune_id__in=jeune_ids))


def can_read_transmission(access: Access, transmission) -> bool:
    if not _is_clinical_reader(access) or not access.can_read_dispositif(transmission.dispositif_id):
        return False
    if transmission.statut != StatutTransmission.VALIDEE and transmission.auteur_id != access.user.pk:
        return False
    if transmission.visibilite == Visibilite.CONFIDENTIEL_SOIN and not can_read_confidentiel(
        access, transmission.auteur_id
    ):
        return False
    jeune_ids = [link.jeune_id for link in transmission.liens_jeunes.all()]
    if not jeune_ids:
        return True  # a note to the unit
    # Every youth named must be readable (a restricted youth is never shown through a shared transmission).
    return all(can_read_dossier(access, dossier) for dossier in _dossiers_of(transmission.dispositif_id, jeune_ids))


def can_write_transmission(access: Access, transmission) -> bool:
    """Only a draft, by its author, still writing in the dispositif."""
    return (
        transmission.statut == StatutTransmission.BROUILLON
        and transmission.auteur_id == access.user.pk
        and access.can_write_dispositif(transmission.dispositif_id)
    )


def can_write_in(access: Access, dispositif_id: int) -> bool:
    """Writing transmissions (and addenda) in a dispositif: the contributors (and the direction)."""
    return _is_clinical_reader(access) and access.can_write_dispositif(dispositif_id)


def can_write_any(access: Access) -> bool:
    return _is_clinical_reader(access) and (
        access.is_direction or any(a.role == "contributeur" for a in access.affectations)
    )


def can_use(access: Access) -> bool:
    """Menu entries: the clinical readers (admin_organisme alone sees no clinical content)."""
    return _is_clinical_reader(access)


def can_see_lectures(access: Access, transmission) -> bool:
    """Who has read an important transmission: its author and the chefs de service (and direction) of the
    dispositif."""
    return transmission.auteur_id == access.user.pk or (
        access.can_read_dispositif(transmission.dispositif_id)
        and (access.is_direction or "chef_de_service" in access.metiers)
    )


def _register():
    from transmissions import models as m

    core_perms.register(m.Transmission, read=can_read_transmission, write=can_write_transmission)
    core_perms.register(
        m.PieceJointe,
        read=lambda a, p: can_read_transmission(a, p.transmission),
        write=lambda a, p: can_write_transmission(a, p.transmission),
    )
    core_perms.register(
        m.Categorie, read=lambda a, c: a.is_professionnel, write=lambda a, c: a.is_professionnel and a.is_admin
    )


_register()
