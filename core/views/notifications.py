"""The notification centre: the user's own notifications (unread first, paginated), mark one or all as read.

Reachable by family and youth accounts (``portal_allowed``): each sees only their own. The buttons are plain POST
forms; with HTMX the list is swapped in place (the partial), without it the page redirects back.
"""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.models import Notification
from core.services.notifications import notification_mark_read, notifications_for
from core.tenancy import portal_allowed

PAGE_SIZE = 20


def _page(request):
    notifications = notifications_for(request.user)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page") or request.POST.get("page"))
    unread = Notification.objects.filter(recipient=request.user, read_at__isnull=True).count()
    return {"page_obj": page, "notifications": page.object_list, "unread_count": unread}


def _respond(request):
    if request.htmx:
        return render(request, "core/partials/notification_list.html", _page(request))
    url = reverse("core:notifications")
    page = request.POST.get("page", "")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)


@require_GET
@portal_allowed
def notification_list(request):
    template = "core/partials/notification_list.html" if request.htmx else "core/notifications/list.html"
    return render(request, template, _page(request))


@require_POST
@portal_allowed
def notification_mark_one_read(request, pk: int):
    # Another user's notification does not exist for this user: 404.
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification_mark_read(user=request.user, notification_ids=[notification.pk])
    return _respond(request)


@require_POST
@portal_allowed
def notification_mark_all_read(request):
    notification_mark_read(user=request.user)
    return _respond(request)
