from django.urls import path

from core.views import notifications

urlpatterns = [
    path("", notifications.notification_list, name="notifications"),
]
