"""Permission predicates and the one scoped-fetch helper.

The rule of the field (DOMAIN §3): open by default inside a dispositif, restricted by exception. Each model
registers its read and write predicates here (``register``); an unregistered model cannot be fetched (fail closed).
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import Http404

from core.tenancy import Access

Predicate = Callable[[Access, models.Model], bool]
_RULES: dict[type[models.Model], tuple[Predicate, Predicate]] = {}


def register(model: type[models.Model], *, read: Predicate, write: Predicate) -> None:
    _RULES[model] = (read, write)


def can_read(access: Access, obj: models.Model) -> bool:
    return _rules_for(obj)[0](access, obj)


def can_write(access: Access, obj: models.Model) -> bool:
    return _rules_for(obj)[1](access, obj)


def _rules_for(obj):
    try:
        return _RULES[type(obj)]
    except KeyError:
        raise ImproperlyConfigured(f"No permission rules registered for {type(obj).__name__}") from None


def get_object_for_request(request, queryset, *, write: bool = False, **lookup):
    """Fetch one tenant object for the request: another organisme -> 404, no right -> 403.

    ``queryset`` may be a model or a queryset; it is always narrowed to the user's organisme first (the ORM layer of
    the tenant wall; RLS is the second).
    """
    if isinstance(queryset, type) and issubclass(queryset, models.Model):
        queryset = queryset._default_manager.all()
    access = request.access
    if access.organisme_id is None:
        raise Http404
    try:
        obj = queryset.filter(organisme_id=access.organisme_id).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
    if not can_read(access, obj):
        raise PermissionDenied
    if write and not can_write(access, obj):
        raise PermissionDenied
    return obj


# --- Predicates of the core models ---------------------------------------------------------------------------


def is_admin(access: Access) -> bool:
    """The organisme's administrators configure dispositifs, sites, accounts and parameters."""
    return access.is_professionnel and access.is_admin


def can_view_audit(access: Access) -> bool:
    """The direction (and the organisme's administrators for accounts) list who accessed a record."""
    return access.is_professionnel and (access.is_direction or access.is_admin)


def _read_dispositif(access, dispositif):
    return access.is_professionnel and access.can_read_dispositif(dispositif.pk)


def _admin_only(access, obj):
    return is_admin(access)


def _read_site(access, site):
    return access.is_professionnel and access.can_read_dispositif(site.dispositif_id)


def _read_user(access, user):
    return access.is_professionnel or access.user.pk == user.pk


def _register_core():
    from core.models import Affectation, Dispositif, DispositifAnnee, Site, User

    register(Dispositif, read=_read_dispositif, write=_admin_only)
    register(DispositifAnnee, read=lambda a, o: _read_dispositif(a, o.dispositif), write=_admin_only)
    register(Site, read=_read_site, write=_admin_only)
    register(User, read=_read_user, write=_admin_only)
    register(Affectation, read=lambda a, o: a.is_professionnel, write=_admin_only)


_register_core()
