"""The audit journal page: who read or changed which record, when, from where (DOMAIN §3, Foundation item 5).

Who sees what:
- the direction lists the whole journal of the organisme (it is shown break-the-glass accesses);
- the organisme's administrators (``admin_organisme``, no clinical content by default) list only the journal of
  the structure and the accounts (``core.*`` record types: accounts, dispositifs, sites, affectations...).

Other apps link to ``journal/?type=<app_label.model>&id=<pk>`` for "who accessed this record"; the family's right
of access to that list is served by the CSV export of the same filtered list.

Consulting the journal is itself audited, because the journal is personal data (who worked on which youth, and
when) and a director reading who accessed a dossier must leave a trace as any other read. The row is written with
``record_type="core.auditentry"`` and ``record_id="<type>:<id>"`` of the record whose accesses were listed (``"*"``
for an unfiltered list), not on the listed record itself: otherwise every look at "who accessed this dossier"
would add a line to that very list (a feedback loop that drowns the real accesses), while "who consulted the
journal about this dossier" stays one filter away (``?type=core.auditentry&id=dossiers.dossier:12``). A page of
the list is action ``read``; the CSV export is action ``export`` with the number of rows.
"""

import csv
import io
import json
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core import perms
from core.enums import AuditAction
from core.forms.audit import AuditFilterForm, record_type_suggestions
from core.models import AuditEntry
from core.services.audit import audit_record

PAGE_SIZE = 50
# The export is built in memory: a StreamingHttpResponse would run after the request transaction has closed,
# where Row Level Security sees no tenant (STACK-NOTES). 50,000 rows is a few megabytes; narrow the filters beyond.
EXPORT_MAX_ROWS = 50_000
BREAK_GLASS_WINDOW_DAYS = 30


def entries_for(access):
    """The journal rows the user may list (see the module docstring)."""
    entries = AuditEntry.objects.filter(organisme_id=access.organisme_id)
    if not access.is_direction:
        entries = entries.filter(record_type__startswith="core.")
    return entries


def _guard(request):
    if not perms.can_view_audit(request.access):
        raise PermissionDenied


def _audit_consultation(request, form, action, **details):
    filters = form.active_filters()
    target = f"{filters['type']}:{filters['id']}" if "id" in filters else "*"
    audit_record(
        actor=request.user,
        action=action,
        record_type="core.auditentry",
        record_id=target[:64],
        record_label="Journal des accès",
        request=request,
        details={"filtres": filters, **details},
    )


@require_GET
def audit_list(request):
    _guard(request)
    form = AuditFilterForm(request.GET or None)
    entries = form.apply(entries_for(request.access))
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # listed before this consultation is itself recorded
    break_glass_count = None
    if request.access.is_direction:
        since = timezone.now() - timedelta(days=BREAK_GLASS_WINDOW_DAYS)
        break_glass_count = entries_for(request.access).filter(action=AuditAction.BREAK_GLASS, at__gte=since).count()
    _audit_consultation(request, form, AuditAction.READ, page=page.number)
    context = {
        "form": form,
        "page": page,
        "type_suggestions": record_type_suggestions(),
        "break_glass_count": break_glass_count,
        "break_glass_days": BREAK_GLASS_WINDOW_DAYS,
        "export_max_rows": EXPORT_MAX_ROWS,
    }
    return render(request, "core/audit/list.html", context)


def _csv_cell(value) -> str:
    """Neutralise spreadsheet formulas: names and labels are typed by users (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")  # French thousands separator (narrow no-break space)


@require_GET
def audit_export(request):
    _guard(request)
    form = AuditFilterForm(request.GET or None)
    entries = form.apply(entries_for(request.access))
    total = entries.count()
    if total > EXPORT_MAX_ROWS:
        messages.error(
            request,
            f"L'export est limité à {_number(EXPORT_MAX_ROWS)} lignes ; cette sélection en compte {_number(total)}. "
            "Précisez les filtres (période, enregistrement…).",
        )
        return redirect(f"{reverse('core:audit_list')}?{request.GET.urlencode()}")
    labels = dict(AuditAction.choices)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # BOM: spreadsheets open the file as UTF-8
    writer = csv.writer(buffer, delimiter=";")
    header = ["Date et heure", "Auteur", "Action", "Type", "Identifiant", "Enregistrement", "Motif", "Adresse IP"]
    writer.writerow([*header, "Détails"])
    rows = entries.values_list(
        "at", "actor_label", "action", "record_type", "record_id", "record_label", "reason", "ip", "details"
    )
    for at, actor, action, record_type, record_id, label, reason, ip, details in rows.iterator(chunk_size=2000):
        writer.writerow(
            [
                timezone.localtime(at).strftime("%d/%m/%Y %H:%M:%S"),
                *map(_csv_cell, [actor, labels.get(action, action), record_type, record_id, label, reason, ip]),
                _csv_cell(json.dumps(details, ensure_ascii=False) if details else ""),
            ]
        )
    _audit_consultation(request, form, AuditAction.EXPORT, lignes=total)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"journal-des-acces-{timezone.localtime():%Y%m%d-%H%M}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
