"""Who may read and write a PPA and its parts (DOMAIN §3, §7).

PPA access follows dossier access:
- read: whoever may read the dossier (``dossiers.perms.can_read_dossier``: professionals of the dossier's
  dispositif with clinical access; a restricted dossier only for its référent, coordinateur, grantees, the
  direction and a live break-the-glass);
- write: whoever may write the dossier (``can_write_dossier``: a contributeur of the dispositif or the direction,
  dossier not archived). Whether a *version* can still be changed (only ``en_elaboration``) is a rule of the
  services (``ppa.services.redaction``), not of the permission: the permission says who, the service says when.
- Family and youth accounts never pass these predicates (``_is_clinical_reader`` is false for them): the portal
  shows validated PPAs through its own selectors.
"""

from core import perms as core_perms
from core.tenancy import Access
from dossiers.perms import can_read_dossier, can_write_dossier, readable_dossiers


def _dossier_of(obj):
    """The dossier behind any PPA object (Ppa, PpaVersion, Objectif, Action, Accord, Revue, Evaluation, Lien)."""
    from ppa import models as m

    if isinstance(obj, m.Ppa):
        return obj.dossier
    if isinstance(obj, m.PpaVersion):
        return obj.ppa.dossier
    if isinstance(obj, m.Objectif | m.Accord | m.Revue):
        return obj.version.ppa.dossier
    if isinstance(obj, m.Action | m.LienObjectif):
        return obj.objectif.version.ppa.dossier
    if isinstance(obj, m.Evaluation):
        return obj.revue.version.ppa.dossier
    if isinstance(obj, m.RappelPpa):
        return obj.ppa.dossier
    return obj  # a Dossier


def can_read_ppa(access: Access, obj) -> bool:
    """``obj``: a Dossier or any PPA object."""
    return can_read_dossier(access, _dossier_of(obj))


def can_write_ppa(access: Access, obj) -> bool:
    """``obj``: a Dossier or any PPA object. Contributeurs of the dossier's dispositif (and the direction), on a
    readable, not archived dossier."""
    return can_write_dossier(access, _dossier_of(obj))


def readable_ppas(access: Access, queryset=None):
    """The PPAs this user may read, as a queryset (lists, API)."""
    from ppa.models import Ppa

    qs = queryset if queryset is not None else Ppa.objects.all()
    return qs.filter(dossier__in=readable_dossiers(access))


def _register():
    from ppa import models as m

    for model in (m.Ppa, m.PpaVersion, m.Objectif, m.Action, m.Accord, m.Revue, m.Evaluation, m.LienObjectif,
                  m.RappelPpa):  # fmt: skip
        core_perms.register(model, read=can_read_ppa, write=can_write_ppa)


_register()
