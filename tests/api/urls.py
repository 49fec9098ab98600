"""A URLconf for tests of the API base: a writable viewset built on TenantScopedViewSet (writes through a service)
and a probe that reports what Row Level Security lets the request see."""

from django.db import connection
from django.urls import path
from rest_framework import mixins, serializers
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core.api.base import TenantScopedAPIView, TenantScopedViewSet
from core.models import Site
from core.services.organisation import site_save


class SiteWriteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Site
        fields = ["id", "nom", "finess"]


class SiteWriteViewSet(mixins.RetrieveModelMixin, mixins.UpdateModelMixin, TenantScopedViewSet):
    queryset = Site.objects.all()
    serializer_class = SiteWriteSerializer

    def update_object(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return site_save(site=instance, actor=self.request.user, request=self.request, changed=sorted(validated_data))


class RlsProbeView(TenantScopedAPIView):
    def get(self, request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('app.organisme_id', true)")
            setting = cursor.fetchone()[0]
            cursor.execute("SELECT DISTINCT organisme_id FROM core_dispositif")
            organismes = sorted(row[0] for row in cursor.fetchall())
        return Response({"setting": setting, "organismes": organismes})


router = SimpleRouter()
router.register("sites", SiteWriteViewSet, basename="test-site")

urlpatterns = [*router.urls]
urlpatterns.append(path("probe/", RlsProbeView.as_view(), name="probe"))
