"""Messages between the family (or the youth) and the team.

Portal side (``portail:messages``, ``portail:message_nouveau``, ``portail:message_fil``): an account sees only the
threads it opened (``FilDiscussion.compte``), about the youths it has an active access to with the ``messagerie``
right; anything else is a 404.

Staff side (``familles:messages``, ``familles:message_fil``, ``familles:message_clore``,
``familles:message_rouvrir``): the inbox of the threads of the youths whose dossier the user may read; answering and
closing need the write right on the dossier. Reading a thread is audited.
"""

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.enums import AuditAction
from core.perms import can_write, get_object_for_request
from core.services.audit import audit_record
from core.views.administration.common import add_service_errors
from portail_famille import perms_echanges as perms
from portail_famille import selectors_echanges as selectors
from portail_famille.acces import acces_actifs, get_acces, portail_view
from portail_famille.forms_echanges import BoiteFiltreForm, MessageForm, NouveauFilForm
from portail_famille.models import FilDiscussion
from portail_famille.services.messages import (
    dossier_du_jeune,
    fil_clore,
    fil_creer,
    fil_marquer_lu,
    fil_rouvrir,
    message_envoyer,
)

# --- Portal ---------------------------------------------------------------------------------------------------


def _acces_messagerie(request):
    return [a for a in acces_actifs(request) if a.messagerie]


@require_GET
@portail_view()
def portail_liste(request):
    if not acces_actifs(request):
        raise Http404  # no active access (suspended, revoked): nothing to show
    acces_list = _acces_messagerie(request)
    fils = list(selectors.fils_du_compte(request.user, [a.jeune_id for a in acces_list])) if acces_list else []
    return render(
        request,
        "portail_famille/echanges/messages.html",
        {"fils": fils, "peut_ecrire": bool(acces_list), "plusieurs_jeunes": len(acces_list) > 1},
    )


@require_http_methods(["GET", "POST"])
@portail_view()
def portail_nouveau(request):
    acces_list = _acces_messagerie(request)
    if not acces_list:
        raise Http404
    form = NouveauFilForm(request.POST or None, acces_list=acces_list)
    if request.method == "POST" and form.is_valid():
        acces = get_acces(request, form.cleaned_data["jeune"], "messagerie")
        try:
            fil = fil_creer(
                actor=request.user,
                acces=acces,
                sujet=form.cleaned_data["sujet"],
                texte=form.cleaned_data["texte"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            flash.success(request, "Votre message a été envoyé à l'équipe.")
            return redirect("portail:message_fil", pk=fil.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "portail_famille/echanges/message_nouveau.html", {"form": form}, status=status)


def _fil_du_compte(request, pk):
    """The account's own thread, about a youth it still has the messaging right for; 404 otherwise."""
    fil = (
        FilDiscussion.objects.filter(organisme_id=request.user.organisme_id, compte_id=request.user.pk, pk=pk)
        .select_related("jeune")
        .first()
    )
    if fil is None:
        raise Http404
    acces = get_acces(request, fil.jeune_id, "messagerie")
    if acces.espace != fil.espace:
        raise Http404
    return fil, acces


@require_http_methods(["GET", "POST"])
@portail_view()
def portail_fil(request, pk):
    fil, acces = _fil_du_compte(request, pk)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            message_envoyer(
                actor=request.user, fil=fil, texte=form.cleaned_data["texte"], acces=acces, request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            flash.success(request, "Votre réponse a été envoyée.")
            return redirect("portail:message_fil", pk=fil.pk)
    fil_marquer_lu(user=request.user, fil=fil)
    context = {"fil": fil, "acces": acces, "messages_fil": selectors.messages_du_fil(fil), "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "portail_famille/echanges/message_fil.html", context, status=status)


# --- Staff ----------------------------------------------------------------------------------------------------


def _require_equipe(request):
    if not perms.can_use_messages(request.access):
        raise PermissionDenied


@require_GET
def equipe_boite(request):
    _require_equipe(request)
    form = BoiteFiltreForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.boite_equipe(
        request.access,
        mes_jeunes=bool(data.get("mes_jeunes")),
        non_lus=bool(data.get("non_lus")),
        statut=data.get("statut") or "",
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "portail_famille/echanges/equipe_messages.html",
        {"form": form, "page": page, "fils": list(page.object_list), "params": params.urlencode()},
    )


@require_GET
def equipe_badge(request):
    """The menu's count of threads with unread messages (fetched by HTMX after the page)."""
    if not perms.can_use_messages(request.access):
        return HttpResponse("")
    count = selectors.non_lus_equipe(request.access)
    if not count:
        return HttpResponse("")
    label = "99+" if count > 99 else str(count)
    return HttpResponse(f'<span class="badge" aria-label="{label} conversations non lues">{label}</span>')


def _fil_equipe(request, pk, *, write=False):
    _require_equipe(request)
    qs = FilDiscussion.objects.select_related("jeune", "compte", "dispositif")
    return get_object_for_request(request, qs, write=write, pk=pk)


@require_http_methods(["GET", "POST"])
def equipe_fil(request, pk):
    fil = _fil_equipe(request, pk)
    peut_repondre = can_write(request.access, fil)
    form = MessageForm(request.POST or None)
    if request.method == "POST":
        if not peut_repondre:
            raise PermissionDenied
        if form.is_valid():
            try:
                message_envoyer(actor=request.user, fil=fil, texte=form.cleaned_data["texte"], request=request)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                flash.success(request, "Réponse envoyée à la famille.")
                return redirect("familles:message_fil", pk=fil.pk)
    fil_marquer_lu(user=request.user, fil=fil)
    audit_record(actor=request.user, action=AuditAction.READ, record=fil, request=request)
    context = {
        "fil": fil,
        "messages_fil": selectors.messages_du_fil(fil),
        "form": form,
        "peut_repondre": peut_repondre,
        "auteur_famille": _auteur_famille(fil),
        "dossier": dossier_du_jeune(fil.jeune_id, fil.dispositif_id),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "portail_famille/echanges/equipe_fil.html", context, status=status)


def _auteur_famille(fil) -> str:
    nom = fil.compte.get_full_name() or fil.compte.email
    return f"{nom} (le jeune)" if fil.espace == "jeune" else nom


@require_POST
def equipe_clore(request, pk):
    fil = _fil_equipe(request, pk, write=True)
    try:
        fil_clore(actor=request.user, fil=fil, request=request)
    except ValidationError as exc:
        flash.error(request, " ".join(exc.messages))
    else:
        flash.success(request, "Conversation close.")
    return redirect("familles:message_fil", pk=fil.pk)


@require_POST
def equipe_rouvrir(request, pk):
    fil = _fil_equipe(request, pk, write=True)
    try:
        fil_rouvrir(actor=request.user, fil=fil, request=request)
    except ValidationError as exc:
        flash.error(request, " ".join(exc.messages))
    else:
        flash.success(request, "Conversation rouverte.")
    return redirect("familles:message_fil", pk=fil.pk)
