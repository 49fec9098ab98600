"""Reports of the activity (DOMAIN §8.3, issue item 6): requested from the dashboard or produced each quarter,
computed by a Celery job with a visible progress, stored (who, when, parameters, figures, file) and downloaded
through a permission-checked, audited view.

- ``rapport_demander(*, type, fmt, dispositif, debut, fin, actor, request=None)``: checks the request (French
  messages, nothing written when invalid), records a ``Rapport`` (audited CREATE) and queues
  ``activite.tasks.rapport_produire_task`` on commit.
- ``rapport_produire(*, rapport_id, step)``: computes the figures (``table_aire`` / ``indicateurs_tbp`` /
  ``rapport_annuel`` / ``indicateurs_qualite``), updating ``progression`` and ``message`` step by step (each step
  committed, so the polling page sees it), stores ``resultat``, ``parametres`` and the file (``exporter``), then
  ``termine``; on any error ``echec`` with a French message. Idempotent: a finished report is left as it is.
- ``rapport_annuel(dispositif, annee, progression=None)``: the annual report's dict = TBP of the year + AIRe of the
  year and of each quarter + the direction's ``NarratifAnnuel`` fields.
- ``rapports_trimestriels(*, aujourd_hui, step)``: for every active dispositif of the current organisme, the previous
  quarter's AIRe table as PDF and XLSX (``automatique``), once per dispositif, quarter and format (a failed one is
  produced again); the directors are notified once (title without any youth's name, link to the reports page).
- ``rapport_telecharger(*, rapport, actor, request=None)``: the stored file, with an EXPORT row in the audit journal.
- ``narratif_enregistrer(...)``: the direction's narrative fields of a year (audited).
"""

import contextlib
import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from activite.enums import FormatRapport, StatutRapport, TypeRapport
from activite.models import NarratifAnnuel, Rapport
from activite.perms import can_view_activite
from core.enums import AuditAction
from core.services.audit import audit_record, save_audited
from core.services.notifications import notify

logger = logging.getLogger(__name__)

MODELE_RAPPORT_ANNUEL = "rapport-annuel-v1"
DUREE_MAX_JOURS = 366 * 2
ANNUELS = (TypeRapport.TBP, TypeRapport.RAPPORT_ANNUEL)
NARRATIF_CHAMPS = ("faits_marquants", "analyse_activite", "partenariats", "perspectives")


def _access(actor):
    from core.tenancy import Access

    return Access.for_user(actor)


def verifier_demande(*, type, fmt, dispositif, debut, fin) -> tuple[datetime.date, datetime.date]:
    """The period the report will cover (TBP and annual report: the calendar year of ``debut``); raises
    ``ValidationError`` with French messages."""
    erreurs = {}
    if type not in TypeRapport.values:
        erreurs["type"] = "Type de rapport inconnu."
    if fmt not in FormatRapport.values:
        erreurs["format"] = "Format inconnu : choisissez PDF, XLSX, CSV ou JSON."
    if dispositif is None:
        erreurs["dispositif"] = "Choisissez un dispositif."
    if not isinstance(debut, datetime.date) or not isinstance(fin, datetime.date):
        erreurs["debut"] = "Indiquez les dates de début et de fin de la période."
    elif type in ANNUELS:
        debut, fin = datetime.date(debut.year, 1, 1), datetime.date(debut.year, 12, 31)
    elif debut > fin:
        erreurs["fin"] = "La fin de la période doit suivre son début."
    elif (fin - debut).days > DUREE_MAX_JOURS:
        erreurs["fin"] = "La période ne peut pas dépasser deux ans."
    if erreurs:
        raise ValidationError(erreurs)
    return debut, fin


@transaction.atomic
def rapport_demander(
    *, type, fmt, dispositif, debut, fin, actor, request=None, automatique: bool = False, enqueue: bool = True
) -> Rapport:
    """Record a report request and queue its production once the transaction commits."""
    debut, fin = verifier_demande(type=type, fmt=fmt, dispositif=dispositif, debut=debut, fin=fin)
    if actor is not None and not can_view_activite(_access(actor), dispositif.pk):
        raise PermissionDenied("Vous ne pouvez pas demander de rapport pour ce dispositif.")
    rapport = Rapport(
        organisme_id=dispositif.organisme_id, type=type, format=fmt, dispositif=dispositif, debut=debut, fin=fin,
        statut=StatutRapport.EN_ATTENTE, progression=0, message="En attente de traitement",
        automatique=automatique, demande_par=actor,
    )  # fmt: skip
    rapport.full_clean()
    rapport.save()
    audit_record(
        actor=actor, action=AuditAction.CREATE, record=rapport, request=request, organisme_id=dispositif.organisme_id,
        details={"type": type, "format": fmt, "dispositif": dispositif.finess, "debut": debut.isoformat(),
                 "fin": fin.isoformat(), "automatique": automatique},
    )  # fmt: skip
    if enqueue:
        from activite.tasks_rapports import rapport_produire_task

        rapport_produire_task.delay_on_commit(organisme_id=dispositif.organisme_id, rapport_id=rapport.pk)
    return rapport


def _progres(rapport: Rapport, progression: int, message: str, **fields) -> None:
    rapport.progression, rapport.message = progression, message[:300]
    for name, value in fields.items():
        setattr(rapport, name, value)
    rapport.save(update_fields=["progression", "message", *fields])


def _pas_de_step():
    return contextlib.nullcontext()


def calculer(rapport: Rapport, progression=None) -> tuple[dict, dict]:
    """(resultat, parametres) of a report; ``progression(percent, message)`` is called between the long steps."""
    from activite.services.aire import table_aire_avec_parametres

    progression = progression or (lambda p, m: None)
    dispositif = rapport.dispositif
    if rapport.type == TypeRapport.AIRE:
        progression(20, "Calcul du tableau AIRe")
        return table_aire_avec_parametres(dispositif, rapport.debut, rapport.fin)
    if rapport.type == TypeRapport.TBP:
        from activite.services.tbp import indicateurs_tbp

        progression(20, "Calcul des indicateurs du TBP")
        return indicateurs_tbp(dispositif, rapport.debut.year), parametres_annee(dispositif, rapport.debut.year)
    if rapport.type == TypeRapport.QUALITE:
        from activite.services.qualite import indicateurs_qualite

        progression(20, "Calcul des indicateurs qualité")
        return indicateurs_qualite(dispositif, rapport.debut, rapport.fin), {}
    return rapport_annuel(dispositif, rapport.debut.year, progression=progression)


def parametres_annee(dispositif, annee: int) -> dict:
    """The yearly parameters of the TBP (places financées, days of operation) as recorded with a report."""
    from core.models import DispositifAnnee

    params = DispositifAnnee.objects.filter(dispositif=dispositif, annee=annee).first()
    if params is None:
        return {"annee": annee}
    return {
        "annee": annee,
        "places_internat": params.places_internat,
        "places_accueil_de_jour": params.places_accueil_de_jour,
        "places_ambulatoire": params.places_ambulatoire,
        "jours_ouverture": params.jours_ouverture,
    }


def rapport_annuel(dispositif, annee: int, progression=None) -> tuple[dict, dict]:
    """The annual report of D for ``annee``: TBP of the year, AIRe of the year and of each quarter, the direction's
    narrative. Returns (resultat, parametres)."""
    from activite.services.aire import table_aire_avec_parametres
    from activite.services.tableau import trimestre_bornes
    from activite.services.tbp import indicateurs_tbp

    progression = progression or (lambda p, m: None)
    progression(10, "Calcul des indicateurs du TBP")
    tbp = indicateurs_tbp(dispositif, annee)
    progression(25, "Calcul du tableau AIRe de l'année")
    aire, parametres_aire = table_aire_avec_parametres(dispositif, datetime.date(annee, 1, 1),
                                                       datetime.date(annee, 12, 31))  # fmt: skip
    trimestres = []
    for t in range(1, 5):
        progression(25 + 12 * t, f"Calcul du tableau AIRe du trimestre {t}")
        trimestres.append(table_aire_avec_parametres(dispositif, *trimestre_bornes(annee, t))[0])
    narratif = NarratifAnnuel.objects.filter(dispositif=dispositif, annee=annee).first()
    resultat = {
        "modele": MODELE_RAPPORT_ANNUEL,
        "dispositif": dispositif.finess,
        "annee": annee,
        "debut": f"{annee}-01-01",
        "fin": f"{annee}-12-31",
        "tbp": tbp,
        "aire": aire,
        "aire_trimestres": trimestres,
        "narratif": {champ: getattr(narratif, champ, "") or "" for champ in NARRATIF_CHAMPS},
    }
    return resultat, {**parametres_aire, **parametres_annee(dispositif, annee)}


def contexte_export(rapport: Rapport, parametres: dict) -> dict:
    return {
        "organisme": rapport.dispositif.organisme,
        "dispositif": rapport.dispositif,
        "parametres": parametres,
        "genere_le": timezone.localtime(),
        "demande_par": rapport.demande_par.get_full_name() if rapport.demande_par else "Production automatique",
    }


def rapport_produire(*, rapport_id: int, step=_pas_de_step) -> str:
    """Compute and store report ``rapport_id`` (see the module docstring). ``step()`` opens one committed unit of
    work under the tenant. Returns the final statut."""
    from activite.exports import exporter

    with step():
        rapport = Rapport.objects.select_related("dispositif__organisme", "demande_par").filter(pk=rapport_id).first()
        if rapport is None or rapport.statut in (StatutRapport.TERMINE, StatutRapport.ECHEC):
            return rapport.statut if rapport is not None else ""
        _progres(rapport, 5, "Préparation", statut=StatutRapport.EN_COURS)
    try:

        def progression(pourcent, message):
            with step():
                _progres(rapport, pourcent, message)

        with step():
            resultat, parametres = calculer(rapport, progression)
        progression(85, f"Mise en forme du fichier {rapport.get_format_display()}")
        with step():
            contenu, _type, nom = exporter(rapport.type, resultat, rapport.format,
                                           contexte=contexte_export(rapport, parametres))  # fmt: skip
        with step():
            rapport.fichier.save(nom, ContentFile(contenu), save=False)
            try:
                _progres(
                    rapport, 100, "Terminé", statut=StatutRapport.TERMINE, termine_le=timezone.now(),
                    resultat=resultat, parametres=parametres, fichier=rapport.fichier.name, nom_fichier=nom,
                )  # fmt: skip
            except Exception:
                rapport.fichier.storage.delete(rapport.fichier.name)
                raise
            if rapport.demande_par_id and not rapport.automatique:
                lien = reverse("activite:rapport", args=[rapport.pk])
                notify(recipients=[rapport.demande_par], titre=f"Votre rapport est prêt : {rapport}", lien=lien,
                       categorie="activite", email=False)  # fmt: skip
    except Exception as exc:
        logger.exception("Activity report %s failed", rapport_id)
        if isinstance(exc, ValidationError):
            detail = " ".join(exc.messages)
        else:
            detail = "Relancez la demande ; si l'échec se répète, contactez l'administrateur."
        with step():
            rapport = Rapport.objects.get(pk=rapport_id)
            _progres(rapport, rapport.progression, f"Le calcul du rapport a échoué. {detail}",
                     statut=StatutRapport.ECHEC, termine_le=timezone.now())  # fmt: skip
        return StatutRapport.ECHEC
    return StatutRapport.TERMINE


def rapport_telecharger(*, rapport: Rapport, actor, request=None) -> tuple[bytes, str, str]:
    """The stored file of a finished report; one EXPORT row in the audit journal per download."""
    from activite.exports import CONTENT_TYPES

    if rapport.statut != StatutRapport.TERMINE or not rapport.fichier:
        raise ValidationError("Ce rapport n'a pas de fichier à télécharger.")
    with rapport.fichier.open("rb") as stored:
        contenu = stored.read()
    audit_record(
        actor=actor, action=AuditAction.EXPORT, record=rapport, request=request,
        details={"type": rapport.type, "format": rapport.format, "fichier": rapport.nom_fichier},
    )  # fmt: skip
    return contenu, CONTENT_TYPES[rapport.format], rapport.nom_fichier


def directeurs(organisme_id: int) -> list:
    from core.enums import Metier
    from core.models import Affectation, User

    ids = Affectation.objects.filter(organisme_id=organisme_id, metier=Metier.DIRECTION).active_on_today()
    return list(User.objects.filter(pk__in=ids.values("user_id"), is_active=True))


def rapports_trimestriels(*, aujourd_hui: datetime.date, organisme_id: int, step=_pas_de_step) -> list[int]:
    """The previous quarter's AIRe tables (PDF and XLSX) of every active dispositif of the organisme, produced once;
    the directors notified when at least one was produced. Returns the ids of the reports produced."""
    from activite.services.tableau import libelle_periode, trimestre_bornes, trimestre_precedent
    from core.models import Dispositif

    debut, fin = trimestre_bornes(*trimestre_precedent(aujourd_hui))
    with step():
        a_produire = []
        for dispositif in Dispositif.objects.filter(organisme_id=organisme_id, is_active=True).order_by("nom"):
            for fmt in (FormatRapport.PDF, FormatRapport.XLSX):
                deja = Rapport.objects.filter(
                    dispositif=dispositif, type=TypeRapport.AIRE, format=fmt, debut=debut, fin=fin, automatique=True
                ).exclude(statut=StatutRapport.ECHEC)
                if deja.exists():
                    continue
                rapport = rapport_demander(type=TypeRapport.AIRE, fmt=fmt, dispositif=dispositif, debut=debut,
                                           fin=fin, actor=None, automatique=True, enqueue=False)  # fmt: skip
                a_produire.append(rapport.pk)
    for rapport_id in a_produire:
        rapport_produire(rapport_id=rapport_id, step=step)
    if a_produire:
        with step():
            notify(
                recipients=directeurs(organisme_id),
                titre=f"Tableaux d'activité AIRe du {libelle_periode(debut, fin)} disponibles",
                lien=reverse("activite:rapports"), categorie="activite",
            )  # fmt: skip
    return a_produire


@transaction.atomic
def narratif_enregistrer(*, dispositif, annee: int, actor, request=None, **champs) -> NarratifAnnuel:
    """The direction's narrative fields of the annual report of D for ``annee`` (created if missing; audited)."""
    access = _access(actor)
    if not (access.is_direction and can_view_activite(access, dispositif.pk)):
        raise PermissionDenied("Seule la direction rédige le narratif du rapport annuel.")
    if not 2000 <= int(annee) <= 2100:
        raise ValidationError({"annee": "Année invalide."})
    inconnus = set(champs) - set(NARRATIF_CHAMPS)
    if inconnus:
        raise ValidationError(f"Champs inconnus : {', '.join(sorted(inconnus))}.")
    narratif = NarratifAnnuel.objects.filter(dispositif=dispositif, annee=annee).first() or NarratifAnnuel(
        organisme_id=dispositif.organisme_id, dispositif=dispositif, annee=annee
    )
    changes = [champ for champ, valeur in champs.items() if (getattr(narratif, champ) or "") != (valeur or "")]
    for champ in changes:
        setattr(narratif, champ, (champs[champ] or "").strip())
    if changes or narratif._state.adding:
        narratif.updated_by, narratif.updated_at = actor, timezone.now()
        save_audited(narratif, actor=actor, request=request, changed=changes)
    return narratif
