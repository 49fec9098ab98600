"""Minutes (comptes rendus) of synthesis and coordination meetings: written on the meeting's event, shown in the
dossiers of the youths of the event (tab « Comptes rendus »).

Visibility follows the transmissions' rules (DOMAIN §3, §6): ``equipe`` for the professionals reading the youth's
dossier or the event; ``confidentiel_soin`` only for the care métiers (médecin, infirmier, psychologue) and the
author; ``partageable_famille`` may later be shown on the family portal. Every page showing minutes writes a READ
row to the journal.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from agendas.forms.gestion import CompteRenduForm
from agendas.models import CompteRendu, Evenement, ParticipationJeune
from agendas.services.gestion import compte_rendu_allowed, compte_rendu_save
from core.enums import AuditAction, Visibilite
from core.perms import get_object_for_request
from core.services.audit import audit_record
from core.views.administration.common import add_service_errors
from dossiers.perms import _is_clinical_reader, can_read_confidentiel, readable_dossiers
from dossiers.views.dossier import dossier_context, dossier_view

PAGE_SIZE = 20


def can_read_compte_rendu(access, compte_rendu: CompteRendu) -> bool:
    if compte_rendu.visibilite == Visibilite.CONFIDENTIEL_SOIN:
        return can_read_confidentiel(access, compte_rendu.auteur_id)
    return True


def can_write_compte_rendu(access, evenement: Evenement, compte_rendu: CompteRendu | None) -> bool:
    """Contributors of the event's dispositif, and its professionals, write its minutes; confidential minutes are
    edited only by those who may read them."""
    if not _is_clinical_reader(access):
        return False
    if compte_rendu is not None and not can_read_compte_rendu(access, compte_rendu):
        return False
    if access.can_write_dispositif(evenement.dispositif_id):
        return True
    return any(p.user_id == access.user.pk for p in evenement.pros)


def visible_comptes_rendus(access, qs):
    """Hide ``confidentiel_soin`` minutes from those who may not read them (in SQL)."""
    if can_read_confidentiel(access):
        return qs
    return qs.filter(~Q(visibilite=Visibilite.CONFIDENTIEL_SOIN) | Q(auteur_id=access.user.pk))


def _evenement(request, pk) -> Evenement:
    if not _is_clinical_reader(request.access):
        raise PermissionDenied
    qs = Evenement.objects.select_related("nature", "dispositif").prefetch_related(
        Prefetch("participations_professionnels", to_attr="pros"),
        Prefetch("participations_jeunes", queryset=ParticipationJeune.objects.select_related("jeune"), to_attr="pjs"),
    )
    return get_object_for_request(request, qs, pk=pk)


@require_http_methods(["GET", "POST"])
def compte_rendu(request, pk):
    """The minutes of one meeting: read them, or write/edit them (``?modifier=1``, or when none exist yet)."""
    access = request.access
    evenement = _evenement(request, pk)
    existing = CompteRendu.objects.filter(evenement=evenement).select_related("auteur").first()
    if existing is not None and not can_read_compte_rendu(access, existing):
        raise PermissionDenied
    can_write = compte_rendu_allowed(evenement) and can_write_compte_rendu(access, evenement, existing)
    editing = request.method == "POST" or (can_write and (existing is None or request.GET.get("modifier") == "1"))
    if editing and not can_write:
        raise PermissionDenied
    form = None
    if editing:
        form = CompteRenduForm(request.POST or None, instance=existing or CompteRendu(evenement=evenement))
        if request.method == "POST" and form.is_valid():
            try:
                compte_rendu_save(evenement=evenement, actor=request.user, request=request, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Compte rendu enregistré.")
                return redirect("agendas:compte_rendu", pk=evenement.pk)
    if existing is not None and request.method == "GET":
        audit_record(actor=request.user, action=AuditAction.READ, record=existing, request=request)
    # Youths of the meeting whose dossier this reader may open (links to their tab).
    dossiers = readable_dossiers(access).filter(jeune_id__in=[p.jeune_id for p in evenement.pjs])
    dossiers = dossiers.select_related("jeune")
    context = {
        "evenement": evenement,
        "compte_rendu": existing,
        "form": form,
        "can_write": can_write,
        "allowed": compte_rendu_allowed(evenement),
        "dossiers": list(dossiers.order_by("jeune__nom_naissance", "jeune__prenom")),
        "decisions": (existing.decisions.splitlines() if existing else []),
    }
    status = 422 if form is not None and form.errors else 200
    return render(request, "agendas/comptes_rendus/compte_rendu.html", context, status=status)


@require_GET
@dossier_view()
def dossier_comptes_rendus(request, dossier):
    """Tab « Comptes rendus » of a dossier: the minutes of the meetings about this youth, newest first."""
    access = request.access
    context = dossier_context(request, dossier, "comptes_rendus")
    qs = CompteRendu.objects.filter(
        evenement__participations_jeunes__jeune_id=dossier.jeune_id, organisme_id=dossier.organisme_id
    )
    qs = visible_comptes_rendus(access, qs).select_related("evenement__nature", "evenement__dispositif", "auteur")
    page = Paginator(qs.order_by("-evenement__debut", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    comptes_rendus = list(page.object_list)
    for cr in comptes_rendus:
        cr.liste_decisions = [line for line in cr.decisions.splitlines() if line.strip()]
    if comptes_rendus:
        audit_record(
            actor=request.user, action=AuditAction.READ, record_type="agendas.compterendu",
            record_label=f"Comptes rendus du dossier {dossier}", organisme_id=dossier.organisme_id, request=request,
            details={"dossier": dossier.pk, "comptes_rendus": [cr.pk for cr in comptes_rendus]},
        )  # fmt: skip
    context.update(page=page, comptes_rendus=comptes_rendus)
    return render(request, "agendas/comptes_rendus/dossier.html", context)
