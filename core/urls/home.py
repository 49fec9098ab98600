from django.urls import path

from core.views import gestion, home

urlpatterns = [
    path("", home.home, name="home"),
    path("gestion/", gestion.gestion, name="gestion"),
]
