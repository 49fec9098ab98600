"""Demo data of the transmissions: a year of the logbook of the demo youths, written by their teams.

The year of history is written in bulk by ``services_extras.transmissions_reprise`` (the same checks as the
one-by-one services, once per batch: a year is ~9,000 transmissions); the last two days go through the everyday
services (``transmission_write``, ``addendum_create``, mentions, ``lecture_marquer``, a draft), so that the
handover view of the demo logins is current, with important items, mentions and read receipts.

Deterministic for a given seed and day (``rng`` comes from ``core.demo``).
"""

import datetime
import random
from collections import defaultdict

from django.utils import timezone

from core.demo import register_demo_step
from core.enums import CARE_METIERS, Metier, Role, Visibilite

# (catégorie code, cible, données, actions, résultats): targeted transmissions (DAR).
DAR = [
    ("comportement", "Opposition",
     "{p} a refusé de rejoindre le groupe au retour de récréation, insultes envers l'éducateur.",
     "Temps de retrait accompagné en salle calme, reprise verbale de la situation avec {p}.",
     "{p} a pu revenir dans le groupe au bout de vingt minutes, excuses spontanées."),
    ("comportement", "Gestion de la colère",
     "Crise de colère à table : {p} a jeté son assiette après une remarque d'un camarade.",
     "Mise à distance, retour au calme avec l'éducatrice référente, réparation proposée (nettoyage).",
     "Calme retrouvé ; {p} a nettoyé sans difficulté et a verbalisé sa frustration."),
    ("comportement", "Relations avec les pairs",
     "Moqueries répétées de {p} envers un jeune plus petit pendant le trajet en minibus.",
     "Rappel du cadre, changement de place dans le véhicule, échange individuel le soir.",
     "Pas de nouvel incident au retour ; à surveiller sur les prochains trajets."),
    ("sante", "Douleur",
     "{p} se plaint de maux de ventre depuis le matin, n'a presque rien mangé au déjeuner.",
     "Température prise (37,4 °C), appel à l'infirmière, repos à l'infirmerie, famille informée.",
     "Amélioration en fin d'après-midi ; {p} a pris son goûter."),
    ("sante", "Traitement",
     "Oubli de la prise de traitement du midi signalé par {p} à 14 h.",
     "Avis de l'infirmière et du médecin, prise décalée selon la prescription, traçabilité faite.",
     "Pas d'effet indésirable observé ; rappel mis en place sur le planning du groupe."),
    ("scolarite", "Inclusion scolaire",
     "{p} est revenu très agité de sa matinée au collège, dit avoir été exclu du cours de mathématiques.",
     "Échange téléphonique avec le professeur principal, reprise avec {p} du déroulé de la matinée.",
     "Malentendu sur une consigne ; rencontre avec l'enseignante prévue jeudi."),
    ("scolarite", "Devoirs",
     "{p} refuse les devoirs depuis trois jours, dit que « ça ne sert à rien ».",
     "Temps de devoirs raccourci et individualisé, valorisation des exercices réussis.",
     "{p} a terminé ses exercices de français, fier de le montrer."),
    ("famille", "Lien familial",
     "Retour de week-end difficile : {p} dit que ses parents se sont disputés devant lui.",
     "Écoute, information de la psychologue et de l'assistante sociale, note pour la synthèse.",
     "{p} plus apaisé au coucher ; entretien familial à proposer."),
    ("famille", "Visite médiatisée",
     "Visite de la mère de {p} annulée au dernier moment.",
     "Annonce faite à {p} avec l'éducatrice référente, activité proposée à la place.",
     "Déception exprimée, pleurs, puis participation à l'atelier cuisine."),
    ("vie_quotidienne", "Hygiène",
     "{p} ne veut plus se doucher le soir depuis le début de la semaine.",
     "Accompagnement discret, choix d'un nouveau gel douche avec {p}, horaire aménagé.",
     "Douche prise ce soir sans conflit."),
    ("vie_quotidienne", "Sommeil",
     "Endormissement tardif de {p} (après 23 h), réveils nocturnes signalés par le veilleur.",
     "Rituel du coucher renforcé, lecture, lumière tamisée ; point avec l'équipe de nuit.",
     "Endormi à 22 h 15, nuit calme."),
    ("incident", "Fugue",
     "{p} a quitté l'établissement sans autorisation à 16 h 40 après une altercation.",
     "Recherches immédiates aux alentours, appel de la famille, déclaration à la gendarmerie à 17 h 15.",
     "{p} retrouvé à 18 h 05 près de la gare, ramené par les gendarmes ; reprise prévue demain."),
    ("incident", "Violence physique",
     "Bagarre entre {p} et un camarade dans la cour, coup de poing au visage du camarade.",
     "Séparation des jeunes, soins par l'infirmière, appel des deux familles, rapport à la cheffe de service.",
     "Pas de blessure grave ; sanction éducative et réparation à définir en équipe."),
]  # fmt: skip

# (catégorie code, texte): free-text transmissions.
LIBRES = [
    ("comportement", "Très bonne journée pour {p}, souriant, a aidé à mettre la table sans qu'on le lui demande."),
    ("comportement", "{p} a été très agité pendant l'atelier, difficulté à rester assis, recadrages répétés."),
    ("comportement", "Comportements provocateurs de {p} envers les adultes toute l'après-midi."),
    ("sante", "RDV chez l'orthodontiste pour {p} mardi à 10 h, transport assuré par l'éducateur du matin."),
    ("sante", "{p} a perdu ses lunettes ; la famille prévient l'opticien."),
    ("scolarite", "{p} a participé à toute la matinée en classe, l'enseignante le trouve plus concentré."),
    ("scolarite", "Bulletin du trimestre reçu : progrès en lecture, difficultés persistantes en calcul. "
                  "Copie dans le dossier."),
    ("scolarite", "Absence de {p} au collège ce matin (refus scolaire au moment du départ)."),
    ("famille", "Appel du père de {p} : il souhaite être associé à la prochaine réunion de projet."),
    ("famille", "La grand-mère de {p} viendra le chercher vendredi à 16 h 30 (autorisation au dossier)."),
    ("vie_quotidienne", "Sortie piscine : {p} a nagé seul pour la première fois, très fier."),
    ("vie_quotidienne", "{p} a rangé sa chambre et choisi une affiche pour la décorer."),
    ("vie_quotidienne", "Repas calme, {p} a goûté les légumes sans discuter."),
    ("information", "Changement d'emploi du temps de {p} : orthophonie déplacée au mercredi 14 h."),
    ("information", "{p} rentre en taxi ce soir, le chauffeur a été prévenu du nouvel horaire."),
]  # fmt: skip

CONFIDENTIELS = [
    "Entretien avec {p} : évoque des idées noires lors des conflits familiaux ; pas de projet exprimé. "
    "Surveillance renforcée proposée, point avec le pédopsychiatre.",
    "Adaptation du traitement de {p} par le médecin ; surveillance de la somnolence en classe.",
    "Séance de psychothérapie : {p} parle pour la première fois de son placement précédent.",
    "Bilan sanguin de {p} normal ; poursuite du suivi pondéral à un mois.",
]

UNITE = [
    ("information", "Réunion d'équipe déplacée à jeudi 13 h 30 (salle du conseil)."),
    ("information", "Le minibus bleu est au garage jusqu'à vendredi : prévoir le véhicule de service."),
    ("vie_quotidienne", "Menu modifié ce soir (livraison incomplète) : pâtes à la place du poisson."),
    ("incident", "Coupure d'électricité de 20 h à 20 h 45 sur le bâtiment B, aucune conséquence pour les jeunes."),
    ("information", "Exercice d'évacuation incendie prévu lundi à 10 h, prévenir les jeunes la veille."),
]

ADDENDA = [
    "Précision : l'appel à la famille a eu lieu à 18 h et non 17 h.",
    "Complément : le médecin a été informé le lendemain matin.",
    "Correction : il s'agissait du cours de sciences, pas de mathématiques.",
    "Suite : entretien avec la famille fixé au mardi suivant.",
]

# Who writes which catégories.
METIER_CATEGORIES = {
    Metier.EDUCATEUR: ["comportement", "vie_quotidienne", "famille", "incident", "scolarite", "information"],
    Metier.EDUCATEUR_NUIT: ["vie_quotidienne", "comportement", "incident"],
    Metier.ENSEIGNANT: ["scolarite"],
    Metier.INFIRMIER: ["sante"],
    Metier.MEDECIN: ["sante"],
    Metier.PSYCHOLOGUE: ["famille", "comportement"],
    Metier.ASSISTANT_SOCIAL: ["famille", "information"],
    Metier.CHEF_DE_SERVICE: ["information", "incident", "famille"],
    Metier.ORTHOPHONISTE: ["scolarite", "information"],
    Metier.PSYCHOMOTRICIEN: ["comportement", "information"],
}
WEIGHTS = {Metier.EDUCATEUR: 10, Metier.EDUCATEUR_NUIT: 2, Metier.ENSEIGNANT: 2, Metier.CHEF_DE_SERVICE: 1}
PER_YOUTH_PER_WEEK = 1.6
HISTORY_DAYS = 365


def _content(rng: random.Random, categorie: str, prenom: str, metier: str) -> dict:
    if metier in CARE_METIERS and rng.random() < 0.45:
        return {"texte": rng.choice(CONFIDENTIELS).format(p=prenom), "visibilite": Visibilite.CONFIDENTIEL_SOIN}
    dar = [d for d in DAR if d[0] == categorie]
    libres = [t for c, t in LIBRES if c == categorie]
    if dar and (not libres or rng.random() < 0.5):
        _, cible, donnees, actions, resultats = rng.choice(dar)
        content = {"cible": cible, "donnees": donnees.format(p=prenom), "actions": actions.format(p=prenom),
                   "resultats": resultats.format(p=prenom)}  # fmt: skip
    else:
        content = {"texte": rng.choice(libres or [t for _, t in LIBRES]).format(p=prenom)}
    if categorie in ("vie_quotidienne", "scolarite") and rng.random() < 0.1:
        content["visibilite"] = Visibilite.PARTAGEABLE_FAMILLE
    return content


def _at(rng: random.Random, day: datetime.date, metier: str) -> datetime.datetime:
    if metier == Metier.EDUCATEUR_NUIT:
        hour = rng.choice([21, 22, 23, 0, 1, 5, 6])
    else:
        hour = rng.randint(7, 20)
    naive = datetime.datetime.combine(day, datetime.time(hour, rng.choice([0, 5, 10, 15, 20, 30, 40, 45, 50])))
    return timezone.make_aware(naive)


def _teams(organisme_id: int):
    """Per dispositif: the contributors (user, métier, site) who write, weighted by métier."""
    from core.models import Affectation

    teams = defaultdict(list)
    affectations = (
        Affectation.objects.filter(organisme_id=organisme_id, role=Role.CONTRIBUTEUR, user__is_active=True)
        .active_on_today()
        .select_related("user")
        .order_by("pk")
    )
    for a in affectations:
        if a.metier in METIER_CATEGORIES:
            teams[a.dispositif_id].extend([(a.user_id, a.metier, a.site_id)] * WEIGHTS.get(a.metier, 1))
    return teams


def transmissions_demo_step(organisme, plan, rng: random.Random) -> None:
    from dossiers.enums import StatutParcours
    from dossiers.models import Dossier
    from transmissions.services import categories_par_defaut
    from transmissions.services_extras import transmissions_reprise

    categories = {c.code: c for c in categories_par_defaut(organisme_id=organisme.pk)}
    teams = _teams(organisme.pk)
    dossiers = list(
        Dossier.objects.filter(organisme_id=organisme.pk, statut=StatutParcours.ACCOMPAGNE, archived_at__isnull=True,
                               est_restreint=False)
        .select_related("jeune")
        .order_by("pk")
    )  # fmt: skip
    dossiers = [d for d in dossiers if teams.get(d.dispositif_id)]
    today = timezone.localdate()
    items: list[dict] = []
    for day_offset in range(HISTORY_DAYS, 2, -1):
        day = today - datetime.timedelta(days=day_offset)
        weekend = day.weekday() >= 5
        for dossier in dossiers:
            if rng.random() > PER_YOUTH_PER_WEEK / 7 * (0.4 if weekend else 1.0):
                continue
            user_id, metier, _ = rng.choice(teams[dossier.dispositif_id])
            categorie = rng.choice(METIER_CATEGORIES[metier])
            item = {
                "auteur_id": user_id, "dispositif_id": dossier.dispositif_id, "site_id": dossier.site_id,
                "categorie_id": categories[categorie].pk, "survenue_le": _at(rng, day, metier),
                "jeune_ids": [dossier.jeune_id],
                "importance": "importante" if categorie == "incident" or rng.random() < 0.05 else "normale",
                **_content(rng, categorie, dossier.jeune.prenom, metier),
            }  # fmt: skip
            item["validee_le"] = item["survenue_le"] + datetime.timedelta(minutes=rng.randint(2, 40))
            team = [u for u, _, _ in teams[dossier.dispositif_id] if u != user_id]
            item["lecteurs"] = [
                (u, item["validee_le"] + datetime.timedelta(hours=rng.randint(1, 30)))
                for u in sorted(set(rng.sample(team, min(len(team), 3))))
            ]
            items.append(item)
            if rng.random() < 0.03:
                items.append({
                    "addendum_de": len(items) - 1, "auteur_id": rng.choice(team or [user_id]),
                    "survenue_le": item["validee_le"] + datetime.timedelta(hours=rng.randint(1, 20)),
                    "texte": rng.choice(ADDENDA),
                })  # fmt: skip
        if not weekend:
            for dispositif_id, members in sorted(teams.items()):
                if rng.random() < 0.3:
                    user_id, metier, site_id = rng.choice(members)
                    code, texte = rng.choice(UNITE)
                    items.append({"auteur_id": user_id, "dispositif_id": dispositif_id, "site_id": site_id,
                                  "categorie_id": categories[code].pk, "survenue_le": _at(rng, day, Metier.EDUCATEUR),
                                  "texte": texte})  # fmt: skip
    # Addenda written by someone who may not write in the dispositif any more are dropped by construction: the team
    # lists only today's contributors.
    items = [i for i in items if i.get("addendum_de") is None or i["survenue_le"] < timezone.now()]
    transmissions_reprise(organisme_id=organisme.pk, items=items, actor=None)
    _recent(organisme, dossiers, teams, categories, rng)


def _recent(organisme, dossiers, teams, categories, rng: random.Random) -> None:
    """The last two days through the everyday services: the demo logins' handover view is current."""
    from core.models import User
    from transmissions.services import (
        addendum_create,
        lecture_marquer,
        transmission_create_draft,
        transmission_write,
    )

    users = {u.pk: u for u in User.objects.filter(pk__in={m[0] for ms in teams.values() for m in ms})}
    demo_logins = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@demo.ditep.fr")}
    now = timezone.now()
    educateur = demo_logins.get(Metier.EDUCATEUR.value)
    educ_dispositifs = {a.dispositif_id for a in educateur.affectations.all()} if educateur else set()
    written = []
    sample = rng.sample(dossiers, min(len(dossiers), 30))
    for index, dossier in enumerate(sample):
        user_id, metier, _ = rng.choice(teams[dossier.dispositif_id])
        categorie = rng.choice(METIER_CATEGORIES[metier])
        content = _content(rng, categorie, dossier.jeune.prenom, metier)
        mentions = []
        if educateur and index % 4 == 0 and educateur.pk != user_id and dossier.dispositif_id in educ_dispositifs:
            mentions = [educateur]
        t = transmission_write(
            auteur=users[user_id], dispositif=dossier.dispositif, categorie=categories[categorie],
            jeunes=[dossier.jeune], site=dossier.site, mentions=mentions,
            survenue_le=now - datetime.timedelta(hours=rng.randint(1, 40), minutes=rng.randint(0, 59)),
            importance="importante" if categorie == "incident" or index % 7 == 0 else "normale", **content,
        )  # fmt: skip
        written.append(t)
    for t in written[:3]:
        colleagues = [u for u, _, _ in teams[t.dispositif_id] if u != t.auteur_id]
        if colleagues:
            addendum_create(original=t, by=users[rng.choice(colleagues)], texte=rng.choice(ADDENDA))
    for t in written[::2]:
        colleagues = sorted({u for u, _, _ in teams[t.dispositif_id] if u != t.auteur_id})
        for user_id in rng.sample(colleagues, min(2, len(colleagues))):
            lecture_marquer(transmissions=[t], user=users[user_id])
    if educateur and dossiers:
        dossier = next((d for d in dossiers if d.dispositif_id in educ_dispositifs), None)
        if dossier is not None:
            transmission_create_draft(
                auteur=educateur, dispositif=dossier.dispositif, categorie=categories["vie_quotidienne"],
                jeunes=[dossier.jeune], texte=f"Brouillon : {dossier.jeune.prenom} a préparé le goûter avec",
            )  # fmt: skip


# Imported from ``TransmissionsConfig.ready()``: the demo generator runs without the URLs loaded.
register_demo_step("transmissions", transmissions_demo_step, order=40)
