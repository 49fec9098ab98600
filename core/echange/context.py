"""The state shared by the section handlers during one import, and the field checks they use.

Every check reports its problem as ``{"chemin": ..., "message": ...}`` (a JSON path such as
``professionnels[3].email`` and a French message) and returns ``None`` for an invalid value, so that a handler
goes on checking the rest of the document: the caller gets every error at once.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date as datetime_date
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

FINESS_RE = re.compile(r"^(?:\d{2}|2A|2B)\d{7}$")

# French labels of the counters, in the order of the summary.
COUNT_LABELS = {
    "organisme": "organisme",
    "dispositifs": "dispositifs",
    "parametres_annuels": "paramètres annuels (places, jours d'ouverture)",
    "sites": "sites",
    "professionnels": "professionnels",
    "affectations": "affectations",
    "partenaires": "partenaires",
    "jeunes": "jeunes",
    "dossiers": "dossiers",
    "parcours": "parcours (périodes de statut)",
    "situations_complexes": "situations complexes",
    "natures": "natures d'événements",
    "evenements": "événements d'agenda",
}
OUTCOMES = {"crees": "créé(s)", "modifies": "modifié(s)", "inchanges": "inchangé(s)"}


def chemin(*parts: str | int) -> str:
    """JSON path of a value: ``chemin("professionnels", 3, "email") == "professionnels[3].email"``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part:
            out += f".{part}" if out else part
    return out


def validation_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [
            f"{name} : {msg}" if name != "__all__" else msg for name, msgs in exc.message_dict.items() for msg in msgs
        ]
    return list(exc.messages)


class EchangeInvalide(Exception):
    """The document is rejected; ``errors`` lists every problem, nothing was written.

    ``forbidden`` is set when the document names an organisme the caller may not import into.
    """

    def __init__(self, errors: list[dict], *, forbidden: bool = False):
        super().__init__(f"{len(errors)} erreur(s) dans le document")
        self.errors = errors
        self.forbidden = forbidden


@dataclass
class ImportContext:
    document: dict
    actor: object = None
    request: object = None
    # The organisme the caller is bound to (API: the user's organisme); None for the platform command.
    expected_organisme_id: int | None = None
    create_organisme: bool = False
    organisme_id: int | None = None
    organisme: object = None
    errors: list[dict] = field(default_factory=list)
    forbidden: bool = False
    counts: dict[str, Counter] = field(default_factory=dict)
    # Objects written by earlier sections, for later ones: {("dispositif", finess): Dispositif, ...}.
    objects: dict = field(default_factory=dict)
    current_path: str = ""

    # --- reporting -------------------------------------------------------------------------------------------

    def error(self, path: str, message: str, *, forbidden: bool = False) -> None:
        entry = {"chemin": path, "message": message}
        if entry not in self.errors:
            self.errors.append(entry)
        self.forbidden = self.forbidden or forbidden

    def count(self, name: str, outcome: str, n: int = 1) -> None:
        if outcome not in OUTCOMES:
            raise ValueError(outcome)
        self.counts.setdefault(name, Counter())[outcome] += n

    # --- structure -------------------------------------------------------------------------------------------

    def section_items(self, key: str, *, report: bool = True) -> list[tuple[int, dict]]:
        """``(index, item)`` of the top-level list ``key`` (absent = empty); non-objects are reported."""
        return self.list_items(self.document.get(key), key, report=report)

    def list_items(self, value, path: str, *, report: bool = True) -> list[tuple[int, dict]]:
        if value is None:
            return []
        if not isinstance(value, list):
            if report:
                self.error(path, "Cette section doit être une liste.")
            return []
        items = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                items.append((index, item))
            elif report:
                self.error(chemin(path, index), "Cet élément doit être un objet.")
        return items

    def unknown_keys(self, item: dict, allowed: set[str], path: str) -> None:
        for key in sorted(set(item) - allowed):
            self.error(
                chemin(path, key),
                f"Champ inconnu « {key} ». Champs possibles : {', '.join(sorted(allowed))}.",
            )

    # --- values ----------------------------------------------------------------------------------------------

    def text(self, item: dict, key: str, path: str, *, required: bool = True, max_length: int = 200) -> str | None:
        value = item.get(key)
        where = chemin(path, key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(where, "Ce champ est obligatoire.")
            return None if required else ""
        if not isinstance(value, str):
            self.error(where, "Ce champ doit être une chaîne de caractères.")
            return None
        value = value.strip()
        if len(value) > max_length:
            self.error(where, f"Ce champ ne doit pas dépasser {max_length} caractères.")
            return None
        return value

    def finess(self, item: dict, key: str, path: str, *, required: bool = True) -> str | None:
        value = self.text(item, key, path, required=required, max_length=9)
        if value and not FINESS_RE.match(value):
            self.error(chemin(path, key), f"Numéro FINESS invalide « {value} » : 9 caractères, des chiffres attendus.")
            return None
        return value

    def email(self, item: dict, key: str, path: str, *, required: bool = True) -> str | None:
        value = self.text(item, key, path, required=required, max_length=254)
        if value:
            try:
                validate_email(value)
            except ValidationError:
                self.error(chemin(path, key), f"Adresse électronique invalide « {value} ».")
                return None
            return value.lower()
        return value

    def integer(
        self, item: dict, key: str, path: str, *, minimum: int = 0, maximum: int | None = None, required: bool = True
    ) -> int | None:
        value = item.get(key)
        where = chemin(path, key)
        if value is None:
            if required:
                self.error(where, "Ce champ est obligatoire.")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(where, "Ce champ doit être un nombre entier.")
            return None
        if value < minimum or (maximum is not None and value > maximum):
            bounds = f"entre {minimum} et {maximum}" if maximum is not None else f"supérieur ou égal à {minimum}"
            self.error(where, f"Ce nombre doit être {bounds}.")
            return None
        return value

    def choice(self, item: dict, key: str, path: str, choices, *, what: str, required: bool = True) -> str | None:
        """A code among ``choices`` (a Django ``TextChoices``); the message lists the valid codes."""
        value = self.text(item, key, path, required=required, max_length=100)
        if value and value not in choices.values:
            self.error(
                chemin(path, key), f"{what} inconnu(e) « {value} ». Valeurs possibles : {', '.join(choices.values)}."
            )
            return None
        return value

    def iso_date(self, item: dict, key: str, path: str, *, required: bool = True) -> datetime_date | None:
        """An ISO 8601 date (``2025-09-01``)."""
        value = self.text(item, key, path, required=required, max_length=10)
        if not value:
            return None
        try:
            if len(value) != 10:
                raise ValueError(value)
            return datetime_date.fromisoformat(value)
        except ValueError:
            self.error(chemin(path, key), f"Date invalide « {value} » : format AAAA-MM-JJ attendu.")
            return None

    def iso_datetime(self, item: dict, key: str, path: str, *, required: bool = True) -> datetime | None:
        """An ISO 8601 date-time carrying its offset (``2026-01-05T09:00:00+01:00``): a naive time is refused."""
        value = self.text(item, key, path, required=required, max_length=40)
        if not value:
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.error(chemin(path, key), f"Date et heure invalides « {value} » : format ISO 8601 attendu.")
            return None
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            self.error(
                chemin(path, key),
                f"Date et heure sans décalage horaire « {value} » : ajoutez-le (par exemple +01:00 ou Z).",
            )
            return None
        return parsed

    def duplicate(self, seen: dict, value, path: str, what: str) -> bool:
        """Report ``value`` if an earlier item of the document already used it; remember it otherwise."""
        if value is None:
            return False
        if value in seen:
            self.error(path, f"{what} « {value} » en double : déjà utilisé(e) en {seen[value]}.")
            return True
        seen[value] = path
        return False

    # --- shared lookups --------------------------------------------------------------------------------------

    def years(self) -> list[int]:
        return document_years(self.document)


def document_years(document: dict) -> list[int]:
    """Every calendar year covered by the document's events (from the first to the last).

    The format applies ``places`` and ``jours_ouverture`` to every year the events cover. A document without
    events (a structure-only import) gets them for the current year: that is the year the teams start working
    in, and the administration pages let them add other years.
    """
    years = set()
    events = document.get("evenements") if isinstance(document, dict) else None
    for event in events if isinstance(events, list) else []:
        if not isinstance(event, dict):
            continue
        for key in ("debut", "fin"):
            try:
                years.add(datetime.fromisoformat(event[key]).year)
            except (KeyError, TypeError, ValueError):
                continue
    if not years:
        return [timezone.localdate().year]
    return list(range(min(years), max(years) + 1))
