from django.urls import path

from core.views import accounts

urlpatterns = [
    path("connexion/", accounts.LoginView.as_view(), name="login"),
    path("deconnexion/", accounts.LogoutView.as_view(), name="logout"),
    path("compte/", accounts.account, name="account"),
]
