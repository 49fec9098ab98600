"""Shared by the dashboard and report views: which dispositif and period a request asks for, and the right to see
it (``activite.perms.can_view_activite``: direction — every dispositif —, chefs de service — theirs —, read-only
roles included). Another organisme's dispositif → 404; a professional without the right → 403; family and youth
accounts never reach these views (tenancy wall → 404)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404

from activite.perms import can_view_activite, dispositifs_activite
from activite.services.tableau import trimestre_bornes, trimestre_de, trimestre_precedent
from core.models import Dispositif


def exiger_activite(request) -> list:
    """The dispositifs the user may see (ordered by name); 403 when none."""
    access = request.access
    if not can_view_activite(access):
        raise PermissionDenied
    dispositifs = list(dispositifs_activite(access).order_by("nom"))
    if not dispositifs:
        raise PermissionDenied
    return dispositifs


def dispositif_demande(request, dispositifs: list, valeur) -> Dispositif:
    """The dispositif ``valeur`` (pk) if the user may see it; the first visible one without a value."""
    if valeur in (None, ""):
        return dispositifs[0]
    try:
        pk = int(valeur)
    except (TypeError, ValueError):
        raise Http404 from None
    for dispositif in dispositifs:
        if dispositif.pk == pk:
            return dispositif
    if not Dispositif.objects.filter(organisme_id=request.access.organisme_id, pk=pk).exists():
        raise Http404
    raise PermissionDenied


def date_param(valeur) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(valeur) if valeur else None
    except (TypeError, ValueError):
        return None


def periode_demandee(params, aujourd_hui: datetime.date) -> dict:
    """``annee`` + ``trimestre`` (1–4, or empty for the whole year), or ``debut`` + ``fin`` (ISO dates). Default: the
    current quarter."""
    debut, fin = date_param(params.get("debut")), date_param(params.get("fin"))
    if debut and fin and debut <= fin and (fin - debut).days <= 366 * 2:
        annee, trimestre = debut.year, ""
        for t in range(1, 5):
            if (debut, fin) == trimestre_bornes(debut.year, t):
                trimestre = t
        return {"annee": annee, "trimestre": trimestre, "debut": debut, "fin": fin}
    annee_courante, trimestre_courant = trimestre_de(aujourd_hui)
    try:
        annee = int(params.get("annee") or annee_courante)
        if not 2000 <= annee <= 2100:
            raise ValueError
    except ValueError:
        annee = annee_courante
    t = params.get("trimestre")
    if t is None:
        t = str(trimestre_courant) if annee == annee_courante else ""
    if t in ("1", "2", "3", "4"):
        debut, fin = trimestre_bornes(annee, int(t))
        return {"annee": annee, "trimestre": int(t), "debut": debut, "fin": fin}
    return {"annee": annee, "trimestre": "", "debut": datetime.date(annee, 1, 1), "fin": datetime.date(annee, 12, 31)}


def trimestre_precedent_bornes(aujourd_hui: datetime.date) -> tuple[datetime.date, datetime.date]:
    return trimestre_bornes(*trimestre_precedent(aujourd_hui))
