"""Personal API tokens in the account area: list, create (the key is shown once, on the response to the POST,
never stored nor put in a message), revoke. Professionals only (the API is for staff integrations)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.models import ApiToken
from core.services.api_tokens import api_token_create, api_token_revoke


class ApiTokenForm(forms.Form):
    nom = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="Pour le reconnaître plus tard, par exemple « Synchronisation agenda ».",
    )


def _render(request, form, *, new_token=None, new_key=None, status=200):
    tokens = ApiToken.objects.filter(user=request.user).order_by("revoked_at", "-created_at")
    context = {"form": form, "tokens": tokens, "new_token": new_token, "new_key": new_key}
    return render(request, "core/api_tokens/list.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def api_token_list(request):
    if request.method == "GET":
        return _render(request, ApiTokenForm())
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _render(request, form, status=400)
    try:
        token, key = api_token_create(user=request.user, nom=form.cleaned_data["nom"], request=request)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _render(request, form, status=400)
    # Rendered directly (no redirect): the clear key must not travel through the session.
    return _render(request, ApiTokenForm(), new_token=token, new_key=key)


@require_POST
def api_token_revoke_view(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(token=token, actor=request.user, request=request)
    messages.success(request, f"Le jeton « {token.nom} » est révoqué.")
    return redirect("core:api_tokens")
