"""Pages of the AIRe facts: the parameters of a dispositif (current version, history; the direction creates a new
version) and the anomalies of a period (pairs without a valid parcours period, with links to fix them).

Access (``activite.perms``): direction and chefs de service of the dispositif read; the direction (writing role)
creates a version. Others → 403; another organisme's dispositif → 404; family and youth accounts → 404 (tenancy
wall).
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from activite.forms.parametres import ParametresForm
from activite.models import AnomalieActivite
from activite.perms import can_edit_parametres
from activite.services.aire import lundis_de_la_periode
from activite.services.faits import faits_a_jour
from activite.services.parametres import parametres_courants, parametres_historique, parametres_modifier
from activite.views.communs import dispositif_demande, exiger_activite, periode_demandee
from dossiers.models import Dossier


@require_http_methods(["GET", "POST"])
def parametres(request, dispositif_pk=None):
    dispositifs = exiger_activite(request)
    dispositif = dispositif_demande(request, dispositifs, dispositif_pk or request.GET.get("dispositif"))
    courant = parametres_courants(dispositif)
    peut_modifier = can_edit_parametres(request.access, dispositif.pk)
    form = ParametresForm(initial=ParametresForm.initial_from(courant))
    if request.method == "POST":
        if not peut_modifier:
            raise PermissionDenied
        form = ParametresForm(request.POST)
        if form.is_valid():
            try:
                nouveau = parametres_modifier(
                    dispositif=dispositif, actor=request.user, request=request,
                    suivi_post_sortie_annees=form.cleaned_data["suivi_post_sortie_annees"],
                    bornes_intensite=form.bornes(), coupure_demi_journee=form.cleaned_data["coupure_demi_journee"],
                )  # fmt: skip
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    target = field if field in form.fields else None
                    for error in errors:
                        form.add_error(target if field != "bornes_intensite" else "borne_1", error)
            else:
                messages.success(
                    request,
                    f"Version {nouveau.version} des paramètres enregistrée : les faits d'activité du dispositif "
                    "sont recalculés.",
                )
                return redirect("activite:parametres", dispositif_pk=dispositif.pk)
    return render(
        request,
        "activite/tables/parametres.html",
        {
            "dispositif": dispositif, "dispositifs": dispositifs, "courant": courant,
            "historique": parametres_historique(dispositif), "form": form, "peut_modifier": peut_modifier,
        },
    )  # fmt: skip


def anomalies(request, dispositif_pk=None):
    dispositifs = exiger_activite(request)
    dispositif = dispositif_demande(request, dispositifs, dispositif_pk or request.GET.get("dispositif"))
    periode = periode_demandee(request.GET, timezone.localdate())
    lundis = lundis_de_la_periode(periode["debut"], periode["fin"])
    rows = []
    if lundis:
        faits_a_jour(dispositif, lundis)
        dossier = Dossier.objects.filter(jeune_id=OuterRef("jeune_id"), dispositif_id=OuterRef("dispositif_id"))
        rows = list(
            AnomalieActivite.objects.filter(dispositif=dispositif, lundi__gte=lundis[0], lundi__lte=lundis[-1])
            .select_related("jeune", "evenement", "evenement__nature")
            .annotate(dossier_pk=Subquery(dossier.values("pk")[:1]))
            .order_by("evenement__debut", "evenement_id", "jeune__nom_naissance")
        )
    return render(
        request,
        "activite/tables/anomalies.html",
        {
            "dispositif": dispositif, "dispositifs": dispositifs, "periode": periode, "anomalies": rows,
            "premier_lundi": lundis[0] if lundis else None,
            "dernier_dimanche": lundis[-1] + datetime.timedelta(days=6) if lundis else None,
            "url_tableau": reverse("activite:tableau"),
        },
    )  # fmt: skip
