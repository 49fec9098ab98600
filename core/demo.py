"""The demo organisme: its fixed identity, the demo logins, and the deterministic generator behind ``demo_data``.

The generator builds an exchange-format v1 document in memory (seeded ``random.Random``: same scale, same day,
same data) and imports it through ``core.echange``, so the demo is written by the same services as a real migration:
organisation, professionals, partners, then the youths with their dossier and parcours (section ``jeunes`` of the
dossiers app). What the format does not carry (proches, schooling, MDPH notifications, the restricted dossier, a
break-the-glass, the portal accounts' links, archiving) is planned by the same seeded generator (``DemoPlan``) and
written afterwards through the dossiers services. Dates are relative to the day of loading, so that the waiting
list, the notifications ending soon and the follow-ups look current.

The demo logins get the password ``DEMO_PASSWORD``; every other generated account has an unusable password.
"""

import copy
import datetime
import random
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from core.enums import TOTP_REQUIRED_METIERS, AccountKind, Metier
from core.services.organisation import account_create, find_organisme_id_by_finess, organisme_create
from core.tenancy import tenant_context

DEMO_ORGANISME_NOM = "Association Les Chemins"
DEMO_FINESS_JURIDIQUE = "310790011"
DEMO_DOMAIN = "demo.ditep.fr"
DEMO_PASSWORD = "demo-ditep-2026"  # noqa: S105 - published demo password, demo data only
DEMO_SEED = 20260105

DISPOSITIFS = [
    {
        "finess": "310790029",
        "nom": "DITEP Les Chemins",
        "places": {"internat": 12, "accueil_de_jour": 30, "ambulatoire": 45},
        "jours_ouverture": 210,
        "sites": [
            {"finess": "310790037", "nom": "Site de Saint-Cyprien", "modalites": ["internat", "accueil_de_jour"],
             "adresse": "12 rue des Chemins, 31300 Toulouse"},
            {"finess": "310790045", "nom": "Antenne de Ramonville", "modalites": ["accueil_de_jour", "ambulatoire"],
             "adresse": "3 avenue de l'Occitanie, 31520 Ramonville-Saint-Agne"},
        ],
    },
    {
        "finess": "310790052",
        "nom": "DITEP du Lauragais",
        "places": {"internat": 8, "accueil_de_jour": 20, "ambulatoire": 35},
        "jours_ouverture": 205,
        "sites": [
            {"finess": "310790060", "nom": "Site de Villefranche-de-Lauragais",
             "modalites": ["internat", "accueil_de_jour", "ambulatoire"],
             "adresse": "8 chemin du Canal, 31290 Villefranche-de-Lauragais"},
            {"finess": "310790078", "nom": "Service ambulatoire de Castanet", "modalites": ["ambulatoire"],
             "adresse": "21 boulevard des Pyrénées, 31320 Castanet-Tolosan"},
        ],
    },
]  # fmt: skip

PARTENAIRES = [
    ("ecole-jaures", "École élémentaire Jean Jaurès", "education_nationale"),
    ("college-fermat", "Collège Pierre de Fermat", "education_nationale"),
    ("lycee-riquet", "Lycée professionnel Paul Riquet", "education_nationale"),
    ("ien-ash", "Inspection ASH de la Haute-Garonne", "education_nationale"),
    ("mds-muret", "Maison des solidarités de Muret (ASE)", "protection_enfance"),
    ("pjj-toulouse", "Unité éducative de milieu ouvert de la PJJ", "protection_enfance"),
    ("ch-pedopsy", "Centre hospitalier — pédopsychiatrie infanto-juvénile", "sanitaire"),
    ("cmp-enfants", "CMP enfants et adolescents de Toulouse Sud", "sanitaire"),
    ("ime-tilleuls", "IME Les Tilleuls", "medico_social"),
    ("camsp-lauragais", "CAMSP du Lauragais", "medico_social"),
    ("alae-saint-cyprien", "ALAE de Saint-Cyprien", "droit_commun"),
    ("club-rugby", "Rugby club de Villefranche", "droit_commun"),
    ("mission-locale", "Mission locale de Haute-Garonne", "autre"),
]

# Professionals per scale unit, by métier (50 in all): the staffing of two mid-size DITEP.
METIER_WEIGHTS = {
    Metier.DIRECTION: 2,
    Metier.CHEF_DE_SERVICE: 3,
    Metier.COORDINATEUR_PARCOURS: 3,
    Metier.EDUCATEUR: 16,
    Metier.EDUCATEUR_NUIT: 4,
    Metier.ENSEIGNANT: 4,
    Metier.PSYCHOLOGUE: 3,
    Metier.MEDECIN: 2,
    Metier.INFIRMIER: 2,
    Metier.ORTHOPHONISTE: 2,
    Metier.PSYCHOMOTRICIEN: 2,
    Metier.ERGOTHERAPEUTE: 1,
    Metier.ASSISTANT_SOCIAL: 2,
    Metier.SECRETARIAT: 3,
    Metier.ADMIN_ORGANISME: 1,
}

PRENOMS = (
    "Lucie Camille Manon Sarah Léa Chloé Emma Inès Julie Pauline Claire Anne Sophie Nadia Amina Fatima Céline "
    "Aurélie Mathilde Élodie Hélène Marion Charlotte Laura Margaux Louise Alice Zoé Yasmine Agathe "
    "Thomas Nicolas Julien Maxime Antoine Hugo Lucas Karim Mehdi Pierre Olivier Sébastien Mathieu Vincent "
    "Romain Damien Bruno Laurent François Guillaume Rachid Yanis Théo Benoît Jérôme Samuel Cédric Arnaud Paul"
).split()
NOMS = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel Garcia "
    "David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre Mercier Dupont Lambert Bonnet François "
    "Martinez Legrand Garnier Faure Rousseau Blanc Guerin Muller Henry Roussel Nicolas Perrin Morin Mathieu "
    "Clément Gauthier Dumont Lopez Fontaine Chevalier Robin Masson Sanchez Gérard Nguyen Boyer Denis Lemaire "
    "Duval Joly Gautier Roger Roche Roy Noël Meyer Lucas Meunier Jean Perez Marchand Dufour Blanchard Marie "
    "Barbier Brun Dumas Brunet Schmitt Leroux Colin Fernandez Pierre Renard Arnaud Rolland Caron Aubert Giraud "
    "Leclerc Vidal Bourgeois Renaud Lemoine Picard Gaillard Philippe Leclercq Lacroix Fabre Dupuis Olivier "
    "Rodriguez Da Silva Hubert Louis Charles Guillot Rivière Le Gall Guillaume Adam Rey Moulin Gonzalez Berger "
    "Lecomte Menard Fleury Deschamps Carpentier Julien Benoit Paris Maillard Marchal Aubry Vasseur Le Roux "
    "Renault Jacquet Collet Prevost Poirier Charpentier Royer Huet Baron Dupuy Pons Paul Laine Carre Breton "
    "Remy Schneider Perrot Guyot Barre Marty Cousin Benali Haddad Mansouri Diallo Traoré Ferreira Lebon"
).split()


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def _login_description(metier: Metier) -> str:
    totp = " (second facteur TOTP à enrôler à la première connexion)" if metier in TOTP_REQUIRED_METIERS else ""
    return f"{metier.label} — DITEP Les Chemins{totp}"


DEMO_LOGINS: list[tuple[str, str]] = [
    *((demo_email(metier.value), _login_description(metier)) for metier in Metier),
    (demo_email("famille"), "Proche (parent) — portail des familles"),
    (demo_email("jeune"), "Jeune accompagné — espace jeune"),
]

# The family and youth demo accounts (kind, ref, first name, last name): ``famille@`` is the account of Léo's
# mother (a représentant légal), ``jeune@`` Léo's own account (see ``DEMO_FAMILLE_JEUNE_REF``).
DEMO_PORTAL_ACCOUNTS = [
    (AccountKind.PROCHE, "demo-famille", "famille", "Nadia", "Benali"),
    (AccountKind.JEUNE, "demo-jeune", "jeune", "Léo", "Benali"),
]


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum() or c == "-").strip("-")


def build_demo_document(scale: int = 1, seed: int = DEMO_SEED, today: datetime.date | None = None) -> dict:
    """The demo organisme as an exchange-format v1 document; same ``scale``, ``seed`` and day, same document."""
    return build_demo_plan(scale, seed, today).document


def build_demo_plan(scale: int = 1, seed: int = DEMO_SEED, today: datetime.date | None = None) -> "DemoPlan":
    """The document and what is written after it; same ``scale``, ``seed`` and ``today``, same plan.

    One professional per métier has the predictable email ``<metier>@demo.ditep.fr`` (ref ``demo-<metier>``, on
    the first dispositif); the others (``pro-NNNN``) are spread over the métiers by ``METIER_WEIGHTS`` and over
    the two dispositifs. Then ``JEUNES_PER_SCALE`` youths per scale unit (``_build_jeunes``).
    """
    if scale < 1:
        raise ValueError("scale must be >= 1")
    today = today or timezone.localdate()
    rng = random.Random(seed)
    finess = [d["finess"] for d in DISPOSITIFS]
    used_emails: set[str] = set()
    professionnels = []
    for metier in Metier:
        email = demo_email(metier.value)
        used_emails.add(email)
        professionnels.append(
            {"ref": f"demo-{metier.value}", "nom": rng.choice(NOMS), "prenom": rng.choice(PRENOMS), "email": email,
             "metier": metier.value, "dispositif": finess[0]}
        )  # fmt: skip
    pool = [metier for metier, weight in METIER_WEIGHTS.items() for _ in range(weight * scale)]
    # The demo logins already fill one post of each métier.
    for metier in Metier:
        pool.remove(metier)
    rng.shuffle(pool)
    for number, metier in enumerate(pool, start=1):
        prenom, nom = rng.choice(PRENOMS), rng.choice(NOMS)
        base = f"{_ascii(prenom)}.{_ascii(nom)}"
        email, suffix = demo_email(base), 2
        while email in used_emails:
            email, suffix = demo_email(f"{base}{suffix}"), suffix + 1
        used_emails.add(email)
        professionnels.append(
            {"ref": f"pro-{number:04d}", "nom": nom, "prenom": prenom, "email": email, "metier": metier.value,
             "dispositif": rng.choices(finess, weights=[3, 2])[0]}
        )  # fmt: skip
    document = {
        "format": "ditep-echange",
        "version": 1,
        "organisme": {"nom": DEMO_ORGANISME_NOM, "finess_juridique": DEMO_FINESS_JURIDIQUE},
        "dispositifs": copy.deepcopy(DISPOSITIFS),
        "professionnels": professionnels,
        "partenaires": [{"ref": ref, "nom": nom, "type": type_} for ref, nom, type_ in PARTENAIRES],
    }
    plan = DemoPlan(document=document)
    # The youths draw from their own generator: the professionals stay those of earlier versions of the demo.
    _build_jeunes(plan, random.Random(seed + 1), scale, today)
    return plan


# --- youths ----------------------------------------------------------------------------------------------------

JEUNES_PER_SCALE = 120
# Share of the youths per dispositif (by financed places).
JEUNES_SPLIT = {"310790029": 70, "310790052": 50}
DEMO_FAMILLE_JEUNE_REF = "demo-jeune-benali"

PRENOMS_FEMMES = PRENOMS[: PRENOMS.index("Thomas")]
PRENOMS_HOMMES = PRENOMS[PRENOMS.index("Thomas") :]
PRENOMS_GARCONS = (
    "Lucas Enzo Nathan Mathis Hugo Léo Louis Gabriel Jules Théo Noah Adam Ethan Tom Raphaël Kylian Sacha Maël Nolan "
    "Timéo Rayan Mohamed Yanis Ilyes Amir Aaron Evan Axel Baptiste Mattéo Esteban Dylan Kenzo Malo Noé Ibrahim Moussa "
    "Bilal Wassim Lenny Loan Killian Jordan Anthony Samy Younes Alexis Valentin Florian Ayoub Mamadou Tiago Logan"
).split()
PRENOMS_FILLES = (
    "Emma Jade Léa Chloé Manon Inès Lina Zoé Camille Sarah Maëlys Lou Louna Romane Ambre Nour Yasmine Assia Océane "
    "Lilou Anaïs Kenza Clara Mélissa Aya Lana Maya Eva"
).split()
COMMUNES = [
    ("31000", "Toulouse"), ("31300", "Toulouse"), ("31400", "Toulouse"), ("31520", "Ramonville-Saint-Agne"),
    ("31600", "Muret"), ("31120", "Portet-sur-Garonne"), ("31290", "Villefranche-de-Lauragais"),
    ("31320", "Castanet-Tolosan"), ("31650", "Saint-Orens-de-Gameville"), ("31240", "L'Union"),
    ("31700", "Blagnac"), ("31170", "Tournefeuille"), ("31250", "Revel"), ("31450", "Montgiscard"),
]  # fmt: skip
RUES = (
    "rue des Lilas",
    "avenue de la République",
    "chemin des Vignes",
    "rue Jean Jaurès",
    "allée des Platanes",
    "impasse du Moulin",
    "rue Pasteur",
    "boulevard Victor Hugo",
    "rue du Canal",
    "place de la Mairie",
)
# Stages of the parcours (DOMAIN §4) and their share of the youths.
STAGES = {
    "pre_admission": 15,
    "accompagne": 55,
    "suivi_post_sortie": 9,
    "ponctuel": 4,
    "pre_admission_close": 5,
    "suivi_termine": 4,
    "archive": 8,
}
MODALITES_COMBINAISONS = {
    ("ambulatoire",): 33,
    ("accueil_de_jour",): 24,
    ("accueil_de_jour", "ambulatoire"): 13,
    ("internat", "accueil_de_jour"): 16,
    ("internat",): 6,
    ("internat", "ambulatoire"): 4,
    ("internat", "accueil_de_jour", "ambulatoire"): 4,
}
DEFICIENCES = {"comportement": 58, "psychique": 24, "langage_apprentissages": 6, "autisme": 4, "intellectuelle": 3,
               "en_cours_diagnostic": 5}  # fmt: skip
MESURES_ASE = (
    "Placement ASE en famille d'accueil",
    "Placement en MECS",
    "AEMO judiciaire",
    "Aide éducative à domicile (AED)",
    "Accueil provisoire",
)
PROCHAINES_ETAPES = (
    "Visite du dispositif avec la famille", "Entretien d'admission avec le médecin psychiatre",
    "Stage d'observation de deux jours", "Commission d'admission du mois prochain", "Attente d'une place en internat",
    "Recueil de l'accord des représentants légaux",
)  # fmt: skip
MOTIFS_SORTIE = {
    "retour_milieu_ordinaire": ("Collège de secteur, sans accompagnement", 30),
    "orientation_esms": ("IME Les Tilleuls", 15),
    "orientation_sanitaire": ("Hôpital de jour de pédopsychiatrie", 8),
    "fin_notification": ("", 10),
    "majorite": ("Foyer de jeunes travailleurs, suivi par la mission locale", 12),
    "demenagement": ("Déménagement dans le Tarn", 12),
    "decision_famille": ("", 8),
    "autre": ("", 5),
}
SITUATIONS_MOTIFS = (
    "Ruptures successives de lieux d'accueil ; aucune solution d'internat adaptée à ce jour.",
    "Déscolarisation totale depuis plusieurs mois, passages à l'acte violents au domicile.",
    "Hospitalisations répétées en pédopsychiatrie ; coordination sanitaire et médico-sociale à renforcer.",
    "Situation familiale très dégradée, mesure de protection en cours de réexamen par le juge des enfants.",
    "Fugues répétées et mises en danger ; réunion de concertation (RAPT) demandée.",
)
SCOLARITES = {  # by age: (partner ref or None, class type codes, level)
    "primaire": ("ecole-jaures", ("ordinaire", "2", "13", "13"), ("CE2", "CM1", "CM2")),
    "college": ("college-fermat", ("ordinaire", "3", "9", "13", "ue_externalisee"), ("6e", "5e", "4e", "3e")),
    "lycee": ("lycee-riquet", ("ordinaire", "4", "17"), ("CAP 1re année", "CAP 2e année", "2de professionnelle")),
}


@dataclass
class DemoPlan:
    """The demo document and what is written through the dossiers services after it (keyed by youth ``ref``)."""

    document: dict
    proches: dict = field(default_factory=dict)
    scolarites: dict = field(default_factory=dict)
    notifications: dict = field(default_factory=dict)
    archives: list = field(default_factory=list)
    restreint: str = ""
    bris_de_glace: tuple = ()
    jeune_compte: str = DEMO_FAMILLE_JEUNE_REF
    famille_compte: tuple = (DEMO_FAMILLE_JEUNE_REF, 0)


def _stages(rng: random.Random, count: int) -> list[str]:
    """``count`` stages in the proportions of ``STAGES`` (largest remainders), every stage at least once."""
    total = sum(STAGES.values())
    exact = {stage: count * weight / total for stage, weight in STAGES.items()}
    quotas = {stage: max(1, int(value)) for stage, value in exact.items()}
    for stage in sorted(exact, key=lambda st: exact[st] - int(exact[st]), reverse=True):
        if sum(quotas.values()) >= count:
            break
        quotas[stage] += 1
    stages = [stage for stage, n in quotas.items() for _ in range(n)]
    rng.shuffle(stages)
    return stages


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _birth_date(rng: random.Random, today: datetime.date, age: int) -> datetime.date:
    return today - _days(365 * age + rng.randint(15, 350))


def _phone(rng: random.Random) -> str:
    return "0" + rng.choice("67") + "".join(f" {rng.randint(0, 99):02d}" for _ in range(4))


def _address(rng: random.Random) -> tuple[str, str, str]:
    code_postal, commune = rng.choice(COMMUNES)
    return f"{rng.randint(1, 120)} {rng.choice(RUES)}", code_postal, commune


def _site_for(dispositif: dict, modalites) -> str:
    """The site of the dispositif offering the most of the youth's modalités (the first on a tie)."""
    return max(dispositif["sites"], key=lambda s: len(set(modalites) & set(s["modalites"])))["finess"]


def _build_jeunes(plan: DemoPlan, rng: random.Random, scale: int, today: datetime.date) -> None:
    document = plan.document
    pros = document["professionnels"]
    educateurs = {
        d["finess"]: [p["ref"] for p in pros if p["metier"] == "educateur" and p["dispositif"] == d["finess"]]
        for d in DISPOSITIFS
    }
    coordinateurs = {
        d["finess"]: [
            p["ref"] for p in pros if p["metier"] == "coordinateur_parcours" and p["dispositif"] == d["finess"]
        ]
        for d in DISPOSITIFS
    }
    jeunes = []
    number = 0
    for dispositif in DISPOSITIFS:
        for stage in _stages(rng, JEUNES_SPLIT[dispositif["finess"]] * scale):
            number += 1
            jeunes.append(
                _build_jeune(plan, rng, today, f"jeune-{number:04d}", dispositif, educateurs, coordinateurs,
                             stage=stage)
            )  # fmt: skip
    # The family demo accounts' youth: Léo Benali, 13, accompanied in accueil de jour at DITEP Les Chemins, with
    # the demo educator as référent; his parents are separated, both représentants légaux.
    first = DISPOSITIFS[0]
    benali = _build_jeune(
        plan, rng, today, DEMO_FAMILLE_JEUNE_REF, first, educateurs, coordinateurs,
        stage="accompagne", age=13, sexe="M", prenom="Léo", nom="Benali", modalites=("accueil_de_jour",),
    )  # fmt: skip
    benali["referent"] = "demo-educateur"
    plan.proches[DEMO_FAMILLE_JEUNE_REF] = [
        {"nom": "Benali", "prenom": "Nadia", "lien": "MTH", "representant_legal": True, "autorite_parentale": True,
         "telephone": _phone(rng), "email": demo_email("famille"), "adresse": "14 rue des Lilas, 31300 Toulouse",
         "ordre_appel": 1, "acces_portail": True, "recoit_documents": True},
        {"nom": "Benali", "prenom": "Karim", "lien": "FTH", "representant_legal": True, "autorite_parentale": True,
         "telephone": _phone(rng), "adresse": "5 chemin des Vignes, 31120 Portet-sur-Garonne", "ordre_appel": 2,
         "recoit_documents": True, "commentaire": "Parents séparés : envoyer les documents aux deux adresses."},
    ]  # fmt: skip
    jeunes.insert(0, benali)
    # One restricted dossier (an accompanied youth of the first dispositif whose référent is not a demo login),
    # opened once by break-the-glass by another educator of that dispositif.
    candidates = [
        j for j in jeunes
        if j["dispositif"] == first["finess"] and j["parcours"][-1]["statut"] == "accompagne"
        and j.get("referent", "").startswith("pro-") and j["ref"] != DEMO_FAMILLE_JEUNE_REF
    ]  # fmt: skip
    restreint = candidates[0]
    plan.restreint = restreint["ref"]
    others = [ref for ref in educateurs[first["finess"]] if ref.startswith("pro-") and ref != restreint["referent"]]
    plan.bris_de_glace = (
        restreint["ref"],
        others[0],
        "Appel du collège en l'absence du référent : besoin des coordonnées de la famille et du protocole de crise.",
    )
    document["jeunes"] = jeunes


def _build_jeune(
    plan, rng, today, ref, dispositif, educateurs, coordinateurs, *, stage=None, age=None, sexe=None, prenom=None,
    nom=None, modalites=None,
) -> dict:  # fmt: skip
    stage = stage or _weighted(rng, STAGES)
    sexe = sexe or ("M" if rng.random() < 0.76 else "F")
    prenom = prenom or rng.choice(PRENOMS_GARCONS if sexe == "M" else PRENOMS_FILLES)
    nom = nom or rng.choice(NOMS)
    creton = age is None and stage == "accompagne" and rng.random() < 0.04
    if age is None and stage in ("archive", "suivi_termine"):
        age = rng.randint(16, 24)  # left years ago
    elif age is None and stage == "suivi_post_sortie":
        age = rng.randint(12, 20)
    elif age is None:
        age = rng.randint(20, 21) if creton else min(6 + int(rng.triangular(0, 13, 7)), 18)
    finess = dispositif["finess"]
    modalites = list(modalites or _weighted(rng, MODALITES_COMBINAISONS))
    adresse, code_postal, commune = _address(rng)
    principale = _weighted(rng, DEFICIENCES)
    associees = sorted(rng.sample([d for d in ("comportement", "psychique", "langage_apprentissages", "intellectuelle")
                                   if d != principale], k=rng.choice((0, 0, 1, 1, 2))))  # fmt: skip
    ase = rng.random() < 0.22
    jeune = {
        "ref": ref, "nom": nom, "prenom": prenom, "date_naissance": _birth_date(rng, today, age).isoformat(),
        "sexe": sexe, "dispositif": finess, "adresse": adresse, "code_postal": code_postal, "commune": commune,
        "deficience_principale": principale, "deficiences_associees": associees, "mesure_ase": ase,
        "mesure_ase_type": rng.choice(MESURES_ASE) if ase else "",
    }  # fmt: skip
    if coordinateurs[finess]:
        jeune["coordinateur"] = rng.choice(coordinateurs[finess])
    origine = rng.choice(("orientation_mdph", "orientation_mdph", "viatrajectoire", "autre"))
    parcours, situations = [], []
    if stage == "pre_admission":
        debut = today - _days(rng.randint(7, 420))
        parcours.append({"statut": "pre_admission", "debut": debut.isoformat(), "origine": origine})
        jeune.update(
            date_orientation=(debut - _days(rng.randint(0, 60))).isoformat(), modalites_demandees=modalites,
            priorite=_weighted(rng, {"normale": 70, "haute": 22, "urgente": 8}),
            prochaine_etape=rng.choice(PROCHAINES_ETAPES),
        )  # fmt: skip
        if jeune["priorite"] == "urgente":
            situations.append({"debut": debut.isoformat(), "motif": rng.choice(SITUATIONS_MOTIFS)})
    elif stage == "pre_admission_close":
        debut = today - _days(rng.randint(60, 600))
        issue = rng.choice(("refus", "abandon"))
        parcours.append({
            "statut": "pre_admission", "debut": debut.isoformat(), "origine": origine,
            "fin": (debut + _days(rng.randint(14, 120))).isoformat(), "issue": issue,
            "commentaire": "Famille injoignable après la visite." if issue == "abandon"
            else "Orientation vers un établissement plus adapté (IME) proposée à la MDPH.",
        })  # fmt: skip
        jeune["modalites_demandees"] = modalites
    elif stage == "ponctuel":
        debut = today - _days(rng.randint(10, 120))
        parcours.append({"statut": "ponctuel", "debut": debut.isoformat(),
                         "commentaire": "Accompagnement ponctuel pendant une période de crise."})  # fmt: skip
        modalites = ["ambulatoire"]
        jeune["modalites"] = modalites
    else:
        # Admitted at some point: pre-admission, then accompaniment (then exit, follow-up, archive).
        # Never admitted before the age of 6.
        lo, hi = {"accompagne": (20, 1900), "suivi_post_sortie": (500, 2400)}.get(stage, (2300, 4000))
        admission = today - _days(rng.randint(lo, max(lo, min(hi, 365 * (age - 6)))))
        pre = admission - _days(rng.randint(30, 240))
        parcours.append({"statut": "pre_admission", "debut": pre.isoformat(),
                         "fin": (admission - _days(1)).isoformat(), "origine": origine})  # fmt: skip
        accompagne = {"statut": "accompagne", "debut": admission.isoformat()}
        parcours.append(accompagne)
        if stage == "accompagne":
            jeune["modalites"] = modalites
            if rng.random() < 0.15:
                debut = today - _days(rng.randint(15, 300))
                situation = {"debut": max(debut, admission).isoformat(), "motif": rng.choice(SITUATIONS_MOTIFS)}
                if rng.random() < 0.35:
                    situation["fin"] = (max(debut, admission) + _days(rng.randint(10, 60))).isoformat()
                situations.append(situation)
        else:
            if stage == "suivi_post_sortie":
                sortie = today - _days(rng.randint(20, min(900, (today - admission).days - 90)))
            else:
                sortie = admission + _days(rng.randint(400, 1200))
            motif = _weighted(rng, {k: w for k, (_, w) in MOTIFS_SORTIE.items()})
            accompagne.update(fin=sortie.isoformat(), motif_sortie=motif, destination=MOTIFS_SORTIE[motif][0])
            suivi = {"statut": "suivi_post_sortie", "debut": (sortie + _days(1)).isoformat()}
            if stage != "suivi_post_sortie":
                fin_suivi = min(sortie + _days(365 * 3), today - _days(rng.randint(30, 400)))
                suivi["fin"] = max(fin_suivi, sortie + _days(1)).isoformat()
            parcours.append(suivi)
        if stage == "archive":
            plan.archives.append(ref)
    jeune["parcours"] = parcours
    if situations:
        jeune["situations_complexes"] = situations
    if stage in ("accompagne", "ponctuel", "suivi_post_sortie") or (stage == "archive" and rng.random() < 0.5):
        jeune["referent"] = rng.choice(educateurs[finess])
    if "modalites" in jeune:
        jeune["site"] = _site_for(dispositif, modalites)
    elif stage == "pre_admission" and rng.random() < 0.5:
        jeune["site"] = _site_for(dispositif, modalites)
    plan.proches[ref] = _plan_proches(rng, nom, age, ase, today)
    if stage not in ("archive", "suivi_termine", "pre_admission_close"):
        plan.scolarites[ref] = _plan_scolarite(rng, age, today)
    plan.notifications[ref] = _plan_notifications(rng, stage, parcours, modalites, today, creton=creton)
    return jeune


def _plan_proches(rng, nom, age, ase, today) -> list[dict]:
    """1 to 3 proches: separated or together parents (both représentants légaux of a minor), a single parent,
    or, under an ASE measure, the ASE référent and a foster carer; adults keep their parents as contacts only."""
    minor = age < 18
    adresse, code_postal, commune = _address(rng)
    home = f"{adresse}, {code_postal} {commune}"
    mere = {"nom": nom, "prenom": rng.choice(PRENOMS_FEMMES), "lien": "MTH",
            "telephone": _phone(rng), "adresse": home, "ordre_appel": 1}  # fmt: skip
    pere = {"nom": nom if rng.random() < 0.8 else rng.choice(NOMS), "prenom": rng.choice(PRENOMS_HOMMES),
            "lien": "FTH", "telephone": _phone(rng), "adresse": home, "ordre_appel": 2}  # fmt: skip
    for parent in (mere, pere):
        parent["email"] = f"{_ascii(parent['prenom'])}.{_ascii(parent['nom'])}@example.org"
        if minor:
            parent.update(representant_legal=True, autorite_parentale=True, recoit_documents=True,
                          acces_portail=rng.random() < 0.6)  # fmt: skip
        else:
            parent["role"] = "NOK" if parent is mere else "ECON"
    kind = rng.random()
    if ase and minor:
        ase_referent = {"nom": rng.choice(NOMS), "prenom": rng.choice(PRENOMS), "lien": "ASE", "role": "CON",
                        "telephone": "05 61 " + " ".join(f"{rng.randint(0, 99):02d}" for _ in range(3)),
                        "adresse": "Maison des solidarités de Muret", "ordre_appel": 3, "recoit_documents": True,
                        "mesure_protection": "Placement ordonné par le juge des enfants"}  # fmt: skip
        proches = [mere, ase_referent]
        if rng.random() < 0.5:
            proches.append({"nom": rng.choice(NOMS), "prenom": rng.choice(PRENOMS_FEMMES),
                            "lien": "MTHFOST", "role": "ECON", "telephone": _phone(rng), "ordre_appel": 2,
                            "commentaire": "Assistante familiale : accueil du lundi au vendredi."})  # fmt: skip
        return proches
    if kind < 0.35:
        # Separated parents: two homes, both représentants légaux.
        other, cp, commune2 = _address(rng)
        pere["adresse"] = f"{other}, {cp} {commune2}"
        pere["commentaire"] = "Parents séparés : garde alternée une semaine sur deux."
        return [mere, pere]
    if kind < 0.65:
        return [mere, pere]
    if kind < 0.9:
        return [mere]
    grand_mere = {"nom": nom, "prenom": rng.choice(("Josiane", "Monique", "Fatima", "Christiane", "Odile")),
                  "lien": "GRMTH", "role": "ECON", "telephone": _phone(rng), "ordre_appel": 2}  # fmt: skip
    return [mere, grand_mere]


def _plan_scolarite(rng, age, today) -> list[dict]:
    """The current schooling period (and sometimes the previous one), by age."""
    if age >= 18:
        return [] if rng.random() < 0.5 else [
            {"etablissement": None, "type_enseignement": "17", "niveau": "CAP", "demi_journees": 4,
             "debut": _rentree(today, 0).isoformat()}
        ]  # fmt: skip
    cycle = "primaire" if age <= 10 else "college" if age <= 15 else "lycee"
    ecole, types, niveaux = SCOLARITES[cycle]
    type_enseignement = rng.choice(types)
    current = {
        "etablissement": None if type_enseignement in ("13", "17") else ecole,
        "type_enseignement": type_enseignement, "niveau": rng.choice(niveaux),
        "demi_journees": rng.randint(2, 8), "debut": _rentree(today, 0).isoformat(),
        "referent_scolaire": f"{rng.choice(('Mme', 'M.'))} {rng.choice(NOMS)}, enseignant référent",
    }  # fmt: skip
    periods = [current]
    if rng.random() < 0.4:
        periods.append({
            "etablissement": ecole, "type_enseignement": "ordinaire", "niveau": "", "demi_journees": 8,
            "debut": _rentree(today, 1).isoformat(), "fin": (_rentree(today, 0) - _days(65)).isoformat(),
        })  # fmt: skip
    return periods


def _rentree(today: datetime.date, years_back: int) -> datetime.date:
    year = (today.year if today.month >= 9 else today.year - 1) - years_back
    return datetime.date(year, 9, 1)


def _plan_notifications(rng, stage, parcours, modalites, today, *, creton) -> list[dict]:
    """The MDPH decision behind the dossier: valid today for current youths (some ending within 3 months), expired
    for those who left; a renewed youth also has the previous one."""
    if stage == "pre_admission_close":
        return []
    start = datetime.date.fromisoformat(parcours[0]["debut"])
    decision = start - _days(rng.randint(20, 150))
    if stage in ("accompagne", "pre_admission", "ponctuel"):
        ending_soon = rng.random() < 0.14
        fin = today + _days(rng.randint(5, 88) if ending_soon else rng.randint(120, 1500))
    else:
        fin = decision + _days(365 * rng.choice((2, 3, 5)))
    debut = min(decision + _days(rng.randint(0, 20)), fin)
    notifications = []
    if stage == "accompagne" and (fin - decision).days > 5 * 365:
        # A long accompaniment: the first decision was renewed for 3 years.
        renewed = fin - _days(365 * 3)
        notifications.append({
            "numero": f"31-{decision.year}-{rng.randint(10000, 99999)}", "date_decision": decision.isoformat(),
            "date_debut": debut.isoformat(), "date_fin": (renewed - _days(1)).isoformat(), "type_droit": "7.7",
            "modalites_entree": modalites, "creton": False,
        })  # fmt: skip
        decision, debut = renewed - _days(rng.randint(15, 60)), renewed
    notifications.insert(0, {
        "numero": f"31-{decision.year}-{rng.randint(10000, 99999)}", "date_decision": decision.isoformat(),
        "date_debut": debut.isoformat(), "date_fin": fin.isoformat(), "type_droit": "7.7",
        "modalites_entree": modalites, "creton": creton,
    })  # fmt: skip
    return notifications


def _write_demo_dossiers(plan: DemoPlan, organisme) -> None:
    """Write through the dossiers services what the exchange format does not carry (see ``DemoPlan``)."""
    from core.models import User
    from dossiers.models import Dossier, Jeune, NotificationMdph, Partenaire, PeriodeScolaire, Proche
    from dossiers.services.acces import bris_de_glace_open, dossier_set_restreint
    from dossiers.services.famille import notification_mdph_save, periode_scolaire_save, proche_save
    from dossiers.services.parcours import dossier_archive, jeune_update

    oid = organisme.pk
    dossiers = {d.jeune.ref: d for d in Dossier.objects.select_related("jeune")}
    partenaires = {p.ref: p for p in Partenaire.objects.all()}
    accounts = {u.ref: u for u in User.objects.filter(ref__in=["demo-famille", "demo-jeune", plan.bris_de_glace[1]])}
    for ref, dossier in dossiers.items():
        jeune = dossier.jeune
        for index, values in enumerate(plan.proches.get(ref, [])):
            compte = accounts["demo-famille"] if (ref, index) == plan.famille_compte else None
            proche_save(proche=Proche(organisme_id=oid, jeune=jeune, compte=compte, **values), actor=None)
        for values in plan.scolarites.get(ref, []):
            values = dict(values, etablissement=partenaires.get(values["etablissement"]))
            periode_scolaire_save(periode=PeriodeScolaire(organisme_id=oid, jeune=jeune, **values), actor=None)
        for values in plan.notifications.get(ref, []):
            notification_mdph_save(
                notification=NotificationMdph(organisme_id=oid, jeune=jeune, dossier=dossier, **values), actor=None
            )
    jeune_update(jeune=Jeune.objects.get(ref=plan.jeune_compte), compte=accounts["demo-jeune"], actor=None)
    restreint = dossiers[plan.restreint]
    dossier_set_restreint(dossier=restreint, est_restreint=True, actor=None)
    ref, user_ref, motif = plan.bris_de_glace
    bris_de_glace_open(dossier=restreint, user=accounts[user_ref], motif=motif)
    for ref in plan.archives:
        dossier_archive(dossier=dossiers[ref], actor=None)


# Demo steps of the other apps (agendas, transmissions...), run in order after the dossiers, inside the same
# transaction and tenant: each is ``step(organisme, plan, rng)`` and writes through its app's services.
_DEMO_STEPS: list[tuple[int, str, object]] = []


def register_demo_step(name: str, step, order: int = 100) -> None:
    if any(existing == name for _, existing, _ in _DEMO_STEPS):
        return
    _DEMO_STEPS.append((order, name, step))
    _DEMO_STEPS.sort(key=lambda item: (item[0], item[1]))


def demo_exists() -> bool:
    return find_organisme_id_by_finess(DEMO_FINESS_JURIDIQUE) is not None


@transaction.atomic
def load_demo_data(scale: int = 1):
    """Create the demo organisme (all or nothing); return the import result, or ``None`` if it already exists.

    The demo logins are created first with ``DEMO_PASSWORD`` (same ref and names as in the document, so the
    import finds them and only adds their affectation); the import then writes the rest.
    """
    from core.echange import import_document

    if demo_exists():
        return None
    plan = build_demo_plan(scale)
    document = plan.document
    organisme = organisme_create(nom=DEMO_ORGANISME_NOM, finess_juridique=DEMO_FINESS_JURIDIQUE)
    with tenant_context(organisme.pk):
        for item in document["professionnels"]:
            if item["ref"].startswith("demo-"):
                account_create(
                    organisme=organisme,
                    kind=AccountKind.PROFESSIONNEL,
                    ref=item["ref"],
                    email=item["email"],
                    first_name=item["prenom"],
                    last_name=item["nom"],
                    password=DEMO_PASSWORD,
                    actor=None,
                )
        for kind, ref, local, first_name, last_name in DEMO_PORTAL_ACCOUNTS:
            account_create(
                organisme=organisme,
                kind=kind,
                ref=ref,
                email=demo_email(local),
                first_name=first_name,
                last_name=last_name,
                password=DEMO_PASSWORD,
                actor=None,
            )
    result = import_document(document)
    with tenant_context(organisme.pk):
        _write_demo_dossiers(plan, organisme)
        for _, name, step in _DEMO_STEPS:
            step(organisme, plan, random.Random(f"{DEMO_SEED}-{name}-{scale}"))
    return result
