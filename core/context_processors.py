from core.models import Notification, Organisme


def navigation(request):
    """Menu entries the user may use, the organisme's name and the unread notification count (2 queries)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from core.navigation import items_for
    from core.tenancy import SESSION_OTP_ENROLLED_KEY

    if not user.is_verified() and (request.session.get(SESSION_OTP_ENROLLED_KEY) or request.access.totp_required):
        return {"nav_otp_pending": True}  # second factor still to give: nothing to navigate to yet
    return {
        "nav_items": items_for(request.access, request.path),
        "nav_organisme_nom": Organisme.objects.filter(pk=user.organisme_id).values_list("nom", flat=True).first(),
        "nav_unread_count": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }
