"""Who sees what on the portal (issue Portail famille §1, §7; DOMAIN §3).

Portal side — every page and endpoint first resolves the youth through the account's **active** ``AccesPortail``
with the right it needs (``portail_famille.acces``): another youth, another organisme, a suspended or revoked
access, a right not granted: 404. Then, for that youth:

- **shared by the team, for everyone with the right**: events visible to families, the PPA in force, documents
  ``partageable_famille`` and ``valide``, validated transmissions ``partageable_famille`` naming only this youth.
  They are the same for each parent and for the youth's own account;
- **separate spaces, for their author only**: what an account deposits or declares (uploaded documents, absences
  it declared; messages and complaints: ``perms_echanges``) is shown to that account and to the team, never to
  the other parent nor to the youth, and what the youth deposits is never shown to the parents. A document an
  account uploaded becomes shared only if the team classifies it ``partageable_famille``.

Staff side (``/familles/`` and the dossier's "Portail" tab): whoever reads the dossier sees its portal accesses;
inviting, suspending, reactivating, revoking and changing rights need the right to write the dossier (a
contributeur of its dispositif; a lecteur cannot). Portal accounts never reach staff pages
(``core.tenancy.LoginRequiredMiddleware``).
"""

from agendas.enums import OrigineAbsence
from core.enums import Visibilite
from dossiers.enums import SourceDocument, StatutDocument
from dossiers.perms import can_read_dossier, can_write_dossier


def documents_partages(jeune_id: int):
    from dossiers.models import Document

    return Document.objects.filter(
        dossier__jeune_id=jeune_id, visibilite=Visibilite.PARTAGEABLE_FAMILLE, statut=StatutDocument.VALIDE
    )


def documents_deposes(user, jeune_id: int):
    """What this account uploaded for this youth (its own space)."""
    from dossiers.models import Document

    return Document.objects.filter(dossier__jeune_id=jeune_id, source=SourceDocument.FAMILLE, uploaded_by=user)


def absences_declarees(user, jeune_id: int):
    """The absences this account declared for this youth (its own space)."""
    from agendas.models import Absence

    return Absence.objects.filter(jeune_id=jeune_id, origine=OrigineAbsence.FAMILLE, declaree_par=user)


def can_see_portail(access, dossier) -> bool:
    return access.is_professionnel and can_read_dossier(access, dossier)


def can_manage_portail(access, dossier) -> bool:
    return access.is_professionnel and can_write_dossier(access, dossier)
