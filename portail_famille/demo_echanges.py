"""Demo step of the portal exchanges (``core.demo.register_demo_step``, after the portal accounts of
``portail_famille.demo``): threads with messages both ways (one closed), a closed questionnaire with enough answers
to show its results and an open one, réclamations and suggestions at each status, CVS members.

Written through the services (validation, audit, notifications), then dated back in the past with plain updates
(demo only) so that lists look lived-in. Deterministic for a given seed (``rng``).
"""

import datetime
import random

from django.utils import timezone

from core.demo import register_demo_step

FILS = [
    (
        "Transport de jeudi",
        "Bonjour, le taxi pourra-t-il venir chercher mon enfant à 8 h jeudi ? Merci.",
        "Bonjour, oui, le taxi passera à 8 h. Bonne journée.",
    ),
    (
        "Rendez-vous avec la psychologue",
        "Bonjour, est-il possible de décaler le rendez-vous de mardi ?",
        "Bonjour, nous vous proposons mercredi à 14 h. Cela vous convient-il ?",
    ),
    (
        "Affaires de piscine",
        "Faut-il prévoir un bonnet de bain pour la sortie piscine ?",
        "Oui, un bonnet et une serviette. Merci !",
    ),
    (
        "Week-end",
        "Bonjour, nous partons vendredi soir, le retour se fera lundi matin directement à l'école.",
        "Merci de nous prévenir, c'est noté dans l'agenda.",
    ),
]
FILS_JEUNE = [
    (
        "Mon stage",
        "Est-ce que je peux faire mon stage dans le garage de mon oncle ?",
        "Bonne idée ! On en parle avec ton éducatrice mardi.",
    ),
]
RECLAMATIONS = [
    (
        "suggestion",
        "Un potager au foyer",
        "Les jeunes pourraient faire un potager au printemps.",
        "close",
        "Merci pour cette idée : le potager sera lancé en avril avec les jeunes volontaires.",
    ),
    (
        "reclamation",
        "Repas froids le mercredi",
        "Les repas du mercredi midi arrivent souvent froids.",
        "repondue",
        "Nous avons changé l'organisation du service : les plats sont désormais réchauffés sur place.",
    ),
    ("reclamation", "Retards du taxi", "Le taxi est en retard plusieurs fois par semaine.", "en_cours", ""),
    ("suggestion", "Horaires de l'accueil", "Un accueil téléphonique après 18 h serait utile.", "recue", ""),
    ("suggestion", "Plus de sorties", "J'aimerais plus de sorties au cinéma.", "recue", ""),
]
QUESTIONS = [
    ("Êtes-vous satisfait(e) de l'accueil de votre enfant ?", "echelle", 4, "Pas du tout", "Tout à fait", []),
    ("Êtes-vous bien informé(e) de ce que fait votre enfant ?", "echelle", 4, "Pas du tout", "Tout à fait", []),
    ("Comment préférez-vous être contacté(e) ?", "choix", 4, "", "", ["Téléphone", "Portail", "Courrier"]),
    ("Avez-vous une remarque ou une idée ?", "texte", 4, "", "", []),
]
REMARQUES = ["Merci à toute l'équipe.", "Plus de nouvelles sur les activités.", "", "Très bonne écoute.", ""]


def _direction(organisme_id, dispositif_id):
    from core.enums import Metier
    from core.models import Affectation

    rows = Affectation.objects.filter(organisme_id=organisme_id, metier=Metier.DIRECTION).select_related("user")
    row = rows.filter(dispositif_id=dispositif_id).order_by("pk").first() or rows.order_by("pk").first()
    return row.user if row else None


def _equipier(fil):
    from core.enums import AccountKind
    from core.models import User
    from portail_famille.services.messages import destinataires_equipe

    equipe = destinataires_equipe(fil)
    if equipe:
        return equipe[0]
    return User.objects.filter(kind=AccountKind.PROFESSIONNEL, affectations__dispositif_id=fil.dispositif_id).first()


def _passe(model, pk, **fields):
    model.objects.filter(pk=pk).update(**fields)


def portail_echanges_demo_step(organisme, plan, rng: random.Random) -> None:
    from core.models import User
    from portail_famille.enums import Espace
    from portail_famille.models import AccesPortail, FilDiscussion, LectureFil, Message, Reclamation
    from portail_famille.services import messages as msg
    from portail_famille.services import questionnaires as qs
    from portail_famille.services import reclamations as rec

    acces = list(
        AccesPortail.objects.actifs().filter(organisme_id=organisme.pk).select_related("user", "jeune").order_by("pk")
    )
    if not acces:
        return
    now = timezone.now()
    famille = [a for a in acces if a.espace == Espace.FAMILLE and a.messagerie]
    jeunes = [a for a in acces if a.espace == Espace.JEUNE and a.messagerie]

    # Threads: each family account of the demo gets one or two; the youth one; answers from the team.
    fils = []
    for index, a in enumerate(famille[:8]):
        for sujet, question, reponse in rng.sample(FILS, 2 if index == 0 else 1):
            fils.append((a, sujet, question, reponse))
    for a in jeunes[:3]:
        fils.append((a, *FILS_JEUNE[0]))
    for rang, (a, sujet, question, reponse) in enumerate(fils):
        fil = msg.fil_creer(actor=a.user, acces=a, sujet=sujet, texte=question)
        debut = now - datetime.timedelta(days=rng.randint(2, 25), hours=rng.randint(0, 8))
        _passe(FilDiscussion, fil.pk, created_at=debut, dernier_message_le=debut)
        _passe(Message, fil.messages.get().pk, created_at=debut)
        _passe(LectureFil, LectureFil.objects.get(fil=fil, user=a.user).pk, lu_le=debut)
        if rang % 4 == 3:
            continue  # left unanswered: the team's inbox shows it unread
        pro = _equipier(fil)
        if pro is None:
            continue
        message = msg.message_envoyer(actor=pro, fil=fil, texte=reponse)
        quand = debut + datetime.timedelta(hours=rng.randint(2, 30))
        _passe(Message, message.pk, created_at=quand)
        _passe(FilDiscussion, fil.pk, dernier_message_le=quand)
        _passe(LectureFil, LectureFil.objects.get(fil=fil, user=pro).pk, lu_le=quand)
        if rang % 4 == 1:
            msg.fil_clore(actor=pro, fil=fil)

    # Questionnaires of the first youth's dispositif: one closed with results, one open.
    from dossiers.models import Dossier

    dossier = Dossier.objects.filter(jeune_id=acces[0].jeune_id).order_by("archived_at", "-pk").first()
    direction = _direction(organisme.pk, dossier.dispositif_id) if dossier else None
    if direction is not None:
        dans_le_dispositif = set(
            Dossier.objects.filter(dispositif=dossier.dispositif).values_list("jeune_id", flat=True)
        )
        repondants = [a for a in famille if a.jeune_id in dans_le_dispositif]
        uniques = list({a.user_id: a for a in repondants}.values())
        seuil = max(1, min(5, len(uniques)))
        clos = qs.questionnaire_creer(
            actor=direction, dispositif=dossier.dispositif, titre="Satisfaction des familles — année 2024-2025",
            introduction="Merci de prendre cinq minutes pour nous dire ce que vous pensez de l'accompagnement.",
            public="familles", seuil_anonymat=seuil,
        )  # fmt: skip
        questions = [
            qs.question_ajouter(
                actor=direction,
                questionnaire=clos,
                libelle=libelle,
                type=type_,
                echelle_max=echelle,
                libelle_min=lmin,
                libelle_max=lmax,
                choix=choix,
                obligatoire=type_ == "echelle",
            )  # fmt: skip
            for libelle, type_, echelle, lmin, lmax, choix in QUESTIONS
        ]
        qs.questionnaire_ouvrir(actor=direction, questionnaire=clos)
        for index, a in enumerate(uniques):
            valeurs = {
                questions[0].pk: str(rng.choice([3, 4, 4, 2, 3])),
                questions[1].pk: str(rng.choice([2, 3, 4, 3])),
                questions[2].pk: rng.choice(["Téléphone", "Portail", "Portail", "Courrier"]),
                questions[3].pk: REMARQUES[index % len(REMARQUES)],
            }
            qs.questionnaire_repondre(actor=a.user, acces_list=[a], questionnaire=clos, valeurs=valeurs)
        qs.questionnaire_clore(actor=direction, questionnaire=clos)
        ouvert = qs.questionnaire_creer(
            actor=direction, dispositif=dossier.dispositif, titre="Les sorties de l'été",
            introduction="Aidez-nous à préparer les sorties de cet été.", public="tous", seuil_anonymat=5,
        )  # fmt: skip
        qs.question_ajouter(
            actor=direction, questionnaire=ouvert, libelle="Les sorties de l'an dernier vous ont-elles plu ?",
            type="echelle", echelle_max=5, libelle_min="Pas du tout", libelle_max="Beaucoup", obligatoire=True,
        )  # fmt: skip
        qs.question_ajouter(
            actor=direction, questionnaire=ouvert, libelle="Quelle sortie préférez-vous ?", type="choix",
            choix=["La mer", "La montagne", "Un parc d'attractions"],
        )  # fmt: skip
        qs.question_ajouter(actor=direction, questionnaire=ouvert, libelle="Une autre idée ?", type="texte")
        qs.questionnaire_ouvrir(actor=direction, questionnaire=ouvert)

        # Réclamations and suggestions at each status.
        auteurs = famille + jeunes
        for index, (type_, objet, texte, statut, reponse) in enumerate(RECLAMATIONS):
            a = auteurs[index % len(auteurs)]
            if a.espace == Espace.JEUNE and index < 3:
                a = famille[index % len(famille)] if famille else a
            r = rec.reclamation_deposer(
                actor=a.user, acces=a, type=type_, objet=objet, texte=texte, au_sujet_du_jeune=index % 2 == 0
            )
            recue = now - datetime.timedelta(days=30 - 5 * index)
            _passe(Reclamation, r.pk, recue_le=recue)
            r.refresh_from_db()
            if statut in ("en_cours", "repondue", "close"):
                rec.reclamation_prendre_en_charge(actor=direction, reclamation=r)
                _passe(Reclamation, r.pk, prise_en_charge_le=recue + datetime.timedelta(days=2))
            if statut in ("repondue", "close"):
                rec.reclamation_repondre(actor=direction, reclamation=r, reponse=reponse)
                _passe(Reclamation, r.pk, repondue_le=recue + datetime.timedelta(days=9))
            if statut == "close":
                rec.reclamation_clore(actor=direction, reclamation=r)
                _passe(Reclamation, r.pk, close_le=recue + datetime.timedelta(days=12))

        # CVS: a parent's portal account (the demo family login when there) and a professional.
        demo_famille = User.objects.filter(ref="demo-famille").first()
        membre = demo_famille if demo_famille and any(a.user_id == demo_famille.pk for a in famille) else None
        membre = membre or (famille[-1].user if famille else None)
        if membre is not None:
            rec.membre_cvs_ajouter(actor=direction, dispositif=dossier.dispositif, email=membre.email)
        pro = User.objects.filter(ref="demo-educateur").first()
        if pro is not None:
            rec.membre_cvs_ajouter(actor=direction, dispositif=dossier.dispositif, email=pro.email)


register_demo_step("portail_echanges", portail_echanges_demo_step, order=65)
