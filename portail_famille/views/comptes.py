"""The portal account page: password change (here, with the portal layout), the link to the existing TOTP
enrolment (``core:totp_setup``, reachable by portal accounts), logout."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.services.accounts import security_event
from portail_famille.acces import acces_actifs
from portail_famille.views.base import page


@require_http_methods(["GET", "POST"])
@page()
def compte(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    for field in form.fields.values():
        field.widget.attrs.setdefault("autocomplete", "new-password")
    form.fields["old_password"].widget.attrs["autocomplete"] = "current-password"
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        security_event(user=request.user, event="password_changed", request=request)
        messages.success(request, "Votre mot de passe a été changé.")
        return redirect("portail:compte")
    return render(
        request,
        "portail_famille/compte.html",
        {
            "form": form,
            "acces_list": acces_actifs(request),
            "has_totp": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
            "portail_menu": "plus",
        },
    )
