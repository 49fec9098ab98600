from django import template

from transmissions import perms

register = template.Library()


@register.simple_tag(takes_context=True)
def transmissions_droits(context) -> dict:
    """What the current user may do with transmissions (no query: the request's access is already loaded)."""
    request = context.get("request")
    access = getattr(request, "access", None)
    if access is None or not getattr(request.user, "is_authenticated", False):
        return {"lire": False, "ecrire": False}
    return {"lire": perms.can_use(access), "ecrire": perms.can_write_any(access)}
