"""Demo data of the dossiers app beyond the exchange format (demo step ``dossiers_extras``, registered from
``dossiers/apps.py``): the default document templates of the demo organisme and a few adverse events — declared,
followed up by the direction, closed — written through the dossiers services, deterministic for a given seed."""

import datetime

from django.utils import timezone

# (days ago, hour, place, facts, people involved, immediate measures, seriousness, ARS, state)
EVENEMENTS = [
    (2, 17, "Cour de l'internat", "Altercation entre deux jeunes au retour de l'école ; coup de poing porté.",
     "Deux jeunes de l'internat", "Séparation des jeunes, appel des familles, soins infirmiers.", "moderee",
     False, "declare"),
    (9, 10, "Trajet en taxi", "Le jeune a quitté le taxi à un feu rouge et n'est pas arrivé au site ; retrouvé "
     "2 heures plus tard au domicile.", "", "Signalement de fugue à la gendarmerie, information des parents.",
     "grave", True, "en_cours"),
    (24, 15, "Salle d'activité", "Bris de vitre lors d'une crise de colère ; coupure superficielle à la main.", "",
     "Soins sur place, mise en sécurité de la salle.", "mineure", False, "clos"),
    (41, 21, "Internat, chambre 3", "Propos menaçants envers un éducateur de nuit.", "L'éducateur de nuit",
     "Entretien avec le chef de service le lendemain.", "moderee", False, "clos"),
]  # fmt: skip


def dossiers_extras(organisme, plan, rng) -> None:
    """The demo step: default templates, then adverse events on accompanied dossiers of the first dispositif."""
    from core.enums import Metier
    from core.models import Affectation, User
    from dossiers.models import Dossier
    from dossiers.services.modeles import modeles_par_defaut
    from dossiers.services.signalements import (
        evenement_indesirable_cloturer,
        evenement_indesirable_declare,
        evenement_indesirable_suivre,
    )

    direction = User.objects.get(organisme_id=organisme.pk, ref=f"demo-{Metier.DIRECTION}")
    modeles_par_defaut(organisme_id=organisme.pk, actor=direction)
    dossiers = list(
        Dossier.objects.filter(statut="accompagne", archived_at__isnull=True, est_restreint=False)
        .select_related("dispositif")
        .order_by("dispositif__nom", "jeune__ref")
    )
    if not dossiers:
        return
    dispositif = dossiers[0].dispositif
    dossiers = [d for d in dossiers if d.dispositif_id == dispositif.pk]
    educateurs = list(
        User.objects.filter(
            pk__in=Affectation.objects.filter(dispositif=dispositif, metier=Metier.EDUCATEUR).values("user_id")
        ).order_by("ref", "pk")
    )
    now = timezone.now()
    for days, hour, lieu, faits, personnes, mesures, gravite, ars, etat in EVENEMENTS:
        survenu = timezone.localtime(now - datetime.timedelta(days=days)).replace(hour=hour, minute=15, second=0)
        evenement = evenement_indesirable_declare(
            dispositif=dispositif, dossier=rng.choice(dossiers), actor=rng.choice(educateurs or [direction]),
            survenu_le=min(survenu, now), lieu=lieu, faits=faits, personnes_impliquees=personnes,
            mesures_immediates=mesures, gravite=gravite, information_ars=ars,
        )  # fmt: skip
        if etat in ("en_cours", "clos"):
            evenement_indesirable_suivre(
                evenement=evenement, actor=direction,
                note="Analyse en équipe ; rencontre avec le jeune et sa famille prévue.",
                signale_ars_le=timezone.localdate(survenu) if ars else None,
            )  # fmt: skip
        if etat == "clos":
            evenement_indesirable_cloturer(
                evenement=evenement, actor=direction,
                conclusion="Mesures de prévention intégrées au projet du jeune ; pas de suite à donner.",
            )  # fmt: skip


def _register() -> None:
    from core.demo import register_demo_step

    register_demo_step("dossiers_extras", dossiers_extras, order=10)


_register()
