"""Tabs of the dossier page. Each area (and later app: agendas, transmissions, ppa) registers its tab with the
predicate deciding who sees it; the dossier page shows the visible ones in order."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    url_name: str  # takes the dossier pk as ``pk``
    visible: Callable  # (access, dossier) -> bool
    order: int = 100


_TABS: list[Tab] = []


def register(key: str, label: str, url_name: str, visible: Callable | None = None, order: int = 100) -> None:
    if any(tab.key == key for tab in _TABS):
        return
    _TABS.append(Tab(key, label, url_name, visible or (lambda access, dossier: True), order))
    _TABS.sort(key=lambda tab: tab.order)


def tabs_for(access, dossier, current: str) -> list[dict]:
    return [
        {
            "key": t.key,
            "label": t.label,
            "url": reverse(t.url_name, kwargs={"pk": dossier.pk}),
            "active": t.key == current,
        }
        for t in _TABS
        if t.visible(access, dossier)
    ]
