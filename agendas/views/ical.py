"""iCal subscriptions: the feed itself (no session, token in the URL) and the pages where a professional creates
and revokes the private URLs of their agenda, or of a youth's agenda for the family (see ``agendas/ical.py``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agendas import ical
from agendas.models import AbonnementCalendrier
from agendas.services import gestion as services
from core.tenancy import set_tenant_for_transaction
from dossiers.perms import can_write_dossier, readable_dossiers
from dossiers.views.dossier import dossier_view


@login_not_required
@require_GET
def ical_feed(request, token):
    """The feed of a live subscription; an unknown or revoked token is a 404 (as is a deactivated account or a
    youth without an open dossier). Built fully in memory inside the request transaction (RLS)."""
    found = ical.lookup(token)
    if found is None:
        raise Http404
    abonnement_id, organisme_id = found
    set_tenant_for_transaction(organisme_id)
    abonnement = AbonnementCalendrier.objects.select_related("user", "jeune", "cree_par").get(pk=abonnement_id)
    if abonnement.user_id:
        if not abonnement.user.is_active:
            raise Http404
        name = f"Agenda DITEP — {abonnement.user.get_full_name()}"
    else:
        if not abonnement.jeune.dossiers.filter(archived_at__isnull=True).exists():
            raise Http404
        name = f"Agenda DITEP — {abonnement.jeune.prenom}"
    body = ical.build_calendar(abonnement, ical.feed_events(abonnement), name=name)
    services.abonnement_used(abonnement=abonnement, request=request)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    add_never_cache_headers(response)
    return response


def _feed_url(request, token: str) -> str:
    return request.build_absolute_uri(reverse("agendas:ical_feed", args=[token]))


def _created_page(request, template, context, abonnement, token):
    """The URL is shown once, on the response to the creation (never stored, never cached)."""
    messages.success(request, "Adresse d'abonnement créée : copiez-la maintenant, elle ne sera plus affichée.")
    context.update(new_url=_feed_url(request, token), new_abonnement=abonnement)
    response = render(request, template, context, status=201)
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
def abonnements(request):
    """My agenda's subscriptions: list, create (the URL is shown once)."""
    if not request.access.is_professionnel:
        raise PermissionDenied
    qs = AbonnementCalendrier.objects.filter(user=request.user, revoked_at__isnull=True).order_by("-created_at")
    context = {"abonnements": list(qs), "can_create": True}
    if request.method == "POST":
        abonnement, token = services.abonnement_create(user=request.user, actor=request.user, request=request)
        context["abonnements"].insert(0, abonnement)
        return _created_page(request, "agendas/ical/abonnements.html", context, abonnement, token)
    return render(request, "agendas/ical/abonnements.html", context)


@require_http_methods(["GET", "POST"])
@dossier_view()
def abonnements_jeune(request, dossier):
    """A youth's feed (family-visible events only), created by the team for the family: list and create. Creating
    needs the right to write the dossier."""
    can_create = can_write_dossier(request.access, dossier)
    qs = AbonnementCalendrier.objects.filter(jeune_id=dossier.jeune_id, revoked_at__isnull=True)
    context = {
        "dossier": dossier,
        "abonnements": list(qs.select_related("cree_par").order_by("-created_at")),
        "can_create": can_create,
    }
    if request.method == "POST":
        if not can_create:
            raise PermissionDenied
        abonnement, token = services.abonnement_create(jeune=dossier.jeune, actor=request.user, request=request)
        context["abonnements"].insert(0, abonnement)
        return _created_page(request, "agendas/ical/abonnements_jeune.html", context, abonnement, token)
    return render(request, "agendas/ical/abonnements_jeune.html", context)


def can_revoke(access, abonnement) -> bool:
    """Its owner revokes a professional's feed; a youth's feed is revoked by whoever may write one of the youth's
    dossiers, and by the direction."""
    if not access.is_professionnel:
        return False
    if abonnement.user_id:
        return abonnement.user_id == access.user.pk or access.is_direction
    if access.is_direction:
        return True
    dossiers = readable_dossiers(access, abonnement.jeune.dossiers.all())
    return any(can_write_dossier(access, dossier) for dossier in dossiers)


@require_POST
def abonnement_revoke(request, pk):
    access = request.access
    try:
        abonnement = AbonnementCalendrier.objects.select_related("jeune").get(pk=pk, organisme_id=access.organisme_id)
    except AbonnementCalendrier.DoesNotExist:
        raise Http404 from None
    if not can_revoke(access, abonnement):
        raise PermissionDenied
    services.abonnement_revoke(abonnement=abonnement, actor=request.user, request=request)
    messages.success(request, "Abonnement révoqué : cette adresse ne donne plus accès à l'agenda.")
    dossier_pk = request.POST.get("dossier", "")
    if abonnement.jeune_id and dossier_pk.isdigit():
        dossier = readable_dossiers(access).filter(pk=int(dossier_pk), jeune_id=abonnement.jeune_id).first()
        if dossier is not None:
            return redirect("agendas:abonnements_jeune", pk=dossier.pk)
    return redirect("agendas:abonnements")
