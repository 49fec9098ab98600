"""Main navigation: each app registers its entries with the predicate that decides who sees them, so the menu
shows only what the user may use."""

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


_ENTRIES: list[NavEntry] = []


def register(
    label: str, url_name: str, visible: Callable[[Access], bool], order: int = 100, badge_url_name: str = ""
) -> None:
    if any(entry.url_name == url_name for entry in _ENTRIES):
        return
    _ENTRIES.append(NavEntry(label, url_name, visible, order, badge_url_name))
    _ENTRIES.sort(key=lambda entry: entry.order)


def items_for(access: Access, current_path: str) -> list[dict]:
    items = []
    for entry in _ENTRIES:
        if not entry.visible(access):
            continue
        url = reverse(entry.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        badge_url = reverse(entry.badge_url_name) if entry.badge_url_name else ""
        items.append({"label": entry.label, "url": url, "active": active, "badge_url": badge_url})
    # Nested URLs (/dossiers/ and /dossiers/liste-attente/): only the most specific entry is the current page.
    active_items = [item for item in items if item["active"]]
    for item in active_items:
        item["active"] = item is max(active_items, key=lambda i: len(i["url"]))
    return items


def _register_core():
    from core import perms

    register("Accueil", "core:home", lambda access: True, order=0)
    register("Administration", "core:admin_home", perms.is_admin, order=900)
    register("Journal des accès", "core:audit_list", perms.can_view_audit, order=910)


_register_core()
