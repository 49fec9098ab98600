"""Deadlines of the PPA (DOMAIN §7) — the ONE place where the rule lives.

The deadline (``Ppa.prochaine_echeance``) is the date by which the next version of a dossier's plan must be
validated, or its review held:

1. No deadline when the dossier has no ``accompagne`` period covering today (pre-admission, after the exit).
2. No version in force (``valide`` or ``en_cours``) — no PPA yet, or only a draft: **admission + 6 months**
   (admission = start of the ``accompagne`` period covering today), ``DELAI_PREMIER_PPA_MOIS``.
3. A version in force: the review is due **12 months after the reference date** (``DELAI_REVISION_MOIS``), the
   reference being the last *finished* review of that version, or its validation date (``valide_le``) when it has
   none; a planned review date (``date_revision``) later than the last finished review (or than the validation)
   brings the deadline forward when it comes first.
4. A review requested and not held yet (a ``Revue`` of the version in force, not finished, whose motif is not the
   yearly one: the youth's or the family's request, a change of situation) brings the deadline forward to the
   requested review date.

States shown in the due/late list and used by the reminders: ``en_retard`` (deadline passed), ``a_echeance``
(deadline within one month, today included), ``a_jour`` (later).

The list (``ppas_a_echeance``) and the reminders compute the deadline from the same annotations as
``echeance_calculer`` (one SQL query for any number of dossiers), so a stale ``prochaine_echeance`` never hides a
late PPA; ``echeance_mettre_a_jour`` stores it (called by the services after a validation, a closure, a review).
"""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from dossiers.enums import StatutParcours
from ppa.enums import DELAI_PREMIER_PPA_MOIS, DELAI_REVISION_MOIS, MotifRevue, StatutPpa

EN_RETARD = "en_retard"
A_ECHEANCE = "a_echeance"
A_JOUR = "a_jour"
ETATS = {
    EN_RETARD: "En retard",
    A_ECHEANCE: "À échéance dans moins d'un mois",
    A_JOUR: "À jour",
}
ETAT_ORDRE = {EN_RETARD: 0, A_ECHEANCE: 1, A_JOUR: 2}
PREAVIS_MOIS = 1  # "à échéance": the deadline comes within this many months

EN_VIGUEUR = (StatutPpa.VALIDE, StatutPpa.EN_COURS)
MOTIFS_DEMANDE = (MotifRevue.DEMANDE_JEUNE, MotifRevue.DEMANDE_FAMILLE, MotifRevue.CHANGEMENT_SITUATION)


def regle_echeance(
    *,
    admission: datetime.date | None,
    valide_le: datetime.date | None,
    date_revision: datetime.date | None = None,
    derniere_revue: datetime.date | None = None,
    revue_demandee: datetime.date | None = None,
) -> datetime.date | None:
    """The rule of the module docstring, on plain dates (``valide_le`` etc. are those of the version in force)."""
    if admission is None:
        return None
    if valide_le is None:
        return admission + relativedelta(months=DELAI_PREMIER_PPA_MOIS)
    reference = max(valide_le, derniere_revue) if derniere_revue else valide_le
    echeance = reference + relativedelta(months=DELAI_REVISION_MOIS)
    if date_revision is not None and date_revision > (derniere_revue or valide_le):
        echeance = min(echeance, date_revision)
    if revue_demandee is not None:
        echeance = min(echeance, revue_demandee)
    return echeance


def etat_echeance(echeance: datetime.date | None, today: datetime.date) -> str | None:
    if echeance is None:
        return None
    if echeance < today:
        return EN_RETARD
    if echeance <= today + relativedelta(months=PREAVIS_MOIS):
        return A_ECHEANCE
    return A_JOUR


def annoter_echeances(dossiers, today: datetime.date):
    """``dossiers`` (a Dossier queryset) annotated with what the rule needs, in the same SQL query: ``admission``
    (start of the ``accompagne`` period covering ``today``; dossiers without one are filtered out), and of the
    version in force ``v_id``, ``v_numero``, ``v_statut``, ``v_valide_le``, ``v_date_revision``, plus
    ``derniere_revue`` and ``revue_demandee`` (see the rule), ``brouillon_numero`` (a version being drafted)."""
    from dossiers.models import Parcours
    from ppa.models import PpaVersion, Revue

    admission = (
        Parcours.objects.filter(dossier_id=OuterRef("pk"), statut=StatutParcours.ACCOMPAGNE, debut__lte=today)
        .filter(Q(fin__isnull=True) | Q(fin__gte=today))
        .order_by("-debut")
        .values("debut")[:1]
    )
    en_vigueur = PpaVersion.objects.filter(ppa__dossier_id=OuterRef("pk"), statut__in=EN_VIGUEUR).order_by("-numero")
    brouillon = PpaVersion.objects.filter(ppa__dossier_id=OuterRef("pk"), statut=StatutPpa.EN_ELABORATION)
    revues = Revue.objects.filter(version__ppa__dossier_id=OuterRef("pk"), version__statut__in=EN_VIGUEUR)
    return dossiers.annotate(
        admission=Subquery(admission),
        v_id=Subquery(en_vigueur.values("pk")[:1]),
        v_numero=Subquery(en_vigueur.values("numero")[:1]),
        v_statut=Subquery(en_vigueur.values("statut")[:1]),
        v_valide_le=Subquery(en_vigueur.values("valide_le")[:1]),
        v_date_revision=Subquery(en_vigueur.values("date_revision")[:1]),
        brouillon_numero=Subquery(brouillon.values("numero")[:1]),
        derniere_revue=Subquery(revues.filter(terminee=True).order_by("-date").values("date")[:1]),
        revue_demandee=Subquery(
            revues.filter(terminee=False, motif__in=MOTIFS_DEMANDE).order_by("date").values("date")[:1]
        ),
    ).filter(admission__isnull=False)


def echeance_de(dossier) -> datetime.date | None:
    """The deadline of a dossier annotated by ``annoter_echeances``."""
    return regle_echeance(
        admission=dossier.admission,
        valide_le=dossier.v_valide_le,
        date_revision=dossier.v_date_revision,
        derniere_revue=dossier.derniere_revue,
        revue_demandee=dossier.revue_demandee,
    )


def echeance_calculer(ppa, today: datetime.date | None = None) -> datetime.date | None:
    """The deadline of ``ppa`` by the rule of this module (one query)."""
    from dossiers.models import Dossier

    today = today or timezone.localdate()
    dossier = annoter_echeances(Dossier.objects.filter(pk=ppa.dossier_id), today).first()
    return echeance_de(dossier) if dossier is not None else None


def echeance_mettre_a_jour(ppa, today: datetime.date | None = None) -> datetime.date | None:
    """Store the deadline of ``ppa`` (``prochaine_echeance``) when it changed; return it. Not audited: it is
    derived data, recomputed from the audited writes (validation, closure, review)."""
    echeance = echeance_calculer(ppa, today)
    if ppa.prochaine_echeance != echeance:
        ppa.prochaine_echeance = echeance
        type(ppa).objects.filter(pk=ppa.pk).update(prochaine_echeance=echeance)
    return echeance


@dataclass
class LigneEcheance:
    """One row of the due/late list: a dossier accompanied today and its PPA deadline."""

    dossier: object  # Dossier with jeune, dispositif, referent loaded and the annotations
    echeance: datetime.date
    etat: str
    ppa_id: int | None

    @property
    def etat_libelle(self) -> str:
        return ETATS[self.etat]

    @property
    def premier_ppa(self) -> bool:
        return self.dossier.v_valide_le is None

    @property
    def jours(self) -> int:
        """Days left (negative: days late)."""
        return (self.echeance - timezone.localdate()).days


def lignes_echeances(dossiers, today: datetime.date) -> list[LigneEcheance]:
    """Every dossier of ``dossiers`` accompanied today with its deadline and state, late first then by deadline
    (one query)."""
    from ppa.models import Ppa

    qs = annoter_echeances(dossiers, today).select_related("jeune", "dispositif", "referent")
    qs = qs.annotate(ppa_pk=Subquery(Ppa.objects.filter(dossier_id=OuterRef("pk")).values("pk")[:1]))
    lignes = []
    for dossier in qs.order_by():
        echeance = echeance_de(dossier)
        if echeance is None:
            continue
        lignes.append(LigneEcheance(dossier, echeance, etat_echeance(echeance, today), dossier.ppa_pk))
    lignes.sort(key=lambda ligne: (ETAT_ORDRE[ligne.etat], ligne.echeance, ligne.dossier.jeune.nom_naissance))
    return lignes


def ppas_a_echeance(access, dispositif_ids=None, today: datetime.date | None = None, etats=None):
    """The due/late list for ``access``: the readable dossiers (``dossiers.perms.readable_dossiers``) of
    ``dispositif_ids`` (default: every dispositif the user reads) accompanied today, with their deadline and state
    (``etats`` narrows to some states), late first. Whether or not the dossier has a PPA yet."""
    from dossiers.models import Dossier
    from dossiers.perms import readable_dossiers

    today = today or timezone.localdate()
    qs = readable_dossiers(access, Dossier.objects.filter(archived_at__isnull=True))
    if dispositif_ids is not None:
        qs = qs.filter(dispositif_id__in=list(dispositif_ids))
    lignes = lignes_echeances(qs, today)
    if etats:
        lignes = [ligne for ligne in lignes if ligne.etat in etats]
    return lignes
