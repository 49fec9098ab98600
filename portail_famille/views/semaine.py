"""The youth's week (issue Portail famille §2) and the iCal subscription of the family."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_POST

from agendas.models import AbonnementCalendrier
from agendas.services.gestion import abonnement_create, abonnement_revoke
from portail_famille.selectors import prochains_rendez_vous, semaine, semaine_du_jeune
from portail_famille.views.base import jeune_page


def _abonnements(request, acces):
    return list(
        AbonnementCalendrier.objects.filter(jeune_id=acces.jeune_id, cree_par=request.user, revoked_at__isnull=True)
    )


def _context(request, acces):
    sem = semaine(request.GET.get("semaine"))
    return {
        "acces": acces,
        "semaine": sem,
        "jours": semaine_du_jeune(acces.jeune_id, sem),
        "prochains": prochains_rendez_vous(acces.jeune_id) if sem.courante else [],
        "abonnement": bool(_abonnements(request, acces)),
    }


@require_GET
@jeune_page("voir_agenda")
def semaine_view(request, acces):
    """Events visible to families, by day, with place, modalité and the professionals' first names; previous /
    next week with ``?semaine=YYYY-Www``; next appointments on the current week (constant number of queries)."""
    return render(request, "portail_famille/semaine.html", _context(request, acces))


@require_POST
@jeune_page("voir_agenda")
def calendrier(request, acces):
    """Create the account's subscription link for this youth (the previous one is revoked); shown once."""
    for old in _abonnements(request, acces):
        abonnement_revoke(abonnement=old, actor=request.user, request=request)
    _, token = abonnement_create(jeune=acces.jeune, actor=request.user, request=request)
    context = _context(request, acces)
    context["lien_ical"] = request.build_absolute_uri(reverse("agendas:ical_feed", args=[token]))
    context["abonnement"] = True
    messages.success(request, "Lien d'abonnement créé : copiez-le maintenant, il ne sera plus affiché.")
    response = render(request, "portail_famille/semaine.html", context)
    add_never_cache_headers(response)
    return response


@require_POST
@jeune_page("voir_agenda")
def calendrier_revoquer(request, acces):
    for old in _abonnements(request, acces):
        abonnement_revoke(abonnement=old, actor=request.user, request=request)
    messages.success(request, "Le lien d'abonnement ne fonctionne plus.")
    return redirect("portail:semaine", jeune_id=acces.jeune_id)
