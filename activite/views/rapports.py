"""Report pages: the list (who, when, parameters, status, download), the request (from the form or the dashboard's
one-click buttons), the report's page with its progress bar (HTMX poll every second until done), the download
(permission-checked, audited EXPORT) and the direction's narrative of the annual report.

Who: ``can_view_activite`` for the report's dispositif (direction: all; chefs de service: theirs); the narrative:
the direction only. Another organisme's report → 404; a report of a dispositif the user does not steer → 403.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activite.enums import StatutRapport
from activite.forms_rapports import NarratifForm, RapportDemandeForm
from activite.models import NarratifAnnuel, Rapport
from activite.perms import can_view_activite
from activite.services import rapports as services
from activite.services.tableau import trimestre_de
from activite.views.communs import dispositif_demande, exiger_activite

PAGE = 30
EN_COURS = (StatutRapport.EN_ATTENTE, StatutRapport.EN_COURS)


def _rapport(request, pk) -> Rapport:
    exiger_activite(request)
    rapport = (
        Rapport.objects.filter(organisme_id=request.access.organisme_id, pk=pk)
        .select_related("dispositif", "demande_par")
        .first()
    )
    if rapport is None:
        raise Http404
    if not can_view_activite(request.access, rapport.dispositif_id):
        raise PermissionDenied
    return rapport


def _form(request, dispositifs, data=None, initial=None):
    from core.models import Dispositif

    qs = Dispositif.objects.filter(pk__in=[d.pk for d in dispositifs]).order_by("nom")
    return RapportDemandeForm(data, dispositifs=qs, initial=initial)


@require_GET
def liste(request):
    dispositifs = exiger_activite(request)
    qs = Rapport.objects.filter(dispositif_id__in=[d.pk for d in dispositifs]).select_related(
        "dispositif", "demande_par"
    )
    dispositif = None
    if request.GET.get("dispositif"):
        dispositif = dispositif_demande(request, dispositifs, request.GET.get("dispositif"))
        qs = qs.filter(dispositif=dispositif)
    page = Paginator(qs.order_by("-demande_le", "-pk"), PAGE).get_page(request.GET.get("page"))
    annee, trimestre = trimestre_de(timezone.localdate())
    form = _form(request, dispositifs, initial={"annee": annee, "trimestre": str(trimestre),
                                                "dispositif": (dispositif or dispositifs[0]).pk})  # fmt: skip
    context = {
        "page": page,
        "rapports": list(page.object_list),
        "form": form,
        "dispositif": dispositif,
        "dispositifs": dispositifs,
        "en_cours": any(r.statut in EN_COURS for r in page.object_list),
    }
    return render(request, "activite/rapports/liste.html", context)


@require_POST
def demander(request):
    dispositifs = exiger_activite(request)
    dispositif_demande(request, dispositifs, request.POST.get("dispositif"))  # 404 / 403 before the form
    form = _form(request, dispositifs, data=request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            rapport = services.rapport_demander(
                type=data["type"], fmt=data["format"], dispositif=data["dispositif"], debut=data["debut"],
                fin=data["fin"], actor=request.user, request=request,
            )  # fmt: skip
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            return redirect("activite:rapport", pk=rapport.pk)
    else:
        for erreurs in form.errors.values():
            for message in erreurs:
                messages.error(request, message)
    return redirect(f"{reverse('activite:rapports')}")


@require_GET
def rapport(request, pk: int):
    rapport = _rapport(request, pk)
    if request.htmx:
        return render(request, "activite/rapports/_progression.html", {"rapport": rapport})
    return render(request, "activite/rapports/rapport.html", {"rapport": rapport})


@require_GET
def progression(request, pk: int):
    """The progress fragment, polled every second by HTMX while the job runs (stops once finished)."""
    return render(request, "activite/rapports/_progression.html", {"rapport": _rapport(request, pk)})


@require_GET
def telecharger(request, pk: int):
    rapport = _rapport(request, pk)
    try:
        contenu, content_type, nom = services.rapport_telecharger(rapport=rapport, actor=request.user, request=request)
    except (ValidationError, FileNotFoundError):
        raise Http404 from None
    response = HttpResponse(contenu, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{nom}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def narratif(request, dispositif_pk: int, annee: int):
    """The direction's narrative fields of the annual report (direction only; audited)."""
    dispositifs = exiger_activite(request)
    dispositif = dispositif_demande(request, dispositifs, dispositif_pk)
    if not request.access.is_direction:
        raise PermissionDenied
    if not 2000 <= annee <= 2100:
        raise Http404
    instance = NarratifAnnuel.objects.filter(dispositif=dispositif, annee=annee).first()
    peut_ecrire = request.access.can_write_dispositif(dispositif.pk)
    form = NarratifForm(request.POST or None, instance=instance)
    if request.method == "POST":
        if not peut_ecrire:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.narratif_enregistrer(dispositif=dispositif, annee=annee, actor=request.user,
                                              request=request, **form.cleaned_data)  # fmt: skip
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, f"Narratif du rapport annuel {annee} enregistré.")
                return redirect("activite:narratif", dispositif_pk=dispositif.pk, annee=annee)
    context = {
        "form": form,
        "dispositif": dispositif,
        "annee": annee,
        "narratif": instance,
        "peut_ecrire": peut_ecrire,
        "debut": datetime.date(annee, 1, 1),
        "fin": datetime.date(annee, 12, 31),
    }
    return render(request, "activite/rapports/narratif.html", context)
