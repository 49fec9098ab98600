"""Import of the exchange format v1 (``format-echange-v1``): one framework, one section handler per app.

Apps register their sections with ``register_section`` (from their ``AppConfig.ready``); the core sections
(organisme, dispositifs, sites, professionnels) are registered when this package is imported.
"""

from core.echange import sections  # noqa: F401 - registers the core sections
from core.echange.context import EchangeInvalide, ImportContext, chemin
from core.echange.importer import ImportResult, import_document, validate_document
from core.echange.registry import register_section

__all__ = [
    "EchangeInvalide",
    "ImportContext",
    "ImportResult",
    "chemin",
    "import_document",
    "register_section",
    "validate_document",
]
