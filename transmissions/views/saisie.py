"""Quick entry of a transmission, made for a phone or a tablet between two activities.

Action budget for a transmission about one youth (tested in ``tests/transmissions/test_saisie.py``): from the home
page's « Nouvelle transmission » — 1. pick the youth (one of the unit's youths shown at once, or type two letters
of the name and pick), 2. pick the catégorie (big radio buttons), 3. type the text, 4. « Valider » — **4 actions**
(5 when the name must be typed first); from the youth's dossier, the youth is pre-selected: **3 actions**.
The draft is autosaved while typing (HTMX, 2 s after the last key) and resumed with ``?brouillon=<pk>``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.views.administration.common import add_service_errors
from dossiers.models import fold
from transmissions import perms
from transmissions.forms import TransmissionForm, pickable_dossiers
from transmissions.models import Transmission
from transmissions.services import (
    transmission_create_draft,
    transmission_update_draft,
    transmission_validate,
    transmission_write,
)
from transmissions.views.common import get_transmission

PICKER_LIMIT = 12


def _require_writer(request):
    if not perms.can_write_any(request.access):
        raise PermissionDenied


def _safe_next(url: str | None) -> str | None:
    return url if url and url.startswith("/") and not url.startswith("//") else None


def _draft_initial(draft: Transmission) -> dict:
    from dossiers.models import Dossier

    jeune_ids = list(draft.liens_jeunes.values_list("jeune_id", flat=True))
    return {
        "dossiers": list(Dossier.objects.filter(dispositif_id=draft.dispositif_id, jeune_id__in=jeune_ids)),
        "dispositif": draft.dispositif_id,
        "categorie": draft.categorie_id,
        "cible": draft.cible,
        "donnees": draft.donnees,
        "actions": draft.actions,
        "resultats": draft.resultats,
        "texte": draft.texte,
        "visibilite": draft.visibilite,
        "importante": draft.importance == "importante",
        "survenue_le": timezone.localtime(draft.survenue_le),
        "site": draft.site_id,
        "mentions": list(draft.liens_mentions.values_list("user_id", flat=True)),
    }


def _chosen_dossiers(form) -> list:
    """The dossiers shown as chosen in the picker (bound: the posted ones that are pickable)."""
    if form.is_bound:
        ids = [v for v in form.data.getlist("dossiers") if v.isdigit()]
        return list(form.fields["dossiers"].queryset.filter(pk__in=ids)) if ids else []
    return list(form.initial.get("dossiers") or [])


def _suggestions(request, exclude_ids) -> list:
    """The youths of the user's units, shown at once so that picking one is a single tap."""
    access = request.access
    qs = pickable_dossiers(access).exclude(pk__in=list(exclude_ids))
    sites = access.site_ids
    if sites:
        qs = qs.filter(site_id__in=sites)
    return list(qs.order_by("jeune__prenom", "jeune__nom_naissance")[:PICKER_LIMIT])


def _render_form(request, form, *, draft=None, status=200):
    chosen = _chosen_dossiers(form)
    dar_open = bool(form["donnees"].value() or form["actions"].value() or form["resultats"].value())
    if not form.is_bound and draft is None:
        # Teams that write targeted transmissions find the D/A/R parts open: the author's last one used them.
        dar_open = (
            Transmission.objects.filter(auteur_id=request.user.pk)
            .exclude(donnees="", actions="", resultats="")
            .filter(validee_le__isnull=False)
            .order_by("-validee_le")[:1]
            .exists()
        )
    context = {
        "form": form,
        "draft": draft,
        "chosen": chosen,
        "suggestions": _suggestions(request, [d.pk for d in chosen]),
        "dar_open": dar_open,
        "next": _safe_next(request.GET.get("next") or request.POST.get("next")) or "",
    }
    return render(request, "transmissions/saisie.html", context, status=status)


@require_http_methods(["GET", "POST"])
def nouvelle(request):
    """GET: the empty form (``?jeune=<dossier pk>`` pre-selects a youth, ``?brouillon=<pk>`` resumes a draft).
    POST « Valider »: the draft (if autosaved) is updated and validated, else created and validated at once."""
    _require_writer(request)
    access = request.access
    draft = None
    draft_pk = request.POST.get("brouillon") or request.GET.get("brouillon")
    if draft_pk and str(draft_pk).isdigit():
        draft = get_transmission(request, int(draft_pk), write=True)
    if request.method == "GET":
        initial = {}
        if draft is not None:
            initial = _draft_initial(draft)
        elif (dossier_pk := request.GET.get("jeune")) and dossier_pk.isdigit():
            dossier = pickable_dossiers(access).filter(pk=int(dossier_pk)).first()
            if dossier is None:
                raise PermissionDenied
            initial = {"dossiers": [dossier], "dispositif": dossier.dispositif_id}
        return _render_form(request, TransmissionForm(initial=initial, access=access), draft=draft)

    form = TransmissionForm(request.POST, access=access)
    valid = form.is_valid()
    if form.require_content() and valid:
        data = form.cleaned_data
        jeunes = [d.jeune for d in data["dossiers"]]
        try:
            if draft is not None:
                transmission_update_draft(
                    transmission=draft, by=request.user, jeunes=jeunes, mentions=data["mentions"],
                    **form.service_fields(),
                )  # fmt: skip
                transmission = transmission_validate(transmission=draft, by=request.user, request=request)
            else:
                transmission = transmission_write(
                    auteur=request.user, dispositif=data["dispositif"], jeunes=jeunes, mentions=data["mentions"],
                    request=request, **form.service_fields(),
                )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Transmission validée.")
            return redirect(
                _safe_next(request.POST.get("next")) or reverse("transmissions:detail", args=[transmission.pk])
            )
    return _render_form(request, form, draft=draft, status=400)


@require_POST
def brouillon(request):
    """Autosave (HTMX, the whole form posted 2 s after the last key): create the draft on the first save, update it
    afterwards; answer the status line with the draft's id for the next saves."""
    _require_writer(request)
    access = request.access
    draft = None
    if (draft_pk := request.POST.get("brouillon")) and draft_pk.isdigit():
        draft = get_transmission(request, int(draft_pk), write=True)
    form = TransmissionForm(request.POST, access=access)
    context = {"draft": draft}
    if not form.is_valid():
        context["erreur"] = (
            "Choisissez une catégorie pour enregistrer le brouillon."
            if "categorie" in form.errors
            else "Brouillon non enregistré : vérifiez le formulaire."
        )
        return render(request, "transmissions/partials/brouillon_etat.html", context)
    data = form.cleaned_data
    jeunes = [d.jeune for d in data["dossiers"]]
    try:
        if draft is None:
            draft = transmission_create_draft(
                auteur=request.user, dispositif=data["dispositif"], jeunes=jeunes, mentions=data["mentions"],
                request=request, **form.service_fields(),
            )  # fmt: skip
        else:
            draft = transmission_update_draft(
                transmission=draft, by=request.user, jeunes=jeunes, mentions=data["mentions"], **form.service_fields()
            )
    except ValidationError as exc:
        context["erreur"] = " ".join(exc.messages)
    context["draft"] = draft
    context["saved_at"] = timezone.now()
    return render(request, "transmissions/partials/brouillon_etat.html", context)


@require_POST
def brouillon_supprimer(request, pk):
    from transmissions.services import transmission_discard_draft

    _require_writer(request)
    draft = get_transmission(request, pk, write=True)
    transmission_discard_draft(transmission=draft, by=request.user, request=request)
    messages.success(request, "Brouillon supprimé.")
    return redirect("transmissions:nouvelle")


@require_GET
def jeunes(request):
    """The youth picker's results (HTMX): pickable dossiers whose youth's name contains every typed word."""
    _require_writer(request)
    words = fold(request.GET.get("q", "")).split()
    chosen = [v for v in request.GET.getlist("dossiers") if v.isdigit()]
    if words:
        qs = pickable_dossiers(request.access).exclude(pk__in=chosen)
        for word in words[:5]:
            qs = qs.filter(jeune__nom_recherche__contains=word)
        results = list(qs.order_by("jeune__prenom", "jeune__nom_naissance")[:PICKER_LIMIT])
    else:
        results = _suggestions(request, [int(v) for v in chosen])
    return render(request, "transmissions/partials/jeunes_resultats.html", {"results": results, "q": words})


@require_GET
def jeune_choisi(request, pk):
    """One chosen youth (HTMX, appended to the chosen list): a checked checkbox carrying the dossier id."""
    _require_writer(request)
    dossier = pickable_dossiers(request.access).filter(pk=pk).first()
    if dossier is None:
        raise PermissionDenied
    return render(request, "transmissions/partials/jeune_choisi.html", {"d": dossier})
