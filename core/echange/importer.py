"""Import of one exchange-format document (docs: format-echange-v1): validate everything, then write everything.

1. **Validate** the whole document: the envelope (``format``, ``version``, top-level keys), then every registered
   section in order, each under the organisme's tenant (so that it can compare with what exists). Every problem is
   collected; if there is any, ``EchangeInvalide`` is raised and nothing is written.
2. **Write** in one transaction under the organisme's tenant, section by section, through the services. A service
   that still refuses a value aborts the whole transaction (all or nothing) and is reported with its path.
3. One audit row of action ``import`` summarises the counts.

Re-importing the same document updates what it created (keys: FINESS of dispositifs and sites, ``ref`` of
professionals and partners, FINESS juridique of the organisme), so a second run changes nothing.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from core.echange.context import COUNT_LABELS, OUTCOMES, EchangeInvalide, ImportContext, validation_messages
from core.echange.registry import claimed_keys, sections
from core.enums import AuditAction
from core.services.audit import audit_record
from core.tenancy import tenant_context

FORMAT = "ditep-echange"
VERSION = 1
ENVELOPE_KEYS = {"format", "version"}
# Sections of the format whose handlers arrive with later issues. Until their app registers a handler, a document
# carrying data in them is rejected (never silently dropped).
PENDING_SECTIONS = {
    "jeunes": "les jeunes et leurs parcours (dossiers)",
    "evenements": "les événements d'agenda",
    "natures": "les natures d'événements",
}


@dataclass
class ImportResult:
    organisme: object
    counts: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "organisme": {"id": self.organisme.pk, "nom": self.organisme.nom},
            "comptes": {name: dict(counter) for name, counter in self.counts.items()},
            "resume": self.summary(),
        }

    def summary(self) -> str:
        lines = [
            f"Import réussi pour l'organisme « {self.organisme.nom} » "
            f"(FINESS juridique {self.organisme.finess_juridique})."
        ]
        names = [n for n in COUNT_LABELS if n in self.counts] + sorted(set(self.counts) - set(COUNT_LABELS))
        for name in names:
            counter = self.counts[name]
            parts = ", ".join(f"{counter.get(outcome, 0)} {label}" for outcome, label in OUTCOMES.items())
            lines.append(f"- {COUNT_LABELS.get(name, name)} : {parts}")
        return "\n".join(lines)


def _validate_envelope(document: dict, ctx: ImportContext) -> None:
    if document.get("format") != FORMAT:
        ctx.error("format", f"Le champ « format » doit valoir « {FORMAT} ».")
    version = document.get("version")
    if isinstance(version, bool) or version != VERSION:
        ctx.error("version", f"Version de format non prise en charge : seule la version {VERSION} est acceptée.")
    claimed = claimed_keys()
    for key in sorted(set(document) - ENVELOPE_KEYS - claimed):
        if key in PENDING_SECTIONS:
            if document[key] in (None, [], {}):
                continue  # nothing to import, nothing lost
            size = f" ({len(document[key])} élément(s))" if isinstance(document[key], list) else ""
            ctx.error(
                key,
                f"La section « {key} »{size} n'est pas encore prise en charge par l'import : "
                f"{PENDING_SECTIONS[key]} arriveront avec une prochaine version. "
                "Retirez cette section du document pour importer le reste.",
            )
        else:
            known = ", ".join(sorted(ENVELOPE_KEYS | claimed | set(PENDING_SECTIONS)))
            ctx.error(key, f"Section inconnue « {key} ». Sections possibles : {known}.")


def validate_document(document, *, expected_organisme_id: int | None = None, create_organisme: bool = False):
    """Check the whole document; return the context (``ctx.errors`` lists every problem)."""
    ctx = ImportContext(
        document=document if isinstance(document, dict) else {},
        expected_organisme_id=expected_organisme_id,
        create_organisme=create_organisme,
    )
    if not isinstance(document, dict):
        ctx.error("", "Le document doit être un objet JSON.")
        return ctx
    _validate_envelope(document, ctx)
    for section in sections():
        # The organisme section (first) resolves ctx.organisme_id; later sections read under its tenant.
        with tenant_context(ctx.organisme_id):
            section.handler.validate(document, ctx)
    return ctx


def import_document(
    document,
    *,
    actor=None,
    request=None,
    expected_organisme_id: int | None = None,
    create_organisme: bool = False,
) -> ImportResult:
    """Import ``document`` all or nothing; raise ``EchangeInvalide`` with every error otherwise.

    ``expected_organisme_id``: the caller may only import into this organisme (API: the user's own); a document
    naming another one is rejected as forbidden. ``create_organisme``: create the organisme when no organisme has
    the document's FINESS juridique (platform command); otherwise that is an error.
    """
    ctx = validate_document(document, expected_organisme_id=expected_organisme_id, create_organisme=create_organisme)
    if ctx.errors:
        raise EchangeInvalide(ctx.errors, forbidden=ctx.forbidden)
    ctx.actor, ctx.request = actor, request
    with transaction.atomic(), tenant_context(ctx.organisme_id):
        for section in sections():
            with tenant_context(ctx.organisme_id):
                try:
                    section.handler.write(document, ctx)
                except ValidationError as exc:
                    raise EchangeInvalide(
                        [{"chemin": ctx.current_path or section.name, "message": m} for m in validation_messages(exc)]
                    ) from exc
        with tenant_context(ctx.organisme_id):
            audit_record(
                actor=actor,
                action=AuditAction.IMPORT,
                record=ctx.organisme,
                request=request,
                details={
                    "format": FORMAT,
                    "version": VERSION,
                    "comptes": {name: dict(counter) for name, counter in ctx.counts.items()},
                },
            )
    return ImportResult(organisme=ctx.organisme, counts=ctx.counts)
