"""The audit journal (mounted at /journal/). Other apps link to ``journal/?type=<app_label.model>&id=<pk>``."""

from django.urls import path

from core.views import audit

urlpatterns = [
    path("", audit.audit_list, name="audit_list"),
    path("export.csv", audit.audit_export, name="audit_export"),
]
