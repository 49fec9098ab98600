"""Core API endpoints (read-only): dispositifs with their sites, sites, professionnels, own notifications, me."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.base import TenantScopedAPIView, TenantScopedViewSet
from core.api.serializers import (
    DispositifSerializer,
    MarquerLuesResultSerializer,
    MarquerLuesSerializer,
    MeSerializer,
    NotificationSerializer,
    ProfessionnelSerializer,
    SiteSerializer,
)
from core.enums import AccountKind
from core.models import Affectation, Dispositif, Notification, Site, User
from core.services.notifications import notification_mark_read, notifications_for


class ReadOnlyTenantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    pass


@extend_schema(tags=["organisation"])
class DispositifViewSet(ReadOnlyTenantViewSet):
    """Dispositifs the user works in (all of the organisme's for the direction and the administrators)."""

    queryset = Dispositif.objects.prefetch_related(Prefetch("sites", queryset=Site.objects.order_by("nom")))
    serializer_class = DispositifSerializer

    def scope_queryset(self, qs, access):
        if access.sees_all_dispositifs:
            return qs
        return qs.filter(pk__in=access.dispositif_ids)


@extend_schema(tags=["organisation"])
class SiteViewSet(ReadOnlyTenantViewSet):
    """Sites of the dispositifs the user may read."""

    queryset = Site.objects.all()
    serializer_class = SiteSerializer

    def scope_queryset(self, qs, access):
        if access.sees_all_dispositifs:
            return qs
        return qs.filter(dispositif_id__in=access.dispositif_ids)


@extend_schema(tags=["organisation"])
class ProfessionnelViewSet(ReadOnlyTenantViewSet):
    """The organisme's professionals and their affectations (every professional of the organisme may see them:
    colleagues must be able to find each other, e.g. while someone is absent)."""

    queryset = User.objects.filter(kind=AccountKind.PROFESSIONNEL).prefetch_related(
        Prefetch("affectations", queryset=Affectation.objects.select_related("dispositif", "site"))
    )
    serializer_class = ProfessionnelSerializer


@extend_schema(tags=["notifications"])
class NotificationViewSet(ReadOnlyTenantViewSet):
    """The user's own notifications, unread first. Reachable by family and youth accounts too."""

    portal_allowed = True
    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer

    def scope_queryset(self, qs, access):
        return notifications_for(access.user, qs)

    def get_object_queryset(self):
        # Another user's notification is not "forbidden": it does not exist for this user (404).
        return self.get_queryset()

    @extend_schema(request=MarquerLuesSerializer, responses=MarquerLuesResultSerializer)
    @action(detail=False, methods=["post"], url_path="marquer-lues", serializer_class=MarquerLuesSerializer)
    def marquer_lues(self, request):
        """Mark the given notifications (all unread ones without ``ids``) as read; others' ids are ignored."""
        serializer = MarquerLuesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = notification_mark_read(user=request.user, notification_ids=serializer.validated_data.get("ids"))
        return Response({"marquees": count})


@extend_schema(tags=["compte"])
class MeView(TenantScopedAPIView):
    """The authenticated account: identity, organisme, métiers and affectations."""

    portal_allowed = True
    serializer_class = MeSerializer

    def get(self, request):
        user = (
            User.objects.filter(pk=request.user.pk)
            .select_related("organisme")
            .prefetch_related(
                Prefetch(
                    "affectations",
                    queryset=Affectation.objects.active_on_today().select_related("dispositif", "site"),
                )
            )
            .get()
        )
        return Response(MeSerializer(user).data)


def register(router) -> None:
    router.register("dispositifs", DispositifViewSet, basename="dispositif")
    router.register("sites", SiteViewSet, basename="site")
    router.register("professionnels", ProfessionnelViewSet, basename="professionnel")
    router.register("notifications", NotificationViewSet, basename="notification")
