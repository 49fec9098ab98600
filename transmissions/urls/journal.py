"""Journal, quick entry, handover view ("À lire"), detail and the youth's timeline."""

from django.urls import path

from transmissions.views import detail

urlpatterns = [
    path("<int:pk>/", detail.detail, name="detail"),
    path("<int:pk>/addendum/", detail.addendum, name="addendum"),
    path("<int:pk>/lu/", detail.marquer_lu, name="marquer_lu"),
]
