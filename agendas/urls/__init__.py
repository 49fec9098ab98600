"""URLs of the agendas app: the screens (``agenda``: week/day views, pointage, series) and the management and
peripheral screens (``gestion``: resources, closures, natures, minutes, absences, iCal)."""

from django.urls import include, path

app_name = "agendas"

urlpatterns = [
    path("", include("agendas.urls.agenda")),
    path("", include("agendas.urls.gestion")),
]
