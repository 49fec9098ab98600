from django.urls import path

from core.views import administration

urlpatterns = [
    path("", administration.admin_home, name="admin_home"),
]
