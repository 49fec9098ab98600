"""Login, logout and the account page. Login goes through the TenantModelBackend (pre-tenant lookup, then RLS)."""

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET

from core.tenancy import otp_exempt, portal_allowed


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="Adresse électronique", widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True})
    )
    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }


@method_decorator([login_not_required, portal_allowed, otp_exempt], name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "core/accounts/login.html"
    redirect_authenticated_user = True


@method_decorator([portal_allowed, otp_exempt], name="dispatch")
class LogoutView(auth_views.LogoutView):
    pass


@require_GET
@portal_allowed
def account(request):
    from django_otp import devices_for_user

    devices = list(devices_for_user(request.user, confirmed=True))
    return render(request, "core/accounts/account.html", {"devices": devices})
