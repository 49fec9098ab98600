"""Read helpers of the PPA drafting pages: the SERAFIN-PH reference (choices and search), the data of the PPA tab
in a constant number of queries, who still has to agree, and the readable diff between two versions."""

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Prefetch

from core.models import SerafinCode
from dossiers.models import Proche
from ppa.enums import Signataire, StatutPpa
from ppa.models import SERAFIN_VERSION, Accord, Action, Objectif, Ppa, PpaVersion

FAMILLES = {"besoin": "besoin", "prestation": "prestation_directe"}


# --- SERAFIN-PH ----------------------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case without accents: « Santé » and « sante » compare equal."""
    return "".join(c for c in unicodedata.normalize("NFD", text or "") if unicodedata.category(c) != "Mn").lower()


def serafin_libelles(version: str = SERAFIN_VERSION) -> dict[str, str]:
    """Every code's label (one query; ~110 rows)."""
    return dict(SerafinCode.objects.filter(version=version).values_list("code", "libelle"))


def serafin_codes(famille: str, version: str = SERAFIN_VERSION) -> list[SerafinCode]:
    """The selectable codes of a famille (``besoin`` or ``prestation``: prestations directes 2.x), root excluded,
    in code order (1.1, 1.1.1, ..., 1.1.10 after 1.1.9)."""
    rows = SerafinCode.objects.filter(version=version, famille=FAMILLES.get(famille, famille), niveau__gt=1)
    return sorted(rows, key=lambda c: [int(p) for p in c.code.split(".")])


def serafin_choices(famille: str, *, empty: str | None = None) -> list:
    """Form choices grouped by level-2 heading (optgroups); each option reads « code — label »."""
    codes = serafin_codes(famille)
    groups: dict[str, list] = {}
    heads = {c.code: c for c in codes if c.niveau == 2}
    for code in codes:
        if code.niveau == 2:
            groups.setdefault(code.code, [])
        head = code.code if code.niveau == 2 else ".".join(code.code.split(".")[:2])
        groups.setdefault(head, []).append((code.code, f"{code.code} — {code.libelle}"))
    choices = [("", empty)] if empty is not None else []
    for head, options in groups.items():
        label = f"{head} — {heads[head].libelle}" if head in heads else head
        choices.append((label, options))
    return choices


def serafin_rechercher(q: str, famille: str, *, limit: int = 50) -> list[SerafinCode]:
    """Codes of a famille matching ``q``: a code prefix (« 1.3 »), or every word of ``q`` found in the label,
    accents and case ignored (« sante » finds « santé »)."""
    codes = serafin_codes(famille)
    q = (q or "").strip()
    if not q:
        return codes[:limit]
    if re.fullmatch(r"[\d.]+", q):
        return [c for c in codes if c.code == q or c.code.startswith(q.rstrip(".") + ".")][:limit]
    words = fold(q).split()
    return [c for c in codes if all(w in fold(f"{c.code} {c.libelle}") for w in words)][:limit]


# --- The PPA tab ---------------------------------------------------------------------------------------------------


def version_queryset():
    return PpaVersion.objects.select_related("ppa__dossier__jeune", "ppa__dossier__dispositif", "valide_par",
                                             "created_by")  # fmt: skip


def _objectifs_prefetch():
    return Prefetch(
        "objectifs",
        queryset=Objectif.objects.select_related("referent").prefetch_related(
            Prefetch("actions", queryset=Action.objects.select_related("responsable").order_by("ordre", "pk"))
        ),
    )


def version_detail(pk: int) -> PpaVersion:
    """One version with its objectives (referent, actions and their responsible) and agreements."""
    return (
        version_queryset()
        .prefetch_related(
            _objectifs_prefetch(),
            Prefetch("accords", queryset=Accord.objects.select_related("proche", "recueilli_par", "document")),
        )
        .get(pk=pk)
    )


def version_affichee(versions: list[PpaVersion], demandee: int | None = None) -> PpaVersion | None:
    """The version shown by default: the one asked for, else the draft, else the version in force, else the
    latest."""
    if demandee:
        for v in versions:
            if v.pk == demandee:
                return v
    for statut in (StatutPpa.EN_ELABORATION, StatutPpa.EN_COURS, StatutPpa.VALIDE):
        for v in versions:
            if v.statut == statut:
                return v
    return versions[0] if versions else None


@dataclass
class Attendu:
    """One expected signatory and their agreement, if recorded."""

    signataire: str
    proche: Proche | None
    nom: str
    accord: Accord | None = None

    @property
    def cle(self) -> str:
        return f"proche-{self.proche.pk}" if self.proche else "jeune"


def attendus(version: PpaVersion, representants: list[Proche]) -> list[Attendu]:
    """The youth then each représentant légal, with their agreement on ``version`` (prefetched ``accords``)."""
    accords = list(version.accords.all())
    jeune = version.ppa.dossier.jeune
    rows = [
        Attendu(Signataire.JEUNE, None, f"{jeune.prenom} {jeune.nom}".strip(),
                next((a for a in accords if a.signataire == Signataire.JEUNE), None))
    ]  # fmt: skip
    for proche in representants:
        rows.append(Attendu(Signataire.REPRESENTANT_LEGAL, proche, str(proche),
                            next((a for a in accords if a.proche_id == proche.pk), None)))  # fmt: skip
    # Agreements of a proche who is no longer représentant légal stay visible.
    known = {p.pk for p in representants}
    for accord in accords:
        if accord.proche_id and accord.proche_id not in known:
            rows.append(Attendu(accord.signataire, accord.proche, accord.nom_signataire, accord))
    return rows


def representants_legaux(jeune_id: int) -> list[Proche]:
    return list(Proche.objects.filter(jeune_id=jeune_id, representant_legal=True).order_by("ordre_appel", "nom"))


def ppa_du_dossier(dossier) -> Ppa | None:
    return Ppa.objects.filter(dossier=dossier).first()


def versions_du_ppa(ppa: Ppa | None) -> list[PpaVersion]:
    if ppa is None:
        return []
    return list(PpaVersion.objects.filter(ppa=ppa).select_related("valide_par", "created_by").order_by("-numero"))


# --- Diff between two versions -------------------------------------------------------------------------------------

CHAMPS_VERSION = (
    ("attentes_jeune", "Attentes du jeune"),
    ("attentes_famille", "Attentes de la famille"),
    ("synthese", "Synthèse de l'équipe"),
    ("motif", "Motif"),
    ("date_debut", "Début de mise en œuvre"),
    ("date_fin", "Fin prévue"),
    ("date_revision", "Révision prévue le"),
)
CHAMPS_OBJECTIF = (
    ("titre", "Titre"),
    ("description", "Description"),
    ("besoin_code", "Besoin SERAFIN-PH"),
    ("prestations", "Prestations SERAFIN-PH"),
    ("referent", "Référent"),
    ("date_debut", "Début"),
    ("date_fin", "Échéance"),
    ("resultat_attendu", "Résultat attendu"),
    ("avis_jeune", "Avis du jeune"),
    ("phrase_falc", "Phrase en facile à lire"),
    ("actions", "Actions et moyens"),
)


_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")  # words, runs of spaces, each punctuation sign


def diff_texte(avant: str, apres: str) -> list[tuple[str, str]]:
    """Word-level diff of two texts as segments (``egal`` | ``supprime`` | ``ajoute``, text); the template marks
    them up with ``<del>``/``<ins>`` (escaped, never ``safe``)."""
    a = _TOKENS.findall(avant or "")
    b = _TOKENS.findall(apres or "")
    segments: list[tuple[str, str]] = []

    def push(kind, tokens):
        if tokens:
            text = "".join(tokens)
            if segments and segments[-1][0] == kind:
                segments[-1] = (kind, segments[-1][1] + text)
            else:
                segments.append((kind, text))

    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            push("egal", a[i1:i2])
        else:
            push("supprime", a[i1:i2])
            push("ajoute", b[j1:j2])
    return segments


@dataclass
class Changement:
    champ: str
    libelle: str
    segments: list[tuple[str, str]]


@dataclass
class ObjectifCompare:
    etat: str  # ajoute | supprime | modifie | identique
    titre: str
    avant: Objectif | None = None
    apres: Objectif | None = None
    changements: list[Changement] = field(default_factory=list)


def _valeur(obj, name: str, libelles: dict[str, str]) -> str:
    value = getattr(obj, name, None) if name != "actions" else None
    if name == "actions":
        lines = []
        for a in obj.actions.all():
            responsable = a.responsable.get_full_name() if a.responsable else ""
            lines.append(" — ".join(p for p in (a.libelle, a.moyens, a.frequence, responsable) if p))
        return "\n".join(lines)
    if name in ("besoin_code",):
        return f"{value} — {libelles.get(value, '')}" if value else ""
    if name in ("prestations", "besoins"):
        return "\n".join(f"{c} — {libelles.get(c, '')}" for c in value or [])
    if name in ("referent",):
        return value.get_full_name() if value else ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def _changements(avant, apres, champs, libelles) -> list[Changement]:
    out = []
    for name, label in champs:
        a, b = _valeur(avant, name, libelles), _valeur(apres, name, libelles)
        if a != b:
            if name in ("prestations", "besoins", "actions"):
                out.append(Changement(name, label, _diff_lignes(a, b)))
            else:
                out.append(Changement(name, label, diff_texte(a, b)))
    return out


def _diff_lignes(avant: str, apres: str) -> list[tuple[str, str]]:
    """Line-level diff for lists (codes, actions): each line kept, removed or added."""
    a, b = avant.splitlines(), apres.splitlines()
    segments = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            segments += [("egal", line + "\n") for line in a[i1:i2]]
        else:
            segments += [("supprime", line + "\n") for line in a[i1:i2]]
            segments += [("ajoute", line + "\n") for line in b[j1:j2]]
    return segments


def comparer(avant: PpaVersion, apres: PpaVersion) -> dict:
    """The readable differences from ``avant`` to ``apres`` (both prefetched by ``version_detail``): content fields
    and besoins, then objectives matched by ``cle`` (added, removed, changed field by field, unchanged)."""
    libelles = serafin_libelles()
    contenu = _changements(avant, apres, (*CHAMPS_VERSION[:3], ("besoins", "Besoins SERAFIN-PH"), *CHAMPS_VERSION[3:]),
                           libelles)  # fmt: skip
    objectifs_avant = {o.cle: o for o in avant.objectifs.all()}
    objectifs_apres = {o.cle: o for o in apres.objectifs.all()}
    objectifs = []
    for o in apres.objectifs.all():
        before = objectifs_avant.get(o.cle)
        if before is None:
            objectifs.append(ObjectifCompare("ajoute", o.titre, apres=o))
            continue
        changes = _changements(before, o, CHAMPS_OBJECTIF, libelles)
        objectifs.append(ObjectifCompare("modifie" if changes else "identique", o.titre, before, o, changes))
    for o in avant.objectifs.all():
        if o.cle not in objectifs_apres:
            objectifs.append(ObjectifCompare("supprime", o.titre, avant=o))
    return {
        "contenu": contenu,
        "objectifs": objectifs,
        "nb_changements": len(contenu) + sum(1 for o in objectifs if o.etat != "identique"),
    }
