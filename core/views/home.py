from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from core.models import Affectation, Notification
from core.tenancy import portal_allowed


@require_GET
@portal_allowed
def home(request):
    """A home page per kind of account: professionals see their affectations and what waits for them; family and
    youth accounts are sent to the portal."""
    user = request.user
    if not user.is_professionnel:
        return redirect("portail:accueil")
    notifications = Notification.objects.filter(recipient=user, read_at__isnull=True)[:5]
    affectations = (
        Affectation.objects.filter(user=user)
        .active_on_today()
        .select_related("dispositif", "site")
        .order_by("dispositif__nom")
    )
    return render(request, "core/home.html", {"affectations": affectations, "notifications": notifications})
