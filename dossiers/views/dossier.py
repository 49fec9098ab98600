"""The dossier page: the shared layout helpers every tab view uses, and the synthèse tab.

A tab view of any area looks like::

    @require_GET
    @dossier_view()
    def documents(request, dossier):
        context = dossier_context(request, dossier, "documents")
        context["documents"] = ...
        return render(request, "dossiers/documents/liste.html", context)

and its template ``{% extends "dossiers/dossier/base_dossier.html" %}`` fills the blocks ``title`` and
``dossier_content``.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.enums import AuditAction
from core.perms import get_object_for_request
from core.services.audit import audit_record
from dossiers import tabs
from dossiers.models import Dossier
from dossiers.perms import can_write_dossier, needs_break_glass


class BreakGlassRequired(PermissionDenied):
    """The user works in the dossier's dispositif but the dossier is restricted to others: they may break the
    glass (typed reason, audited) instead of getting a bare 403."""

    def __init__(self, dossier):
        super().__init__("Dossier restreint")
        self.dossier = dossier


def dossier_queryset():
    return Dossier.objects.select_related("jeune", "dispositif", "site", "referent", "coordinateur")


def get_dossier_for_request(request, pk, *, write: bool = False) -> Dossier:
    """The dossier ``pk`` for this request: another organisme → 404; no right → 403; a restricted dossier the user
    could open by break-the-glass → ``BreakGlassRequired``; ``write`` also needs a writable (not archived) dossier."""
    qs = dossier_queryset()
    try:
        dossier = get_object_for_request(request, qs, pk=pk)
    except PermissionDenied:
        dossier = qs.get(pk=pk, organisme_id=request.access.organisme_id)
        if needs_break_glass(request.access, dossier):
            raise BreakGlassRequired(dossier) from None
        raise
    if write and not can_write_dossier(request.access, dossier):
        raise PermissionDenied
    return dossier


def render_restricted(request, dossier):
    """The page shown instead of a restricted dossier to a colleague of its dispositif (status 403)."""
    return render(request, "dossiers/dossier/restreint.html", {"dossier": dossier}, status=403)


def dossier_view(*, write: bool = False):
    """Decorator of the views taking a dossier ``pk``: the view receives the fetched ``dossier`` instead of ``pk``
    (see ``get_dossier_for_request``); a restricted dossier shows the break-the-glass explanation page."""

    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request, pk, *args, **kwargs):
            try:
                dossier = get_dossier_for_request(request, pk, write=write)
            except BreakGlassRequired as exc:
                return render_restricted(request, exc.dossier)
            return view_func(request, dossier, *args, **kwargs)

        return wrapper

    return decorator


def dossier_context(request, dossier: Dossier, current_tab: str, *, audit: bool = True) -> dict:
    """The context of ``dossiers/dossier/base_dossier.html``: ``dossier``, ``age``, ``tabs`` (visible tabs, the
    current one marked), ``can_write``. ``audit`` (on by default) writes the READ row of this page view — pass
    ``audit=False`` for HTMX partials and POST re-renders that are not page views."""
    access = request.access
    if audit:
        audit_record(actor=request.user, action=AuditAction.READ, record=dossier, request=request)
    return {
        "dossier": dossier,
        "age": dossier.jeune.age_on(timezone.localdate()),
        "tabs": tabs.tabs_for(access, dossier, current_tab),
        "can_write": can_write_dossier(access, dossier),
        "current_tab": current_tab,
    }


@require_GET
@dossier_view()
def synthese(request, dossier):
    context = dossier_context(request, dossier, "synthese")
    return render(request, "dossiers/dossier/synthese.html", context)
