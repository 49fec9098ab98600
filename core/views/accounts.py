"""Accounts: login (password, then TOTP where required or enrolled), logout, the account page, TOTP enrolment,
password reset and the invitation's first password. Login goes through the TenantModelBackend (pre-tenant lookup,
then RLS); the password-reset lookups are pre-tenant too (``core.auth``)."""

from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.auth import enter_tenant_of_user
from core.forms.accounts import LoginForm, PasswordResetForm, SetPasswordForm, TotpSetupForm, TotpVerifyForm
from core.services.accounts import (
    backup_codes_regenerate,
    pending_totp_device,
    security_event,
    totp_disable,
    totp_enrol,
)
from core.tenancy import SESSION_OTP_ENROLLED_KEY, otp_exempt, portal_allowed


def _next_url(request, default: str = settings.LOGIN_REDIRECT_URL) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default) if ":" in default else default


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def _has_totp(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@method_decorator([login_not_required, portal_allowed, otp_exempt], name="dispatch")
class LoginView(auth_views.LoginView):
    """Password step. Accounts that need a second factor are then sent to ``totp_verify`` by the middleware."""

    form_class = LoginForm
    template_name = "core/accounts/login.html"
    redirect_authenticated_user = True


@method_decorator([portal_allowed, otp_exempt], name="dispatch")
class LogoutView(auth_views.LogoutView):
    pass


@require_GET
@portal_allowed
def account(request):
    has_totp = _has_totp(request.user)
    backup_left = (
        StaticToken.objects.filter(device__user=request.user, device__confirmed=True).count() if has_totp else 0
    )
    return render(
        request,
        "core/accounts/account.html",
        {"has_totp": has_totp, "backup_left": backup_left, "totp_required": request.access.totp_required},
    )


@require_http_methods(["GET", "POST"])
@otp_exempt
@portal_allowed
def totp_verify(request):
    """Second step of the login: a code from the app (or a backup code) for accounts with a confirmed device."""
    next_url = _next_url(request)
    if request.user.is_verified():
        return redirect(next_url)
    if not _has_totp(request.user):
        if request.access.totp_required:
            return redirect(_with_next("core:totp_setup", next_url))
        request.session.pop(SESSION_OTP_ENROLLED_KEY, None)  # the devices were removed since the login
        return redirect(next_url)
    form = TotpVerifyForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            django_otp.login(request, form.device)
            request.session.cycle_key()
            security_event(user=request.user, event="totp_verified", request=request, device=form.device.name)
            if isinstance(form.device, StaticDevice):
                left = form.device.token_set.count()
                messages.warning(
                    request, f"Code de secours utilisé : il vous en reste {left}. Régénérez-les depuis « Mon compte »."
                )
            return redirect(next_url)
        security_event(user=request.user, event="totp_failed", request=request)
    return render(request, "core/accounts/totp_verify.html", {"form": form, "next": next_url})


def _qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    # Accessible name for the image; the secret is also printed as text for manual entry.
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code à scanner avec l\'application" ', 1)


@require_http_methods(["GET", "POST"])
@otp_exempt
@portal_allowed
def totp_setup(request):
    """Enrol an authenticator app: QR code and secret, confirmed by a code; then backup codes, shown once."""
    next_url = _next_url(request, default="core:account")
    if _has_totp(request.user):
        if not request.user.is_verified():
            # Never let an unverified session replace an existing device.
            return redirect(_with_next("core:totp_verify", next_url))
        messages.info(request, "La double authentification est déjà activée sur votre compte.")
        return redirect("core:account")
    device = pending_totp_device(user=request.user)
    form = TotpSetupForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        codes = totp_enrol(user=request.user, device=device, request=request)
        django_otp.login(request, device)
        request.session[SESSION_OTP_ENROLLED_KEY] = True
        return render(
            request, "core/accounts/backup_codes.html", {"codes": codes, "next": next_url, "just_enrolled": True}
        )
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": mark_safe(_qr_svg(device)),  # noqa: S308 - generated by qrcode from our own data, no user input
        "secret": b32encode(device.bin_key).decode(),
        "required": request.access.totp_required,
    }
    return render(request, "core/accounts/totp_setup.html", context)


@require_POST
@portal_allowed
def totp_remove(request):
    if request.access.totp_required:
        messages.error(request, "La double authentification est obligatoire pour votre fonction : elle reste active.")
        return redirect("core:account")
    totp_disable(user=request.user, request=request)
    request.session.pop(SESSION_OTP_ENROLLED_KEY, None)
    messages.success(request, "La double authentification est désactivée.")
    return redirect("core:account")


@require_POST
@portal_allowed
def backup_codes(request):
    if not _has_totp(request.user):
        messages.error(request, "Activez d'abord la double authentification.")
        return redirect("core:account")
    codes = backup_codes_regenerate(user=request.user, request=request)
    return render(request, "core/accounts/backup_codes.html", {"codes": codes, "next": reverse("core:account")})


class PasswordResetView(auth_views.PasswordResetView):
    """Same answer whether the address exists or not (no account enumeration); the email holds only the link."""

    form_class = PasswordResetForm
    template_name = "core/accounts/password_reset_form.html"
    email_template_name = "core/accounts/password_reset_email.txt"
    subject_template_name = "core/accounts/password_reset_subject.txt"
    success_url = reverse_lazy("core:password_reset_done")

    def form_valid(self, form):
        self.extra_email_context = {"site_url": settings.SITE_URL}
        response = super().form_valid(form)
        for user in form.get_users(form.cleaned_data["email"]):
            security_event(user=user, event="password_reset_requested", request=self.request)
        return response


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "core/accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password from an emailed link: a reset, or the first password of an invited account."""

    form_class = SetPasswordForm
    template_name = "core/accounts/password_reset_confirm.html"
    success_url = reverse_lazy("core:password_reset_complete")

    def get_user(self, uidb64):
        try:
            user_id = int(urlsafe_base64_decode(uidb64).decode())
        except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
            return None
        if not 0 < user_id < 2**63 or not enter_tenant_of_user(user_id):
            return None
        return super().get_user(uidb64)

    def form_valid(self, form):
        first_password = not form.user.has_usable_password()
        response = super().form_valid(form)
        security_event(user=form.user, event="password_set", request=self.request, invitation=first_password)
        from axes.utils import reset as axes_reset

        axes_reset(username=form.user.email)  # a new password lifts a lockout on this account
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "core/accounts/password_reset_complete.html"
