"""Document templates, managed by the direction under /dossiers/modeles/ (others: 403; family accounts: 404)."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.perms import get_object_for_request
from core.views.administration.common import add_service_errors
from dossiers.forms.documents import ModeleDocumentForm
from dossiers.models import ModeleDocument
from dossiers.services.modeles import FIELDS, modele_save, modeles_par_defaut


def can_manage_modeles(access) -> bool:
    return access.is_professionnel and access.is_direction


def direction_required(view_func):
    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if not can_manage_modeles(request.access):
            raise PermissionDenied
        return view_func(request, *args, **kwargs)

    return wrapper


def _fields_help():
    """The fields a template may use, for the help panel: ``{{ group.name }}`` (lists: in a ``for`` loop)."""
    rows = []
    for group, names in FIELDS.items():
        if names is None:
            rows.append({"groupe": group, "champs": [f"{{{{ {group} }}}}"], "liste": False})
        elif group == "representants_legaux":
            rows.append({"groupe": group, "champs": [f"{{{{ proche.{n} }}}}" for n in names], "liste": True})
        else:
            rows.append({"groupe": group, "champs": [f"{{{{ {group}.{n} }}}}" for n in names], "liste": False})
    return rows


@require_GET
@direction_required
def modele_list(request):
    modeles = ModeleDocument.objects.filter(organisme_id=request.access.organisme_id).select_related("updated_by")
    return render(request, "dossiers/modeles/liste.html", {"modeles": modeles})


@require_POST
@direction_required
def modele_defaults(request):
    created = modeles_par_defaut(organisme_id=request.access.organisme_id, actor=request.user, request=request)
    if created:
        messages.success(request, f"{len(created)} modèle(s) par défaut créé(s) : à relire et adapter.")
    else:
        messages.info(request, "Les modèles par défaut existent déjà.")
    return redirect("dossiers:modele_list")


def _edit(request, modele):
    form = ModeleDocumentForm(request.POST or None, instance=modele)
    if request.method == "POST" and form.is_valid():
        try:
            modele_save(modele=form.instance, actor=request.user, request=request, changed=form.changed_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Modèle « {modele.nom} » enregistré.")
            return redirect("dossiers:modele_list")
    return render(request, "dossiers/modeles/form.html", {"form": form, "modele": modele, "champs": _fields_help()})


@require_http_methods(["GET", "POST"])
@direction_required
def modele_create(request):
    return _edit(request, ModeleDocument(organisme_id=request.access.organisme_id))


@require_http_methods(["GET", "POST"])
@direction_required
def modele_edit(request, pk):
    return _edit(request, get_object_for_request(request, ModeleDocument, write=True, pk=pk))
