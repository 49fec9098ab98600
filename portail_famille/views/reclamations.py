"""Complaints and suggestions.

Portal side: ``portail:reclamations`` (file one, see one's own with status and answer) and ``portail:registre_cvs``
(read-only register for a portal account sitting on a CVS: no author, no youth name).

Staff side: ``familles:reclamations`` (the register with dates and delays, filters; CVS members for the direction)
and ``familles:reclamation`` (detail: take in charge, answer, close — the direction). Chefs de service and
professional CVS members read; only the direction and the chefs de service see authors and youths.
"""

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.enums import AuditAction
from core.models import Dispositif
from core.perms import get_object_for_request
from core.services.audit import audit_record
from core.views.administration.common import add_service_errors
from portail_famille import perms_echanges as perms
from portail_famille import selectors_echanges as selectors
from portail_famille.acces import acces_actifs, get_acces, portail_view
from portail_famille.forms_echanges import (
    MembreCvsForm,
    ReclamationForm,
    RegistreFiltreForm,
    ReponseReclamationForm,
)
from portail_famille.models import MembreCvs, Reclamation
from portail_famille.services import reclamations as services


def _avec_delais(rows):
    for r in rows:
        r.delai_prise_en_charge = selectors.jours_entre(r.recue_le, r.prise_en_charge_le)
        r.delai_reponse = selectors.jours_entre(r.recue_le, r.repondue_le)
    return rows


def _filtrer(qs, form):
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("statut"):
        qs = qs.filter(statut=data["statut"])
    if data.get("type"):
        qs = qs.filter(type=data["type"])
    return qs


# --- Portal ---------------------------------------------------------------------------------------------------


def _choix_sujets(acces_list):
    """« About Léo » for each youth, and « the establishment in general » once per dispositif (through one youth's
    access); the dispositif is named only when the account's youths are in several."""
    from dossiers.models import Dossier

    dossiers = {
        d.jeune_id: d
        for d in Dossier.objects.filter(jeune_id__in=[a.jeune_id for a in acces_list])
        .select_related("dispositif")
        .order_by("-archived_at", "pk")
    }
    choix, generaux = [], {}
    for a in acces_list:
        choix.append((f"j{a.jeune_id}", a.jeune.prenom))
        dossier = dossiers.get(a.jeune_id)
        if dossier is not None and dossier.dispositif_id not in generaux:
            generaux[dossier.dispositif_id] = (f"g{a.jeune_id}", dossier.dispositif.nom)
    if len(generaux) == 1:
        return choix + [(value, "L'établissement en général") for value, _ in generaux.values()]
    return choix + [(value, f"L'établissement en général ({nom})") for value, nom in generaux.values()]


@require_http_methods(["GET", "POST"])
@portail_view()
def portail_liste(request):
    acces_list = acces_actifs(request)
    if not acces_list:
        raise Http404  # no active access (suspended, revoked): nothing to show
    form = ReclamationForm(request.POST or None, choix_sujets=_choix_sujets(acces_list))
    if request.method == "POST":
        if form.is_valid():
            sujet = form.cleaned_data["sujet"]
            acces = get_acces(request, int(sujet[1:]))
            try:
                services.reclamation_deposer(
                    actor=request.user,
                    acces=acces,
                    type=form.cleaned_data["type"],
                    objet=form.cleaned_data["objet"],
                    texte=form.cleaned_data["texte"],
                    au_sujet_du_jeune=sujet.startswith("j"),
                    request=request,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                flash.success(request, "Merci, votre demande a été transmise à la direction.")
                return redirect("portail:reclamations")
    # The account's own réclamations only (its space): never another parent's nor the youth's.
    mes = list(
        Reclamation.objects.filter(organisme_id=request.user.organisme_id, auteur_id=request.user.pk)
        .select_related("jeune", "dispositif")
        .order_by("-recue_le", "-pk")
    )
    context = {
        "form": form,
        "reclamations": mes,
        "membre_cvs": bool(perms.cvs_dispositif_ids(request.user)),
        "portail_menu": "plus",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "portail_famille/echanges/reclamations.html", context, status=status)


@require_GET
@portail_view()
def portail_registre_cvs(request):
    """The register for a portal account sitting on a CVS: objet, type, dates, status, answer — no author, no
    youth."""
    ids = perms.cvs_dispositif_ids(request.user)
    if not ids or not acces_actifs(request):
        raise Http404
    form = RegistreFiltreForm(request.GET or None)
    qs = _filtrer(Reclamation.objects.filter(dispositif_id__in=ids).select_related("dispositif"), form)
    page = Paginator(qs.order_by("-recue_le", "-pk"), 30).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "reclamations": _avec_delais(list(page.object_list)),
        "form": form,
        "portail_menu": "plus",
    }
    return render(request, "portail_famille/echanges/registre_cvs.html", context)


# --- Staff ----------------------------------------------------------------------------------------------------


def _require_registre(request):
    if not perms.can_read_registre(request.access):
        raise PermissionDenied


@require_GET
def equipe_registre(request):
    _require_registre(request)
    access = request.access
    form = RegistreFiltreForm(request.GET or None)
    qs = Reclamation.objects.filter(organisme_id=access.organisme_id).select_related("jeune", "auteur", "dispositif")
    ids = perms.registre_dispositif_ids(access)
    if ids is not None:
        qs = qs.filter(dispositif_id__in=ids)
    qs = _filtrer(qs, form).order_by("-recue_le", "-pk")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = _avec_delais(list(page.object_list))
    for r in rows:
        r.identites = perms.sees_identities(access, r.dispositif_id)
    peut_gerer = perms.can_manage_registre(access)
    context = {"page": page, "reclamations": rows, "form": form, "peut_gerer": peut_gerer}
    if peut_gerer:
        context["membres"] = list(
            MembreCvs.objects.filter(organisme_id=access.organisme_id)
            .select_related("user", "dispositif")
            .order_by("dispositif__nom", "user__last_name", "pk")
        )
        context["membre_form"] = MembreCvsForm(dispositifs=_dispositifs(request))
    params = request.GET.copy()
    params.pop("page", None)
    context["params"] = params.urlencode()
    return render(request, "portail_famille/echanges/equipe_registre.html", context)


def _dispositifs(request):
    return list(Dispositif.objects.filter(organisme_id=request.access.organisme_id).order_by("nom"))


def _reclamation(request, pk, *, write=False):
    qs = Reclamation.objects.select_related("jeune", "auteur", "dispositif", "prise_en_charge_par", "repondue_par")
    return get_object_for_request(request, qs, write=write, pk=pk)


@require_http_methods(["GET", "POST"])
def equipe_detail(request, pk):
    reclamation = _reclamation(request, pk)
    access = request.access
    peut_gerer = perms.can_manage_registre(access)
    form = ReponseReclamationForm(request.POST or None, initial={"reponse": reclamation.reponse})
    if request.method == "POST":
        if not peut_gerer:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.reclamation_repondre(
                    actor=request.user, reclamation=reclamation, reponse=form.cleaned_data["reponse"], request=request
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                flash.success(request, "Réponse enregistrée : l'auteur est prévenu.")
                return redirect("familles:reclamation", pk=reclamation.pk)
    audit_record(actor=request.user, action=AuditAction.READ, record=reclamation, request=request)
    _avec_delais([reclamation])
    context = {
        "r": reclamation,
        "form": form,
        "peut_gerer": peut_gerer,
        "identites": perms.sees_identities(access, reclamation.dispositif_id),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "portail_famille/echanges/equipe_reclamation.html", context, status=status)


def _action(request, pk, service, succes):
    reclamation = _reclamation(request, pk, write=True)
    try:
        service(actor=request.user, reclamation=reclamation, request=request)
    except ValidationError as exc:
        flash.error(request, " ".join(exc.messages))
    else:
        flash.success(request, succes)
    return redirect("familles:reclamation", pk=reclamation.pk)


@require_POST
def equipe_prendre_en_charge(request, pk):
    return _action(request, pk, services.reclamation_prendre_en_charge, "Réclamation prise en charge.")


@require_POST
def equipe_clore(request, pk):
    return _action(request, pk, services.reclamation_clore, "Réclamation close.")


@require_POST
def equipe_cvs_ajouter(request):
    if not perms.can_manage_registre(request.access):
        raise PermissionDenied
    form = MembreCvsForm(request.POST, dispositifs=_dispositifs(request))
    if form.is_valid():
        dispositif = Dispositif.objects.get(
            organisme_id=request.access.organisme_id, pk=form.cleaned_data["dispositif"]
        )
        try:
            services.membre_cvs_ajouter(
                actor=request.user, dispositif=dispositif, email=form.cleaned_data["email"], request=request
            )
        except ValidationError as exc:
            flash.error(request, " ".join(exc.messages))
        else:
            flash.success(request, "Membre du CVS ajouté.")
    else:
        flash.error(request, "Indiquez le dispositif et une adresse valide.")
    return redirect("familles:reclamations")


@require_POST
def equipe_cvs_retirer(request, pk):
    membre = get_object_for_request(request, MembreCvs.objects.select_related("user"), write=True, pk=pk)
    services.membre_cvs_retirer(actor=request.user, membre=membre, request=request)
    flash.success(request, "Membre du CVS retiré.")
    return redirect("familles:reclamations")
