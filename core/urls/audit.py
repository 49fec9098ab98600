from django.urls import path

from core.views import audit

urlpatterns = [
    path("", audit.audit_list, name="audit_list"),
]
