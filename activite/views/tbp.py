"""TBP indicators pages (DOMAIN §8.2): ``activite:tbp`` (the figures of a dispositif and a year, each with its
definition and a link to the rows behind it), ``activite:tbp_detail`` (the youths behind one figure) and
``activite:tbp_parametres`` (places financées and days of operation of a year, edited by the direction).

Who: ``activite.perms.can_view_activite`` (direction — every dispositif —, chefs de service — theirs —, read-only
roles included); another organisme's dispositif → 404, a professional without the right → 403, family and youth
accounts never get here (tenancy wall → 404). The yearly parameters are written by the direction (writing role).
Every page runs a constant number of queries whatever the number of youths and events (tests).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from activite.exports import libelles as L
from activite.perms import can_edit_parametres
from activite.services import tbp as service
from activite.views.communs import dispositif_demande, exiger_activite
from core.models import DispositifAnnee

# What each figure means, for the reader (the rules of DOMAIN §8.2, in French; the code's docstrings are the same).
DEFINITIONS = {
    "journees_realisees": "Demi-journées (matin avant l'heure de coupure, après-midi après) où le jeune a participé, "
    "présent, à une prestation directe réalisée en internat ou en accueil de jour (nuitées exclues), comptées 0,5 "
    "chacune, au plus 1 par jeune et par date ; dates civiles de l'année, jeunes avec une période de parcours "
    "couvrant la date.",
    "journees_financees": "(Places financées en internat + en accueil de jour) × jours d'ouverture de l'année.",
    "taux_realisation_activite": "100 × journées réalisées / journées financées (vide sans journée financée).",
    "actes_ambulatoires": "Participations d'un jeune présent à une prestation directe réalisée en ambulatoire, dates "
    "civiles de l'année.",
    "effectif_31_12": "Jeunes accompagnés le 31 décembre et après (une sortie le 31/12 est une sortie de l'année).",
    "entrees": "Périodes « accompagné » commençant dans l'année (admissions).",
    "sorties_definitives": "Périodes « accompagné » se terminant dans l'année (31 décembre compris).",
    "file_active": "Effectif au 31/12 + sorties définitives de l'année (formule du TBP : un jeune sorti puis "
    "réadmis dans l'année compte deux fois).",
    "duree_moyenne_accompagnement_sortants_jours": "Moyenne, sur les sorties de l'année, de (date de sortie − date "
    "d'admission) en jours.",
    "journees_absence_moyenne": "Jours d'absence (une date où le jeune était noté absent à une prestation directe "
    "réalisée, sans y être présent à aucune ce jour-là) des jeunes accompagnés dans l'année / nombre de jeunes "
    "absents au moins un jour.",
    "creton": "Jeunes de l'effectif au 31/12 âgés de 20 ans ou plus ce jour-là.",
    "part_mesure_ase": "Part de la file active avec une mesure de protection de l'enfance (ASE), en %.",
    "repartition_sexe": "File active par sexe (le sexe « indéterminé » n'est compté ni en F ni en M).",
    "repartition_age": "File active par tranche d'âge au 31 décembre.",
    "repartition_deficience_principale": "File active par déficience principale (catégories du TBP).",
    "motifs_sortie": "Sorties définitives par motif.",
}

# Drill-down: indicator -> (title, kind of rows).
DETAILS = {
    "file_active": "File active",
    "effectif_31_12": "Effectif au 31 décembre",
    "entrees": "Entrées",
    "sorties_definitives": "Sorties définitives",
    "creton": "Jeunes en amendement Creton",
    "part_mesure_ase": "Jeunes de la file active avec une mesure ASE",
    "repartition_sexe": "File active par sexe",
    "repartition_age": "File active par tranche d'âge",
    "repartition_deficience_principale": "File active par déficience principale",
    "motifs_sortie": "Sorties par motif",
    "journees_absence_moyenne": "Jeunes absents et leurs jours d'absence",
    "journees_realisees": "Journées réalisées par jeune",
    "actes_ambulatoires": "Actes ambulatoires par jeune",
}
CATEGORIES = {
    "repartition_sexe": L.SEXES,
    "repartition_age": L.AGES,
    "repartition_deficience_principale": L.DEFICIENCES,
    "motifs_sortie": L.MOTIFS_SORTIE,
}


def annee_demandee(valeur) -> int:
    """The year asked for; default: the previous calendar year (the TBP is filed for a closed year)."""
    if valeur in (None, ""):
        return timezone.localdate().year - 1
    try:
        annee = int(valeur)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 2000 <= annee <= 2100:
        raise Http404
    return annee


def detail_url(dispositif, annee, indicateur, valeur="") -> str:
    query = {"dispositif": dispositif.pk, "annee": annee, "indicateur": indicateur}
    if valeur != "":
        query["valeur"] = valeur
    return f"{reverse('activite:tbp_detail')}?{urlencode(query)}"


def _valeur_affichee(cle, valeur):
    if valeur is None:
        return "—"
    if isinstance(valeur, float):
        return f"{valeur:.1f}".replace(".", ",")
    return valeur


@require_GET
def tbp(request):
    dispositifs = exiger_activite(request)
    dispositif = dispositif_demande(request, dispositifs, request.GET.get("dispositif"))
    annee = annee_demandee(request.GET.get("annee"))
    detail = service.detail_tbp(dispositif, annee)
    ind = detail.indicateurs
    chiffres = []
    for cle in (
        "journees_realisees", "journees_financees", "taux_realisation_activite", "actes_ambulatoires",
        "effectif_31_12", "entrees", "sorties_definitives", "file_active",
        "duree_moyenne_accompagnement_sortants_jours", "journees_absence_moyenne", "creton", "part_mesure_ase",
    ):  # fmt: skip
        chiffres.append({
            "cle": cle, "libelle": L.TBP_INDICATEURS.get(cle, cle), "valeur": _valeur_affichee(cle, ind[cle]),
            "definition": DEFINITIONS[cle], "lien": detail_url(dispositif, annee, cle) if cle in DETAILS else "",
        })  # fmt: skip
    repartitions = [
        {
            "cle": cle,
            "titre": DETAILS[cle],
            "definition": DEFINITIONS[cle],
            "lignes": [
                {"libelle": L.libelle(k, CATEGORIES[cle]), "valeur": v, "lien": detail_url(dispositif, annee, cle, k)}
                for k, v in ind[cle].items()
            ],
            "total": sum(ind[cle].values()),
        }
        for cle in ("repartition_sexe", "repartition_age", "repartition_deficience_principale", "motifs_sortie")
    ]
    sexe_i = len(detail.lignes_par("sexe", "I"))
    context = {
        "dispositifs": dispositifs,
        "dispositif": dispositif,
        "annee": annee,
        "annees": list(range(timezone.localdate().year, timezone.localdate().year - 8, -1)),
        "indicateurs": ind,
        "chiffres": chiffres,
        "repartitions": repartitions,
        "sexe_indetermine": sexe_i,
        "lien_sexe_indetermine": detail_url(dispositif, annee, "repartition_sexe", "I"),
        "parametres": service.parametres_utilises(detail),
        "dispositif_annee": detail.dispositif_annee,
        "peut_modifier_parametres": can_edit_parametres(request.access, dispositif.pk),
        "formats": [("pdf", "PDF"), ("xlsx", "XLSX"), ("csv", "CSV")],
    }
    return render(request, "activite/tbp/index.html", context)


@require_GET
def tbp_detail(request):
    """The youths behind one TBP figure (and one category of a répartition)."""
    dispositifs = exiger_activite(request)
    dispositif = dispositif_demande(request, dispositifs, request.GET.get("dispositif"))
    annee = annee_demandee(request.GET.get("annee"))
    indicateur, valeur = request.GET.get("indicateur", ""), request.GET.get("valeur", "")
    if indicateur not in DETAILS:
        raise Http404
    detail = service.detail_tbp(dispositif, annee)
    titre = DETAILS[indicateur]
    genre = "periodes"
    lignes = []
    if indicateur in ("journees_absence_moyenne", "journees_realisees", "actes_ambulatoires"):
        genre = "jeunes"
        valeurs = {
            "journees_absence_moyenne": detail.jours_absence,
            "journees_realisees": detail.journees_par_jeune,
            "actes_ambulatoires": detail.actes_par_jeune,
        }[indicateur]
        lignes = [{"dossier": detail.dossiers[j], "valeur": v} for j, v in valeurs.items() if j in detail.dossiers]
        lignes.sort(key=lambda ligne: (ligne["dossier"].jeune.nom_naissance, ligne["dossier"].jeune.prenom))
    else:
        if indicateur in CATEGORIES:
            if valeur not in CATEGORIES[indicateur] or valeur == "":
                raise Http404
            titre = f"{titre} : {L.libelle(valeur, CATEGORIES[indicateur])}"
        if indicateur == "motifs_sortie":
            periodes = [p for p in detail.sorties if service.motif_de(p) == valeur]
        elif indicateur in CATEGORIES:
            cle = {"repartition_sexe": "sexe", "repartition_age": "age", "repartition_deficience_principale":
                   "deficience"}[indicateur]  # fmt: skip
            periodes = detail.lignes_par(cle, valeur)
        elif indicateur == "part_mesure_ase":
            periodes = detail.lignes_par("ase", True)
        else:
            periodes = {
                "file_active": detail.file_active,
                "effectif_31_12": detail.effectif,
                "entrees": detail.entrees,
                "sorties_definitives": detail.sorties,
                "creton": detail.creton,
            }[indicateur]
        sorties = {id(p) for p in detail.sorties}
        jour = service._31_12(annee)
        for p in periodes:
            jeune = p.dossier.jeune
            lignes.append({
                "periode": p, "dossier": p.dossier, "jeune": jeune, "age": jeune.age_on(jour),
                "tranche": L.AGES[service.tranche_age(jeune.age_on(jour))],
                "role": "Sortie" if id(p) in sorties else "Effectif au 31/12",
                "motif": L.libelle(service.motif_de(p), L.MOTIFS_SORTIE) if p.fin and p.fin.year == annee else "",
            })  # fmt: skip
    context = {
        "dispositif": dispositif,
        "annee": annee,
        "titre": titre,
        "definition": DEFINITIONS.get(indicateur, ""),
        "indicateur": indicateur,
        "genre": genre,
        "lignes": lignes,
        "retour": f"{reverse('activite:tbp')}?{urlencode({'dispositif': dispositif.pk, 'annee': annee})}",
    }
    return render(request, "activite/tbp/detail.html", context)


@require_http_methods(["GET", "POST"])
def tbp_parametres(request, dispositif_pk: int, annee: int):
    """Places financées and days of operation of a dispositif for a year (``core.DispositifAnnee``), created or
    changed by the direction (writing role) through the audited service of the administration pages; chefs de
    service see the page read-only."""
    from core.forms.administration import DispositifAnneeForm
    from core.services.organisation import dispositif_annee_save

    dispositifs = exiger_activite(request)
    dispositif = dispositif_demande(request, dispositifs, dispositif_pk)
    if not 2000 <= annee <= 2100:
        raise Http404
    peut_modifier = can_edit_parametres(request.access, dispositif.pk)
    instance = DispositifAnnee.objects.filter(
        organisme_id=dispositif.organisme_id, dispositif=dispositif, annee=annee
    ).first() or DispositifAnnee(organisme_id=dispositif.organisme_id, dispositif=dispositif, annee=annee)
    created = instance.pk is None
    retour = f"{reverse('activite:tbp')}?{urlencode({'dispositif': dispositif.pk, 'annee': annee})}"
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None:
        if not peut_modifier:
            raise PermissionDenied
        data["annee"] = annee  # the year is the page's
    form = DispositifAnneeForm(data, instance=instance, dispositif=dispositif, initial={"annee": annee})
    form.fields["annee"].disabled = True
    if not peut_modifier:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and form.is_valid():
        if not created and not form.has_changed():
            messages.info(request, "Aucune modification.")
            return redirect(retour)
        try:
            dispositif_annee_save(annee=form.instance, actor=request.user, request=request, changed=form.changed_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Paramètres {annee} de « {dispositif.nom} » enregistrés.")
            return redirect(retour)
    context = {
        "form": form, "dispositif": dispositif, "annee": annee, "created": created, "retour": retour,
        "peut_modifier": peut_modifier,
    }  # fmt: skip
    return render(request, "activite/tbp/parametres.html", context)
