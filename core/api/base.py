"""The tenant-scoped base of every API viewset (STYLE §4: the DRF base viewset applies the same scope as pages).

- ``get_queryset()`` narrows ``queryset`` to the user's organisme (the ORM layer; RLS is the second), then calls
  the ``scope_queryset(qs, access)`` hook (e.g. only the dispositifs of the user's affectations) for lists;
- ``get_object()`` fetches from the organisme's rows only (another organisme -> 404), then checks
  ``core.perms.can_read`` (and ``can_write`` for unsafe methods): no right -> 403;
- writes go through services: ``perform_create/perform_update/perform_destroy`` call the ``create_object``,
  ``update_object`` and ``destroy_object`` hooks, which subclasses implement with a service; a service's Django
  ``ValidationError`` becomes a 400 with its French messages. ``serializer.save()`` is never called.
"""

from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
from rest_framework.viewsets import GenericViewSet

from core import perms
from core.api.permissions import StaffApiPermission, request_access
from core.tenancy import Access


class TenantScopedMixin:
    permission_classes = [StaffApiPermission]
    # Family and youth accounts reach only views that set this (their own notifications, ``me``).
    portal_allowed = False

    @property
    def access(self) -> Access:
        return request_access(self.request)


class TenantScopedViewSet(TenantScopedMixin, GenericViewSet):
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # DRF's Create/Update/DestroyModelMixin, listed before this base (the natural order), would win the MRO
        # with their ``serializer.save()``: route them through the service hooks below instead.
        for name in ("perform_create", "perform_update", "perform_destroy"):
            if getattr(cls, name).__module__ == "rest_framework.mixins":
                setattr(cls, name, getattr(TenantScopedViewSet, name))

    def tenant_queryset(self):
        """``queryset`` narrowed to the user's organisme (none without one)."""
        if self.queryset is None:
            raise ImproperlyConfigured(f"{type(self).__name__} must define `queryset`.")
        qs = self.queryset.all()
        organisme_id = self.access.organisme_id
        if organisme_id is None:
            return qs.none()
        return qs.filter(organisme_id=organisme_id)

    def scope_queryset(self, qs, access: Access):
        """Narrow the organisme's rows to what ``access`` may list. Override per viewset."""
        return qs

    def get_queryset(self):
        return self.scope_queryset(self.tenant_queryset(), self.access)

    def get_object_queryset(self):
        """Where single objects are fetched from: the organisme's rows, so that a row the user may not read
        is a 403 (``can_read``), and a row of another organisme a 404."""
        return self.tenant_queryset()

    def get_object(self):
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        obj = get_object_or_404(self.get_object_queryset(), **{self.lookup_field: self.kwargs[lookup_url_kwarg]})
        self.check_object_permissions(self.request, obj)
        access = self.access
        if not perms.can_read(access, obj):
            raise PermissionDenied
        if self.request.method not in SAFE_METHODS and not perms.can_write(access, obj):
            raise PermissionDenied
        return obj

    def check_write(self, obj) -> None:
        """For creations: refuse (403) an object the user could not write once saved."""
        if not perms.can_write(self.access, obj):
            raise PermissionDenied

    # --- writes through services ----------------------------------------------------------------------------

    def create_object(self, validated_data):
        raise ImproperlyConfigured(f"{type(self).__name__}.create_object() must call a service.")

    def update_object(self, instance, validated_data):
        raise ImproperlyConfigured(f"{type(self).__name__}.update_object() must call a service.")

    def destroy_object(self, instance):
        raise ImproperlyConfigured(f"{type(self).__name__}.destroy_object() must call a service.")

    def perform_create(self, serializer):
        with service_errors():
            serializer.instance = self.create_object(serializer.validated_data)

    def perform_update(self, serializer):
        with service_errors():
            serializer.instance = self.update_object(serializer.instance, serializer.validated_data)

    def perform_destroy(self, instance):
        with service_errors():
            self.destroy_object(instance)


class TenantScopedAPIView(TenantScopedMixin, GenericAPIView):
    """For endpoints that are not a collection (``me``)."""


@contextmanager
def service_errors():
    """Turn a service's Django ``ValidationError`` into a DRF 400 with the same (French) messages."""
    try:
        yield
    except DjangoValidationError as exc:
        detail = serializers.as_serializer_error(exc)
        if NON_FIELD_ERRORS in detail:
            detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
        raise serializers.ValidationError(detail) from exc
