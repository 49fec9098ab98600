"""Dashboard of the activity (DOMAIN §8, issue item 5): the AIRe table of the period and its series per month,
read from the facts (``FaitSemaine``) in a constant number of queries, and the drill-down lists behind every figure.

Rules:
- The period's figures are ``table_aire(dispositif, debut, fin)`` itself (the dashboard never recomputes an AIRe
  figure another way): the series per month only split them.
- A week belongs to the month that contains its **Thursday**, as it belongs to the period (§8.1 item 3): the months'
  youth-weeks, journées and actes add up to the period's.
- ``journées financées`` of a month = (places financées internat + accueil de jour of the year) × days of operation
  of the year × (calendar days of the month within the period) / (days of the year): the yearly TBP figure spread
  pro rata temporis (``DispositifAnnee``; 0 when the year's parameters are missing).
- File active of a month: distinct youths with a youth-week in the month (a youth counts in every month where he
  has one; the period's file active counts him once).
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, DateField, F, Func, Sum

from activite.exports import libelles as L

MOIS_COURTS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
        "décembre"]  # fmt: skip


# --- Periods ----------------------------------------------------------------------------------------------------
def trimestre_bornes(annee: int, trimestre: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of quarter ``trimestre`` (1–4) of ``annee``."""
    mois = 3 * (trimestre - 1) + 1
    fin_mois = mois + 2
    return datetime.date(annee, mois, 1), datetime.date(annee, fin_mois, calendar.monthrange(annee, fin_mois)[1])


def trimestre_de(jour: datetime.date) -> tuple[int, int]:
    return jour.year, (jour.month - 1) // 3 + 1


def trimestre_precedent(jour: datetime.date) -> tuple[int, int]:
    """(year, quarter) of the last complete quarter before ``jour``."""
    annee, t = trimestre_de(jour)
    return (annee - 1, 4) if t == 1 else (annee, t - 1)


def lundis(debut: datetime.date, fin: datetime.date) -> list[datetime.date]:
    """Mondays of the ISO weeks whose Thursday falls in [debut, fin] (§8.1 item 3: ``lundis_de_la_periode``)."""
    from activite.services.aire import lundis_de_la_periode

    return lundis_de_la_periode(debut, fin)


def mois_de_la_periode(debut: datetime.date, fin: datetime.date) -> list[datetime.date]:
    """First day of every month holding a Thursday of the period's weeks."""
    vus = []
    for lundi in lundis(debut, fin):
        mois = (lundi + datetime.timedelta(days=3)).replace(day=1)
        if mois not in vus:
            vus.append(mois)
    return vus


def libelle_mois(mois: datetime.date, court: bool = True) -> str:
    return f"{(MOIS_COURTS if court else MOIS)[mois.month - 1]} {mois.year}"


def libelle_periode(debut: datetime.date, fin: datetime.date) -> str:
    for t in range(1, 5):
        if (debut, fin) == trimestre_bornes(debut.year, t):
            return f"{t}{'er' if t == 1 else 'e'} trimestre {debut.year}"
    if debut == datetime.date(debut.year, 1, 1) and fin == datetime.date(debut.year, 12, 31):
        return f"année {debut.year}"
    return f"du {debut:%d/%m/%Y} au {fin:%d/%m/%Y}"


# --- Facts of the period ----------------------------------------------------------------------------------------
def faits_de_la_periode(dispositif, debut: datetime.date, fin: datetime.date):
    """The youth-weeks of the period (weeks whose Thursday is in [debut, fin]): ``semaines_de_la_periode``."""
    from activite.services.aire import semaines_de_la_periode

    return semaines_de_la_periode(dispositif, debut, fin)


def _mois_sql() -> Func:
    """The month of a youth-week: the first day of the month of its Thursday (lundi + 3 days)."""
    return Func(F("lundi"), template="date_trunc('month', %(expressions)s + 3)::date", output_field=DateField())


@dataclass
class Serie:
    cle: str
    libelle: str
    valeurs: list


def series_mensuelles(dispositif, debut: datetime.date, fin: datetime.date) -> dict:
    """Per month of the period (two queries on the facts, one on the yearly parameters): file active, youth-weeks
    per combinaison, journées réalisées and financées, actes ambulatoires, nuitées."""
    from core.models import DispositifAnnee

    mois = mois_de_la_periode(debut, fin)
    index = {m: i for i, m in enumerate(mois)}
    faits = faits_de_la_periode(dispositif, debut, fin).annotate(mois=_mois_sql())
    par_combinaison = {k: [0] * len(mois) for k in L.COMBINAISONS}
    demi_journees = [0] * len(mois)
    actes = [0] * len(mois)
    nuitees = [0] * len(mois)
    semaines = [0] * len(mois)
    for row in faits.values("mois", "combinaison").annotate(
        n=Count("id"), dj=Sum("demi_journees"), actes=Sum("actes_ambulatoires"), nuitees=Sum("nuitees")
    ):
        i = index.get(row["mois"])
        if i is None:
            continue
        par_combinaison.setdefault(row["combinaison"], [0] * len(mois))[i] += row["n"]
        semaines[i] += row["n"]
        demi_journees[i] += row["dj"] or 0
        actes[i] += row["actes"] or 0
        nuitees[i] += row["nuitees"] or 0
    file_active = [0] * len(mois)
    for row in faits.values("mois").annotate(n=Count("jeune", distinct=True)):
        if row["mois"] in index:
            file_active[index[row["mois"]]] = row["n"]
    annees = {m.year for m in mois} | {debut.year, fin.year}
    places = {
        a.annee: a
        for a in DispositifAnnee.objects.filter(dispositif=dispositif, annee__in=annees).only(
            "annee", "places_internat", "places_accueil_de_jour", "jours_ouverture"
        )
    }
    financees = [journees_financees_du_mois(places.get(m.year), m, debut, fin) for m in mois]
    return {
        "mois": mois,
        "etiquettes": [libelle_mois(m) for m in mois],
        "file_active": file_active,
        "semaines": semaines,
        "par_combinaison": par_combinaison,
        "journees_realisees": [dj / 2 for dj in demi_journees],
        "journees_financees": financees,
        "actes_ambulatoires": actes,
        "nuitees": nuitees,
    }


def journees_financees_du_mois(annee_params, mois: datetime.date, debut: datetime.date, fin: datetime.date) -> float:
    """(places internat + accueil de jour) × days of operation × (days of the month in [debut, fin]) / days of the
    year, rounded to 1 decimal; 0 without the year's parameters."""
    if annee_params is None:
        return 0.0
    dernier = mois.replace(day=calendar.monthrange(mois.year, mois.month)[1])
    jours = (min(dernier, fin) - max(mois, debut)).days + 1
    if jours <= 0:
        return 0.0
    jours_annee = 366 if calendar.isleap(mois.year) else 365
    annuel = (annee_params.places_internat + annee_params.places_accueil_de_jour) * annee_params.jours_ouverture
    return round(annuel * jours / jours_annee, 1)


def tableau_de_bord(dispositif, debut: datetime.date, fin: datetime.date) -> dict:
    """The dashboard's figures: ``aire`` (= ``table_aire``) and ``series`` (per month)."""
    from activite.services.aire import table_aire

    return {"aire": table_aire(dispositif, debut, fin), "series": series_mensuelles(dispositif, debut, fin)}


# --- Drill-down -------------------------------------------------------------------------------------------------
INDICATEURS = {
    "file_active": "File active",
    "mois": "File active du mois",
    "combinaison": "Semaines-jeune par combinaison",
    "intensite": "Semaines-jeune par intensité",
    "volume": "Volumes",
    "multi_modalites": "Jeunes multi-modalités",
    "situations_complexes": "Jeunes en situation complexe",
    "appui": "Interventions d'appui-ressources",
}
VOLUMES_CHAMPS = {
    "nuitees": "nuitees",
    "journees": "demi_journees",
    "actes_ambulatoires": "actes_ambulatoires",
    "heures_directes": "secondes_directes",
    "heures_indirectes": "secondes_indirectes",
}


def libelle_detail(indicateur: str, valeur: str) -> str:
    """« Semaines-jeune par combinaison : Internat + accueil de jour »..."""
    titre = INDICATEURS.get(indicateur, indicateur)
    if indicateur == "file_active":
        return f"{titre} : {L.libelle(valeur or 'total', L.STATUTS)}"
    if indicateur == "mois":
        try:
            return f"{titre} : {libelle_mois(datetime.date.fromisoformat(valeur + '-01'), court=False)}"
        except ValueError:
            return titre
    if indicateur == "combinaison":
        return f"{titre} : {L.libelle(valeur, L.COMBINAISONS)}"
    if indicateur == "intensite":
        return f"{titre} : {L.libelle(valeur, L.INTENSITES)}"
    if indicateur == "volume":
        return f"{L.libelle(valeur, L.VOLUMES)}"
    if indicateur == "appui":
        return f"{titre}{' : ' + L.libelle(valeur, L.TYPES_PARTENAIRE) if valeur else ''}"
    return titre


def _avec_dossier(qs, dispositif):
    from django.db.models import OuterRef, Subquery

    from dossiers.models import Dossier

    return qs.annotate(
        dossier_id=Subquery(
            Dossier.objects.filter(jeune_id=OuterRef("jeune_id"), dispositif_id=dispositif.pk).values("pk")[:1]
        )
    )


def semaines_detail(dispositif, debut, fin, indicateur: str, valeur: str):
    """The youth-weeks behind a youth-week figure (combinaison, intensité, volume, mois), or ``None`` when the
    indicator lists youths or events instead. Ordered by youth then week."""
    qs = faits_de_la_periode(dispositif, debut, fin)
    if indicateur == "combinaison":
        qs = qs.filter(combinaison=valeur)
    elif indicateur == "intensite":
        qs = _filtre_intensite(qs, dispositif, valeur)
    elif indicateur == "volume":
        champ = VOLUMES_CHAMPS.get(valeur)
        if champ is None:
            return qs.none()
        qs = qs.filter(**{f"{champ}__gt": 0})
    elif indicateur == "semaines":
        pass
    else:
        return None
    qs = qs.select_related("jeune").order_by("jeune__nom_naissance", "jeune__prenom", "jeune_id", "lundi")
    return _avec_dossier(qs, dispositif)


def _filtre_intensite(qs, dispositif, valeur):
    """The youth-weeks of one intensity band: the queryset form of ``activite.services.aire.bande_intensite`` (the
    rule), with the bounds of the current parameter set as ``table_aire`` uses them: youth-weeks with direct pairs,
    direct seconds in [lower bound, upper bound)."""
    from activite.services.aire import BANDES_INTENSITE
    from activite.services.parametres import parametres_courants

    if valeur not in BANDES_INTENSITE:
        return qs.none()
    bornes = [int(b) * 3600 for b in parametres_courants(dispositif).bornes_intensite]
    i = BANDES_INTENSITE.index(valeur)
    qs = qs.filter(paires_directes__gt=0)
    if i > 0:
        qs = qs.filter(secondes_directes__gte=bornes[i - 1])
    if i < len(BANDES_INTENSITE) - 1:
        qs = qs.filter(secondes_directes__lt=bornes[i])
    return qs


def jeunes_detail(dispositif, debut, fin, indicateur: str, valeur: str):
    """The youths behind a youth figure (file active total or per statut, a month's file active, multi-modalités,
    situations complexes): Jeune queryset annotated with ``semaines`` (their youth-weeks in the scope) and
    ``dossier_id``; ``None`` for other indicators."""
    from django.db.models import Exists, OuterRef, Q, Subquery

    from dossiers.models import Dossier, Jeune, SituationComplexe

    faits = faits_de_la_periode(dispositif, debut, fin)
    if indicateur == "file_active":
        if valeur and valeur != "total":
            faits = faits.filter(statuts__contains=[valeur])
    elif indicateur == "mois":
        try:
            mois = datetime.date.fromisoformat(valeur + "-01")
        except ValueError:
            return Jeune.objects.none()
        faits = faits.annotate(mois=_mois_sql()).filter(mois=mois)
    elif indicateur not in ("multi_modalites", "situations_complexes"):
        return None
    jeunes = Jeune.objects.filter(pk__in=faits.values("jeune_id"))
    if indicateur == "situations_complexes":
        # §8.1 item 9: a SituationComplexe period of the youth's dossier overlapping the period.
        jeunes = jeunes.filter(
            Exists(
                SituationComplexe.objects.filter(
                    dossier__jeune_id=OuterRef("pk"), dossier__dispositif_id=dispositif.pk, debut__lte=fin
                ).filter(Q(fin__isnull=True) | Q(fin__gte=debut))
            )
        )
    if indicateur == "multi_modalites":
        jeunes = jeunes.filter(pk__in=jeunes_multi_modalites_ids(dispositif, debut, fin))
    semaines = faits.filter(jeune_id=OuterRef("pk")).order_by().values("jeune_id").annotate(n=Count("id")).values("n")
    dossiers = Dossier.objects.filter(jeune_id=OuterRef("pk"), dispositif_id=dispositif.pk).values("pk")[:1]
    return jeunes.annotate(semaines=Subquery(semaines[:1]), dossier_id=Subquery(dossiers)).order_by(
        "nom_naissance", "prenom", "pk"
    )


def jeunes_multi_modalites_ids(dispositif, debut, fin) -> list[int]:
    """§8.1 item 10: youths with at least two distinct modalités over the period's youth-weeks (Act-A's rule when it
    exposes one)."""
    modalites = defaultdict(set)
    for jeune_id, valeurs in faits_de_la_periode(dispositif, debut, fin).values_list("jeune_id", "modalites"):
        modalites[jeune_id].update(valeurs or [])
    return [jeune_id for jeune_id, valeurs in modalites.items() if len(valeurs) >= 2]


def evenements_appui(dispositif, debut, fin, type_partenaire: str = ""):
    """The appui-ressources interventions of the period's weeks (§8.1 item 8: events of cadre ``appui_ressources``
    organised by D, ``realise``, not ``hors_prestation``, local start date in P's weeks), optionally of one partner
    type (``autre`` includes the interventions without a partner, as ``table_aire`` counts them)."""
    from django.db.models import Q

    from activite.services.aire import _instants
    from agendas.enums import Cadre, StatutEvenement
    from agendas.models import Evenement

    semaines = lundis(debut, fin)
    if not semaines:
        return Evenement.objects.none()
    t0, t1 = _instants(semaines[0], semaines[-1])
    qs = Evenement.objects.filter(
        dispositif=dispositif, cadre=Cadre.APPUI_RESSOURCES, statut=StatutEvenement.REALISE, hors_prestation=False,
        debut__gte=t0, debut__lt=t1,
    )  # fmt: skip
    if type_partenaire == "autre":
        qs = qs.filter(Q(partenaire__type="autre") | Q(partenaire__isnull=True))
    elif type_partenaire:
        qs = qs.filter(partenaire__type=type_partenaire)
    return qs.select_related("partenaire", "nature").order_by("debut", "pk")
