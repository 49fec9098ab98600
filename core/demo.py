"""The demo organisme: its fixed identity, the demo logins, and the deterministic generator behind ``demo_data``.

The generator builds an exchange-format v1 document in memory (seeded ``random.Random``: same scale, same data)
and imports it through ``core.echange``, so the demo is written by the same services as a real migration. The
demo logins get the password ``DEMO_PASSWORD``; every other generated account has an unusable password.
"""

import copy
import random
import unicodedata

from django.db import transaction

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

# The family and youth demo accounts (kind, ref, first name, last name); their youth record comes with the
# Dossiers issue.
DEMO_PORTAL_ACCOUNTS = [
    (AccountKind.PROCHE, "demo-famille", "famille", "Nadia", "Benali"),
    (AccountKind.JEUNE, "demo-jeune", "jeune", "Léo", "Benali"),
]


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum() or c == "-").strip("-")


def build_demo_document(scale: int = 1, seed: int = DEMO_SEED) -> dict:
    """The demo organisme as an exchange-format v1 document; same ``scale`` and ``seed``, same document.

    One professional per métier has the predictable email ``<metier>@demo.ditep.fr`` (ref ``demo-<metier>``, on
    the first dispositif); the others (``pro-NNNN``) are spread over the métiers by ``METIER_WEIGHTS`` and over
    the two dispositifs.
    """
    if scale < 1:
        raise ValueError("scale must be >= 1")
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
    return {
        "format": "ditep-echange",
        "version": 1,
        "organisme": {"nom": DEMO_ORGANISME_NOM, "finess_juridique": DEMO_FINESS_JURIDIQUE},
        "dispositifs": copy.deepcopy(DISPOSITIFS),
        "professionnels": professionnels,
        "partenaires": [{"ref": ref, "nom": nom, "type": type_} for ref, nom, type_ in PARTENAIRES],
    }


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
    document = build_demo_document(scale)
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
    return import_document(document)
