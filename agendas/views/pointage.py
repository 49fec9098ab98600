"""The pointage screen: for a day and a group (a site/unit, or my events), the day's events with their youths;
mark them done and tick presences for the whole group in few actions.

Every youth is pre-set to *présent* (or to the absence already known, e.g. a planned absence declared by the
family). One click toggles a youth to absent for all their events of the day (``absent_imprevu``, motif optional;
a *details* disclosure sets a presence event by event for a youth who left at noon). One "Valider la journée"
button marks the ticked events realised and saves the presences: **2 actions (choose the day/group, validate) +
1 per absent youth**. Works without JavaScript (a plain form) and with HTMX (the section is swapped in place).

Queries: the page runs a constant number of queries whatever the number of events and youths. Validating calls
``presences_set_bulk`` once for the events whose presences change, then ``evenements_marquer_realises`` once.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods

from agendas.enums import Cadre, MotifAbsence, Presence, StatutEvenement
from agendas.forms.evenements import PointageFiltreForm
from agendas.perms import can_write_evenement
from agendas.services.evenements import evenements_marquer_realises, presences_set_bulk
from agendas.views.agenda import (
    Scope,
    agenda_required,
    day_bounds,
    filter_scope,
    jour_long,
    mark_readable_youths,
    parse_date,
    visible_evenements,
    with_participants,
)
from core.models import Site

ABSENCES = (Presence.ABSENT_PREVU, Presence.ABSENT_IMPREVU)


@dataclass
class LigneJeune:
    """One youth of the day: their participations in the day's direct events of the group."""

    jeune: object
    participations: list = field(default_factory=list)  # (evenement, participation)

    @property
    def absent(self) -> bool:
        return bool(self.participations) and all(p.presence in ABSENCES for _, p in self.participations)

    @property
    def motif(self) -> str:
        return next((p.motif_absence for _, p in self.participations if p.motif_absence), "")

    @property
    def partiel(self) -> bool:
        """Present at some events and absent at others: the detail is opened."""
        states = {p.presence in ABSENCES for _, p in self.participations}
        return len(states) > 1


def _group(request, sites, value) -> Scope:
    kind, _, pk = (value or "").partition(":")
    if kind == "site":
        site = next((s for s in sites if str(s.pk) == pk), None)
        if site is None:  # another organisme's site, or one of a dispositif the user does not work in
            raise Http404
        return Scope("site", site, site.nom)
    return Scope("pro", request.user, "Mes événements")


def _day_events(request, scope, day):
    start, end = day_bounds(day, day)
    qs = filter_scope(visible_evenements(request.access), scope).entre(start, end)
    qs = qs.exclude(statut=StatutEvenement.ANNULE).order_by("debut", "pk")
    evenements = list(with_participants(qs))
    mark_readable_youths(request.access, evenements)
    return evenements


def _lignes(evenements) -> list[LigneJeune]:
    lignes: dict[int, LigneJeune] = {}
    for ev in evenements:
        if ev.cadre != Cadre.DIRECT:
            continue
        for p in ev.participations_jeunes.all():
            if not p.lisible:
                continue
            lignes.setdefault(p.jeune_id, LigneJeune(p.jeune)).participations.append((ev, p))
    return sorted(lignes.values(), key=lambda ligne: (ligne.jeune.nom.lower(), ligne.jeune.prenom.lower()))


def _wanted(post, ligne: LigneJeune) -> dict:
    """{participation pk: (presence, motif)} asked by the form for one youth."""
    day_absent = post.get(f"absent-{ligne.jeune.pk}") == "1"
    motif = post.get(f"motif-{ligne.jeune.pk}", "")
    if motif not in MotifAbsence.values:
        motif = ""
    wanted = {}
    for _, p in ligne.participations:
        explicit = post.get(f"presence-{p.pk}", "")
        if explicit in Presence.values:
            presence = explicit
        elif day_absent:
            # A planned absence already recorded stays "prévue"; a new one is "imprévue".
            presence = p.presence if p.presence in ABSENCES else Presence.ABSENT_IMPREVU
        else:
            presence = Presence.PRESENT
        wanted[p.pk] = (presence, (motif or p.motif_absence) if presence in ABSENCES else "")
    return wanted


def _valider(request, evenements, lignes) -> tuple[int, int]:
    """Save the presences then mark the ticked events realised. Returns (events realised, presences changed)."""
    writable = {ev.pk for ev in evenements if can_write_evenement(request.access, ev)}
    if not writable:
        raise PermissionDenied
    a_realiser = {int(v) for v in request.POST.getlist("realiser") if v.isdigit()} & writable
    pointes = {ev.pk for ev in evenements if ev.statut == StatutEvenement.REALISE} | a_realiser
    by_event: dict[int, dict] = {}
    for ligne in lignes:
        wanted = _wanted(request.POST, ligne)
        for ev, p in ligne.participations:
            if ev.pk in pointes and ev.pk in writable and wanted[p.pk] != (p.presence, p.motif_absence):
                by_event.setdefault(ev.pk, {})[p.jeune_id] = wanted[p.pk]
    events = {ev.pk: ev for ev in evenements}
    changed = presences_set_bulk(
        presences_par_evenement={events[pk]: presences for pk, presences in by_event.items()},
        actor=request.user,
        request=request,
    )
    realised = evenements_marquer_realises(evenements=sorted(a_realiser), actor=request.user, request=request)
    return realised, changed


@require_http_methods(["GET", "POST"])
@agenda_required
def pointage(request):
    access = request.access
    sites = list(
        Site.objects.filter(organisme_id=access.organisme_id, is_active=True)
        .filter(**({} if access.sees_all_dispositifs else {"dispositif_id__in": access.dispositif_ids}))
        .order_by("nom")
    )
    params = request.POST if request.method == "POST" else request.GET
    filtre = PointageFiltreForm(params, sites=sites)
    filtre.is_valid()
    day = parse_date(params.get("date"), timezone.localdate())
    groupe = params.get("groupe", "")
    scope = _group(request, sites, groupe)
    evenements = _day_events(request, scope, day)
    lignes = _lignes(evenements)
    if request.method == "POST":
        try:
            realised, changed = _valider(request, evenements, lignes)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            s_ev, s_pr = ("s" if realised > 1 else ""), ("s" if changed > 1 else "")
            messages.success(
                request,
                f"Journée validée : {realised} événement{s_ev} marqué{s_ev} réalisé{s_ev}, "
                f"{changed} présence{s_pr} modifiée{s_pr}.",
            )
        url = f"{reverse('agendas:pointage')}?date={day.isoformat()}&groupe={groupe}"
        if not request.htmx:
            return redirect(url)
        # HTMX: re-read and render the section with the message (same URL for the history).
        evenements = _day_events(request, scope, day)
        lignes = _lignes(evenements)
    context = {
        "filtre": filtre,
        "day": day,
        "jour": jour_long(day),
        "groupe": groupe,
        "scope": scope,
        "evenements": evenements,
        "lignes": lignes,
        "can_write": any(can_write_evenement(access, ev) for ev in evenements),
        "a_pointer": any(ev.statut == StatutEvenement.PREVU for ev in evenements),
        "motifs": MotifAbsence.choices,
        "presences": Presence.choices,
        "veille": (day - datetime.timedelta(days=1)).isoformat(),
        "lendemain": (day + datetime.timedelta(days=1)).isoformat(),
    }
    partial = bool(request.htmx and not request.htmx.boosted)
    context["partial"] = partial
    response = render(
        request, "agendas/pointage/_journee.html" if partial else "agendas/pointage/pointage.html", context
    )
    patch_vary_headers(response, ["HX-Request"])
    return response
