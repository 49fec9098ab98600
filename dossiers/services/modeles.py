"""Document templates (``ModeleDocument``): a restricted placeholder syntax, checked at save time, filled from a
dossier's data and produced as a PDF stored in the dossier.

The body is rendered by a dedicated Django template engine:
- only a few tags (``if``, ``for``, ``with``, ``now``, ``comment``, ``firstof``) and harmless filters are known:
  ``{% load %}``, ``{% include %}``, ``{% extends %}``, ``{% autoescape %}``, ``|safe``... are refused with a
  French message;
- the context holds plain dicts, lists and strings only (``fill_context``), never model instances, so a template
  cannot walk the ORM nor call a method with side effects;
- autoescape is on: a value typed by a user cannot inject HTML into the PDF;
- unknown fields are refused at save time: the body is rendered against ``SAMPLE_CONTEXT`` (every field filled,
  one représentant légal) with a context that records every missing name.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template import Context, Engine, Library, TemplateSyntaxError, defaultfilters, defaulttags
from django.template.base import Lexer, TokenType
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from core.enums import AuditAction, Visibilite
from core.models import Organisme
from core.services.audit import audit_record
from dossiers.enums import SourceDocument, TypeDocument
from dossiers.models import Document, Dossier, ModeleDocument
from dossiers.pdf import render_pdf

ALLOWED_TAGS = ("if", "for", "with", "now", "comment", "firstof")
# Intermediate and closing words of the allowed tags (not tags of their own).
_INNER_WORDS = {"elif", "else", "endif", "empty", "endfor", "endwith", "endcomment"}
ALLOWED_FILTERS = (
    "default", "default_if_none", "upper", "lower", "title", "capfirst", "length", "join", "first", "last",
    "yesno", "pluralize", "truncatechars", "truncatewords", "linebreaks", "linebreaksbr", "wordwrap", "add",
    "cut", "striptags", "escape", "force_escape",
)  # fmt: skip

_engine = None


def _sandbox_engine() -> Engine:
    global _engine  # noqa: PLW0603 - built once, lazily (importing the template libraries at import time is slow)
    if _engine is None:
        library = Library()
        for name in ALLOWED_TAGS:
            library.tags[name] = defaulttags.register.tags[name]
        for name in ALLOWED_FILTERS:
            library.filters[name] = defaultfilters.register.filters[name]
        engine = Engine(dirs=[], app_dirs=False, libraries={}, autoescape=True, string_if_invalid="", debug=False)
        engine.template_builtins = [library]  # instead of Django's full default tags and filters
        _engine = engine
    return _engine


# --- The fields a template may use ------------------------------------------------------------------------------

FIELDS = {
    "jeune": ["prenom", "nom", "nom_naissance", "nom_usage", "date_naissance", "age", "sexe", "identifiant",
              "adresse", "code_postal", "commune", "telephone"],
    "dossier": ["statut", "modalites", "date_orientation", "date_admission", "contrat_remis_le",
                "contrat_signe_le", "site"],
    "dispositif": ["nom", "finess"],
    "organisme": ["nom", "finess_juridique"],
    "referent": ["prenom", "nom", "nom_complet", "email"],
    "coordinateur": ["prenom", "nom", "nom_complet", "email"],
    "auteur": ["prenom", "nom", "nom_complet", "email"],
    "parcours": ["statut", "debut", "fin"],
    "representants_legaux": ["prenom", "nom", "nom_complet", "lien", "telephone", "email", "adresse"],
    "aujourdhui": None,
}  # fmt: skip


def _person(user) -> dict:
    if user is None:
        return {"prenom": "", "nom": "", "nom_complet": "", "email": ""}
    return {
        "prenom": user.first_name,
        "nom": user.last_name,
        "nom_complet": user.get_full_name(),
        "email": user.email,
    }


def _d(value) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


SAMPLE_CONTEXT = {
    "jeune": {"prenom": "Léa", "nom": "Martin", "nom_naissance": "Martin", "nom_usage": "", "date_naissance":
              "12/03/2012", "age": "13", "sexe": "Féminin", "identifiant": "A1B2C3D4E5F6", "adresse": "1 rue des Pins",
              "code_postal": "31000", "commune": "Toulouse", "telephone": "05 00 00 00 00"},
    "dossier": {"statut": "Accompagné", "modalites": "Accueil de jour", "date_orientation": "01/06/2024",
                "date_admission": "02/09/2024", "contrat_remis_le": "10/09/2024", "contrat_signe_le": "20/09/2024",
                "site": "Site de Muret"},
    "dispositif": {"nom": "DITEP Les Pins", "finess": "310000002"},
    "organisme": {"nom": "Association Les Pins", "finess_juridique": "310000001"},
    "referent": {"prenom": "Paul", "nom": "Durand", "nom_complet": "Paul Durand", "email": "p.durand@example.org"},
    "coordinateur": {"prenom": "Anne", "nom": "Roux", "nom_complet": "Anne Roux", "email": "a.roux@example.org"},
    "auteur": {"prenom": "Marie", "nom": "Leroy", "nom_complet": "Marie Leroy", "email": "m.leroy@example.org"},
    "parcours": {"statut": "Accompagné", "debut": "02/09/2024", "fin": ""},
    "representants_legaux": [
        {"prenom": "Sophie", "nom": "Martin", "nom_complet": "Sophie Martin", "lien": "Mère",
         "telephone": "06 00 00 00 00", "email": "s.martin@example.org", "adresse": "1 rue des Pins, 31000 Toulouse"},
    ],
    "aujourdhui": "01/01/2025",
}  # fmt: skip


def fill_context(dossier: Dossier, *, actor=None) -> dict:
    """The plain data a template sees for ``dossier`` (same keys as ``SAMPLE_CONTEXT``; strings only)."""
    from dossiers.services.parcours import current_period

    jeune = dossier.jeune
    today = timezone.localdate()
    periods = list(dossier.parcours.order_by("debut"))
    period = current_period(dossier)
    admission = next((p.debut for p in periods if p.statut == "accompagne"), None)
    representants = [
        {
            "prenom": p.prenom,
            "nom": p.nom,
            "nom_complet": f"{p.prenom} {p.nom}".strip(),
            "lien": p.get_lien_display(),
            "telephone": p.telephone,
            "email": p.email,
            "adresse": p.adresse,
        }
        for p in jeune.proches.filter(representant_legal=True).order_by("ordre_appel", "nom")
    ]
    return {
        "jeune": {
            "prenom": jeune.prenom,
            "nom": jeune.nom,
            "nom_naissance": jeune.nom_naissance,
            "nom_usage": jeune.nom_usage,
            "date_naissance": _d(jeune.date_naissance),
            "age": str(jeune.age_on(today)),
            "sexe": jeune.get_sexe_display(),
            "identifiant": jeune.num,
            "adresse": jeune.adresse,
            "code_postal": jeune.code_postal,
            "commune": jeune.commune,
            "telephone": jeune.telephone,
        },
        "dossier": {
            "statut": dossier.get_statut_display() if dossier.statut else "",
            "modalites": ", ".join(_modalite_label(m) for m in dossier.modalites),
            "date_orientation": _d(dossier.date_orientation),
            "date_admission": _d(admission),
            "contrat_remis_le": _d(dossier.contrat_remis_le),
            "contrat_signe_le": _d(dossier.contrat_signe_le),
            "site": dossier.site.nom if dossier.site else "",
        },
        "dispositif": {"nom": dossier.dispositif.nom, "finess": dossier.dispositif.finess},
        "organisme": _organisme(dossier.organisme_id),
        "referent": _person(dossier.referent),
        "coordinateur": _person(dossier.coordinateur),
        "auteur": _person(actor),
        "parcours": {
            "statut": period.get_statut_display() if period else "",
            "debut": _d(period.debut) if period else "",
            "fin": _d(period.fin) if period else "",
        },
        "representants_legaux": representants,
        "aujourdhui": _d(today),
    }


def _modalite_label(value: str) -> str:
    from core.enums import Modalite

    return dict(Modalite.choices).get(value, value)


def _organisme(organisme_id: int) -> dict:
    organisme = Organisme.objects.get(pk=organisme_id)
    return {"nom": organisme.nom, "finess_juridique": organisme.finess_juridique}


# --- Checking a body --------------------------------------------------------------------------------------------

_FILTER_RE = re.compile(r"\|\s*([A-Za-z_][\w]*)")


def _precheck(corps: str) -> None:
    """French messages for the forbidden tags and filters, before Django's own (English) syntax errors."""
    for token in Lexer(corps).tokenize():
        if token.token_type == TokenType.BLOCK:
            word = (token.contents.split() or [""])[0]
            if word not in ALLOWED_TAGS and word not in _INNER_WORDS:
                raise ValidationError(
                    {"corps": f"La balise {{% {word} %}} n'est pas autorisée dans un modèle (ligne {token.lineno})."}
                )
        if token.token_type in (TokenType.BLOCK, TokenType.VAR):
            # Strip quoted strings (arguments) before looking for filters.
            bare = re.sub(r'"[^"]*"|\'[^\']*\'', "", token.contents)
            for name in _FILTER_RE.findall(bare):
                if name not in ALLOWED_FILTERS:
                    raise ValidationError(
                        {"corps": f"Le filtre « {name} » n'est pas autorisé dans un modèle (ligne {token.lineno})."}
                    )


class _RecordingContext(Context):
    """A context that notes every top-level name looked up and not found."""

    def __init__(self, *args, missing: set, **kwargs):
        super().__init__(*args, **kwargs)
        self.missing = missing

    def __getitem__(self, key):
        try:
            return super().__getitem__(key)
        except KeyError:
            self.missing.add(key)
            raise


class _RecordingDict(dict):
    """A dict of the sample context that notes every missing key looked up (``{{ jeune.prenon }}``)."""

    def __init__(self, data, *, prefix: str, missing: set):
        super().__init__(data)
        self._prefix = prefix
        self._missing = missing

    def __getitem__(self, key):
        try:
            return super().__getitem__(key)
        except KeyError:
            self._missing.add(f"{self._prefix}.{key}")
            raise


def _recording(value, prefix: str, missing: set):
    if isinstance(value, dict):
        return _RecordingDict(
            {k: _recording(v, f"{prefix}.{k}", missing) for k, v in value.items()}, prefix=prefix, missing=missing
        )
    if isinstance(value, list):
        return [_recording(v, prefix, missing) for v in value]
    return value


def _emptied(value):
    if isinstance(value, dict):
        return {k: _emptied(v) for k, v in value.items()}
    if isinstance(value, list):
        return []
    return ""


def validate_corps(corps: str) -> None:
    """Raise a French ``ValidationError`` (on ``corps``) when the body uses a forbidden tag or filter, has a
    syntax error or names an unknown field."""
    _precheck(corps)
    try:
        template = _sandbox_engine().from_string(corps)
    except TemplateSyntaxError as error:
        raise ValidationError({"corps": f"Le modèle contient une erreur de syntaxe : {error}"}) from None
    missing: set[str] = set()
    # Twice: every field filled, then every field empty, so that both branches of ``if`` / ``for ... empty`` run.
    for sample in (SAMPLE_CONTEXT, _emptied(SAMPLE_CONTEXT)):
        data = {k: _recording(v, k, missing) for k, v in sample.items()}
        try:
            template.render(_RecordingContext(data, missing=missing, autoescape=True))
        except Exception as error:  # a filter called with a wrong argument, for instance
            raise ValidationError({"corps": f"Le modèle ne peut pas être rempli : {error}"}) from None
    # Loop variables and ``with`` names are pushed in the context, so they are found; what remains is unknown.
    if missing:
        names = ", ".join(f"« {name} »" for name in sorted(missing))
        raise ValidationError({"corps": f"Champ inconnu dans le modèle : {names}. Voir la liste des champs."})


def render_corps(corps: str, context: dict) -> str:
    """The body filled with ``context`` (HTML, values escaped)."""
    return _sandbox_engine().from_string(corps).render(Context(context, autoescape=True))


# --- Services -----------------------------------------------------------------------------------------------------


@transaction.atomic
def modele_save(*, modele: ModeleDocument, actor, request=None, changed=None) -> ModeleDocument:
    """Create or update a template (the direction): the body is checked first (syntax, allowed tags, fields)."""
    validate_corps(modele.corps)
    created = modele.pk is None
    modele.updated_by = actor
    modele.updated_at = timezone.now()
    modele.full_clean()
    modele.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        record=modele,
        request=request,
        details={"champs": sorted(changed)} if changed else None,
    )
    return modele


DEFAULT_MODELES = [
    {
        "nom": "Fiche de liaison",
        "type": TypeDocument.FICHE_LIAISON,
        "corps": """<h1>Fiche de liaison</h1>
<h2>Jeune</h2>
<table>
<tr><th>Nom, prénom</th><td>{{ jeune.nom }} {{ jeune.prenom }}</td></tr>
<tr><th>Date de naissance</th><td>{{ jeune.date_naissance }} ({{ jeune.age }} ans)</td></tr>
<tr><th>Adresse</th><td>{{ jeune.adresse }} {{ jeune.code_postal }} {{ jeune.commune }}</td></tr>
</table>
<h2>Accompagnement</h2>
<table>
<tr><th>Statut</th><td>{{ dossier.statut|default:"—" }}</td></tr>
<tr><th>Modalités en cours</th><td>{{ dossier.modalites|default:"—" }}</td></tr>
<tr><th>Admission</th><td>{{ dossier.date_admission|default:"—" }}</td></tr>
<tr><th>Référent</th><td>{{ referent.nom_complet|default:"—" }}</td></tr>
</table>
<h2>Représentants légaux</h2>
{% for proche in representants_legaux %}
<p>{{ proche.nom_complet }} ({{ proche.lien }}) — {{ proche.telephone }} {{ proche.email }}</p>
{% empty %}<p>Aucun représentant légal renseigné.</p>{% endfor %}
<p class="muted">Fiche établie le {{ aujourdhui }} par {{ auteur.nom_complet }}.</p>""",
    },
    {
        "nom": "Contrat de séjour",
        "type": TypeDocument.CONTRAT_SEJOUR,
        "corps": """<h1>Contrat de séjour</h1>
<p>Entre {{ organisme.nom }}, pour le {{ dispositif.nom }} (FINESS {{ dispositif.finess }}),</p>
<p>et {{ jeune.prenom }} {{ jeune.nom }}, né(e) le {{ jeune.date_naissance }},
représenté(e) par {% for proche in representants_legaux %}{{ proche.nom_complet }} ({{ proche.lien }})
{% if not forloop.last %}et {% endif %}{% empty %}ses représentants légaux{% endfor %}.</p>
<h2>Article 1 — Objet</h2>
<p>Le présent contrat définit les objectifs et la nature de l'accompagnement, dans le respect des principes
déontologiques et éthiques, des recommandations de bonnes pratiques professionnelles et du projet
d'établissement (article L. 311-4 du code de l'action sociale et des familles).</p>
<h2>Article 2 — Modalités d'accompagnement</h2>
<p>Modalités : {{ dossier.modalites|default:"à définir" }}.
Date d'admission : {{ dossier.date_admission|default:"à définir" }}.</p>
<p>Le référent du jeune est {{ referent.nom_complet|default:"à désigner" }}.</p>
<h2>Article 3 — Durée</h2>
<p>Le contrat est conclu pour la durée de la notification de la MDPH. Il est révisé chaque année.</p>
<div class="signature"><div>Pour le dispositif,<br>le directeur</div><div>Le(s) représentant(s) légal(aux)</div></div>
<p class="muted">Fait le {{ aujourdhui }}.</p>""",
    },
    {
        "nom": "Attestation de prise en charge",
        "type": TypeDocument.ATTESTATION,
        "corps": """<h1>Attestation de prise en charge</h1>
<p>Je soussigné(e), {{ auteur.nom_complet }}, pour {{ organisme.nom }}, atteste que
{{ jeune.prenom }} {{ jeune.nom }}, né(e) le {{ jeune.date_naissance }}, est accompagné(e) par le
{{ dispositif.nom }} (FINESS {{ dispositif.finess }}){% if dossier.date_admission %} depuis le
{{ dossier.date_admission }}{% endif %}{% if dossier.modalites %}, en {{ dossier.modalites|lower }}{% endif %}.</p>
<p>Attestation délivrée pour servir et valoir ce que de droit.</p>
<p>Fait le {{ aujourdhui }}.</p>
<div class="signature"><div></div><div>{{ auteur.nom_complet }}</div></div>""",
    },
]


@transaction.atomic
def modeles_par_defaut(*, organisme_id: int, actor, request=None) -> list[ModeleDocument]:
    """Create the default templates (fiche de liaison, contrat de séjour, attestation) the organisme lacks (by
    name); returns the created ones. Idempotent."""
    existing = set(ModeleDocument.objects.filter(organisme_id=organisme_id).values_list("nom", flat=True))
    created = []
    for spec in DEFAULT_MODELES:
        if spec["nom"] in existing:
            continue
        modele = ModeleDocument(organisme_id=organisme_id, **spec)
        created.append(modele_save(modele=modele, actor=actor, request=request))
    return created


def _filename(modele: ModeleDocument, dossier: Dossier) -> str:
    return f"{slugify(modele.nom)}-{slugify(dossier.jeune.nom)}-{timezone.localdate():%Y%m%d}.pdf"


@transaction.atomic
def document_produce(
    *, dossier: Dossier, modele: ModeleDocument, actor, request=None, visibilite: str = Visibilite.EQUIPE
) -> Document:
    """Fill ``modele`` with the dossier's data, render it as PDF and store it in the dossier (``source=genere``,
    through ``document_create``, which writes the audit row)."""
    from dossiers.services.documents import document_create

    if modele.organisme_id != dossier.organisme_id:
        raise ValidationError({"modele": "Ce modèle n'existe pas."})
    if not modele.is_active:
        raise ValidationError({"modele": "Ce modèle n'est plus actif."})
    context = fill_context(dossier, actor=actor)
    corps = render_corps(modele.corps, context)
    pdf = render_pdf(
        "dossiers/pdf/modele.html",
        {
            "organisme": context["organisme"],
            "dispositif": context["dispositif"],
            "titre": modele.nom,
            "corps": mark_safe(corps),  # noqa: S308 - rendered above by the sandbox engine with autoescape on
        },
    )
    return document_create(
        dossier=dossier,
        content=pdf,
        nom_fichier=_filename(modele, dossier),
        type=modele.type,
        titre=f"{modele.nom} — {timezone.localdate():%d/%m/%Y}",
        actor=actor,
        request=request,
        visibilite=visibilite,
        source=SourceDocument.GENERE,
    )
