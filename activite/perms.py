"""Who may see the activity figures (DOMAIN §8) and change the AIRe parameters.

- ``can_view_activite``: the direction (every dispositif of the organisme) and the chefs de service (the
  dispositifs where they hold a ``chef_de_service`` affectation), read-only roles included (reading figures is
  not writing). Everyone else — educators, care métiers, the organisme's administrators (no clinical content),
  family and youth accounts — is refused. Views answer **403** to a professional of the organisme without the
  right (or asking for a dispositif they do not steer) and **404** for another organisme's dispositif or a family /
  youth account (``core.tenancy`` walls).
- ``can_edit_parametres``: the direction only (a new version of the AIRe parameters of a dispositif).
"""

from core.enums import Metier, Role
from core.tenancy import Access


def _chef_dispositif_ids(access: Access) -> frozenset[int]:
    return frozenset(a.dispositif_id for a in access.affectations if a.metier == Metier.CHEF_DE_SERVICE)


def can_view_activite(access: Access, dispositif_id: int | None = None) -> bool:
    """Activity figures of ``dispositif_id`` (or, without it, of at least one dispositif: menu entries)."""
    if access.organisme_id is None or not access.is_professionnel:
        return False
    if access.is_direction:
        return True
    chefs = _chef_dispositif_ids(access)
    return bool(chefs) if dispositif_id is None else dispositif_id in chefs


def dispositifs_activite(access: Access, queryset=None):
    """The dispositifs whose activity this user may see, as a queryset (selectors, dashboards)."""
    from core.models import Dispositif

    qs = queryset if queryset is not None else Dispositif.objects.all()
    if not can_view_activite(access):
        return qs.none()
    qs = qs.filter(organisme_id=access.organisme_id)
    return qs if access.is_direction else qs.filter(pk__in=_chef_dispositif_ids(access))


def can_edit_parametres(access: Access, dispositif_id: int) -> bool:
    """A new version of the AIRe parameters: the direction, with a writing role."""
    return (
        access.is_professionnel
        and access.organisme_id is not None
        and any(a.metier == Metier.DIRECTION and a.role == Role.CONTRIBUTEUR for a in access.affectations)
    )


def _register():
    from activite import models as m
    from core import perms as core_perms

    def read(access, obj):
        return can_view_activite(access, obj.dispositif_id)

    def write_parametres(access, obj):
        return can_edit_parametres(access, obj.dispositif_id)

    core_perms.register(m.ParametresActivite, read=read, write=write_parametres)
    core_perms.register(m.FaitSemaine, read=read, write=lambda a, o: False)
    core_perms.register(m.AnomalieActivite, read=read, write=lambda a, o: False)


_register()
