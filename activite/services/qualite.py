"""Quality indicators for the HAS external evaluation (DOMAIN §10: traceability of the PPA, contracts, adverse events
and transmissions), per dispositif D and period P = [debut, fin] (local dates, both included; default: the last 12
months, ``periode_par_defaut``).

``indicateurs_qualite(dispositif, debut, fin)`` returns the dict below (JSON-ready, the shape the exporter type
``qualite`` of ``activite.exports`` reads); ``detail_qualite`` returns the same figures with the rows behind each of
them (drill-down), computed by the same functions, in a constant number of queries::

    {"modele": "qualite-v1", "dispositif": "<FINESS>", "debut": "YYYY-MM-DD", "fin": "YYYY-MM-DD",
     "ppa": {"jeunes_accompagnes": 0, "a_jour": 0, "part_a_jour": 0.0 | null,
             "revisions_en_retard": 0, "premiers_ppa_en_retard": 0},
     "contrats": {"admissions": 0, "remis_sous_15_jours": 0, "signes_sous_un_mois": 0,
                  "part_remis_sous_15_jours": 0.0 | null, "part_signes_sous_un_mois": 0.0 | null},
     "evenements_indesirables": {"declares": 0, "clos": 0, "en_cours_fin_periode": 0,
                                 "delai_cloture_moyen_jours": 0.0 | null, "delai_cloture_median_jours": 0.0 | null},
     "transmissions": {"transmissions": 0, "jeunes": 0, "semaines": 0.0, "par_jeune": 0.0 | null,
                       "par_semaine": 0.0, "par_jeune_par_semaine": 0.0 | null}}

Shares are percentages; every ratio is rounded half up to 1 decimal at output, null when its denominator is 0.
"""

import datetime
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q
from django.utils import timezone

from activite.services.tbp import arrondi
from dossiers.enums import StatutEi, StatutParcours

MODELE_QUALITE = "qualite-v1"
DELAI_REMISE_CONTRAT_JOURS = 15
DELAI_SIGNATURE_CONTRAT_MOIS = 1


def periode_par_defaut(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last 12 months: from the same day a year ago (the next day) to today, both included."""
    today = today or timezone.localdate()
    return today - relativedelta(years=1) + datetime.timedelta(days=1), today


def _part(numerateur, denominateur) -> float | None:
    return arrondi(Decimal(100 * numerateur) / denominateur) if denominateur else None


def _ratio(numerateur, denominateur) -> float | None:
    return arrondi(Decimal(numerateur) / Decimal(str(denominateur))) if denominateur else None


# --- PPA -------------------------------------------------------------------------------------------------------------


def lignes_ppa(dispositif, fin: datetime.date) -> list:
    """The youths accompanied at the end of the period (an ``accompagne`` period of D covering ``fin``) with their
    PPA deadline and state on ``fin``, by the one PPA deadline rule (``ppa.services.echeances``: a version in force
    — ``valide`` or ``en_cours`` — reviewed within 12 months or by its planned or requested review date; without one,
    the first PPA is due 6 months after the admission). One query. The versions' statut is their current one, so
    the figure is exact for a period ending today (the default) and an approximation for older periods."""
    from dossiers.models import Dossier
    from ppa.services.echeances import lignes_echeances

    return lignes_echeances(Dossier.objects.filter(organisme_id=dispositif.organisme_id, dispositif=dispositif), fin)


def ppa_a_jour(lignes) -> list:
    """PPA à jour at the end of the period: accompanied youths whose PPA deadline is not passed on ``fin`` (the
    deadline day itself is still on time) — a version in force not due for review yet, or no PPA in force yet but
    still within 6 months of the admission."""
    from ppa.services.echeances import EN_RETARD

    return [ligne for ligne in lignes if ligne.etat != EN_RETARD]


def revisions_en_retard(lignes) -> list:
    """PPA reviews late: accompanied youths with a version in force whose review deadline passed before ``fin``."""
    from ppa.services.echeances import EN_RETARD

    return [ligne for ligne in lignes if ligne.etat == EN_RETARD and not ligne.premier_ppa]


def premiers_ppa_en_retard(lignes) -> list:
    """First PPA late: accompanied youths without a version in force more than 6 months after their admission."""
    from ppa.services.echeances import EN_RETARD

    return [ligne for ligne in lignes if ligne.etat == EN_RETARD and ligne.premier_ppa]


# --- Contrats de séjour / DIPC ---------------------------------------------------------------------------------------


@dataclass
class LigneContrat:
    """One admission of the period and its contract (``Dossier.contrat_remis_le`` / ``contrat_signe_le``)."""

    periode: object  # Parcours with dossier__jeune
    remis_a_temps: bool
    signe_a_temps: bool

    @property
    def admission(self) -> datetime.date:
        return self.periode.debut

    @property
    def dossier(self):
        return self.periode.dossier


def contrat_remis_a_temps(admission: datetime.date, remis_le: datetime.date | None) -> bool:
    """Contrat de séjour or DIPC handed over within 15 days of the admission: ``remis_le`` ≤ admission + 15 days
    (handed over before the admission, during the pre-admission, is on time)."""
    return remis_le is not None and remis_le <= admission + datetime.timedelta(days=DELAI_REMISE_CONTRAT_JOURS)


def contrat_signe_a_temps(admission: datetime.date, signe_le: datetime.date | None) -> bool:
    """Signed within the month of the admission: ``signe_le`` ≤ admission + 1 month (31/01 → 28/02)."""
    return signe_le is not None and signe_le <= admission + relativedelta(months=DELAI_SIGNATURE_CONTRAT_MOIS)


def lignes_contrats(dispositif, debut: datetime.date, fin: datetime.date) -> list[LigneContrat]:
    """The admissions of the period (``accompagne`` periods of D starting in P) with whether their contract was
    handed over and signed on time. The contract dates are the dossier's (one contract per dossier: for a
    re-admission, the dates recorded are those of the latest contract). One query."""
    from dossiers.models import Parcours

    periodes = (
        Parcours.objects.filter(
            organisme_id=dispositif.organisme_id,
            dossier__dispositif=dispositif,
            statut=StatutParcours.ACCOMPAGNE,
            debut__gte=debut,
            debut__lte=fin,
        )  # fmt: skip
        .select_related("dossier__jeune")
        .order_by("debut", "dossier__jeune__nom_naissance")
    )
    return [
        LigneContrat(
            p,
            contrat_remis_a_temps(p.debut, p.dossier.contrat_remis_le),
            contrat_signe_a_temps(p.debut, p.dossier.contrat_signe_le),
        )
        for p in periodes
    ]


# --- Événements indésirables ----------------------------------------------------------------------------------------


def _bornes(debut, fin):
    from activite.services.tbp import bornes_locales

    return bornes_locales(debut, fin)


def evenements_indesirables(dispositif, debut: datetime.date, fin: datetime.date) -> list:
    """The adverse events of D declared in P, closed in P, or still open at the end of P (declared before its end,
    not closed by then), one query; the three lists below pick from them."""
    from dossiers.models import EvenementIndesirable

    start, end = _bornes(debut, fin)
    return list(
        EvenementIndesirable.objects.filter(organisme_id=dispositif.organisme_id, dispositif=dispositif)
        .filter(
            Q(declare_le__gte=start, declare_le__lt=end)
            | Q(cloture_le__gte=start, cloture_le__lt=end)
            | Q(declare_le__lt=end) & (Q(cloture_le__isnull=True) | Q(cloture_le__gte=end))
        )  # fmt: skip
        .select_related("dossier__jeune")
        .order_by("declare_le")
    )


def ei_declares(evenements, debut, fin) -> list:
    """Adverse events declared in P (``declare_le`` in P)."""
    start, end = _bornes(debut, fin)
    return [e for e in evenements if start <= e.declare_le < end]


def ei_clos(evenements, debut, fin) -> list:
    """Adverse events closed in P (statut ``clos``, ``cloture_le`` in P), whenever declared."""
    start, end = _bornes(debut, fin)
    return [e for e in evenements if e.statut == StatutEi.CLOS and e.cloture_le and start <= e.cloture_le < end]


def ei_en_cours(evenements, debut, fin) -> list:
    """Adverse events open at the end of P: declared before its end and not closed by then."""
    _, end = _bornes(debut, fin)
    return [e for e in evenements if e.declare_le < end and (e.cloture_le is None or e.cloture_le >= end)]


def delai_cloture_jours(evenement) -> float:
    """Delay from declaration to closure, in days (real elapsed time)."""
    return (evenement.cloture_le - evenement.declare_le).total_seconds() / 86400


def delai_cloture_moyen(clos) -> float | None:
    """Mean delay declaration → closure of the adverse events closed in P, in days (1 decimal; null if none)."""
    return arrondi(statistics.fmean(delai_cloture_jours(e) for e in clos)) if clos else None


def delai_cloture_median(clos) -> float | None:
    """Median delay declaration → closure of the adverse events closed in P, in days (1 decimal; null if none)."""
    return arrondi(statistics.median(delai_cloture_jours(e) for e in clos)) if clos else None


# --- Transmissions ---------------------------------------------------------------------------------------------------


def jeunes_suivis(dispositif, debut, fin) -> list:
    """The youths of the period: those with an ``accompagne`` period of D overlapping P, with ``dossier_id`` (their
    dossier in D); one query."""
    from django.db.models import OuterRef, Subquery

    from dossiers.models import Dossier, Jeune

    dossier = Dossier.objects.filter(jeune_id=OuterRef("pk"), dispositif=dispositif).values("pk")[:1]
    return list(
        Jeune.objects.filter(
            Q(dossiers__parcours__fin__isnull=True) | Q(dossiers__parcours__fin__gte=debut),
            organisme_id=dispositif.organisme_id,
            dossiers__dispositif=dispositif,
            dossiers__parcours__statut=StatutParcours.ACCOMPAGNE,
            dossiers__parcours__debut__lte=fin,
        )
        .distinct()
        .annotate(dossier_id=Subquery(dossier))
        .order_by("nom_naissance", "prenom", "pk")
    )


def transmissions_par_jeune(dispositif, debut, fin, jeunes) -> dict[int, int]:
    """Transmissions per youth: validated transmissions of D that happened in P (``survenue_le``) naming each youth
    of ``jeunes``: youth id → count (youths without any are left out). One query."""
    from transmissions.enums import StatutTransmission
    from transmissions.models import TransmissionJeune

    start, end = _bornes(debut, fin)
    rows = (
        TransmissionJeune.objects.filter(
            organisme_id=dispositif.organisme_id,
            jeune_id__in=[j.pk for j in jeunes],
            transmission__dispositif=dispositif,
            transmission__statut=StatutTransmission.VALIDEE,
            transmission__survenue_le__gte=start,
            transmission__survenue_le__lt=end,
        )
        .values("jeune_id")
        .annotate(n=Count("transmission_id", distinct=True))
        .order_by()
    )
    return {r["jeune_id"]: r["n"] for r in rows}


def transmissions_par_semaine(dispositif, debut, fin, jeunes) -> dict[datetime.date, int]:
    """Distinct validated transmissions of D in P naming at least one youth of ``jeunes``, per ISO week (Monday of
    the local date of ``survenue_le``); every week of P is present (0 when none). One query."""
    from django.db.models.functions import TruncWeek

    from transmissions.enums import StatutTransmission
    from transmissions.models import Transmission

    start, end = _bornes(debut, fin)
    rows = (
        Transmission.objects.filter(
            organisme_id=dispositif.organisme_id,
            dispositif=dispositif,
            statut=StatutTransmission.VALIDEE,
            survenue_le__gte=start,
            survenue_le__lt=end,
            liens_jeunes__jeune_id__in=[j.pk for j in jeunes],
        )  # fmt: skip
        .annotate(lundi=TruncWeek("survenue_le", tzinfo=start.tzinfo))
        .values("lundi")
        .annotate(n=Count("pk", distinct=True))
        .order_by("lundi")
    )
    semaines = {}
    lundi = debut - datetime.timedelta(days=debut.weekday())
    while lundi <= fin:
        semaines[lundi] = 0
        lundi += datetime.timedelta(days=7)
    for r in rows:
        semaines[r["lundi"].date()] = r["n"]
    return semaines


def nombre_semaines(debut, fin) -> Decimal:
    """Weeks of the period: its number of days / 7 (a 12-month period has 52.1 or 52.3 weeks)."""
    return Decimal((fin - debut).days + 1) / 7


# --- Composition -------------------------------------------------------------------------------------------------


@dataclass
class DetailQualite:
    indicateurs: dict
    lignes_ppa: list = field(default_factory=list)
    ppa_a_jour: list = field(default_factory=list)
    revisions_en_retard: list = field(default_factory=list)
    premiers_ppa_en_retard: list = field(default_factory=list)
    contrats: list = field(default_factory=list)
    ei_declares: list = field(default_factory=list)
    ei_clos: list = field(default_factory=list)
    ei_en_cours: list = field(default_factory=list)
    jeunes: list = field(default_factory=list)
    transmissions_par_jeune: dict = field(default_factory=dict)
    transmissions_par_semaine: dict = field(default_factory=dict)

    @property
    def ppa_pas_a_jour(self) -> list:
        a_jour = {id(ligne) for ligne in self.ppa_a_jour}
        return [ligne for ligne in self.lignes_ppa if id(ligne) not in a_jour]


def detail_qualite(dispositif, debut: datetime.date, fin: datetime.date) -> DetailQualite:
    """The quality indicators of D over [debut, fin] with their rows (constant number of queries)."""
    from transmissions.enums import StatutTransmission
    from transmissions.models import Transmission

    lignes = lignes_ppa(dispositif, fin)
    a_jour = ppa_a_jour(lignes)
    revisions = revisions_en_retard(lignes)
    premiers = premiers_ppa_en_retard(lignes)
    contrats = lignes_contrats(dispositif, debut, fin)
    remis = sum(1 for c in contrats if c.remis_a_temps)
    signes = sum(1 for c in contrats if c.signe_a_temps)
    evenements = evenements_indesirables(dispositif, debut, fin)
    declares, clos, en_cours = (f(evenements, debut, fin) for f in (ei_declares, ei_clos, ei_en_cours))
    jeunes = jeunes_suivis(dispositif, debut, fin)
    par_jeune = transmissions_par_jeune(dispositif, debut, fin, jeunes)
    par_semaine = transmissions_par_semaine(dispositif, debut, fin, jeunes)
    start, end = _bornes(debut, fin)
    total = (
        Transmission.objects.filter(
            organisme_id=dispositif.organisme_id,
            dispositif=dispositif,
            statut=StatutTransmission.VALIDEE,
            survenue_le__gte=start,
            survenue_le__lt=end,
            liens_jeunes__jeune_id__in=[j.pk for j in jeunes],
        )  # fmt: skip
        .values("pk")
        .distinct()
        .count()
    )
    semaines = nombre_semaines(debut, fin)
    # par_jeune: transmissions naming a youth, per youth of the period; par_semaine: distinct transmissions per
    # week; par_jeune_par_semaine: both (transmission-youth links / (youths × weeks)).
    liens = sum(par_jeune.values())
    indicateurs = {
        "modele": MODELE_QUALITE,
        "dispositif": dispositif.finess,
        "debut": debut.isoformat(),
        "fin": fin.isoformat(),
        "ppa": {
            "jeunes_accompagnes": len(lignes),
            "a_jour": len(a_jour),
            "part_a_jour": _part(len(a_jour), len(lignes)),
            "revisions_en_retard": len(revisions),
            "premiers_ppa_en_retard": len(premiers),
        },
        "contrats": {
            "admissions": len(contrats),
            "remis_sous_15_jours": remis,
            "signes_sous_un_mois": signes,
            "part_remis_sous_15_jours": _part(remis, len(contrats)),
            "part_signes_sous_un_mois": _part(signes, len(contrats)),
        },
        "evenements_indesirables": {
            "declares": len(declares),
            "clos": len(clos),
            "en_cours_fin_periode": len(en_cours),
            "delai_cloture_moyen_jours": delai_cloture_moyen(clos),
            "delai_cloture_median_jours": delai_cloture_median(clos),
        },
        "transmissions": {
            "transmissions": total,
            "jeunes": len(jeunes),
            "semaines": arrondi(semaines),
            "par_jeune": _ratio(liens, len(jeunes)),
            "par_semaine": _ratio(total, semaines),
            "par_jeune_par_semaine": _ratio(liens, len(jeunes) * semaines) if jeunes else None,
        },
    }
    return DetailQualite(
        indicateurs=indicateurs,
        lignes_ppa=lignes,
        ppa_a_jour=a_jour,
        revisions_en_retard=revisions,
        premiers_ppa_en_retard=premiers,
        contrats=contrats,
        ei_declares=declares,
        ei_clos=clos,
        ei_en_cours=en_cours,
        jeunes=jeunes,
        transmissions_par_jeune=par_jeune,
        transmissions_par_semaine=par_semaine,
    )


def indicateurs_qualite(dispositif, debut: datetime.date, fin: datetime.date) -> dict:
    """The quality indicators of D over [debut, fin] (the dict of the module docstring)."""
    return detail_qualite(dispositif, debut, fin).indicateurs
