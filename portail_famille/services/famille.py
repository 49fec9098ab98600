"""What a family or a youth sends from the portal: documents (to the team's inbox) and absences (to be taken into
account by a professional). The caller passes the account's ``AccesPortail`` (already resolved by the wall); the
services check the right again and write through the Dossiers and Agendas services."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agendas.enums import MotifAbsence, OrigineAbsence
from core.enums import Metier
from core.models import Affectation
from core.services.notifications import notify
from dossiers.enums import SourceDocument, StatutDocument, TypeDocument
from portail_famille.selectors import dossiers_courants

# Short lists shown on the portal.
TYPES_DOCUMENT_FAMILLE = (
    TypeDocument.CERTIFICAT_MEDICAL,
    TypeDocument.ORDONNANCE,
    TypeDocument.ATTESTATION,
    TypeDocument.ASSURANCE,
    TypeDocument.SCOLARITE,
    TypeDocument.IDENTITE,
    TypeDocument.COURRIER,
    TypeDocument.AUTRE,
)
MOTIFS_ABSENCE_FAMILLE = (
    MotifAbsence.MALADIE,
    MotifAbsence.RENDEZ_VOUS,
    MotifAbsence.RAISONS_PERSONNELLES,
    MotifAbsence.HOSPITALISATION,
    MotifAbsence.SCOLAIRE,
    MotifAbsence.AUTRE,
)
# A family declares an absence beforehand, or afterwards within this delay.
RETARD_MAXIMAL_JOURS = 7


def _dossier(acces, dossier_id=None):
    dossiers = dossiers_courants(acces.jeune_id)
    if dossier_id is not None:
        dossiers = [d for d in dossiers if d.pk == int(dossier_id)]
    if not dossiers:
        raise ValidationError("Aucun accompagnement en cours pour ce jeune : l'équipe ne peut pas recevoir cet envoi.")
    return dossiers[0]


def _equipe(dossier) -> list:
    """Who is told: the dossier's référent and the chefs de service of its dispositif."""
    chefs = (
        Affectation.objects.active_on_today()
        .filter(dispositif_id=dossier.dispositif_id, metier=Metier.CHEF_DE_SERVICE)
        .select_related("user")
    )
    users = {a.user.pk: a.user for a in chefs}
    if dossier.referent_id:
        users[dossier.referent_id] = dossier.referent
    return list(users.values())


@transaction.atomic
def document_deposer(
    *, acces, actor, content: bytes, nom_fichier: str, type: str, titre: str, dossier_id=None, request=None
):
    """A document sent by the family or the youth: content checked (size, type by magic bytes), stored
    ``source=famille``, ``statut=a_valider`` in the team's inbox, visible to the team and its author only."""
    from dossiers.services.documents import document_create

    if not acces.deposer_documents or acces.user_id != actor.pk:
        raise ValidationError("Vous ne pouvez pas déposer de document pour ce jeune.")
    if type not in TYPES_DOCUMENT_FAMILLE:
        raise ValidationError({"type": "Choisissez un type de document dans la liste."})
    titre = (titre or "").strip()
    if not titre:
        raise ValidationError({"titre": "Donnez un titre au document."})
    dossier = _dossier(acces, dossier_id)
    document = document_create(
        dossier=dossier, content=content, nom_fichier=nom_fichier, type=type, titre=titre[:200], actor=actor,
        request=request, source=SourceDocument.FAMILLE, statut=StatutDocument.A_VALIDER,
    )  # fmt: skip
    equipe = [u for u in _equipe(dossier) if u.pk != actor.pk]
    if equipe:
        notify(
            recipients=equipe, titre=f"Document déposé par la famille de {dossier.jeune.prenom}",
            lien=reverse("dossiers:documents", kwargs={"pk": dossier.pk}), categorie="portail",
        )  # fmt: skip
    return document


@transaction.atomic
def absence_declarer_famille(
    *, acces, actor, debut: datetime.datetime, fin: datetime.datetime, motif: str, commentaire: str = "",
    dossier_id=None, request=None,
):  # fmt: skip
    """An absence declared on the portal: it waits (``a_confirmer``) until a professional takes it into account
    on the team's absences page; the référent and the chefs de service are told."""
    from agendas.services.absences import absence_declarer

    if not acces.declarer_absences or acces.user_id != actor.pk:
        raise ValidationError("Vous ne pouvez pas déclarer d'absence pour ce jeune.")
    if motif not in MOTIFS_ABSENCE_FAMILLE:
        raise ValidationError({"motif": "Choisissez un motif dans la liste."})
    if fin <= debut:
        raise ValidationError({"fin": "La fin de l'absence doit être après son début."})
    if fin < timezone.now() - datetime.timedelta(days=RETARD_MAXIMAL_JOURS):
        raise ValidationError(
            {"debut": f"Cette absence est passée depuis plus de {RETARD_MAXIMAL_JOURS} jours : appelez l'équipe."}
        )
    if fin - debut > datetime.timedelta(days=92):
        raise ValidationError({"fin": "Une absence de plus de trois mois se voit directement avec l'équipe."})
    dossier = _dossier(acces, dossier_id)
    absence = absence_declarer(
        jeune=acces.jeune, dispositif=dossier.dispositif, debut=debut, fin=fin, motif=motif, actor=actor,
        origine=OrigineAbsence.FAMILLE, prevue=True, commentaire=(commentaire or "").strip(),
        prendre_en_compte=False, request=request,
    )  # fmt: skip
    equipe = [u for u in _equipe(dossier) if u.pk != actor.pk]
    if equipe:
        notify(
            recipients=equipe, titre=f"Absence de {acces.jeune.prenom} déclarée par la famille",
            lien=reverse("agendas:absence_list"), categorie="portail",
        )  # fmt: skip
    return absence
