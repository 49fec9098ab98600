"""Transmissions API, on ``core.api.base.TenantScopedViewSet`` (organisme wall, 403/404, writes through the
services, French service errors as 400).

Lists are ``selectors.journal`` (the reader's visibility: ``confidentiel_soin`` only for the care métiers and its
author, restricted dossiers, drafts of their author only) loaded by ``selectors.with_display``: a constant number of
queries per page. Reads of youths' transmissions are written to the audit journal (one row per page or detail).
"""

import datetime

from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from core.api.base import TenantScopedViewSet, service_errors
from transmissions import perms, selectors
from transmissions import services as svc
from transmissions.api import serializers as s
from transmissions.models import Categorie, Transmission
from transmissions.views.common import audit_reads

FILTERS = [
    OpenApiParameter("q", str, description="Recherche plein texte en français (avec ou sans accents)."),
    OpenApiParameter("jeune", int),
    OpenApiParameter("dispositif", int),
    OpenApiParameter("site", int),
    OpenApiParameter("categorie", int),
    OpenApiParameter("auteur", int),
    OpenApiParameter("importance", str, enum=["normale", "importante"]),
    OpenApiParameter("debut", datetime.date, description="Survenues à partir de ce jour (AAAA-MM-JJ)."),
    OpenApiParameter("fin", datetime.date, description="Survenues jusqu'à ce jour inclus."),
    OpenApiParameter("brouillons", bool, description="Mes brouillons au lieu des transmissions validées."),
]


def _int(params, name):
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise ApiValidationError({name: "Un nombre entier est attendu."}) from None


def _date(params, name):
    value = params.get(name)
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ApiValidationError({name: "Une date AAAA-MM-JJ est attendue."}) from None


def filters_from(params) -> selectors.JournalFilters:
    importance = params.get("importance", "")
    if importance not in ("", "normale", "importante"):
        raise ApiValidationError({"importance": "Valeur attendue : normale ou importante."})
    return selectors.JournalFilters(
        q=params.get("q", "").strip()[:200],
        jeune_id=_int(params, "jeune"),
        site_id=_int(params, "site"),
        dispositif_id=_int(params, "dispositif"),
        categorie_id=_int(params, "categorie"),
        auteur_id=_int(params, "auteur"),
        debut=_date(params, "debut"),
        fin=_date(params, "fin"),
        importance=importance,
        brouillons=params.get("brouillons") in ("1", "true", "oui"),
    )


@extend_schema(tags=["transmissions"])
@extend_schema_view(
    list=extend_schema(summary="Transmissions lisibles (journal), filtres et recherche", parameters=FILTERS),
    retrieve=extend_schema(summary="Une transmission, avec ses addenda"),
    create=extend_schema(
        summary="Écrire une transmission (brouillon, ou validée avec « valider »)",
        request=s.TransmissionCreateSerializer,
        responses={201: s.TransmissionSerializer},
    ),
)
class TransmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    queryset = Transmission.objects.all()
    serializer_class = s.TransmissionSerializer
    http_method_names = ["get", "post", "head", "options"]

    def scope_queryset(self, qs, access):
        if not perms.can_use(access):
            return qs.none()
        journal = selectors.journal(access, filters_from(self.request.query_params))
        return selectors.with_display(journal, self.request.user)

    def get_object_queryset(self):
        return selectors.with_display(self.tenant_queryset(), self.request.user).prefetch_related(
            Prefetch("liens_jeunes")
        )

    def list(self, request, *args, **kwargs):
        if not perms.can_use(self.access):
            raise PermissionDenied
        page = self.paginate_queryset(self.get_queryset())
        audit_reads(request, page, context="api")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        transmission = self.get_object()
        audit_reads(request, [transmission, *transmission.addenda.all()], context="api détail")
        return Response(self.get_serializer(transmission).data)

    def _reload(self, pk):
        return self.get_object_queryset().get(pk=pk)

    def create(self, request, *args, **kwargs):
        access = self.access
        if not perms.can_write_any(access):
            raise PermissionDenied
        serializer = s.TransmissionCreateSerializer(data=request.data, organisme_id=access.organisme_id)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        valider = data.pop("valider")
        if not perms.can_write_in(access, data["dispositif"].pk):
            raise PermissionDenied("Vous ne pouvez pas écrire de transmission dans ce dispositif.")
        service = svc.transmission_write if valider else svc.transmission_create_draft
        with service_errors():
            transmission = service(auteur=request.user, request=request._request, **data)
        return Response(self.get_serializer(self._reload(transmission.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Valider un brouillon (il devient définitif)", request=None,
                   responses=s.TransmissionSerializer)  # fmt: skip
    @action(detail=True, methods=["post"])
    def valider(self, request, pk=None):
        transmission = self.get_object()  # unsafe method: the draft's author only (403 otherwise)
        with service_errors():
            svc.transmission_validate(transmission=transmission, by=request.user, request=request._request)
        return Response(self.get_serializer(self._reload(transmission.pk)).data)

    @extend_schema(summary="Ajouter un addendum à une transmission validée", request=s.AddendumCreateSerializer,
                   responses={201: s.TransmissionSerializer})  # fmt: skip
    @action(detail=True, methods=["post"])
    def addendum(self, request, pk=None):
        original = self._readable(pk)
        if not perms.can_write_in(self.access, original.dispositif_id):
            raise PermissionDenied
        serializer = s.AddendumCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            texte = serializer.validated_data["texte"]
            addendum = svc.addendum_create(original=original, by=request.user, texte=texte, request=request._request)
        return Response(self.get_serializer(self._reload(addendum.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Marquer une transmission comme lue", request=None, responses={200: dict})
    @action(detail=True, methods=["post"])
    def lu(self, request, pk=None):
        transmission = self._readable(pk)
        marked = svc.lecture_marquer(transmissions=[transmission], user=request.user)
        return Response({"lues": marked})

    @extend_schema(summary="Marquer plusieurs transmissions comme lues", request=s.LectureSerializer,
                   responses={200: dict}, operation_id="transmissions_lu_plusieurs")  # fmt: skip
    @action(detail=False, methods=["post"], url_path="lu")
    def lu_plusieurs(self, request):
        if not perms.can_use(self.access):
            raise PermissionDenied
        serializer = s.LectureSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Only what the user may read is marked; other ids are ignored.
        readable = selectors.readable(self.access).filter(pk__in=serializer.validated_data["ids"])
        ids = list(readable.values_list("pk", flat=True))
        return Response({"lues": svc.lecture_marquer(transmissions=ids, user=request.user)})

    @extend_schema(summary="À lire : ce qui a été écrit depuis ma dernière prise de poste", parameters=[
        OpenApiParameter("depuis", datetime.datetime, description="Depuis cet instant plutôt que la prise de poste."),
        OpenApiParameter("non_lues", bool),
    ])  # fmt: skip
    @action(detail=False, methods=["get"], url_path="a-lire")
    def a_lire(self, request):
        access = self.access
        if not perms.can_use(access):
            raise PermissionDenied
        depuis = request.query_params.get("depuis")
        chosen = None
        if depuis:
            try:
                chosen = datetime.datetime.fromisoformat(depuis)
            except ValueError:
                raise ApiValidationError({"depuis": "Une date-heure ISO 8601 est attendue."}) from None
            if chosen.tzinfo is None:
                raise ApiValidationError({"depuis": "Indiquez le fuseau horaire (ex. +01:00)."})
        since = selectors.handover_since(request.user, chosen)
        qs = selectors.a_lire(access, since=since, unread_only=request.query_params.get("non_lues") in ("1", "true"))
        page = self.paginate_queryset(selectors.with_display(qs, request.user))
        audit_reads(request, page, context="api à lire")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _readable(self, pk):
        """A transmission the user may read, fetched as for a GET (a POST on it is not a write of it)."""
        obj = self.get_object_queryset().filter(pk=pk).first()
        if obj is None:
            raise Http404
        if not perms.can_read_transmission(self.access, obj):
            raise PermissionDenied
        return obj


@extend_schema(tags=["transmissions"])
@extend_schema_view(list=extend_schema(summary="Catégories de transmissions de l'organisme"))
class CategorieViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    queryset = Categorie.objects.order_by("ordre", "libelle")
    serializer_class = s.CategorieSerializer
    pagination_class = None
