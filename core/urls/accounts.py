from django.urls import path

from core.views import accounts

urlpatterns = [
    path("connexion/", accounts.LoginView.as_view(), name="login"),
    path("deconnexion/", accounts.LogoutView.as_view(), name="logout"),
    path("compte/", accounts.account, name="account"),
    path("compte/double-authentification/", accounts.totp_setup, name="totp_setup"),
    path("compte/double-authentification/desactiver/", accounts.totp_remove, name="totp_remove"),
    path("compte/codes-de-secours/", accounts.backup_codes, name="backup_codes"),
    path("connexion/code/", accounts.totp_verify, name="totp_verify"),
    path("mot-de-passe/oublie/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe/envoye/", accounts.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("mot-de-passe/change/", accounts.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
