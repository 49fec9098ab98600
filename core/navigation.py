"""Main navigation: each app registers its entries with the predicate that decides who sees them, so the menu
shows only what the user may use.

Two places: the main menu (``section="menu"``, the pages of every day) and the « Gestion » page
(``section="gestion"``: settings, directories, registers and follow-up lists), reached by one menu entry shown when
at least one of its pages is visible. Keep the menu short: a new page goes to « Gestion » unless the teams use it
daily."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from core.tenancy import Access


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    visible: Callable[[Access], bool]
    order: int = 100
    # A URL answering a small HTML badge (a count), loaded by HTMX after the page: no query on the page itself.
    badge_url_name: str = ""
    section: str = "menu"  # "menu" or "gestion"
    description: str = ""  # shown on the « Gestion » page


SECTIONS = ("menu", "gestion")


_ENTRIES: list[NavEntry] = []


def register(
    label: str,
    url_name: str,
    visible: Callable[[Access], bool],
    order: int = 100,
    badge_url_name: str = "",
    *,
    section: str = "menu",
    description: str = "",
) -> None:
    if section not in SECTIONS:
        raise ValueError(f"Unknown navigation section: {section}")
    if any(entry.url_name == url_name for entry in _ENTRIES):
        return
    _ENTRIES.append(NavEntry(label, url_name, visible, order, badge_url_name, section, description))
    _ENTRIES.sort(key=lambda entry: entry.order)


def gestion_items_for(access: Access) -> list[dict]:
    """The pages of the « Gestion » section this user may open, in order."""
    return [
        {"label": entry.label, "url": reverse(entry.url_name), "description": entry.description}
        for entry in _ENTRIES
        if entry.section == "gestion" and entry.visible(access)
    ]


def items_for(access: Access, current_path: str) -> list[dict]:
    items = []
    gestion_urls = []
    for entry in _ENTRIES:
        if entry.section == "gestion":
            # Not evaluated here (some predicates query): only the « Gestion » page evaluates them.
            gestion_urls.append(reverse(entry.url_name))
            continue
        if not entry.visible(access):
            continue
        url = reverse(entry.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        badge_url = reverse(entry.badge_url_name) if entry.badge_url_name else ""
        items.append({"label": entry.label, "url": url, "active": active, "badge_url": badge_url, "match": len(url)})
    if gestion_urls and access.is_professionnel:
        # Every professional has at least one management page (the agenda settings, the partners directory).
        url = reverse("core:gestion")
        matches = [len(u) for u in [url, *gestion_urls] if current_path.startswith(u)]
        match = max(matches, default=0)
        items.append({"label": "Gestion", "url": url, "active": bool(matches), "badge_url": "", "match": match})
    # Nested URLs (/dossiers/ and /dossiers/partenaires/): only the most specific entry is the current page.
    active_items = [item for item in items if item["active"]]
    for item in active_items:
        item["active"] = item is max(active_items, key=lambda i: i["match"])
    return items


def _register_core():
    from core import perms

    register("Accueil", "core:home", lambda access: True, order=0)
    register(
        "Administration", "core:admin_home", perms.is_admin, order=900, section="gestion",
        description="Dispositifs, sites, professionnels et leurs affectations.",
    )  # fmt: skip
    register(
        "Journal des accès", "core:audit_list", perms.can_view_audit, order=910, section="gestion",
        description="Qui a consulté ou modifié quoi, et quand.",
    )  # fmt: skip


_register_core()
