"""Shared guard and helpers of the administration pages; the home page and the organisme's parameters."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core import perms
from core.enums import AccountKind
from core.forms.administration import OrganismeForm
from core.models import Dispositif, Organisme, Site, User
from core.services.organisation import organisme_update


def admin_required(view_func):
    """Only the organisme's administrators (``admin_organisme``) use the administration pages: others get 403."""

    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if not perms.is_admin(request.access):
            raise PermissionDenied
        return view_func(request, *args, **kwargs)

    return wrapper


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it, on top otherwise."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def organisme_of(request) -> Organisme:
    return Organisme.objects.get(pk=request.access.organisme_id)


@require_GET
@admin_required
def admin_home(request):
    organisme_id = request.access.organisme_id
    pro = Q(kind=AccountKind.PROFESSIONNEL)
    comptes = User.objects.filter(organisme_id=organisme_id).aggregate(
        professionnels=Count("pk", filter=pro & Q(is_active=True)),
        # An invited account has no usable password until its owner follows the invitation link.
        invitations=Count("pk", filter=pro & Q(is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX)),
        desactives=Count("pk", filter=pro & Q(is_active=False)),
        familles=Count("pk", filter=~pro),
    )
    context = {
        "organisme": organisme_of(request),
        "nb_dispositifs": Dispositif.objects.filter(organisme_id=organisme_id).count(),
        "nb_sites": Site.objects.filter(organisme_id=organisme_id, is_active=True).count(),
        "comptes": comptes,
    }
    return render(request, "core/administration/home.html", context)


@require_http_methods(["GET", "POST"])
@admin_required
def organisme_edit(request):
    organisme = organisme_of(request)
    form = OrganismeForm(request.POST or None, instance=organisme)
    if request.method == "POST" and form.is_valid():
        try:
            organisme_update(
                organisme=organisme,
                actor=request.user,
                request=request,
                **{name: form.cleaned_data[name] for name in form.changed_data},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Paramètres de l'organisme enregistrés.")
            return redirect("core:admin_home")
    return render(request, "core/administration/organisme_form.html", {"form": form})
