"""API routes (PPA), mounted by ditep/api_urls.py at ``/api/v1/ppa/``: ``ppas/`` (and ``ppas/echeances/``),
``versions/`` (with ``versions/<id>/objectifs/`` and ``versions/<id>/revues/``), ``liens/``."""

from rest_framework.routers import SimpleRouter

from ppa.api import views

router = SimpleRouter()
router.register("ppas", views.PpaViewSet, basename="ppa")
router.register("versions", views.VersionViewSet, basename="ppa-version")
router.register("liens", views.LienViewSet, basename="ppa-lien")

urlpatterns = router.urls
