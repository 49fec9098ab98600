"""Account forms: login, the TOTP code, password reset (pre-tenant lookup) and the new password."""

import re

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.auth import enter_tenant_of_email

TOTP_CODE_RE = re.compile(r"^\d{6}$")


class LoginForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label="Adresse électronique", widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True})
    )
    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }


def _code_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True, "spellcheck": "false"}
        ),
        error_messages={"required": "Saisissez le code."},
    )


def _throttle_message(device) -> str | None:
    allowed, data = device.verify_is_allowed()
    if allowed or data.get("reason") != VerifyNotAllowed.N_FAILED_ATTEMPTS:
        return None
    wait = max(1, int((data["locked_until"] - timezone.now()).total_seconds()) + 1)
    return f"Trop de codes erronés : patientez {wait} seconde{'s' if wait > 1 else ''} avant de réessayer."


class TotpVerifyForm(forms.Form):
    """The second factor after the password: a 6-digit code from the app, or one of the backup codes."""

    code = _code_field(
        "Code de vérification",
        "Les 6 chiffres affichés par votre application d'authentification, ou un code de secours.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_code(self):
        code = re.sub(r"\s+", "", self.cleaned_data["code"]).lower()
        if TOTP_CODE_RE.match(code):
            devices = list(TOTPDevice.objects.filter(user=self.user, confirmed=True))
        else:
            devices = list(StaticDevice.objects.filter(user=self.user, confirmed=True))
        throttled = [message for device in devices if (message := _throttle_message(device))]
        if throttled and len(throttled) == len(devices):
            raise forms.ValidationError(throttled[0], code="throttled")
        for device in devices:
            if device.verify_token(code):
                self.device = device
                return code
        raise forms.ValidationError("Code incorrect ou expiré. Vérifiez l'heure de votre téléphone.", code="invalid")


class TotpSetupForm(forms.Form):
    """Confirm a new TOTP device with the code it shows (proves the app holds the secret)."""

    code = _code_field("Code affiché par l'application", "Les 6 chiffres affichés, sans espace.")

    def __init__(self, *args, device: TOTPDevice, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = re.sub(r"\s+", "", self.cleaned_data["code"])
        if not TOTP_CODE_RE.match(code):
            raise forms.ValidationError("Le code comporte 6 chiffres.", code="format")
        message = _throttle_message(self.device)
        if message:
            raise forms.ValidationError(message, code="throttled")
        if not self.device.verify_token(code):
            raise forms.ValidationError(
                "Code incorrect. Vérifiez l'heure de votre téléphone et réessayez.", code="invalid"
            )
        return code


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Reset by email. The account is found before any tenant is known: a SECURITY DEFINER lookup gives its
    organisme, then the ordinary query runs under that organisme's RLS. Unknown emails get the same answer."""

    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def get_users(self, email):
        email = (email or "").strip().lower()
        if not enter_tenant_of_email(email):
            return []
        # Invited accounts have no usable password yet: the reset link lets them choose one too.
        return [
            user
            for user in get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
            if user.email.lower() == email
        ]


class SetPasswordForm(auth_forms.SetPasswordForm):
    error_messages = {"password_mismatch": "Les deux mots de passe ne sont pas identiques."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Nouveau mot de passe"
        self.fields["new_password2"].label = "Confirmation du nouveau mot de passe"
        self.fields["new_password1"].help_text = (
            "Au moins 12 caractères ; ni trop courant, ni uniquement des chiffres, ni proche de votre nom ou de votre "
            "adresse électronique. Une phrase de plusieurs mots est un bon choix."
        )
        self.fields["new_password2"].help_text = ""
