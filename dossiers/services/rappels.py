"""Daily reminders of the dossiers (Celery beat, one run per organisme, see dossiers/tasks.py):

- contrat de séjour or DIPC not handed over 15 days after the admission, or not signed one month after it
  (CASF art. L. 311-4 and D. 311: handed over within 15 days, signed within the month);
- MDPH notifications ending within 3 months (no later notification recorded), for the jeunes accompanied or in
  pre-admission.

Recipients: the référent of the dossier and the chefs de service of its dispositif. Each reminder is sent once:
a notification with the same ``categorie`` and ``lien`` (which names the admission or the MDPH notification) for
the same recipient is never repeated, whatever the day the beat runs (idempotent, catches up after a missed day).
"""

import datetime
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse

from core.enums import Metier
from core.models import Affectation, Notification
from core.services.notifications import notify
from dossiers.enums import StatutParcours
from dossiers.models import Dossier, Parcours
from dossiers.services.mdph import notifications_echeance

CONTRAT_REMISE_JOURS = 15
# Older admissions (legacy data from an import) get no reminder: they were due long before the software.
CONTRAT_RAPPEL_HORIZON_JOURS = 90

CATEGORIE_CONTRAT_REMISE = "rappel_contrat_remise"
CATEGORIE_CONTRAT_SIGNATURE = "rappel_contrat_signature"
CATEGORIE_MDPH_ECHEANCE = "rappel_mdph_echeance"
CATEGORIES = (CATEGORIE_CONTRAT_REMISE, CATEGORIE_CONTRAT_SIGNATURE, CATEGORIE_MDPH_ECHEANCE)


def _admitted_dossiers(today: datetime.date):
    """Accompanied dossiers annotated with the start of the ``accompagne`` period covering ``today``."""
    admission = (
        Parcours.objects.filter(dossier_id=OuterRef("pk"), statut=StatutParcours.ACCOMPAGNE, debut__lte=today)
        .filter(Q(fin__isnull=True) | Q(fin__gte=today))
        .order_by("-debut")
        .values("debut")[:1]
    )
    return (
        Dossier.objects.filter(archived_at__isnull=True, statut=StatutParcours.ACCOMPAGNE)
        .annotate(admission=Subquery(admission))
        .filter(admission__isnull=False, admission__gte=today - datetime.timedelta(days=CONTRAT_RAPPEL_HORIZON_JOURS))
        .select_related("jeune", "referent")
    )


def _due_reminders(today: datetime.date) -> list[tuple[Dossier, str, str, str]]:
    """(dossier, categorie, lien, titre) of every reminder due today, sent or not."""
    due = []
    for dossier in _admitted_dossiers(today):
        url = reverse("dossiers:dossier", kwargs={"pk": dossier.pk})
        admis = f"admis le {dossier.admission:%d/%m/%Y}"
        if dossier.contrat_remis_le is None and today > dossier.admission + datetime.timedelta(
            days=CONTRAT_REMISE_JOURS
        ):
            due.append((dossier, CATEGORIE_CONTRAT_REMISE, f"{url}#contrat-remise-{dossier.admission:%Y-%m-%d}",
                        f"Contrat de séjour ou DIPC non remis : {dossier.jeune} ({admis})"))  # fmt: skip
        if dossier.contrat_signe_le is None and today > dossier.admission + relativedelta(months=1):
            due.append((dossier, CATEGORIE_CONTRAT_SIGNATURE, f"{url}#contrat-signature-{dossier.admission:%Y-%m-%d}",
                        f"Contrat de séjour ou DIPC non signé : {dossier.jeune} ({admis})"))  # fmt: skip
    notifications = list(notifications_echeance(Dossier.objects.all(), today))
    if notifications:
        suivis = Dossier.objects.filter(
            jeune_id__in={n.jeune_id for n in notifications},
            archived_at__isnull=True,
            statut__in=[StatutParcours.ACCOMPAGNE, StatutParcours.PRE_ADMISSION],
        ).select_related("jeune", "referent")
        by_jeune = defaultdict(list)
        for dossier in suivis:
            by_jeune[dossier.jeune_id].append(dossier)
        for notification in notifications:
            for dossier in by_jeune[notification.jeune_id]:
                url = reverse("dossiers:mdph", kwargs={"pk": dossier.pk})
                due.append((dossier, CATEGORIE_MDPH_ECHEANCE, f"{url}#notification-{notification.pk}",
                            f"Notification MDPH de {dossier.jeune} : fin de validité le "
                            f"{notification.date_fin:%d/%m/%Y}"))  # fmt: skip
    return due


def _chefs_de_service(dispositif_ids, today: datetime.date) -> dict[int, list]:
    affectations = (
        Affectation.objects.filter(
            Q(fin__isnull=True) | Q(fin__gte=today),
            metier=Metier.CHEF_DE_SERVICE,
            dispositif_id__in=dispositif_ids,
            debut__lte=today,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("pk")
    )
    chefs = defaultdict(list)
    for affectation in affectations:
        if affectation.user not in chefs[affectation.dispositif_id]:
            chefs[affectation.dispositif_id].append(affectation.user)
    return chefs


@transaction.atomic
def rappels_send(*, today: datetime.date) -> int:
    """Send today's reminders of the current organisme (RLS) that were not sent before; return how many
    notifications were created."""
    due = _due_reminders(today)
    if not due:
        return 0
    chefs = _chefs_de_service({dossier.dispositif_id for dossier, *_ in due}, today)
    already = set(
        Notification.objects.filter(categorie__in=CATEGORIES, lien__in={lien for _, _, lien, _ in due}).values_list(
            "recipient_id", "categorie", "lien"
        )
    )
    created = 0
    for dossier, categorie, lien, titre in due:
        recipients = list(chefs[dossier.dispositif_id])
        if dossier.referent is not None and dossier.referent.is_active and dossier.referent not in recipients:
            recipients.insert(0, dossier.referent)
        recipients = [user for user in recipients if (user.pk, categorie, lien) not in already]
        if recipients:
            created += len(notify(recipients=recipients, titre=titre, lien=lien, categorie=categorie))
    return created
