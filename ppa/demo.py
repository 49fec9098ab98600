"""Demo step of the PPA app (``core.demo.register_demo_step``, order 30: after the agendas, before the
transmissions): PPAs at every state for the youths accompanied today in the demo organisme.

By admission date and a seeded draw:
- admitted less than 6 months ago: no PPA yet (not due) or a draft being written;
- older admissions: a few without any PPA (late: no PPA 7 months or more after admission) or with only a draft
  (late too); most with a validated version (``valide`` or ``en_cours``), its objectives linked to the youth's weekly
  series, the agreements of the youth and of each représentant légal (drawn signature, scanned paper signature,
  oral agreement, a refusal now and then); admissions of more than a year and a half: a first version closed and an
  avenant in force, sometimes a new avenant being drafted; finished yearly reviews with their evaluations; a few
  reviews requested by the family not held yet; some validated more than a year ago and never reviewed (late).
Drafts are written through the drafting services (``ppa_version_create``, ``objectif_create``, ``action_create``);
the history (past validation dates, closed versions, reviews) is written in batches (``bulk_create``: the dates of
the past cannot go through services that date things today), then every deadline is computed by the one rule
(``echeances``). Deterministic for a given day (seeded generator passed by ``core.demo``).
"""

import datetime
import uuid
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from core.demo import register_demo_step

# (besoin 1.x, prestations 2.x, titre, phrase FALC, action, moyens, natures of the series that serve it)
OBJECTIFS = [
    ("1.3.3.1", ["2.3.3.1"], "Retrouver une scolarité régulière", "Je vais en classe tous les jours prévus.",
     "Accompagnement vers l'unité d'enseignement", "Éducateur référent, bilan hebdomadaire avec l'enseignant",
     ("classe_ue", "accompagnement_scolaire")),
    ("1.2.1.2", ["2.2.2"], "Apaiser les relations avec les autres jeunes",
     "Je parle calmement aux autres, même quand je ne suis pas d'accord.",
     "Atelier d'habiletés sociales en petit groupe", "Deux éducateurs, salle d'activités", ("activite_educative",)),
    ("1.2.1.4", ["2.2.3", "2.1.1.3"], "Repérer et exprimer ses émotions",
     "Je dis avec des mots quand je suis en colère.",
     "Séances individuelles avec la psychologue", "Entretien hebdomadaire, outil de météo des émotions",
     ("seance_soin", "entretien_jeune")),
    ("1.2.1.3", ["2.3.4.3"], "Gagner en autonomie dans les déplacements",
     "Je prends le bus seul pour aller au collège.",
     "Apprentissage progressif du trajet en bus", "Accompagnement puis suivi à distance", ("activite_educative",)),
    ("1.3.3.4", ["2.3.3.5"], "Renforcer les liens avec sa famille", "Je passe de bons moments avec ma famille.",
     "Entretiens familiaux réguliers", "Éducateur référent et psychologue, une fois par mois",
     ("entretien_famille",)),
    ("1.2.1.1", ["2.2.1"], "Prendre soin de soi au quotidien", "Je me lave et je m'habille seul le matin.",
     "Accompagnement des levers et des couchers à l'internat", "Équipe éducative de l'internat", ("nuitee",)),
]  # fmt: skip
ATTENTES_JEUNE = [
    "Je veux retourner au collège comme les autres.",
    "J'aimerais avoir des copains et ne plus me battre.",
    "Je voudrais faire du foot le mercredi.",
    "Je veux qu'on arrête de me crier dessus.",
    "J'aimerais apprendre à faire la cuisine.",
]
ATTENTES_FAMILLE = [
    "Qu'il puisse suivre une scolarité normale et avoir son brevet.",
    "Qu'elle soit plus calme à la maison, qu'on arrive à se parler sans crier.",
    "Qu'il ait des amis et des activités en dehors de l'école.",
    "Être aidés pour les devoirs et les rendez-vous médicaux.",
]
AVIS_JEUNE = [
    "D'accord.",
    "Je veux bien essayer.",
    "Je ne suis pas sûr mais d'accord.",
    "Oui, c'est important pour moi.",
]
COMMENTAIRES = {
    "atteint": "Objectif atteint : les progrès sont nets et stables.",
    "partiellement_atteint": "Des progrès, encore irréguliers ; l'objectif est maintenu.",
    "non_atteint": "Pas d'évolution sur la période ; les moyens sont à revoir.",
    "abandonne": "Objectif abandonné avec l'accord du jeune : il ne correspond plus à sa situation.",
}


def _signature(rng) -> str:
    from ppa.services.redaction import signature_nettoyer, signature_svg

    x, points = 30, [f"M{30} {rng.randint(90, 150)}"]
    while x < 540:
        x += rng.randint(25, 60)
        points.append(f"L{min(x, 580)} {rng.randint(40, 170)}")
    return signature_svg(signature_nettoyer(" ".join(points)))


def ppa_demo_step(organisme, plan, rng) -> None:
    from agendas.models import SerieJeune
    from core.enums import AccountKind, Metier
    from core.models import Affectation, User
    from dossiers.models import Dossier, Proche
    from ppa.enums import ModeAccordPpa, MotifRevue, ResultatEvaluation, Signataire, StatutPpa, TypeVersion
    from ppa.models import Accord, Action, Evaluation, LienObjectif, Objectif, Ppa, PpaVersion, Revue
    from ppa.services import redaction
    from ppa.services.echeances import annoter_echeances, echeance_de

    today = timezone.localdate()
    dossiers = list(
        annoter_echeances(Dossier.objects.filter(organisme=organisme, archived_at__isnull=True), today)
        .select_related("jeune", "referent", "dispositif")
        .order_by("dispositif__finess", "jeune__nom_naissance", "pk")
    )
    if not dossiers or Ppa.objects.filter(organisme=organisme).exists():
        return
    chefs, educs, direction = defaultdict(list), defaultdict(list), None
    for aff in Affectation.objects.filter(organisme=organisme).select_related("user").order_by("user_id"):
        if aff.metier == Metier.DIRECTION and direction is None:
            direction = aff.user  # writes every dossier, restricted ones included: the services' actor
        if aff.metier in (Metier.CHEF_DE_SERVICE, Metier.DIRECTION):
            chefs[aff.dispositif_id].append(aff.user)
        if aff.metier == Metier.EDUCATEUR and aff.role == "contributeur":
            educs[aff.dispositif_id].append(aff.user)
    quelqu_un = User.objects.filter(organisme=organisme, kind=AccountKind.PROFESSIONNEL).order_by("pk").first()
    representants = defaultdict(list)
    for proche in Proche.objects.filter(jeune_id__in=[d.jeune_id for d in dossiers], representant_legal=True).order_by(
        "pk"
    ):
        representants[proche.jeune_id].append(proche)
    series = defaultdict(list)  # jeune -> [(nature code, serie id)]
    for jeune_id, serie_id, code in SerieJeune.objects.filter(jeune_id__in=[d.jeune_id for d in dossiers]).values_list(
        "jeune_id", "serie_id", "serie__nature__code"
    ):
        series[jeune_id].append((code, serie_id))

    ppas, versions, objectifs, actions, accords, liens, revues, evaluations = [], [], [], [], [], [], [], []
    drafts = []  # dossiers whose draft goes through the services

    def months(day, n):
        return day + relativedelta(months=n)

    def add_version(ppa, dossier, numero, statut, valide_le, precedente=None, clos_le=None, type_=TypeVersion.INITIAL):
        chef = rng.choice(chefs[dossier.dispositif_id] or [None])
        version = PpaVersion(
            organisme=organisme, ppa=ppa, numero=numero, type=type_, precedente=precedente, statut=statut,
            motif="Évolution de l'emploi du temps et nouvel objectif." if type_ == TypeVersion.AVENANT else "",
            attentes_jeune=rng.choice(ATTENTES_JEUNE), attentes_famille=rng.choice(ATTENTES_FAMILLE),
            besoins=[], synthese="Synthèse de l'équipe pluridisciplinaire après observation et entretiens.",
            date_debut=valide_le, date_fin=months(valide_le, 12), date_revision=months(valide_le, rng.choice([6, 12])),
            valide_le=valide_le, valide_par=chef, clos_le=clos_le, created_by=chef,
        )  # fmt: skip
        version.items = rng.sample(OBJECTIFS, rng.randint(2, 4))
        version.besoins = list(dict.fromkeys(item[0] for item in version.items))
        version.dossier = dossier
        versions.append(version)
        return version

    for dossier in dossiers:
        anciennete = (today - dossier.admission).days
        draw = rng.random()
        if anciennete < 183:  # first PPA not due yet
            if draw < 0.45:
                drafts.append(dossier)
            continue
        if draw < 0.08:
            continue  # late: no PPA at all
        if draw < 0.18:
            drafts.append(dossier)  # late: only a draft
            continue
        ppa = Ppa(organisme=organisme, dossier=dossier)
        ppas.append(ppa)
        first = min(months(dossier.admission, rng.randint(3, 6)), today - datetime.timedelta(days=7))
        if anciennete > 550 and rng.random() < 0.7:
            v1 = add_version(ppa, dossier, 1, StatutPpa.CLOS, first, clos_le=months(first, 12))
            v1.revue = rng.random() < 0.8
            second = months(first, 12)
            v2 = add_version(ppa, dossier, 2, StatutPpa.EN_COURS, second, precedente=v1, type_=TypeVersion.AVENANT)
            v2.revue = second < today - datetime.timedelta(days=200) and rng.random() < 0.5
            if rng.random() < 0.2:
                ppa.avenant_en_cours = v2
        else:
            statut = StatutPpa.EN_COURS if rng.random() < 0.75 else StatutPpa.VALIDE
            v1 = add_version(ppa, dossier, 1, statut, first)
            # Validated more than a year ago: reviewed (usually) or late (never reviewed).
            v1.revue = first < today - datetime.timedelta(days=300) and rng.random() < 0.6

    # A few reviews requested by the family, not held yet (at least two).
    for ppa in rng.sample(ppas, min(len(ppas), max(2, len(ppas) // 15))):
        ppa.demande = True
    Ppa.objects.bulk_create(ppas)
    # First versions, then the avenants (their precedente must have its pk). bulk_create takes the ids from the
    # related objects and keeps them cached (no query when reading ``version.ppa`` below).
    PpaVersion.objects.bulk_create([v for v in versions if v.precedente is None])
    PpaVersion.objects.bulk_create([v for v in versions if v.precedente is not None])
    cles = {}
    for version in versions:
        dossier = version.dossier
        referent = dossier.referent or rng.choice(educs[dossier.dispositif_id] or [None])
        for ordre, item in enumerate(version.items, start=1):
            besoin, prestations, titre, falc, action, moyens, natures = item
            cle = cles.setdefault((version.ppa.pk, titre), uuid.UUID(int=rng.getrandbits(128)))
            objectif = Objectif(
                organisme=organisme, version=version, cle=cle, ordre=ordre, titre=titre, besoin_code=besoin,
                prestations=prestations, referent=referent, date_debut=version.date_debut, date_fin=version.date_fin,
                resultat_attendu="Progrès observés par l'équipe et par le jeune lors de la révision.",
                avis_jeune=rng.choice(AVIS_JEUNE), phrase_falc=falc if rng.random() < 0.85 else "",
                description=f"{titre}, au rythme de {dossier.jeune.prenom}.",
            )  # fmt: skip
            objectif.item = item
            objectifs.append(objectif)
    Objectif.objects.bulk_create(objectifs)
    for objectif in objectifs:
        version = objectif.version
        dossier = version.dossier
        *_, action, moyens, natures = objectif.item
        actions.append(Action(organisme=organisme, objectif=objectif, ordre=1, libelle=action, moyens=moyens,
                              responsable=objectif.referent, frequence=rng.choice(["Chaque semaine", "Deux fois par "
                              "semaine", "Une fois par mois"])))  # fmt: skip
        for code, serie_id in series[dossier.jeune_id]:
            if code in natures:
                liens.append(LienObjectif(organisme=organisme, objectif=objectif, serie_id=serie_id,
                                          created_by=objectif.referent))  # fmt: skip
    Action.objects.bulk_create(actions)
    LienObjectif.objects.bulk_create(liens, ignore_conflicts=True)

    evals_by_version = defaultdict(list)
    for objectif in objectifs:
        evals_by_version[objectif.version.pk].append(objectif)
    for version in versions:
        dossier = version.dossier
        recueilli = version.valide_par or dossier.referent or quelqu_un
        date = version.valide_le - datetime.timedelta(days=rng.randint(1, 10))
        mode = rng.choice([ModeAccordPpa.SIGNATURE_TABLETTE, ModeAccordPpa.SIGNATURE_TABLETTE, ModeAccordPpa.ORAL])
        accords.append(Accord(
            organisme=organisme, version=version, signataire=Signataire.JEUNE, nom_signataire=dossier.jeune.prenom,
            mode=mode, date=date, signature=_signature(rng) if mode == ModeAccordPpa.SIGNATURE_TABLETTE else "",
            recueilli_par=recueilli,
        ))  # fmt: skip
        for proche in representants[dossier.jeune_id]:
            draw = rng.random()
            mode = (ModeAccordPpa.SIGNATURE_TABLETTE if draw < 0.55 else ModeAccordPpa.SIGNATURE_SCANNEE if draw < 0.9
                    else ModeAccordPpa.REFUS)  # fmt: skip
            accords.append(Accord(
                organisme=organisme, version=version, signataire=Signataire.REPRESENTANT_LEGAL, proche=proche,
                nom_signataire=f"{proche.prenom} {proche.nom}".strip(), mode=mode, date=date,
                signature=_signature(rng) if mode == ModeAccordPpa.SIGNATURE_TABLETTE else "",
                commentaire="Souhaite davantage de temps scolaire." if mode == ModeAccordPpa.REFUS else "",
                recueilli_par=recueilli,
            ))  # fmt: skip
        if getattr(version, "revue", False):
            fin = min(months(version.valide_le, 11), today - datetime.timedelta(days=1))
            revue = Revue(organisme=organisme, version=version, motif=MotifRevue.ANNUELLE, date=fin,
                          periode_debut=version.valide_le, periode_fin=fin, terminee=True, created_by=recueilli,
                          synthese="Révision annuelle avec le jeune et sa famille.")  # fmt: skip
            revues.append(revue)
            revue.objectifs = evals_by_version[version.pk]
        if version.statut in (StatutPpa.VALIDE, StatutPpa.EN_COURS) and getattr(version.ppa, "demande", False):
            revues.append(Revue(organisme=organisme, version=version, motif=MotifRevue.DEMANDE_FAMILLE,
                                date=today + datetime.timedelta(days=rng.randint(5, 40)),
                                periode_debut=version.valide_le, periode_fin=today, created_by=recueilli))  # fmt: skip
    Accord.objects.bulk_create(accords)
    Revue.objects.bulk_create(revues)
    for revue in revues:
        for objectif in getattr(revue, "objectifs", []):
            resultat = rng.choice(
                [ResultatEvaluation.ATTEINT, ResultatEvaluation.PARTIELLEMENT, ResultatEvaluation.PARTIELLEMENT,
                 ResultatEvaluation.NON_ATTEINT, ResultatEvaluation.ABANDONNE]
            )  # fmt: skip
            evaluations.append(Evaluation(organisme=organisme, revue=revue, objectif=objectif, resultat=resultat,
                                          commentaire=COMMENTAIRES[resultat]))  # fmt: skip
    Evaluation.objects.bulk_create(evaluations)

    # Drafts through the services: the initial PPAs being written, and some avenants of a version in force.
    actor = direction
    if actor is None:
        drafts, ppas = [], []
    for dossier in drafts:
        version = redaction.ppa_version_create(dossier=dossier, actor=actor)
        redaction.version_update(version=version, actor=actor, attentes_jeune=rng.choice(ATTENTES_JEUNE),
                                 attentes_famille=rng.choice(ATTENTES_FAMILLE))  # fmt: skip
        for besoin, prestations, titre, falc, action, moyens, _ in rng.sample(OBJECTIFS, 2):
            objectif = redaction.objectif_create(version=version, actor=actor, titre=titre, besoin_code=besoin,
                                                 prestations=prestations, phrase_falc=falc)  # fmt: skip
            redaction.action_create(objectif=objectif, actor=actor, libelle=action, moyens=moyens)
    for ppa in ppas:
        en_vigueur = getattr(ppa, "avenant_en_cours", None)
        if en_vigueur is not None:
            motif = "Demande de la famille : plus de temps en classe."
            redaction.avenant_create(version=en_vigueur, actor=actor, motif=motif)

    # Deadlines: the one rule, for every dossier accompanied (those without a PPA row keep none stored).
    stored = {ppa.dossier_id: ppa for ppa in Ppa.objects.filter(organisme=organisme)}
    changed = []
    for dossier in annoter_echeances(Dossier.objects.filter(pk__in=list(stored)), today):
        ppa = stored[dossier.pk]
        ppa.prochaine_echeance = echeance_de(dossier)
        changed.append(ppa)
    Ppa.objects.bulk_update(changed, ["prochaine_echeance"])


register_demo_step("ppa", ppa_demo_step, order=30)
