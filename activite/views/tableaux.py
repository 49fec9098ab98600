"""Dashboard of the activity (``activite:tableau``) and its drill-down (``activite:detail``: the youths, youth-weeks
or events behind a figure; ``activite:semaine``: the counted events of one youth-week).

Every figure shown is the AIRe table of the period (``table_aire``) or its split per month, and links to the rows
behind it. Constant number of queries whatever the number of youths or events (tests). Reading a youth-week's
events is audited (READ on the youth's dossier).
"""

import datetime
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from activite import charts
from activite.enums import StatutRapport
from activite.exports import libelles as L
from activite.models import Rapport
from activite.services import tableau as service
from activite.views.communs import (
    date_param,
    dispositif_demande,
    exiger_activite,
    periode_demandee,
    trimestre_precedent_bornes,
)
from core.enums import AuditAction
from core.services.audit import audit_record

PAGE = 100


def detail_url(dispositif, debut, fin, indicateur, valeur="") -> str:
    query = {"dispositif": dispositif.pk, "debut": debut.isoformat(), "fin": fin.isoformat(), "indicateur": indicateur}
    if valeur:
        query["valeur"] = valeur
    return f"{reverse('activite:detail')}?{urlencode(query)}"


def _lignes(dispositif, debut, fin, indicateur, donnees: dict, libelles: dict, total=None) -> list[dict]:
    lignes = [
        {"libelle": libelles[k], "code": k, "valeur": donnees.get(k, 0),
         "lien": detail_url(dispositif, debut, fin, indicateur, k)}
        for k in libelles
    ]  # fmt: skip
    if total is not None:
        lignes.append({"libelle": "Total", "valeur": total, "total": True, "lien": ""})
    return lignes


@require_GET
def tableau(request):
    dispositifs = exiger_activite(request)
    dispositif = dispositif_demande(request, dispositifs, request.GET.get("dispositif"))
    aujourd_hui = timezone.localdate()
    periode = periode_demandee(request.GET, aujourd_hui)
    debut, fin = periode["debut"], periode["fin"]
    donnees = service.tableau_de_bord(dispositif, debut, fin)
    aire, series = donnees["aire"], donnees["series"]
    fa, sj, vol, appui = aire["file_active"], aire["semaines_jeune"], aire["volumes"], aire["appui_ressources"]

    def lien(indicateur, valeur=""):
        return detail_url(dispositif, debut, fin, indicateur, valeur)

    mois = [
        {
            "libelle": service.libelle_mois(m, court=False),
            "file_active": series["file_active"][i],
            "lien_file_active": lien("mois", m.strftime("%Y-%m")),
            "semaines": series["semaines"][i],
            "journees_realisees": series["journees_realisees"][i],
            "journees_financees": series["journees_financees"][i],
            "actes": series["actes_ambulatoires"][i],
            "nuitees": series["nuitees"][i],
        }
        for i, m in enumerate(series["mois"])
    ]
    etiquettes = series["etiquettes"]
    graphiques = {
        "file_active": charts.courbe("File active par mois (jeunes distincts)", etiquettes,
                                     [("File active", series["file_active"])], ident="g-file-active"),
        "combinaisons": charts.barres_empilees(
            "Semaines-jeune par mois et combinaison de modalités", etiquettes,
            [(L.COMBINAISONS.get(k, k), v) for k, v in series["par_combinaison"].items()], ident="g-combinaisons"),
        "intensite": charts.barres("Semaines-jeune par tranche d'heures directes",
                                   [(L.INTENSITES[k], sj["par_intensite"].get(k, 0)) for k in L.INTENSITES],
                                   ident="g-intensite"),
        "journees": charts.courbe("Journées réalisées et financées par mois", etiquettes,
                                  [("Journées réalisées", series["journees_realisees"]),
                                   ("Journées financées", series["journees_financees"])], ident="g-journees"),
        "actes": charts.barres("Actes ambulatoires par mois",
                               list(zip(etiquettes, series["actes_ambulatoires"], strict=True)), ident="g-actes"),
        "appui": charts.barres("Interventions d'appui-ressources par type de partenaire",
                               [(L.libelle(k, L.TYPES_PARTENAIRE), v)
                                for k, v in appui["par_type_partenaire"].items()], ident="g-appui"),
        "statuts": charts.barres("File active par statut",
                                 [(L.STATUTS[k], fa.get(k, 0)) for k in L.STATUTS if k != "total"], ident="g-statuts"),
    }  # fmt: skip
    precedent = trimestre_precedent_bornes(aujourd_hui)
    rapports = list(
        Rapport.objects.filter(dispositif=dispositif).select_related("demande_par").order_by("-demande_le")[:5]
    )
    context = {
        "dispositifs": dispositifs,
        "dispositif": dispositif,
        "periode": periode,
        "periode_libelle": service.libelle_periode(debut, fin),
        "annees": list(range(aujourd_hui.year, aujourd_hui.year - 6, -1)),
        "trimestres": [(t, f"{t}{'er' if t == 1 else 'e'} trimestre") for t in range(1, 5)],
        "aire": aire,
        "graphiques": graphiques,
        "mois": mois,
        "totaux_mois": {
            "semaines": sj["total"],
            "journees_realisees": vol["journees"],
            "journees_financees": round(sum(series["journees_financees"]), 1),
            "actes": vol["actes_ambulatoires"],
            "nuitees": vol["nuitees"],
        },
        "chiffres": [
            {"libelle": "File active", "valeur": fa["total"], "unite": "jeunes", "lien": lien("file_active", "total")},
            {"libelle": "Semaines-jeune", "valeur": sj["total"], "unite": "", "lien": lien("semaines")},
            {
                "libelle": "Journées réalisées",
                "valeur": vol["journees"],
                "unite": "",
                "lien": lien("volume", "journees"),
            },
            {
                "libelle": "Actes ambulatoires",
                "valeur": vol["actes_ambulatoires"],
                "unite": "",
                "lien": lien("volume", "actes_ambulatoires"),
            },
            {
                "libelle": "Jeunes multi-modalités",
                "valeur": aire["jeunes_multi_modalites"],
                "unite": "",
                "lien": lien("multi_modalites"),
            },
            {
                "libelle": "Situations complexes",
                "valeur": aire["situations_complexes"],
                "unite": "",
                "lien": lien("situations_complexes"),
            },
            {
                "libelle": "Appui-ressources",
                "valeur": appui["interventions"],
                "unite": "interventions",
                "lien": lien("appui"),
            },
        ],  # fmt: skip
        "statuts": _lignes(dispositif, debut, fin, "file_active", fa, {k: L.STATUTS[k] for k in L.STATUTS}),
        "combinaisons": _lignes(
            dispositif, debut, fin, "combinaison", sj["par_combinaison"], L.COMBINAISONS, total=sj["total"]
        ),  # fmt: skip
        "intensites": _lignes(dispositif, debut, fin, "intensite", sj["par_intensite"], L.INTENSITES),
        "volumes": _lignes(dispositif, debut, fin, "volume", vol, L.VOLUMES),
        "appui_types": _lignes(dispositif, debut, fin, "appui", appui["par_type_partenaire"], L.TYPES_PARTENAIRE),
        "appui": appui,
        "anomalies": len(aire.get("anomalies", [])),
        "precedent": {
            "debut": precedent[0],
            "fin": precedent[1],
            "libelle": service.libelle_periode(*precedent),
        },  # fmt: skip
        "rapports": rapports,
        "rapports_en_cours": any(r.statut in (StatutRapport.EN_ATTENTE, StatutRapport.EN_COURS) for r in rapports),
        "peut_narratif": request.access.is_direction,
    }
    return render(request, "activite/tableau/index.html", context)


@require_GET
def detail(request):
    """The rows behind one figure: youths, youth-weeks or appui-ressources events of the period."""
    dispositifs = exiger_activite(request)
    dispositif = dispositif_demande(request, dispositifs, request.GET.get("dispositif"))
    debut, fin = date_param(request.GET.get("debut")), date_param(request.GET.get("fin"))
    if not debut or not fin or debut > fin or (fin - debut).days > 366 * 2:
        raise Http404
    indicateur, valeur = request.GET.get("indicateur", ""), request.GET.get("valeur", "")
    if indicateur not in service.INDICATEURS and indicateur != "semaines":
        raise Http404
    context = {
        "dispositif": dispositif,
        "debut": debut,
        "fin": fin,
        "periode_libelle": service.libelle_periode(debut, fin),
        "titre": service.libelle_detail(indicateur, valeur) if indicateur != "semaines" else "Semaines-jeune",
        "retour": f"{reverse('activite:tableau')}?"
        + urlencode({"dispositif": dispositif.pk, "debut": debut.isoformat(), "fin": fin.isoformat()}),
        "genre": "",
    }
    semaines = service.semaines_detail(dispositif, debut, fin, indicateur, valeur)
    if semaines is not None:
        page = Paginator(semaines, PAGE).get_page(request.GET.get("page"))
        context.update(genre="semaines", page=page, lignes=[_ligne_semaine(f) for f in page.object_list])
    elif indicateur == "appui":
        evenements = service.evenements_appui(dispositif, debut, fin, valeur)
        page = Paginator(evenements, PAGE).get_page(request.GET.get("page"))
        lignes = list(page.object_list)
        for evenement in lignes:
            evenement.duree_heures = round((evenement.fin - evenement.debut).total_seconds() / 3600, 2)
        context.update(genre="appui", page=page, lignes=lignes)
    else:
        jeunes = service.jeunes_detail(dispositif, debut, fin, indicateur, valeur)
        page = Paginator(jeunes, PAGE).get_page(request.GET.get("page"))
        context.update(genre="jeunes", page=page, lignes=list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    context["query"] = query.urlencode()
    return render(request, "activite/tableau/detail.html", context)


def _ligne_semaine(fait) -> dict:
    return {
        "fait": fait,
        "jeune": fait.jeune,
        "dossier_id": fait.dossier_id,
        "dimanche": fait.lundi + datetime.timedelta(days=6),
        "combinaison": L.COMBINAISONS.get(fait.combinaison, fait.combinaison),
        "heures_directes": round(fait.secondes_directes / 3600, 2),
        "heures_indirectes": round(fait.secondes_indirectes / 3600, 2),
        "journees": fait.demi_journees / 2,
        "lien": reverse("activite:semaine", args=[fait.dispositif_id, fait.jeune_id, fait.lundi.isoformat()]),
    }


@require_GET
def semaine(request, dispositif_pk: int, jeune_pk: int, lundi: str):
    """The counted events of one youth-week (``evenements_comptes``), with the youth's presence; audited READ."""
    from activite.services.aire import evenements_comptes
    from dossiers.models import Dossier

    dispositifs = exiger_activite(request)
    dispositif = dispositif_demande(request, dispositifs, dispositif_pk)
    jour = date_param(lundi)
    if jour is None or jour.weekday() != 0:
        raise Http404
    dossier = Dossier.objects.select_related("jeune").filter(dispositif=dispositif, jeune_id=jeune_pk).first()
    if dossier is None:
        raise Http404
    evenements = list(evenements_comptes(dispositif, jeune_pk, jour))
    from activite.models import FaitSemaine

    fait = FaitSemaine.objects.filter(dispositif=dispositif, jeune_id=jeune_pk, lundi=jour).first()
    audit_record(
        actor=request.user, action=AuditAction.READ, record=dossier, request=request,
        details={"activite": "semaine-jeune", "lundi": jour.isoformat()},
    )  # fmt: skip
    context = {
        "dispositif": dispositif,
        "dossier": dossier,
        "jeune": dossier.jeune,
        "lundi": jour,
        "dimanche": jour + datetime.timedelta(days=6),
        "fait": _ligne_semaine(_avec_dossier_id(fait, dossier)) if fait else None,
        "evenements": evenements,
    }
    return render(request, "activite/tableau/semaine.html", context)


def _avec_dossier_id(fait, dossier):
    fait.dossier_id = dossier.pk
    return fait
