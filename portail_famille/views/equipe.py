"""Staff pages about portal accesses (``/familles/``), reached from the dossier's "Portail famille" tab: the
accesses of the youth (each proche separately, and the youth), invitations, suspension, reactivation, revocation,
rights. Reading needs the dossier; every change needs the right to write it (``portail_famille.perms``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.views.administration.common import add_service_errors
from dossiers.models import Proche
from dossiers.views.dossier import dossier_context, dossier_view
from portail_famille.enums import StatutAcces
from portail_famille.forms import DroitsForm, InvitationForm, MotifForm
from portail_famille.models import AccesPortail
from portail_famille.services import comptes

DROIT_LABELS = {
    "voir_agenda": "Semaine",
    "voir_ppa": "Projet",
    "voir_documents": "Documents",
    "deposer_documents": "Dépôt",
    "messagerie": "Messages",
    "declarer_absences": "Absences",
    "voir_journal": "Journal",
}


def _acces(dossier, acces_pk):
    return get_object_or_404(AccesPortail.objects.select_related("user", "proche"), pk=acces_pk, jeune=dossier.jeune)


@require_GET
@dossier_view()
def portail(request, dossier):
    """The "Portail famille" tab: each proche (représentants légaux first) with their access, the youth's own
    access (from the dispositif's minimum age), and every access row with its history."""
    context = dossier_context(request, dossier, "portail")
    jeune = dossier.jeune
    acces_rows = list(
        AccesPortail.objects.filter(jeune=jeune).select_related("user", "proche", "invite_par").order_by("pk")
    )
    by_proche = {}
    for row in acces_rows:
        if row.proche_id:
            by_proche.setdefault(row.proche_id, row)
    proches = sorted(jeune.proches.all(), key=lambda p: (not p.representant_legal, p.ordre_appel, p.nom))
    age = jeune.age_on(timezone.localdate())
    minimum = comptes.age_minimum_jeune(dossier.dispositif_id)
    context.update(
        proches=[{"proche": p, "acces": by_proche.get(p.pk)} for p in proches],
        acces_jeune=next((r for r in acces_rows if r.proche_id is None), None),
        acces_rows=acces_rows,
        age=age,
        age_minimum=minimum,
        jeune_peut=age >= minimum,
        droit_labels=DROIT_LABELS,
        StatutAcces=StatutAcces,
    )
    return render(request, "portail_famille/equipe/portail.html", context)


@require_http_methods(["GET", "POST"])
@dossier_view(write=True)
def inviter(request, dossier):
    """Invite one proche (``?proche=<id>``) or the youth (``?jeune=1``), with their own rights."""
    proche = None
    if request.GET.get("proche"):
        proche = get_object_or_404(Proche, pk=request.GET["proche"], jeune=dossier.jeune)
    elif request.GET.get("jeune") != "1":
        raise Http404
    form = InvitationForm(request.POST or None, pour_jeune=proche is None)
    if request.method == "POST" and form.is_valid():
        try:
            comptes.acces_inviter(
                dossier=dossier, actor=request.user, proche=proche, email=form.cleaned_data.get("email", ""),
                droits=form.droits(), request=request,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            qui = f"{proche.prenom} {proche.nom}".strip() if proche else dossier.jeune.prenom
            messages.success(request, f"Invitation au portail envoyée à {qui}.")
            return redirect("familles:portail", pk=dossier.pk)
    context = dossier_context(request, dossier, "portail", audit=False)
    context.update(form=form, proche=proche)
    return render(request, "portail_famille/equipe/inviter.html", context)


@require_http_methods(["GET", "POST"])
@dossier_view(write=True)
def acces_droits(request, dossier, acces_pk):
    acces = _acces(dossier, acces_pk)
    form = DroitsForm(request.POST or None, instance=acces)
    if request.method == "POST" and form.is_valid():
        try:
            comptes.acces_droits_modifier(acces=acces, actor=request.user, droits=form.droits(), request=request)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Droits enregistrés.")
            return redirect("familles:portail", pk=dossier.pk)
    context = dossier_context(request, dossier, "portail", audit=False)
    context.update(form=form, acces=acces, action="droits")
    return render(request, "portail_famille/equipe/acces_form.html", context)


def _with_motif(service, label, success):
    @require_http_methods(["GET", "POST"])
    @dossier_view(write=True)
    def view(request, dossier, acces_pk):
        acces = _acces(dossier, acces_pk)
        form = MotifForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                service(acces=acces, actor=request.user, motif=form.cleaned_data["motif"], request=request)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, success)
                return redirect("familles:portail", pk=dossier.pk)
        context = dossier_context(request, dossier, "portail", audit=False)
        context.update(form=form, acces=acces, action=label)
        return render(request, "portail_famille/equipe/acces_form.html", context)

    return view


acces_suspendre = _with_motif(comptes.acces_suspendre, "suspendre", "Accès suspendu : il ne fonctionne plus.")
acces_revoquer = _with_motif(comptes.acces_revoquer, "revoquer", "Accès révoqué.")


def _simple(service, success):
    @require_POST
    @dossier_view(write=True)
    def view(request, dossier, acces_pk):
        acces = _acces(dossier, acces_pk)
        try:
            service(acces=acces, actor=request.user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, success)
        return redirect("familles:portail", pk=dossier.pk)

    return view


acces_reactiver = _simple(comptes.acces_reactiver, "Accès réactivé.")
invitation_renvoyer = _simple(comptes.invitation_renvoyer, "Invitation renvoyée.")
