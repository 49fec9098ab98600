"""Portal entry pages: login (``/portail/connexion/``, the project's login machinery: axes lockout,
TenantModelBackend, TOTP when enrolled), logout, the invitation page (choose a password from the emailed link),
the home page and the "Plus" menu.

A professional who logs in here is sent to the staff home; a portal account who logs in on the staff login is sent
to the portal by ``core.views.home``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET

from core.tenancy import otp_exempt, portal_allowed
from core.views.accounts import LoginView, LogoutView, PasswordResetConfirmView, _next_url
from portail_famille.acces import acces_actifs, is_portal_account, portail_view
from portail_famille.selectors import prochains_rendez_vous
from portail_famille.services.comptes import invitation_accepter
from portail_famille.templatetags.portail import SESSION_JEUNE_KEY, acces_courant

PORTAIL_LOGIN_URL = reverse_lazy("portail:login")


def page(droit=None):
    """``portail_view`` plus the portal's own login page for anonymous visitors."""

    def decorator(view_func):
        wrapped = portail_view(droit)(view_func)
        wrapped.login_url = PORTAIL_LOGIN_URL
        return wrapped

    return decorator


def remember(request, acces) -> None:
    """Remember the youth shown (the header and the menu follow it on pages without a youth in the URL)."""
    if acces is not None and request.session.get(SESSION_JEUNE_KEY) != acces.jeune_id:
        request.session[SESSION_JEUNE_KEY] = acces.jeune_id


@method_decorator([login_not_required, portal_allowed, otp_exempt], name="dispatch")
class PortailLoginView(LoginView):
    template_name = "portail_famille/login.html"

    def get_success_url(self):
        if not is_portal_account(self.request.user):
            return reverse("core:home")
        return _next_url(self.request, "portail:accueil")


@method_decorator([portal_allowed, otp_exempt], name="dispatch")
class PortailLogoutView(LogoutView):
    next_page = reverse_lazy("portail:login")


@method_decorator([login_not_required, portal_allowed, otp_exempt], name="dispatch")
class InvitationView(PasswordResetConfirmView):
    """Choose a password from the invitation link (Django's token: expires after ``PASSWORD_RESET_TIMEOUT``, single
    use); the account's pending accesses become active."""

    template_name = "portail_famille/invitation.html"
    success_url = reverse_lazy("portail:login")
    reset_url_token = "definir-mot-de-passe"  # noqa: S105 - a URL segment, not a password

    def form_valid(self, form):
        response = super().form_valid(form)
        invitation_accepter(user=form.user, request=self.request)
        messages.success(self.request, "Votre mot de passe est enregistré. Vous pouvez maintenant vous connecter.")
        return response


@require_GET
@page()
def accueil(request):
    """One tap to the week. ``?jeune=`` chooses the youth shown (among the account's accesses)."""
    rows = acces_actifs(request)
    choisi = request.GET.get("jeune")
    acces = None
    if choisi and choisi.isdigit():
        acces = next((a for a in rows if a.jeune_id == int(choisi)), None)
    acces = acces_courant(request, acces)
    remember(request, acces)
    prochains = prochains_rendez_vous(acces.jeune_id) if acces is not None and acces.voir_agenda else []
    return render(
        request,
        "portail_famille/accueil.html",
        {"acces": acces, "prochains": prochains, "plusieurs": len(rows) > 1, "today": timezone.localdate()},
    )


@require_GET
@page()
def plus(request):
    acces = acces_courant(request)
    return render(request, "portail_famille/plus.html", {"acces": acces, "portail_menu": "plus"})


def jeune_page(droit):
    """Decorator of the pages of one youth: ``page(droit)`` and remember the youth."""

    def decorator(view_func):
        def inner(request, *args, acces, **kwargs):
            remember(request, acces)
            return view_func(request, *args, acces=acces, **kwargs)

        inner.__name__ = view_func.__name__
        inner.__doc__ = view_func.__doc__
        return page(droit)(inner)

    return decorator


def redirect_semaine(acces):
    return redirect("portail:semaine", jeune_id=acces.jeune_id)
