"""The registry of section handlers of the exchange format: each app registers the sections it imports.

A handler is an object with two methods, called in the registered ``order``:

- ``validate(document, ctx)``: read its part of the document (and the database, under the organisme's tenant),
  report every problem with ``ctx.error(chemin, message)``; never writes.
- ``write(document, ctx)``: called only when the whole document is valid, inside the import transaction and the
  organisme's tenant; writes through the services and counts with ``ctx.count(...)``.

``keys`` are the top-level keys of the document the section reads ("claims"); a top-level key that no section
claims is rejected, so that no data is silently dropped.
"""

from dataclasses import dataclass
from typing import Protocol


class SectionHandler(Protocol):
    def validate(self, document: dict, ctx) -> None: ...

    def write(self, document: dict, ctx) -> None: ...


@dataclass(frozen=True)
class Section:
    name: str
    handler: SectionHandler
    order: int
    keys: tuple[str, ...]


_SECTIONS: dict[str, Section] = {}


def register_section(name: str, handler: SectionHandler, order: int, *, keys: tuple[str, ...] | None = None) -> None:
    """Register (or replace) the handler of section ``name``; ``keys`` defaults to ``(name,)``."""
    _SECTIONS[name] = Section(
        name=name, handler=handler, order=order, keys=tuple(keys) if keys is not None else (name,)
    )


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.name))


def claimed_keys() -> set[str]:
    return {key for section in _SECTIONS.values() for key in section.keys}
