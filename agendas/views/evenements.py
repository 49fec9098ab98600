"""One event's page, the event form (create, edit with a scope for an occurrence of a series), cancelling an
occurrence, and the weekly series form.

Conflicts (a youth, a professional or a room/vehicle already booked at that time) are warnings, not errors: the
first POST of a valid form shows them with an "Enregistrer malgré tout" button; the second POST (``confirmer``)
saves.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agendas import selectors
from agendas.enums import StatutEvenement
from agendas.forms.evenements import (
    PORTEE_OCCURRENCE,
    PORTEES,
    EvenementForm,
    SerieForm,
)
from agendas.models import Evenement
from agendas.perms import can_write_evenement
from agendas.services.evenements import evenement_create, evenement_set_statut
from agendas.services.series import occurrence_annuler, occurrence_modifier, serie_create
from agendas.views.agenda import (
    agenda_required,
    jour_long,
    mark_readable_youths,
    with_participants,
    writable_dispositifs,
)
from core.models import Dispositif
from core.perms import get_object_for_request
from core.views.administration.common import add_service_errors
from dossiers.models import Dossier

PARTICIPANT_FIELDS = ("jeunes", "professionnels", "ressources")


def _get_evenement(request, pk, *, write=False) -> Evenement:
    return get_object_for_request(request, with_participants(Evenement.objects.all()), write=write, pk=pk)


def _initial_from_query(request, dispositifs) -> dict:
    """Prefill from the agenda's links (``date``, ``jeune``, ``dispositif``) or from an HTMX refresh of the form
    (every field as typed)."""
    params = request.GET
    initial = {"professionnels": [request.user.pk], "heure_debut": "09:00", "heure_fin": "10:00", "du": None}
    for name, value in params.lists():
        if name in ("csrfmiddlewaretoken", "confirmer"):
            continue
        initial[name] = value if name in (*PARTICIPANT_FIELDS, "jours") else value[-1]
    try:
        day = datetime.date.fromisoformat(params.get("date", ""))
    except ValueError:
        day = timezone.localdate()
    initial["date"] = initial["du"] = day
    if "visible_famille" not in params and request.htmx:
        initial["visible_famille"] = False
    if jeune := params.get("jeune"):
        initial.setdefault("jeunes", [jeune])
        if "dispositif" not in params:
            dossier = Dossier.objects.filter(jeune_id=jeune, dispositif__in=dispositifs).first()
            if dossier:
                initial["dispositif"] = dossier.dispositif_id
    if "dispositif" not in initial and dispositifs:
        initial["dispositif"] = dispositifs[0].pk
    return initial


def _hx_refresh(form, url):
    """Changing the dispositif reloads the form (HTMX) with that dispositif's natures, youths, team and rooms."""
    form.fields["dispositif"].widget.attrs.update(
        {
            "hx-get": url,
            "hx-trigger": "change",
            "hx-include": "closest form",
            "hx-target": "#evenement-form",
            "hx-select": "#evenement-form",
            "hx-swap": "outerHTML",
        }
    )


def conflits_for(access, *, debut, fin, jeunes, professionnels, ressources, exclude=None) -> list:
    """The double bookings of these participants on [debut, fin) (see ``agendas.selectors.conflits``), as much as
    the user may see of them (``agendas.selectors.conflits_visibles``)."""
    found = selectors.conflits(
        debut=debut,
        fin=fin,
        jeunes=jeunes,
        professionnels=professionnels,
        ressources=ressources,
        exclude=exclude,
    )
    return selectors.conflits_visibles(access, found)


def _save_with_warnings(request, form, save, *, conflicts_of):
    """Valid form → conflicts shown first unless confirmed → service → redirect. Returns (response, conflits)."""
    if not (request.method == "POST" and form.is_valid()):
        return None, []
    conflits = conflicts_of(form)
    if conflits and not request.POST.get("confirmer"):
        return None, conflits
    try:
        target = save(form)
    except ValidationError as error:
        add_service_errors(form, error)
        return None, []
    return redirect(target), []


# --- Event page ------------------------------------------------------------------------------------------------


@require_GET
@agenda_required
def evenement(request, pk):
    ev = _get_evenement(request, pk)
    mark_readable_youths(request.access, [ev])
    context = {
        "evenement": ev,
        "debut": timezone.localtime(ev.debut),
        "fin": timezone.localtime(ev.fin),
        "jour": jour_long(timezone.localtime(ev.debut).date()),
        "can_write": can_write_evenement(request.access, ev),
        "portees": PORTEES,
        "statuts": StatutEvenement,
    }
    return render(request, "agendas/evenements/detail.html", context)


@require_http_methods(["GET", "POST"])
@agenda_required
def evenement_nouveau(request):
    dispositifs = writable_dispositifs(request.access)
    if not dispositifs:
        raise PermissionDenied
    organisme_id = request.access.organisme_id
    if request.method == "POST":
        form = EvenementForm(request.POST, dispositifs=dispositifs, organisme_id=organisme_id)
    else:
        initial = _initial_from_query(request, list(dispositifs))
        form = EvenementForm(initial=initial, dispositifs=dispositifs, organisme_id=organisme_id)
    _hx_refresh(form, reverse("agendas:evenement_nouveau"))

    def save(f):
        ev = evenement_create(**f.service_kwargs(), actor=request.user, request=request)
        messages.success(request, f"Événement « {ev.titre or ev.nature} » enregistré.")
        return _agenda_url(ev)

    def conflicts_of(f):
        d = f.cleaned_data
        return conflits_for(
            request.access,
            debut=d["debut"], fin=d["fin"], jeunes=d["jeunes"],
            professionnels=d["professionnels"], ressources=d["ressources"],
        )  # fmt: skip

    response, conflits = _save_with_warnings(request, form, save, conflicts_of=conflicts_of)
    if response:
        return response
    context = {"form": form, "conflits": conflits, "titre": "Nouvel événement", "evenement": None,
               "participant_fields": [form[name] for name in PARTICIPANT_FIELDS]}  # fmt: skip
    return render(request, "agendas/evenements/form.html", context, status=422 if form.errors else 200)


def _agenda_url(ev: Evenement) -> str:
    day = timezone.localtime(ev.debut).date()
    return f"{reverse('agendas:agenda')}?date={day.isoformat()}"


def _initial_of(ev: Evenement) -> dict:
    debut, fin = timezone.localtime(ev.debut), timezone.localtime(ev.fin)
    return {
        "dispositif": ev.dispositif_id,
        "nature": ev.nature_id,
        "titre": ev.titre,
        "modalite": ev.modalite,
        "lieu_type": ev.lieu_type,
        "site": ev.site_id,
        "lieu_detail": ev.lieu_detail,
        "partenaire": ev.partenaire_id,
        "jeunes": [p.jeune_id for p in ev.participations_jeunes.all()],
        "professionnels": [p.user_id for p in ev.participations_professionnels.all()],
        "ressources": [r.ressource_id for r in ev.reservations.all()],
        "visible_famille": ev.visible_famille,
        "commentaire": ev.commentaire,
        "date": debut.date(),
        "heure_debut": debut.time(),
        "heure_fin": fin.time(),
        "portee": PORTEE_OCCURRENCE,
    }


def _changes(ev: Evenement, form) -> dict:
    """Only what the user changed (a whole-series edit must not rewrite untouched fields of the occurrences)."""
    initial = _initial_of(ev)
    new = form.service_kwargs()
    changes = {}
    for name in ("nature", "titre", "modalite", "lieu_type", "site", "lieu_detail", "partenaire", "visible_famille",
                 "commentaire"):  # fmt: skip
        before, after = initial[name], new[name]
        if getattr(after, "pk", after) != before:
            changes[name] = after
    for name in PARTICIPANT_FIELDS:
        if {o.pk for o in new[name]} != set(initial[name]):
            changes[name] = [o.pk for o in new[name]]
    if new["debut"] != ev.debut or new["fin"] != ev.fin:
        changes["debut"], changes["fin"] = new["debut"], new["fin"]
    return changes


@require_http_methods(["GET", "POST"])
@agenda_required
def evenement_modifier(request, pk):
    """Edit an event; for an occurrence of a series, the scope: this one, this one and the following, the whole
    series (``occurrence_modifier``)."""
    ev = _get_evenement(request, pk, write=True)
    dispositifs = Dispositif.objects.filter(pk=ev.dispositif_id)
    kwargs = {"dispositifs": dispositifs, "organisme_id": ev.organisme_id, "serie": ev.serie}
    if request.method == "POST":
        form = EvenementForm(request.POST, initial=_initial_of(ev), **kwargs)
    else:
        form = EvenementForm(initial=_initial_of(ev), **kwargs)
    form.fields["dispositif"].disabled = True

    def save(f):
        changes = _changes(ev, f)
        if not changes:
            messages.info(request, "Aucune modification.")
            return reverse("agendas:evenement", args=[ev.pk])
        if ev.serie_id:
            saved = occurrence_modifier(
                evenement=ev, scope=f.cleaned_data["portee"], actor=request.user, request=request, **changes
            )
        else:
            from agendas.services.evenements import evenement_update

            saved = evenement_update(evenement=ev, actor=request.user, request=request, **changes)
        messages.success(request, "Événement modifié." if not ev.serie_id else _message_portee(f))
        return reverse("agendas:evenement", args=[saved.pk])

    def conflicts_of(f):
        d = f.cleaned_data
        return conflits_for(
            request.access,
            debut=d["debut"], fin=d["fin"], jeunes=d["jeunes"],
            professionnels=d["professionnels"], ressources=d["ressources"], exclude=[ev.pk],
        )  # fmt: skip

    response, conflits = _save_with_warnings(request, form, save, conflicts_of=conflicts_of)
    if response:
        return response
    context = {"form": form, "conflits": conflits, "titre": "Modifier l'événement", "evenement": ev,
               "participant_fields": [form[name] for name in PARTICIPANT_FIELDS]}  # fmt: skip
    return render(request, "agendas/evenements/form.html", context, status=422 if form.errors else 200)


def _message_portee(form) -> str:
    return {
        "cette": "Cet événement a été modifié (les autres occurrences de la série restent inchangées).",
        "suivantes": "Cet événement et les suivants ont été modifiés.",
        "toutes": "Toute la série a été modifiée (les occurrences déjà réalisées restent inchangées).",
    }[form.cleaned_data["portee"]]


@require_POST
@agenda_required
def evenement_annuler(request, pk):
    """Cancel one event (an occurrence stays cancelled: the series never recreates it)."""
    ev = _get_evenement(request, pk, write=True)
    try:
        if ev.serie_id:
            occurrence_annuler(evenement=ev, actor=request.user, request=request)
        else:
            evenement_set_statut(evenement=ev, statut=StatutEvenement.ANNULE, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Événement annulé.")
    return redirect("agendas:evenement", pk=ev.pk)


@require_POST
@agenda_required
def evenement_statut(request, pk):
    """Mark one event realised, or back to planned (to correct a mistake)."""
    ev = _get_evenement(request, pk, write=True)
    statut = request.POST.get("statut")
    if statut not in (StatutEvenement.REALISE, StatutEvenement.PREVU):
        messages.error(request, "Statut inconnu.")
        return redirect("agendas:evenement", pk=ev.pk)
    try:
        evenement_set_statut(evenement=ev, statut=statut, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "Événement marqué réalisé." if statut == StatutEvenement.REALISE else "Événement remis à « prévu ».",
        )
    return redirect("agendas:evenement", pk=ev.pk)


# --- Series ----------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@agenda_required
def serie_nouvelle(request):
    """A weekly schedule (days, times, from/to dates, closures skipped) for youths, professionals, resources; its
    occurrences are generated as events."""
    dispositifs = writable_dispositifs(request.access)
    if not dispositifs:
        raise PermissionDenied
    organisme_id = request.access.organisme_id
    if request.method == "POST":
        form = SerieForm(request.POST, dispositifs=dispositifs, organisme_id=organisme_id)
    else:
        initial = _initial_from_query(request, list(dispositifs))
        form = SerieForm(initial=initial, dispositifs=dispositifs, organisme_id=organisme_id)
    _hx_refresh(form, reverse("agendas:serie_nouvelle"))

    def save(f):
        serie = serie_create(**f.service_kwargs(), actor=request.user, request=request)
        messages.success(request, f"Série « {serie} » enregistrée : ses occurrences sont dans l'agenda.")
        return f"{reverse('agendas:agenda')}?date={timezone.localtime(serie.debut).date().isoformat()}"

    def conflicts_of(f):
        d = f.cleaned_data
        # The first occurrence is checked (the following ones repeat it week after week).
        return conflits_for(
            request.access,
            debut=d["debut"], fin=d["debut"] + d["duree"], jeunes=d["jeunes"],
            professionnels=d["professionnels"], ressources=d["ressources"],
        )  # fmt: skip

    response, conflits = _save_with_warnings(request, form, save, conflicts_of=conflicts_of)
    if response:
        return response
    context = {"form": form, "conflits": conflits, "titre": "Nouvelle série (emploi du temps)", "evenement": None,
               "participant_fields": [form[name] for name in PARTICIPANT_FIELDS]}  # fmt: skip
    return render(request, "agendas/evenements/serie_form.html", context, status=422 if form.errors else 200)
