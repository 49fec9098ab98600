"""The youth's timeline: a tab of the dossier with the transmissions of the period and the youth's agenda events
interleaved (read-only)."""

import datetime

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.enums import AuditAction
from core.services.audit import audit_record
from dossiers.views.dossier import dossier_context, dossier_view
from transmissions import perms, selectors
from transmissions.models import Categorie

DEFAULT_DAYS = 30
MAX_DAYS = 366


def _period(request):
    today = timezone.localdate()
    try:
        fin = datetime.date.fromisoformat(request.GET.get("fin", "")) if request.GET.get("fin") else today
        debut = (
            datetime.date.fromisoformat(request.GET["debut"])
            if request.GET.get("debut")
            else fin - datetime.timedelta(days=DEFAULT_DAYS - 1)
        )
    except ValueError:
        fin, debut = today, today - datetime.timedelta(days=DEFAULT_DAYS - 1)
    if debut > fin:
        debut, fin = fin, debut
    debut = max(debut, fin - datetime.timedelta(days=MAX_DAYS))
    return debut, fin


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@require_GET
@dossier_view()
def timeline(request, dossier):
    """Transmissions and events of the period (30 days by default), most recent first; the dossier page view and
    the transmissions shown are audited in one row."""
    access = request.access
    context = dossier_context(request, dossier, "transmissions", audit=False)
    debut, fin = _period(request)
    start, end = _aware(debut), _aware(fin + datetime.timedelta(days=1))
    transmissions = selectors.timeline_transmissions(access, dossier, debut=start, fin=end)
    categorie_id = request.GET.get("categorie", "")
    if categorie_id.isdigit():
        transmissions = transmissions.filter(categorie_id=int(categorie_id))
    rows = list(selectors.with_display(transmissions, request.user)[: selectors.TIMELINE_LIMIT + 1])
    tronque = len(rows) > selectors.TIMELINE_LIMIT
    rows = rows[: selectors.TIMELINE_LIMIT]
    plus_anciens_fin = timezone.localtime(rows[-1].survenue_le).date() if tronque else None
    shown = {t.pk for t in rows}
    rows = [t for t in rows if t.addendum_de_id not in shown]  # shown under their original
    evenements = (
        []
        if categorie_id.isdigit() or request.GET.get("evenements") == "0"
        else list(selectors.timeline_evenements(dossier, debut=start, fin=end)[:500])
    )
    # One audit row for the page view, on the dossier (its access log lists it), naming the transmissions shown.
    audit_record(
        actor=request.user,
        action=AuditAction.READ,
        record=dossier,
        request=request,
        details={"onglet": "transmissions", "transmissions": [t.pk for t in rows][:500]},
    )
    context.update(
        items=selectors.timeline(rows, evenements),
        debut=debut,
        fin=fin,
        categories=Categorie.objects.filter(organisme_id=dossier.organisme_id).order_by("ordre", "libelle"),
        categorie_id=int(categorie_id) if categorie_id.isdigit() else None,
        avec_evenements=request.GET.get("evenements") != "0",
        can_write_transmission=perms.can_write_in(access, dossier.dispositif_id) and context["can_write"],
        nb_transmissions=len(rows),
        tronque=tronque,
        plus_anciens_fin=plus_anciens_fin,
        nb_evenements=len(evenements),
    )
    return render(request, "transmissions/timeline.html", context)
