"""Template helpers of the portal layout: the youth being shown and the switcher between the account's youths.

``{% portail_nav as nav %}`` gives ``nav.acces`` (the access of the youth shown: the view's ``acces``, else the one
remembered in the session, else the first), ``nav.autres`` (the other youths, each with the link to the same page
for them) and ``nav.urls`` (the menu links for the youth shown; a page not built yet is left out).
"""

from django import template
from django.urls import NoReverseMatch, reverse

from portail_famille.acces import DROITS, acces_actifs

register = template.Library()

SESSION_JEUNE_KEY = "portail_jeune_id"

# (key, URL name, right needed); the URL name takes jeune_id.
MENU_JEUNE = (
    ("semaine", "portail:semaine", "voir_agenda"),
    ("plan", "portail:plan", "voir_ppa"),
    ("documents", "portail:documents", None),
    ("absences", "portail:absences", "declarer_absences"),
    ("journal", "portail:journal", "voir_journal"),
)
# URL names without arguments (some built by the exchanges part of the portal).
MENU_COMPTE = (
    ("accueil", "portail:accueil"),
    ("messages", "portail:messages"),
    ("questionnaires", "portail:questionnaires"),
    ("reclamations", "portail:reclamations"),
    ("compte", "portail:compte"),
    ("plus", "portail:plus"),
    ("logout", "portail:logout"),
)


def acces_courant(request, acces=None):
    """The access of the youth shown: the view's, else the session's, else the first active one (or None)."""
    if acces is not None:
        return acces
    rows = acces_actifs(request)
    if not rows:
        return None
    remembered = request.session.get(SESSION_JEUNE_KEY)
    for row in rows:
        if row.jeune_id == remembered:
            return row
    return rows[0]


def _reverse(name, **kwargs):
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def portail_nav(context):
    request = context["request"]
    acces = acces_courant(request, context.get("acces"))
    urls = {key: _reverse(name) for key, name in MENU_COMPTE}
    autres = []
    if acces is not None:
        for key, name, droit in MENU_JEUNE:
            ok = droit is None and (acces.voir_documents or acces.deposer_documents)
            urls[key] = _reverse(name, jeune_id=acces.jeune_id) if (ok or (droit and getattr(acces, droit))) else ""
        match = getattr(request, "resolver_match", None)
        for row in acces_actifs(request):
            if row.jeune_id == acces.jeune_id:
                continue
            url = ""
            if match is not None and "jeune_id" in match.kwargs:
                url = _reverse(f"{match.namespace}:{match.url_name}", jeune_id=row.jeune_id)
            autres.append({"acces": row, "url": url or _reverse("portail:accueil") + f"?jeune={row.jeune_id}"})
    actif = context.get("portail_menu") or _menu_actif(request)
    return {"acces": acces, "autres": autres, "urls": urls, "plusieurs": bool(autres), "actif": actif}


def _menu_actif(request) -> str:
    """Which bottom-menu entry the page belongs to (by URL name; pages may set ``portail_menu`` instead)."""
    match = getattr(request, "resolver_match", None)
    name = (match.url_name or "") if match is not None else ""
    for prefix, key in (("semaine", "semaine"), ("plan", "plan"), ("document", "documents"), ("absence", "absences")):
        if name.startswith(prefix):
            return key
    if name.startswith(("message", "fil")):
        return "messages"
    if name in ("accueil", "login", ""):
        return "accueil"
    return "plus"


@register.filter
def droit(acces, name: str) -> bool:
    """``acces|droit:"voir_agenda"``: whether the access grants this right."""
    return name in MENU_RIGHTS and bool(getattr(acces, name, False))


MENU_RIGHTS = frozenset(DROITS)
