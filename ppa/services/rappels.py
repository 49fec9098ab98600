"""PPA reminders (DOMAIN §7; daily Celery beat ``ppa.tasks.rappels_ppa_all``, one run per organisme).

For every dossier accompanied today whose PPA deadline (``ppa.services.echeances``, the one rule) is within a month
(``a_echeance``) or passed (``en_retard``), notify — in the product and by email (the email says only that
something is waiting) — the dossier's référent and the chefs de service of its dispositif, with a link to the
dossier's PPA tab.

Each reminder is sent once per (PPA, deadline, kind): a ``RappelPpa`` row records it, so re-running the job the same
day or the next sends nothing new, a new deadline (a validation, a review) sends again, and a missed day is caught
up. A dossier without a ``Ppa`` row yet (first PPA due) gets one, empty (no version), to carry the reminder.
The stored ``Ppa.prochaine_echeance`` is refreshed on the way when it drifted (e.g. after a change of parcours).
"""

import datetime

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core.services.notifications import notify
from ppa.enums import TypeRappel
from ppa.services.echeances import A_ECHEANCE, EN_RETARD, lignes_echeances

CATEGORIE = "rappel_ppa"


def _lien(dossier_id: int) -> str:
    try:
        return reverse("ppa:dossier_ppa", kwargs={"pk": dossier_id})
    except NoReverseMatch:  # the PPA tab not mounted (should not happen): the dossier page
        return reverse("dossiers:dossier", kwargs={"pk": dossier_id})


def titre_rappel(ligne) -> str:
    """The in-app title: the youth's name and the date, nothing of the plan's content (the email carries
    neither)."""
    jeune = ligne.dossier.jeune
    quoi = "Premier PPA à valider" if ligne.premier_ppa else "PPA à réviser"
    retard = " (en retard)" if ligne.etat == EN_RETARD else ""
    return f"{quoi} pour {jeune.prenom} {jeune.nom} : échéance le {ligne.echeance:%d/%m/%Y}{retard}"


@transaction.atomic
def rappels_ppa_envoyer(*, today: datetime.date | None = None) -> int:
    """Send the current organisme's (RLS) PPA reminders not sent before; return the number of notifications."""
    from dossiers.models import Dossier
    from dossiers.services.rappels import _chefs_de_service
    from ppa.models import Ppa, RappelPpa

    today = today or timezone.localdate()
    lignes = [
        ligne
        for ligne in lignes_echeances(Dossier.objects.filter(archived_at__isnull=True), today)
        if ligne.etat in (A_ECHEANCE, EN_RETARD)
    ]
    if not lignes:
        return 0
    # A PPA row for every due dossier (first PPA due: none yet), and the stored deadlines brought up to date.
    existing = {ppa.dossier_id: ppa for ppa in Ppa.objects.filter(dossier_id__in=[x.dossier.pk for x in lignes])}
    missing = [
        Ppa(organisme_id=x.dossier.organisme_id, dossier_id=x.dossier.pk, prochaine_echeance=x.echeance)
        for x in lignes
        if x.dossier.pk not in existing
    ]
    for ppa in Ppa.objects.bulk_create(missing):
        existing[ppa.dossier_id] = ppa
    drifted = []
    for ligne in lignes:
        ppa = existing[ligne.dossier.pk]
        ligne.ppa_id = ppa.pk
        if ppa.prochaine_echeance != ligne.echeance:
            ppa.prochaine_echeance = ligne.echeance
            drifted.append(ppa)
    Ppa.objects.bulk_update(drifted, ["prochaine_echeance"])

    sent = set(
        RappelPpa.objects.filter(ppa_id__in=[x.ppa_id for x in lignes]).values_list("ppa_id", "echeance", "type")
    )
    todo = [x for x in lignes if (x.ppa_id, x.echeance, x.etat) not in sent]
    if not todo:
        return 0
    chefs = _chefs_de_service({x.dossier.dispositif_id for x in todo}, today)
    created = 0
    for ligne in todo:
        recipients = list(chefs[ligne.dossier.dispositif_id])
        referent = ligne.dossier.referent
        if referent is not None and referent.is_active and referent not in recipients:
            recipients.insert(0, referent)
        rappel = RappelPpa.objects.create(
            organisme_id=ligne.dossier.organisme_id, ppa_id=ligne.ppa_id, echeance=ligne.echeance,
            type=TypeRappel(ligne.etat),
        )  # fmt: skip
        if recipients:
            rappel.destinataires.set(recipients)
            created += len(
                notify(
                    recipients=recipients, titre=titre_rappel(ligne), lien=_lien(ligne.dossier.pk), categorie=CATEGORIE
                )
            )
    return created
