"""One transmission with its addenda (or its original), its read receipts, the addendum form and « lu »."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.views.administration.common import add_service_errors
from transmissions import perms, selectors
from transmissions.forms import AddendumForm
from transmissions.services import addendum_create, lecture_marquer
from transmissions.views.common import audit_reads, get_transmission, require_reader


def _detail_context(request, transmission, form=None):
    access = request.access
    original = transmission.addendum_de or transmission
    rows = list(selectors.with_display(selectors.readable(access).filter(pk=original.pk), request.user))
    original = rows[0] if rows else original
    return {
        "t": original,
        "focus": transmission.pk,
        "form": form or AddendumForm(),
        "can_addendum": original.est_validee and perms.can_write_in(access, original.dispositif_id),
        "can_edit": perms.can_write_transmission(access, original),
        "lecteurs": list(selectors.lecteurs(original)) if perms.can_see_lectures(access, original) else None,
        "voit_lectures": perms.can_see_lectures(access, original),
    }


@require_GET
def detail(request, pk):
    require_reader(request)
    transmission = get_transmission(request, pk)
    context = _detail_context(request, transmission)
    audit_reads(request, [context["t"], *context["t"].addenda.all()], context="détail")
    return render(request, "transmissions/detail.html", context)


@require_POST
def addendum(request, pk):
    require_reader(request)
    original = get_transmission(request, pk)
    if not perms.can_write_in(request.access, original.dispositif_id):
        raise PermissionDenied
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            addendum_create(original=original, by=request.user, texte=form.cleaned_data["texte"], request=request)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Addendum ajouté.")
            return redirect("transmissions:detail", pk=original.addendum_de_id or original.pk)
    context = _detail_context(request, original, form)
    return render(request, "transmissions/detail.html", context, status=400)


@require_POST
def marquer_lu(request, pk):
    """« Lu »: HTMX swaps the row's button for the read state; without JavaScript, back to the page."""
    require_reader(request)
    transmission = get_transmission(request, pk)
    # The addenda are shown with their original: reading one reads them.
    lecture_marquer(transmissions=[transmission, *transmission.addenda.filter(statut="validee")], user=request.user)
    if request.headers.get("HX-Request"):
        return HttpResponse('<span class="badge badge--neutre">Lu</span>')
    return redirect(request.POST.get("next") if _safe(request.POST.get("next")) else "transmissions:a_lire")


def _safe(url) -> bool:
    return bool(url) and url.startswith("/") and not url.startswith("//")
