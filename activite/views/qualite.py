"""Quality indicators pages for the HAS evaluation: ``activite:qualite`` (the figures of a dispositif over a period,
default the last 12 months, each explained, with links to the rows behind them) and ``activite:qualite_detail``.

Same access as the other activity pages (``activite.perms.can_view_activite``; another organisme → 404, no right →
403, family and youth accounts → 404). Constant number of queries whatever the number of rows (tests). The lists
show names, dates and states only — no clinical content (adverse events: date, gravity, status, delay).
"""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from activite.services import qualite as service
from activite.views.communs import date_param, dispositif_demande, exiger_activite

DEFINITIONS = {
    "ppa": "Jeunes accompagnés le dernier jour de la période dont le PPA est à jour ce jour-là : une version validée "
    "ou en cours dont l'échéance de révision (12 mois après la validation ou la dernière révision, ou la date de "
    "révision prévue ou demandée si elle vient avant) n'est pas dépassée, ou pas encore de PPA mais moins de 6 mois "
    "depuis l'admission. Calculé sur l'état actuel des PPA : exact pour une période qui finit aujourd'hui.",
    "revisions": "Jeunes accompagnés dont le PPA en vigueur a dépassé son échéance de révision à la fin de la "
    "période.",
    "premiers": "Jeunes accompagnés sans PPA validé plus de 6 mois après leur admission.",
    "contrats": "Admissions de la période (débuts de période « accompagné ») : contrat de séjour ou DIPC remis au "
    "plus tard 15 jours après l'admission, signé au plus tard un mois après.",
    "ei": "Événements indésirables du dispositif déclarés dans la période, clos dans la période (délai entre la "
    "déclaration et la clôture : moyenne et médiane), et ouverts à la fin de la période.",
    "transmissions": "Transmissions validées du dispositif, survenues dans la période, qui nomment au moins un jeune "
    "accompagné pendant la période : par jeune (transmissions le nommant), par semaine (nombre de jours / 7).",
}

DETAILS = {
    "ppa": "PPA des jeunes accompagnés",
    "ppa_a_jour": "PPA à jour",
    "ppa_pas_a_jour": "PPA pas à jour",
    "revisions": "Révisions de PPA en retard",
    "premiers": "Premiers PPA en retard",
    "contrats": "Admissions et contrats de séjour",
    "contrats_remis_en_retard": "Contrats remis en retard ou non remis",
    "contrats_signes_en_retard": "Contrats signés en retard ou non signés",
    "ei_declares": "Événements indésirables déclarés",
    "ei_clos": "Événements indésirables clos",
    "ei_en_cours": "Événements indésirables ouverts à la fin de la période",
    "transmissions": "Transmissions par jeune",
}


# Drill-down -> the definition it shows.
DEFINITION_DE = {
    "ppa_a_jour": "ppa", "ppa_pas_a_jour": "ppa", "contrats_remis_en_retard": "contrats",
    "contrats_signes_en_retard": "contrats", "ei_declares": "ei", "ei_clos": "ei", "ei_en_cours": "ei",
}  # fmt: skip


def periode_demandee(params) -> tuple:
    debut, fin = date_param(params.get("debut")), date_param(params.get("fin"))
    if debut and fin:
        if debut > fin or (fin - debut).days > 366 * 5:
            raise Http404
        return debut, fin
    return service.periode_par_defaut(timezone.localdate())


def detail_url(dispositif, debut, fin, indicateur) -> str:
    query = {"dispositif": dispositif.pk, "debut": debut.isoformat(), "fin": fin.isoformat(), "indicateur": indicateur}
    return f"{reverse('activite:qualite_detail')}?{urlencode(query)}"


@require_GET
def qualite(request):
    dispositifs = exiger_activite(request)
    dispositif = dispositif_demande(request, dispositifs, request.GET.get("dispositif"))
    debut, fin = periode_demandee(request.GET)
    detail = service.detail_qualite(dispositif, debut, fin)

    def lien(indicateur):
        return detail_url(dispositif, debut, fin, indicateur)

    context = {
        "dispositifs": dispositifs,
        "dispositif": dispositif,
        "debut": debut,
        "fin": fin,
        "i": detail.indicateurs,
        "definitions": DEFINITIONS,
        "liens": {k: lien(k) for k in DETAILS},
        "semaines": sorted(detail.transmissions_par_semaine.items()),
        "formats": [("pdf", "PDF"), ("xlsx", "XLSX"), ("csv", "CSV")],
    }
    return render(request, "activite/qualite/index.html", context)


@require_GET
def qualite_detail(request):
    dispositifs = exiger_activite(request)
    dispositif = dispositif_demande(request, dispositifs, request.GET.get("dispositif"))
    debut, fin = periode_demandee(request.GET)
    indicateur = request.GET.get("indicateur", "")
    if indicateur not in DETAILS:
        raise Http404
    detail = service.detail_qualite(dispositif, debut, fin)
    genre, lignes = "", []
    if indicateur in ("ppa", "ppa_a_jour", "ppa_pas_a_jour", "revisions", "premiers"):
        genre = "ppa"
        lignes = {
            "ppa": detail.lignes_ppa,
            "ppa_a_jour": detail.ppa_a_jour,
            "ppa_pas_a_jour": detail.ppa_pas_a_jour,
            "revisions": detail.revisions_en_retard,
            "premiers": detail.premiers_ppa_en_retard,
        }[indicateur]
    elif indicateur.startswith("contrats"):
        genre = "contrats"
        lignes = {
            "contrats": detail.contrats,
            "contrats_remis_en_retard": [c for c in detail.contrats if not c.remis_a_temps],
            "contrats_signes_en_retard": [c for c in detail.contrats if not c.signe_a_temps],
        }[indicateur]
    elif indicateur.startswith("ei_"):
        genre = "ei"
        evenements = {"ei_declares": detail.ei_declares, "ei_clos": detail.ei_clos, "ei_en_cours": detail.ei_en_cours}
        lignes = [
            {"ei": e, "delai": service.delai_cloture_jours(e) if e.cloture_le else None}
            for e in evenements[indicateur]
        ]
    else:
        genre = "transmissions"
        lignes = [{"jeune": j, "n": detail.transmissions_par_jeune.get(j.pk, 0)} for j in detail.jeunes]
    context = {
        "dispositif": dispositif,
        "debut": debut,
        "fin": fin,
        "titre": DETAILS[indicateur],
        "genre": genre,
        "lignes": lignes,
        "definition": DEFINITIONS[DEFINITION_DE.get(indicateur, indicateur)],
        "retour": f"{reverse('activite:qualite')}?"
        + urlencode({"dispositif": dispositif.pk, "debut": debut.isoformat(), "fin": fin.isoformat()}),
    }  # fmt: skip
    return render(request, "activite/qualite/detail.html", context)
