"""Absences declared on the portal (issue Portail famille §6): the form and the account's own declarations with
their status. A professional takes them into account on the staff absences page (``agendas:absence_list``),
which marks the youth's participations ``absent_prevu``."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.views.administration.common import add_service_errors
from portail_famille.forms import AbsenceForm
from portail_famille.perms import absences_declarees
from portail_famille.services.famille import absence_declarer_famille
from portail_famille.views.base import jeune_page


@require_http_methods(["GET", "POST"])
@jeune_page("declarer_absences")
def absences(request, acces):
    form = AbsenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and "debut" in form.cleaned_data:
        try:
            absence_declarer_famille(
                acces=acces, actor=request.user, debut=form.cleaned_data["debut"], fin=form.cleaned_data["fin"],
                motif=form.cleaned_data["motif"], commentaire=form.cleaned_data["commentaire"], request=request,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Absence envoyée. L'équipe va la prendre en compte.")
            return redirect("portail:absences", jeune_id=acces.jeune_id)
    declarations = list(absences_declarees(request.user, acces.jeune_id).order_by("-debut")[:50])
    for absence in declarations:
        debut, fin = timezone.localtime(absence.debut), timezone.localtime(absence.fin)
        absence.journees = debut.time() == fin.time() == datetime.time.min  # whole days
        absence.dernier_jour = (fin - datetime.timedelta(minutes=1)).date() if absence.journees else fin.date()
    context = {"acces": acces, "form": form, "declarations": declarations}
    return render(request, "portail_famille/absences.html", context)
