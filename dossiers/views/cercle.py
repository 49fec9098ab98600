"""The cercle d'accompagnement tab: internal professionals of the dispositif around the jeune (with their role) and
the partners / intervenants working with them."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from dossiers.forms.famille import FinForm
from dossiers.forms.partenaires import DossierPartenaireForm, MembreCercleForm
from dossiers.models import DossierPartenaire, MembreCercle
from dossiers.services import cercle as services
from dossiers.services.partenaires import dossier_partenaire_end, dossier_partenaire_save
from dossiers.views.dossier import dossier_context, dossier_view
from dossiers.views.famille import _save_form, render_form_page


def cercle_url(dossier, anchor: str = "") -> str:
    return reverse("dossiers:cercle", kwargs={"pk": dossier.pk}) + (f"#{anchor}" if anchor else "")


def _split(rows, today):
    current = [r for r in rows if r.fin is None or r.fin >= today]
    ended = [r for r in rows if r.fin is not None and r.fin < today]
    return current, ended


@require_GET
@dossier_view()
def cercle(request, dossier):
    context = dossier_context(request, dossier, "cercle")
    today = timezone.localdate()
    membres = MembreCercle.objects.filter(dossier=dossier).select_related("professionnel")
    liens = DossierPartenaire.objects.filter(dossier=dossier).select_related("partenaire", "intervenant")
    context["membres"], context["anciens_membres"] = _split(list(membres.order_by("professionnel__last_name")), today)
    context["liens"], context["anciens_liens"] = _split(list(liens.order_by("partenaire__nom", "pk")), today)
    return render(request, "dossiers/cercle/cercle.html", context)


@require_http_methods(["GET", "POST"])
@dossier_view(write=True)
def membre_create(request, dossier):
    membre = MembreCercle(organisme_id=dossier.organisme_id, dossier=dossier)
    professionnels = services.professionnels_du_dispositif(dossier, timezone.localdate())
    form = MembreCercleForm(request.POST or None, instance=membre, professionnels=professionnels)
    save = lambda: services.membre_cercle_save(membre=form.instance, actor=request.user, request=request)  # noqa: E731
    if _save_form(request, form, save, "Professionnel ajouté au cercle d'accompagnement."):
        return redirect(cercle_url(dossier))
    return render_form_page(request, dossier, "cercle", form, heading="Ajouter un professionnel au cercle",
                            cancel_url=cercle_url(dossier))  # fmt: skip


@require_http_methods(["GET", "POST"])
@dossier_view(write=True)
def membre_end(request, dossier, membre_pk):
    membre = get_object_or_404(MembreCercle.objects.select_related("professionnel"), dossier=dossier, pk=membre_pk)
    form = FinForm(request.POST or None, initial={"fin": timezone.localdate()})

    def save():
        services.membre_cercle_end(membre=membre, fin=form.cleaned_data["fin"], actor=request.user, request=request)

    if _save_form(request, form, save, "Le professionnel a quitté le cercle d'accompagnement."):
        return redirect(cercle_url(dossier))
    return render_form_page(request, dossier, "cercle", form,
                            heading=f"{membre.professionnel.get_full_name()} quitte le cercle",
                            cancel_url=cercle_url(dossier), submit="Confirmer")  # fmt: skip


@require_http_methods(["GET", "POST"])
@dossier_view(write=True)
def partenaire_link(request, dossier):
    lien = DossierPartenaire(organisme_id=dossier.organisme_id, dossier=dossier)
    form = DossierPartenaireForm(request.POST or None, instance=lien, organisme_id=dossier.organisme_id)
    save = lambda: dossier_partenaire_save(lien=form.instance, actor=request.user, request=request)  # noqa: E731
    if _save_form(request, form, save, "Partenaire lié au dossier."):
        return redirect(cercle_url(dossier, "partenaires"))
    return render_form_page(request, dossier, "cercle", form, heading="Lier un partenaire au dossier",
                            intro="Un partenaire absent de la liste s'ajoute d'abord dans l'annuaire des partenaires.",
                            cancel_url=cercle_url(dossier, "partenaires"))  # fmt: skip


@require_http_methods(["GET", "POST"])
@dossier_view(write=True)
def partenaire_unlink(request, dossier, lien_pk):
    lien = get_object_or_404(
        DossierPartenaire.objects.select_related("partenaire", "dossier"), dossier=dossier,
        pk=lien_pk,
    )  # fmt: skip
    form = FinForm(request.POST or None, initial={"fin": timezone.localdate()})

    def save():
        dossier_partenaire_end(lien=lien, fin=form.cleaned_data["fin"], actor=request.user, request=request)

    if _save_form(request, form, save, "Le partenaire ne travaille plus avec le jeune."):
        return redirect(cercle_url(dossier, "partenaires"))
    return render_form_page(request, dossier, "cercle", form, heading=f"Fin du travail avec {lien.partenaire.nom}",
                            cancel_url=cercle_url(dossier, "partenaires"), submit="Confirmer")  # fmt: skip
