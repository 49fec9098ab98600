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

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core.enums import AuditAction, Modalite
from core.perms import get_object_for_request
from core.services.audit import audit_record
from core.views.administration.common import add_service_errors
from dossiers import selectors, tabs
from dossiers.enums import Deficience
from dossiers.forms.dossier import DossierForm, JeuneForm
from dossiers.models import Dossier
from dossiers.perms import can_write_dossier, needs_break_glass
from dossiers.services.parcours import dossier_update, jeune_update


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
    """Identity, dispositif and team, déficiences, ASE, the current MDPH notification, the contrat de séjour / DIPC
    deadlines and the situations complexes in progress."""
    today = timezone.localdate()
    context = dossier_context(request, dossier, "synthese")
    periods = list(dossier.parcours.order_by("debut"))
    admission = selectors.current_admission(periods, today)
    notifications = list(dossier.jeune.notifications_mdph.order_by("-date_fin"))
    deficiences = dict(Deficience.choices)
    context.update(
        today=today,
        current_period=selectors.period_on(periods, today),
        notification=selectors.current_notification(notifications, today),
        echeances=selectors.contrat_echeances(dossier, admission, today),
        date_admission=admission,
        situations=list(dossier.situations_complexes.filter(Q(fin__isnull=True) | Q(fin__gte=today))),
        deficiences_associees=[deficiences.get(d, d) for d in dossier.jeune.deficiences_associees],
        modalites=[dict(Modalite.choices).get(m, m) for m in dossier.modalites],
    )
    return render(request, "dossiers/dossier/synthese.html", context)


def _edit(request, dossier, form, save, template, success):
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("dossiers:dossier", pk=dossier.pk)
    context = dossier_context(request, dossier, "synthese", audit=request.method == "GET")
    context["form"] = form
    return render(request, template, context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@dossier_view(write=True)
def jeune_modifier(request, dossier):
    jeune = dossier.jeune
    form = JeuneForm(request.POST or None, instance=jeune)
    return _edit(
        request, dossier, form,
        lambda f: jeune_update(jeune=jeune, actor=request.user, request=request,
                               **{name: f.cleaned_data[name] for name in f.changed_data}),
        "dossiers/dossier/jeune_form.html", "Identité enregistrée.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@dossier_view(write=True)
def dossier_modifier(request, dossier):
    form = DossierForm(request.POST or None, instance=dossier)
    return _edit(
        request, dossier, form,
        lambda f: dossier_update(dossier=dossier, actor=request.user, request=request,
                                 **{name: f.cleaned_data[name] for name in f.changed_data}),
        "dossiers/dossier/dossier_form.html", "Dossier enregistré.",
    )  # fmt: skip
