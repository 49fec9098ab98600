from django.urls import path

from core.views import notifications

urlpatterns = [
    path("", notifications.notification_list, name="notifications"),
    path("<int:pk>/lue/", notifications.notification_mark_one_read, name="notification_read"),
    path("tout-lu/", notifications.notification_mark_all_read, name="notifications_all_read"),
]
