"""MDPH side of the dossier: changes of modalité with the agreement they need and the fiche de liaison sent to
the MDPH; the list of notifications coming to their end.

Dispositif intégré (decree of 5 July 2024): within the orientation "dispositif ITEP", the team may change the
modalités of accompaniment without a new CDAPH decision, with the agreement of the représentants légaux (or of the
young adult), and informs the MDPH with a fiche de liaison.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from core.enums import AuditAction, Modalite
from core.models import Organisme
from core.services.audit import audit_record
from dossiers.enums import ModeAccord, SourceDocument, StatutParcours, TypeDocument
from dossiers.models import ChangementModalite, Dossier, NotificationMdph
from dossiers.perms import readable_dossiers
from dossiers.services.documents import document_create

ECHEANCE_MOIS = 3
FICHE_LIAISON_TEMPLATE = "dossiers/pdf/fiche_liaison.html"


def modalites_label(modalites) -> str:
    labels = dict(Modalite.choices)
    return ", ".join(str(labels.get(m, m)) for m in modalites) or "aucune"


def _canonical_modalites(modalites, field: str) -> list[str]:
    if not modalites:
        raise ValidationError({field: "Choisissez au moins une modalité d'accompagnement."})
    unknown = set(modalites) - set(Modalite.values)
    if unknown:
        raise ValidationError({field: f"Modalité inconnue : {', '.join(sorted(unknown))}."})
    return [m for m in Modalite.values if m in modalites]


@transaction.atomic
def changement_modalite_record(
    *, dossier: Dossier, date: datetime.date, modalites_apres, accord_de: str, accord_le: datetime.date,
    accord_mode: str, actor, request=None, commentaire: str = "",
) -> ChangementModalite:  # fmt: skip
    """Record a change of modalités and apply it to ``dossier.modalites``.

    The change needs the agreement of a représentant légal (or of the young adult): who, when and how. A refusal
    (``accord_mode="refus"``) is recorded for the history, but the modalités are NOT changed.
    """
    if dossier.archived_at is not None:
        raise ValidationError("Ce dossier est archivé : il est en lecture seule.")
    if dossier.statut != StatutParcours.ACCOMPAGNE:
        raise ValidationError("Les modalités ne changent que pour un jeune accompagné (admis dans le dispositif).")
    apres = _canonical_modalites(modalites_apres, "modalites_apres")
    avant = list(dossier.modalites)
    if apres == avant:
        raise ValidationError({"modalites_apres": "Les nouvelles modalités sont identiques aux modalités en cours."})
    accord_de = (accord_de or "").strip()
    if not accord_de or accord_le is None or not accord_mode:
        raise ValidationError(
            "Un changement de modalité nécessite l'accord du représentant légal ou du jeune majeur : "
            "indiquez qui l'a donné, quand et sous quelle forme."
        )
    if accord_mode not in ModeAccord.values:
        raise ValidationError({"accord_mode": "Forme de l'accord inconnue."})
    if accord_le > date:
        raise ValidationError({"accord_le": "L'accord doit être recueilli au plus tard à la date du changement."})
    if accord_le > timezone.localdate():
        raise ValidationError({"accord_le": "L'accord ne peut pas être daté dans le futur."})
    changement = ChangementModalite(
        organisme_id=dossier.organisme_id, dossier=dossier, date=date, modalites_avant=avant,
        modalites_apres=apres, accord_de=accord_de[:300], accord_le=accord_le, accord_mode=accord_mode,
        commentaire=commentaire, created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    changement.full_clean()
    changement.save()
    applique = accord_mode != ModeAccord.REFUS
    audit_record(actor=actor, action=AuditAction.CREATE, record=changement, request=request,
                 details={"dossier": dossier.pk, "avant": avant, "apres": apres, "accord_mode": accord_mode,
                          "applique": applique})  # fmt: skip
    if applique:
        dossier.modalites = apres
        dossier.save(update_fields=["modalites"])
        audit_record(actor=actor, action=AuditAction.UPDATE, record=dossier, request=request,
                     details={"champs": ["modalites"], "avant": avant, "apres": apres,
                              "changement_modalite": changement.pk})  # fmt: skip
    return changement


def current_notification(dossier: Dossier, day: datetime.date) -> NotificationMdph | None:
    return (
        NotificationMdph.objects.filter(jeune_id=dossier.jeune_id, date_debut__lte=day, date_fin__gte=day)
        .order_by("-date_fin")
        .first()
    )


def fiche_liaison_context(changement: ChangementModalite) -> dict:
    dossier = changement.dossier
    jeune = dossier.jeune
    scolarite = jeune.periodes_scolaires.filter(
        Q(fin__isnull=True) | Q(fin__gte=changement.date), debut__lte=changement.date
    ).select_related("etablissement")
    return {
        "titre": "Fiche de liaison — changement de modalité d'accompagnement",
        "organisme": Organisme.objects.get(pk=dossier.organisme_id),
        "dispositif": dossier.dispositif,
        "dossier": dossier,
        "jeune": jeune,
        "changement": changement,
        "avant": modalites_label(changement.modalites_avant),
        "apres": modalites_label(changement.modalites_apres),
        "notification": current_notification(dossier, changement.date),
        "scolarite": list(scolarite),
        "representants": list(jeune.proches.filter(representant_legal=True)),
        "date_edition": timezone.localdate(),
    }


@transaction.atomic
def fiche_liaison_generate(*, changement: ChangementModalite, actor, request=None):
    """Produce the fiche de liaison of a change as a PDF stored in the dossier (type ``fiche_liaison``, generated),
    and link it to the change. Generating again (after a correction) stores a new version."""
    from dossiers.pdf import render_pdf

    dossier = changement.dossier
    if dossier.archived_at is not None:
        raise ValidationError("Ce dossier est archivé : il est en lecture seule.")
    if changement.accord_mode == ModeAccord.REFUS:
        raise ValidationError("Le changement a été refusé : il n'y a pas de fiche de liaison à envoyer à la MDPH.")
    content = render_pdf(FICHE_LIAISON_TEMPLATE, fiche_liaison_context(changement))
    document = document_create(
        dossier=dossier,
        content=content,
        nom_fichier=f"fiche-liaison-{changement.date:%Y-%m-%d}.pdf",
        type=TypeDocument.FICHE_LIAISON,
        titre=f"Fiche de liaison — changement de modalité du {changement.date:%d/%m/%Y}",
        actor=actor,
        request=request,
        source=SourceDocument.GENERE,
    )
    changement.fiche_liaison = document
    changement.save(update_fields=["fiche_liaison"])
    audit_record(actor=actor, action=AuditAction.UPDATE, record=changement, request=request,
                 details={"champs": ["fiche_liaison"], "document": document.pk})  # fmt: skip
    return document


@transaction.atomic
def changement_envoi_mdph_record(
    *, changement: ChangementModalite, date: datetime.date, actor, request=None
) -> ChangementModalite:
    """Record the date the fiche de liaison was sent to the MDPH."""
    if changement.dossier.archived_at is not None:
        raise ValidationError("Ce dossier est archivé : il est en lecture seule.")
    if changement.fiche_liaison_id is None:
        raise ValidationError("Produisez d'abord la fiche de liaison de ce changement.")
    if date < changement.date:
        raise ValidationError({"envoye_mdph_le": "L'envoi ne peut pas précéder le changement de modalité."})
    if date > timezone.localdate():
        raise ValidationError({"envoye_mdph_le": "La date d'envoi ne peut pas être dans le futur."})
    changement.envoye_mdph_le = date
    changement.full_clean()
    changement.save(update_fields=["envoye_mdph_le"])
    audit_record(actor=actor, action=AuditAction.UPDATE, record=changement, request=request,
                 details={"champs": ["envoye_mdph_le"], "envoye_mdph_le": date.isoformat()})  # fmt: skip
    return changement


# --- Notifications coming to their end --------------------------------------------------------------------------


def echeance_limit(today: datetime.date) -> datetime.date:
    return today + relativedelta(months=ECHEANCE_MOIS)


def notifications_echeance(dossiers, today: datetime.date):
    """MDPH notifications ending between ``today`` and 3 months later, for the jeunes of ``dossiers`` (a queryset
    of dossiers, already narrowed to what the reader may see) that are accompanied or in pre-admission, and not yet
    followed by a later notification (a renewal). Annotated with ``dossier_pk`` (one of those dossiers), sorted
    by end date."""
    suivis = dossiers.filter(
        archived_at__isnull=True, statut__in=[StatutParcours.ACCOMPAGNE, StatutParcours.PRE_ADMISSION]
    )
    renewal = NotificationMdph.objects.filter(jeune_id=OuterRef("jeune_id"), date_fin__gt=OuterRef("date_fin"))
    dossier_of_jeune = suivis.filter(jeune_id=OuterRef("jeune_id")).order_by("pk").values("pk")[:1]
    return (
        NotificationMdph.objects.filter(
            date_fin__gte=today, date_fin__lte=echeance_limit(today), jeune_id__in=suivis.values("jeune_id")
        )
        .exclude(Exists(renewal))
        .annotate(dossier_pk=Subquery(dossier_of_jeune))
        .select_related("jeune")
        .order_by("date_fin", "jeune__nom_naissance", "pk")
    )


def notifications_echeance_for_access(access, today: datetime.date):
    return notifications_echeance(readable_dossiers(access), today)
