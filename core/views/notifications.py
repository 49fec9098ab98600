from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.models import Notification
from core.tenancy import portal_allowed


@require_GET
@portal_allowed
def notification_list(request):
    notifications = Notification.objects.filter(recipient=request.user)[:100]
    return render(request, "core/notifications/list.html", {"notifications": notifications})
