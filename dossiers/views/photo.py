"""The youth's photo: a small form in the dossier layout (upload, replace, remove) and the only view serving the
file — the youth must be readable through one of their dossiers (another organisme: 404; no readable dossier,
e.g. a restricted one or the organisme's administrator: 403; family and youth accounts: 404, staff pages).

Serving the photo is not written to the audit journal: it is shown in the header of every dossier page, whose
view is already audited."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.perms import get_object_for_request
from core.views.administration.common import add_service_errors
from dossiers.models import Jeune
from dossiers.services import photo as services
from dossiers.services.documents import detect_type
from dossiers.views.dossier import dossier_context, dossier_view


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label="Photo",
        help_text=f"Image JPEG, PNG ou WebP ; {services.PHOTO_MAX_SIZE // (1024 * 1024)} Mo au plus. Le type est "
        "vérifié d'après le contenu du fichier.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def clean_photo(self):
        photo = self.cleaned_data["photo"]
        if photo.size > services.PHOTO_MAX_SIZE:
            raise ValidationError(
                f"La photo dépasse la taille maximale de {services.PHOTO_MAX_SIZE // (1024 * 1024)} Mo."
            )
        return photo


@require_http_methods(["GET", "POST"])
@dossier_view(write=True)
def photo_modifier(request, dossier):
    """GET: the form; POST: store the photo (checked by content) and back to the synthèse."""
    jeune = dossier.jeune
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.jeune_photo_set(jeune=jeune, content=form.cleaned_data["photo"].read(), actor=request.user,
                                     request=request)  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Photo enregistrée.")
            return redirect("dossiers:dossier", pk=dossier.pk)
    context = dossier_context(request, dossier, "synthese", audit=request.method == "GET")
    context["form"] = form
    return render(request, "dossiers/dossier/photo_form.html", context, status=422 if form.errors else 200)


@require_POST
@dossier_view(write=True)
def photo_retirer(request, dossier):
    try:
        services.jeune_photo_remove(jeune=dossier.jeune, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Photo retirée.")
    return redirect("dossiers:dossier", pk=dossier.pk)


@require_GET
def jeune_photo(request, pk):
    """The photo file, in memory (5 MB at most), private to the browser's cache."""
    jeune = get_object_for_request(request, Jeune, pk=pk)
    if not jeune.photo:
        raise Http404
    try:
        with jeune.photo.open("rb") as stored:
            content = stored.read()
    except FileNotFoundError:
        raise Http404 from None
    mime = detect_type(content)
    if mime not in services.PHOTO_TYPES:
        raise Http404
    response = HttpResponse(content, content_type=mime)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response
