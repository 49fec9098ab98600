"""Right-of-access exports produced in the background (RGPD art. 15): the direction reviews the flagged items and
chooses the format (``dossiers.views.rgpd``), ``export_request`` records the request and enqueues the job; the job
(``export_produce``, Celery task ``dossiers.tasks.export_dossier_produce``) builds the file step by step, each
step committed so that the status page shows its progress, stores it through Django's storage API and notifies
the requester. The file is served only by a permission-checked view that writes the EXPORT row of the audit
journal (``export_download``); stored exports expire after ``EXPORT_RETENTION_DAYS`` (daily beat).
"""

import datetime
import logging
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.enums import AuditAction
from core.services.audit import audit_record
from core.services.notifications import notify
from dossiers.enums import FormatExport, StatutExport
from dossiers.models import Dossier, ExportDossier
from dossiers.services import rgpd

logger = logging.getLogger(__name__)

EXPORT_RETENTION_DAYS = 7
MIME_TYPES = {FormatExport.PDF: "application/pdf", FormatExport.JSON: "application/json"}


def status_url(export: ExportDossier) -> str:
    return reverse("dossiers:export_statut", kwargs={"pk": export.dossier_id, "export_pk": export.pk})


@transaction.atomic
def export_request(*, dossier: Dossier, format: str, exclude, actor, request=None) -> ExportDossier:
    """Record a right-of-access export request (format and reviewed exclusions checked) and enqueue its
    production once the transaction has committed."""
    from dossiers.tasks import export_dossier_produce

    exclude = rgpd.check_export_request(dossier, format=format, exclude=exclude)
    export = ExportDossier(
        organisme_id=dossier.organisme_id, dossier=dossier, demande_par=actor, format=format,
        exclusions=sorted(exclude), etape="En attente de traitement",
    )  # fmt: skip
    export.full_clean()
    export.save()
    details = {"dossier": dossier.pk, "droit_acces": True, "format": format, "exclus": sorted(exclude)}
    audit_record(actor=actor, action=AuditAction.CREATE, record=export, request=request, details=details)
    export_dossier_produce.delay_on_commit(organisme_id=dossier.organisme_id, export_id=export.pk)
    return export


def _progress(export: ExportDossier, progression: int, etape: str, **fields) -> None:
    export.progression, export.etape = progression, etape
    for name, value in fields.items():
        setattr(export, name, value)
    export.save(update_fields=["progression", "etape", *fields])


def export_produce(*, export_id: int, step: Callable) -> str:
    """Produce the file of export ``export_id``. ``step()`` is a context manager opening one committed unit of
    work under the tenant (``tenant_context``): progress written in one step is visible to the status page as
    soon as the step ends. Idempotent: an export already finished is left as it is. Returns the final statut."""
    with step():
        export = ExportDossier.objects.select_related("dossier").filter(pk=export_id).first()
        if export is None or export.is_finished:
            return export.statut if export is not None else ""
        _progress(export, 5, "Préparation", statut=StatutExport.EN_COURS)
    try:
        with step():
            dossier = _dossier(export.dossier_id)
            built = rgpd.build_export(dossier, exclude=set(export.exclusions))
            label = "Mise en page du PDF" if export.format == FormatExport.PDF else "Écriture du fichier JSON"
            _progress(export, 40, f"Dossier rassemblé ({len(built.journal)} lignes de journal) — {label}")
        with step():
            content, _mime = rgpd.render_export(built, dossier, export.format)
            _progress(export, 85, "Enregistrement du fichier")
        with step():
            export.fichier.save("export", ContentFile(content), save=False)
            try:
                _progress(
                    export, 100, "Terminé", statut=StatutExport.TERMINE, termine_le=timezone.now(),
                    taille=len(content), nom_fichier=rgpd.export_filename(dossier, export.format),
                    fichier=export.fichier.name,
                )  # fmt: skip
            except Exception:
                export.fichier.storage.delete(export.fichier.name)
                raise
            _notify(export, "L'export du droit d'accès que vous avez demandé est prêt à être téléchargé.")
    except Exception:
        logger.exception("Right-of-access export %s failed", export_id)
        with step():
            export = ExportDossier.objects.get(pk=export_id)
            _progress(export, export.progression, "Échec", statut=StatutExport.ECHEC, termine_le=timezone.now(),
                      erreur="La production de l'export a échoué. Relancez-la ; si l'échec se répète, "
                      "contactez l'administrateur.")  # fmt: skip
            _notify(export, "L'export du droit d'accès que vous avez demandé a échoué.")
        return StatutExport.ECHEC
    return StatutExport.TERMINE


def _dossier(pk: int) -> Dossier:
    return Dossier.objects.select_related("jeune", "dispositif", "organisme", "site", "referent", "coordinateur").get(
        pk=pk
    )


def _notify(export: ExportDossier, titre: str) -> None:
    # The title never names the youth (the link leads to the dossier, behind its permission check).
    notify(recipients=[export.demande_par], titre=titre, lien=status_url(export), categorie="export")


@transaction.atomic
def export_download(*, export: ExportDossier, actor, request=None) -> tuple[bytes, str, str]:
    """The stored file of a finished export (content, MIME type, file name), with the EXPORT row of the audit
    journal on the dossier (every download is one release of the data)."""
    if export.statut != StatutExport.TERMINE or not export.fichier:
        raise ValidationError("Cet export n'est pas disponible.")
    with export.fichier.open("rb") as stored:
        content = stored.read()
    audit_record(
        actor=actor, action=AuditAction.EXPORT, record=export.dossier, request=request,
        details={"droit_acces": True, "export": export.pk, "format": export.format, "exclus": export.exclusions,
                 "taille": len(content)},
    )  # fmt: skip
    return content, MIME_TYPES[export.format], export.nom_fichier


@transaction.atomic
def exports_purge_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete the current organisme's exports older than ``EXPORT_RETENTION_DAYS`` (their files after commit).
    Idempotent. Returns the number of exports deleted."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=EXPORT_RETENTION_DAYS)
    expired = list(ExportDossier.objects.filter(created_at__lt=cutoff).only("pk", "fichier", "organisme_id"))
    if not expired:
        return 0
    storage = ExportDossier._meta.get_field("fichier").storage
    names = [export.fichier.name for export in expired if export.fichier]
    ExportDossier.objects.filter(pk__in=[export.pk for export in expired]).delete()
    audit_record(actor=None, action=AuditAction.DELETE, record_type="dossiers.exportdossier", record_id="*",
                 record_label="Exports du droit d'accès expirés", organisme_id=expired[0].organisme_id,
                 details={"nombre": len(expired), "jours": EXPORT_RETENTION_DAYS})  # fmt: skip

    def remove_files():
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove_files)
    return len(expired)
