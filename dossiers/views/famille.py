"""The famille tab of a dossier: the jeune's proches (each with their legal role and own rights) and schooling.

Proches and schooling belong to the jeune: they are fetched through the dossier of the URL (scoped fetch of the
dossier first, then the item among the jeune's), so that another organisme's item is a 404 and a read-only
colleague gets 403 on every write. Writes go through dossiers/services/famille.py (audited).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.views.administration.common import add_service_errors
from dossiers.forms.famille import FinForm, PeriodeScolaireForm, ProcheForm
from dossiers.models import PeriodeScolaire, Proche
from dossiers.services import famille as services
from dossiers.views.dossier import dossier_context, dossier_view

FORM_TEMPLATE = "dossiers/famille/form_page.html"


def render_form_page(request, dossier, tab: str, form, *, heading: str, cancel_url: str, submit: str = "Enregistrer",
                     intro: str = "", danger: bool = False):  # fmt: skip
    """A form inside the dossier layout. The GET is a page view of the dossier (audited); a POST re-render is not."""
    context = dossier_context(request, dossier, tab, audit=request.method == "GET")
    context.update(form=form, heading=heading, cancel_url=cancel_url, submit=submit, intro=intro, danger=danger)
    return render(request, FORM_TEMPLATE, context)


def famille_url(dossier) -> str:
    return reverse("dossiers:famille", kwargs={"pk": dossier.pk})


@require_GET
@dossier_view()
def famille(request, dossier):
    context = dossier_context(request, dossier, "famille")
    jeune = dossier.jeune
    context["proches"] = list(Proche.objects.filter(jeune_id=jeune.pk).order_by("ordre_appel", "nom", "pk"))
    context["periodes"] = list(
        PeriodeScolaire.objects.filter(jeune_id=jeune.pk).select_related("etablissement").order_by("-debut", "-pk")
    )
    context["mineur"] = services.is_minor(jeune)
    context["sans_representant"] = context["mineur"] and not any(p.representant_legal for p in context["proches"])
    return render(request, "dossiers/famille/famille.html", context)


def _proche(dossier, proche_pk) -> Proche:
    return get_object_or_404(Proche.objects.select_related("jeune"), jeune_id=dossier.jeune_id, pk=proche_pk)


def _periode(dossier, periode_pk) -> PeriodeScolaire:
    return get_object_or_404(
        PeriodeScolaire.objects.select_related("jeune", "etablissement"), jeune_id=dossier.jeune_id, pk=periode_pk
    )


def _save_form(request, form, save, success: str):
    """Run the service on a valid form; map its French ValidationError onto the form. True when saved."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save()
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, success)
    return True


@require_http_methods(["GET", "POST"])
@dossier_view(write=True)
def proche_create(request, dossier):
    proche = Proche(organisme_id=dossier.organisme_id, jeune=dossier.jeune)
    form = ProcheForm(request.POST or None, instance=proche)
    save = lambda: services.proche_save(proche=form.instance, actor=request.user, request=request)  # noqa: E731
    if _save_form(request, form, save, "Proche ajouté."):
        return redirect(famille_url(dossier))
    return render_form_page(request, dossier, "famille", form, heading="Ajouter un proche",
                            cancel_url=famille_url(dossier))  # fmt: skip


@require_http_methods(["GET", "POST"])
@dossier_view(write=True)
def proche_edit(request, dossier, proche_pk):
    proche = _proche(dossier, proche_pk)
    form = ProcheForm(request.POST or None, instance=proche)

    def save():
        services.proche_save(proche=form.instance, actor=request.user, request=request, changed=form.changed_data)

    if _save_form(request, form, save, "Proche modifié."):
        return redirect(famille_url(dossier))
    return render_form_page(request, dossier, "famille", form, heading=f"Modifier {proche.prenom} {proche.nom}",
                            cancel_url=famille_url(dossier))  # fmt: skip


@require_http_methods(["GET", "POST"])
@dossier_view(write=True)
def proche_delete(request, dossier, proche_pk):
    """GET: confirmation page; POST: removal (refused for the last représentant légal of a minor)."""
    proche = _proche(dossier, proche_pk)
    # A confirmation: no field, only the service's errors.
    form = forms.Form(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.proche_delete(proche=proche, actor=request.user, request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{proche.prenom} {proche.nom} a été retiré des proches.".strip())
            return redirect(famille_url(dossier))
    return render_form_page(
        request, dossier, "famille", form, heading=f"Retirer {proche.prenom} {proche.nom}".strip(),
        intro=f"{proche} ne figurera plus parmi les proches du jeune. Cette action est enregistrée dans le journal.",
        cancel_url=famille_url(dossier), submit="Retirer", danger=True,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@dossier_view(write=True)
def scolarite_create(request, dossier):
    periode = PeriodeScolaire(organisme_id=dossier.organisme_id, jeune=dossier.jeune)
    form = PeriodeScolaireForm(request.POST or None, instance=periode, organisme_id=dossier.organisme_id)
    save = lambda: services.periode_scolaire_save(periode=form.instance, actor=request.user, request=request)  # noqa: E731
    if _save_form(request, form, save, "Période de scolarité ajoutée."):
        return redirect(famille_url(dossier) + "#scolarite")
    return render_form_page(request, dossier, "famille", form, heading="Nouvelle période de scolarité",
                            cancel_url=famille_url(dossier))  # fmt: skip


@require_http_methods(["GET", "POST"])
@dossier_view(write=True)
def scolarite_edit(request, dossier, periode_pk):
    periode = _periode(dossier, periode_pk)
    form = PeriodeScolaireForm(request.POST or None, instance=periode, organisme_id=dossier.organisme_id)

    def save():
        services.periode_scolaire_save(periode=form.instance, actor=request.user, request=request,
                                       changed=form.changed_data)  # fmt: skip

    if _save_form(request, form, save, "Période de scolarité modifiée."):
        return redirect(famille_url(dossier) + "#scolarite")
    return render_form_page(request, dossier, "famille", form, heading="Modifier la période de scolarité",
                            cancel_url=famille_url(dossier))  # fmt: skip


@require_http_methods(["GET", "POST"])
@dossier_view(write=True)
def scolarite_end(request, dossier, periode_pk):
    periode = _periode(dossier, periode_pk)
    form = FinForm(request.POST or None)

    def save():
        services.periode_scolaire_end(periode=periode, fin=form.cleaned_data["fin"], actor=request.user,
                                      request=request)  # fmt: skip

    if _save_form(request, form, save, "Période de scolarité terminée."):
        return redirect(famille_url(dossier) + "#scolarite")
    return render_form_page(request, dossier, "famille", form, heading=f"Terminer la période « {periode} »",
                            cancel_url=famille_url(dossier), submit="Terminer")  # fmt: skip
