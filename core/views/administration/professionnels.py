"""Professionals: list with search and filters, invitation, identity, (de)activation, affectations."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.enums import AccountKind, Metier
from core.forms.administration import (
    AffectationEndForm,
    AffectationForm,
    InvitationForm,
    ProfessionnelFilterForm,
    ProfessionnelForm,
)
from core.models import Affectation, User
from core.perms import get_object_for_request
from core.services import organisation as services
from core.views.administration.common import add_service_errors, admin_required, organisme_of

PAGE_SIZE = 25


def _professionnels():
    """Professional accounts only: family and youth accounts are not administered here (their pages: 404)."""
    return User.objects.filter(kind=AccountKind.PROFESSIONNEL)


def _get_professionnel(request, pk, *, write=False) -> User:
    return get_object_for_request(request, _professionnels(), write=write, pk=pk)


@require_GET
@admin_required
def professionnel_list(request):
    """One URL for the page and, for HTMX live search, the results partial (the page works without JavaScript)."""
    organisme_id = request.access.organisme_id
    form = ProfessionnelFilterForm(request.GET or None, organisme_id=organisme_id)
    users = _professionnels().filter(organisme_id=organisme_id)
    filters = form.cleaned_data if form.is_valid() else {}
    actif = filters.get("actif") or "oui"
    if actif != "tous":
        users = users.filter(is_active=actif == "oui")
    for word in (filters.get("q") or "").split():
        users = users.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word))
    if filters.get("dispositif") or filters.get("metier"):
        matching = Affectation.objects.active_on_today().filter(user=OuterRef("pk"))
        if filters.get("dispositif"):
            matching = matching.filter(dispositif=filters["dispositif"])
        if filters.get("metier"):
            matching = matching.filter(metier=filters["metier"])
        users = users.filter(Exists(matching))
    users = users.prefetch_related(
        Prefetch(
            "affectations",
            queryset=Affectation.objects.active_on_today().select_related("dispositif", "site"),
            to_attr="affectations_en_cours",
        )
    )
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page}
    if request.htmx and not request.htmx.boosted:
        response = render(request, "core/administration/partials/professionnel_results.html", context)
    else:
        response = render(request, "core/administration/professionnel_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
@admin_required
def professionnel_invite(request):
    organisme_id = request.access.organisme_id
    form = InvitationForm(request.POST or None, organisme_id=organisme_id)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.professionnel_invite(
                organisme=organisme_of(request), actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Compte créé ; l'invitation est envoyée à {user.email}.")
            return redirect("core:admin_professionnel_detail", pk=user.pk)
    return render(request, "core/administration/professionnel_invite.html", {"form": form})


def _statut(affectation, today) -> str:
    if affectation.fin is not None and affectation.fin < today:
        return "terminee"
    return "a_venir" if affectation.debut > today else "en_cours"


@require_GET
@admin_required
def professionnel_detail(request, pk):
    user = _get_professionnel(request, pk)
    today = timezone.localdate()
    affectations = list(
        Affectation.objects.filter(organisme_id=user.organisme_id, user=user)
        .select_related("dispositif", "site")
        .order_by(F("fin").desc(nulls_first=True), "-debut")
    )
    for affectation in affectations:
        affectation.statut = _statut(affectation, today)
        affectation.end_form = None
        if affectation.statut != "terminee":
            affectation.end_form = AffectationEndForm(
                affectation=affectation, initial={"fin": max(today, affectation.debut)}, prefix=f"a{affectation.pk}"
            )
    context = {"professionnel": user, "affectations": affectations, "is_self": user.pk == request.user.pk}
    return render(request, "core/administration/professionnel_detail.html", context)


@require_http_methods(["GET", "POST"])
@admin_required
def professionnel_edit(request, pk):
    user = _get_professionnel(request, pk, write=True)
    initial = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
    form = ProfessionnelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if not form.has_changed():
            messages.info(request, "Aucune modification.")
            return redirect("core:admin_professionnel_detail", pk=user.pk)
        try:
            services.account_update(
                user=user,
                actor=request.user,
                request=request,
                **{name: form.cleaned_data[name] for name in form.changed_data},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Identité enregistrée.")
            return redirect("core:admin_professionnel_detail", pk=user.pk)
    return render(request, "core/administration/professionnel_form.html", {"form": form, "professionnel": user})


def _set_active(request, pk, is_active: bool):
    user = _get_professionnel(request, pk, write=True)
    if user.pk == request.user.pk and not is_active:
        messages.error(request, "Vous ne pouvez pas désactiver votre propre compte.")
    elif user.is_active == is_active:
        messages.info(request, "Aucune modification.")
    else:
        services.account_set_active(user=user, is_active=is_active, actor=request.user, request=request)
        if is_active:
            messages.success(request, f"Le compte de {user} est réactivé.")
        else:
            messages.success(
                request, f"Le compte de {user} est désactivé : il ne peut plus se connecter ; son historique reste."
            )
    return redirect("core:admin_professionnel_detail", pk=user.pk)


@require_POST
@admin_required
def professionnel_deactivate(request, pk):
    return _set_active(request, pk, False)


@require_POST
@admin_required
def professionnel_reactivate(request, pk):
    return _set_active(request, pk, True)


@require_POST
@admin_required
def professionnel_resend_invitation(request, pk):
    user = _get_professionnel(request, pk, write=True)
    if not user.is_active:
        messages.error(request, "Ce compte est désactivé : réactivez-le avant de renvoyer l'invitation.")
    elif user.has_usable_password():
        messages.error(
            request,
            "Ce compte a déjà choisi son mot de passe : en cas d'oubli, son titulaire utilise "
            "« Mot de passe oublié ».",
        )
    else:
        services.account_invite(user=user, actor=request.user, request=request)
        messages.success(request, f"L'invitation est renvoyée à {user.email}.")
    return redirect("core:admin_professionnel_detail", pk=user.pk)


@require_http_methods(["GET", "POST"])
@admin_required
def affectation_create(request, pk):
    user = _get_professionnel(request, pk, write=True)
    affectation = Affectation(organisme_id=user.organisme_id, user=user)
    form = AffectationForm(request.POST or None, instance=affectation, organisme_id=request.access.organisme_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.affectation_save(affectation=form.instance, actor=request.user, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Affectation ajoutée.")
            return redirect("core:admin_professionnel_detail", pk=user.pk)
    return render(request, "core/administration/affectation_form.html", {"form": form, "professionnel": user})


@require_POST
@admin_required
def affectation_end(request, pk):
    affectation = get_object_for_request(
        request, Affectation.objects.select_related("user", "dispositif"), write=True, pk=pk
    )
    form = AffectationEndForm(request.POST, affectation=affectation, prefix=f"a{affectation.pk}")
    if affectation.user_id == request.user.pk and affectation.metier == Metier.ADMIN_ORGANISME:
        messages.error(request, "Vous ne pouvez pas mettre fin à votre propre affectation d'administrateur.")
    elif not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        services.affectation_end(
            affectation=affectation, fin=form.cleaned_data["fin"], actor=request.user, request=request
        )
        messages.success(request, f"Affectation terminée le {form.cleaned_data['fin']:%d/%m/%Y}.")
    return redirect("core:admin_professionnel_detail", pk=affectation.user_id)
