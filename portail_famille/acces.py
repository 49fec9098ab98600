"""The portal's wall: every portal view and endpoint resolves the youth it shows through the account's active
``AccesPortail`` rows, and nothing else.

- Only family and youth accounts reach portal views (professionals get a 404 there, as portal accounts get a 404 on
  every staff view: ``core.tenancy.LoginRequiredMiddleware``).
- ``acces_actifs(request)``: the active accesses of the account (one query, cached on the request).
- ``get_acces(request, jeune_id, droit)``: the access to one youth with one right, or 404 (another youth of the
  same organisme, another organisme, a suspended or revoked access, a right not granted: all the same 404).
- ``portail_view(droit=None)``: decorator for portal views; the view receives ``acces`` (the ``AccesPortail``)
  when the URL carries ``jeune_id``.
"""

from functools import wraps

from django.http import Http404

from core.enums import AccountKind
from core.tenancy import portal_allowed

DROITS = (
    "voir_agenda",
    "voir_ppa",
    "voir_documents",
    "deposer_documents",
    "messagerie",
    "declarer_absences",
    "voir_journal",
)


def is_portal_account(user) -> bool:
    return user.is_authenticated and user.kind in (AccountKind.PROCHE, AccountKind.JEUNE)


def acces_actifs(request) -> list:
    """Active accesses of the logged-in portal account, with their youth (cached for the request)."""
    cached = getattr(request, "_acces_portail", None)
    if cached is not None:
        return cached
    from portail_famille.models import AccesPortail

    user = request.user
    if not is_portal_account(user):
        request._acces_portail = []
        return []
    rows = list(
        AccesPortail.objects.actifs()
        .filter(organisme_id=user.organisme_id, user=user, user__is_active=True)
        .select_related("jeune", "proche")
        .order_by("jeune__prenom", "pk")
    )
    request._acces_portail = rows
    return rows


def get_acces(request, jeune_id, droit: str | None = None):
    """The account's active access to this youth, with ``droit`` granted; 404 otherwise."""
    if droit is not None and droit not in DROITS:
        raise ValueError(f"Droit inconnu : {droit}")
    for acces in acces_actifs(request):
        if acces.jeune_id == int(jeune_id):
            if droit is None or getattr(acces, droit):
                return acces
            break
    raise Http404


def portail_view(droit: str | None = None):
    """Portal views: family/youth accounts only; with ``jeune_id`` in the URL, the view gets ``acces``."""

    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            if not is_portal_account(request.user):
                raise Http404
            if "jeune_id" in kwargs:
                kwargs["acces"] = get_acces(request, kwargs.pop("jeune_id"), droit)
            return view_func(request, *args, **kwargs)

        return portal_allowed(wrapper)

    return decorator
