"""Agendas API viewsets, on ``core.api.base.TenantScopedViewSet`` (organisme wall, 403/404 rules, writes through
the agenda services, French service errors as 400).

- Events are listed for the dispositifs the user reads with clinical access (admin_organisme: none), filtered by
  period (``du``/``au``, local dates), ``dispositif``, ``jeune``, ``professionnel``, ``statut``; the youths of an
  event are listed only when the reader may open their dossier (restricted dossiers stay restricted). Each list
  runs a constant number of queries (events with their nature, then one query per kind of participant).
- Natures and resources are configuration: every professional of the dispositif reads them; the direction, the
  organisme's administrator and the dispositif's chefs de service write them (``can_manage_agenda``).
- Series are created with their RFC 5545 RRULE; their occurrences are generated as events.
"""

import datetime

from django.db.models import Exists, OuterRef, Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from agendas import perms as agenda_perms
from agendas.api import serializers as s
from agendas.models import (
    CompteRendu,
    Evenement,
    Nature,
    ParticipationJeune,
    Ressource,
    Serie,
    SerieJeune,
    SerieProfessionnel,
    SerieRessource,
)
from agendas.services import evenements as ev_services
from agendas.services import gestion as gestion_services
from agendas.services._common import PARIS
from agendas.services.natures import nature_save
from agendas.services.series import occurrence_modifier, serie_create
from agendas.views.gestion import can_manage_agenda
from core.api.base import TenantScopedViewSet, service_errors
from core.enums import AuditAction
from core.services.audit import audit_record
from dossiers.perms import _is_clinical_reader, readable_dossiers


def _int_param(request, name):
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise ApiValidationError({name: ["Un nombre entier est attendu."]}) from None


def _date_param(request, name):
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ApiValidationError({name: ["Une date AAAA-MM-JJ est attendue."]}) from None


def _dispositif_scope(qs, access, field="dispositif_id"):
    if access.sees_all_dispositifs:
        return qs
    return qs.filter(**{f"{field}__in": access.dispositif_ids})


def _check_readable_jeunes(access, ids, field="jeunes"):
    if ids and set(ids) - agenda_perms.readable_jeune_ids(access, ids):
        raise ApiValidationError({field: ["Vous ne pouvez pas ajouter un jeune dont vous n'ouvrez pas le dossier."]})


def _check_nature(nature, dispositif):
    if nature.dispositif_id != dispositif.pk:
        raise ApiValidationError({"nature": ["Cette nature n'appartient pas à ce dispositif."]})


# --- events -----------------------------------------------------------------------------------------------------


@extend_schema(tags=["agendas"])
@extend_schema_view(
    list=extend_schema(
        summary="Événements (avec participants et présences)",
        parameters=[
            OpenApiParameter("du", str, description="Premier jour (AAAA-MM-JJ, heure de Paris)."),
            OpenApiParameter("au", str, description="Dernier jour inclus (AAAA-MM-JJ)."),
            OpenApiParameter("dispositif", int),
            OpenApiParameter("jeune", int),
            OpenApiParameter("professionnel", int),
            OpenApiParameter("statut", str),
        ],
    ),
    create=extend_schema(summary="Créer un événement", request=s.EvenementWriteSerializer),
    partial_update=extend_schema(
        summary="Modifier un événement (ou une occurrence de série, selon « portee »)",
        request=s.EvenementUpdateSerializer,
    ),
    destroy=extend_schema(summary="Supprimer un événement prévu saisi par erreur"),
)
class EvenementViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    mixins.DestroyModelMixin, TenantScopedViewSet,
):  # fmt: skip
    queryset = Evenement.objects.all()
    serializer_class = s.EvenementSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def with_participants(self, qs):
        access = self.access
        jeunes = ParticipationJeune.objects.filter(jeune_id__in=readable_dossiers(access).values("jeune_id"))
        jeunes = jeunes.select_related("jeune").order_by("jeune__prenom", "pk")
        return (
            qs.select_related("nature")
            .annotate(cr_exists=Exists(CompteRendu.objects.filter(evenement_id=OuterRef("pk"))))
            .prefetch_related(
                Prefetch("participations_jeunes", queryset=jeunes, to_attr="jeunes_lisibles"),
                "participations_professionnels",
                "participations_intervenants",
                "reservations",
            )
        )

    def scope_queryset(self, qs, access):
        if not _is_clinical_reader(access):
            return qs.none()
        qs = _dispositif_scope(qs, access)
        params = self.request.query_params
        du, au = _date_param(self.request, "du"), _date_param(self.request, "au")
        if du:
            qs = qs.filter(fin__gt=datetime.datetime.combine(du, datetime.time.min, tzinfo=PARIS))
        if au:
            end = datetime.datetime.combine(au + datetime.timedelta(days=1), datetime.time.min, tzinfo=PARIS)
            qs = qs.filter(debut__lt=end)
        if (dispositif := _int_param(self.request, "dispositif")) is not None:
            qs = qs.filter(dispositif_id=dispositif)
        if (jeune := _int_param(self.request, "jeune")) is not None:
            if not agenda_perms.readable_jeune_ids(access, [jeune]):
                return qs.none()
            qs = qs.filter(participations_jeunes__jeune_id=jeune)
        if (professionnel := _int_param(self.request, "professionnel")) is not None:
            qs = qs.filter(participations_professionnels__user_id=professionnel)
        if statut := params.get("statut"):
            qs = qs.filter(statut=statut)
        return self.with_participants(qs.order_by("debut", "pk"))

    def get_object_queryset(self):
        return self.with_participants(self.tenant_queryset())

    def retrieve(self, request, *args, **kwargs):
        evenement = self.get_object()
        if evenement.jeunes_lisibles:
            audit_record(actor=request.user, action=AuditAction.READ, record=evenement, request=request._request)
        return Response(self.get_serializer(evenement).data)

    def _response(self, evenement, status_code=status.HTTP_200_OK):
        evenement = self.get_object_queryset().get(pk=evenement.pk)
        return Response(s.EvenementSerializer(evenement, context=self.get_serializer_context()).data,
                        status=status_code)  # fmt: skip

    def create(self, request, *args, **kwargs):
        serializer = s.EvenementWriteSerializer(data=request.data, organisme_id=self.access.organisme_id)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        self.check_write(Evenement(organisme_id=self.access.organisme_id, dispositif=data["dispositif"]))
        _check_nature(data["nature"], data["dispositif"])
        _check_readable_jeunes(self.access, data.get("jeunes"))
        with service_errors():
            evenement = ev_services.evenement_create(actor=request.user, request=request._request, **data)
        return self._response(evenement, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            raise ApiValidationError("Utilisez PATCH : seuls les champs envoyés sont modifiés.")
        evenement = self.get_object()
        serializer = s.EvenementUpdateSerializer(data=request.data, partial=True,
                                                 organisme_id=self.access.organisme_id)  # fmt: skip
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        portee = data.pop("portee", "cette")
        if "nature" in data:
            _check_nature(data["nature"], evenement.dispositif)
        if "jeunes" in data:
            # Youths the reader cannot see stay in the event; the ones added must be readable.
            readable = {p.jeune_id for p in evenement.jeunes_lisibles}
            current = evenement.participations_jeunes.values_list("jeune_id", flat=True)
            hidden = [j for j in current if j not in readable]
            _check_readable_jeunes(self.access, set(data["jeunes"]) - set(hidden))
            data["jeunes"] = list(dict.fromkeys([*data["jeunes"], *hidden]))
        with service_errors():
            if evenement.serie_id:
                occurrence_modifier(evenement=evenement, scope=portee, actor=request.user, request=request._request,
                                    **data)  # fmt: skip
            else:
                ev_services.evenement_update(evenement=evenement, actor=request.user, request=request._request, **data)
        return self._response(evenement)

    def destroy_object(self, instance):
        ev_services.evenement_delete(evenement=instance, actor=self.request.user, request=self.request._request)

    @extend_schema(summary="Saisir les présences des jeunes", request=s.PresencesSerializer,
                   responses=s.EvenementSerializer)  # fmt: skip
    @action(detail=True, methods=["post"])
    def presences(self, request, pk=None):
        evenement = self.get_object()
        serializer = s.PresencesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows = serializer.validated_data["presences"]
        readable = {p.jeune_id for p in evenement.jeunes_lisibles}
        if any(row["jeune"] not in readable for row in rows):
            raise ApiValidationError({"presences": ["Ce jeune ne participe pas à cet événement."]})
        with service_errors():
            ev_services.presences_set(
                evenement=evenement, presences={row["jeune"]: (row["presence"], row["motif"]) for row in rows},
                actor=request.user, request=request._request,
            )  # fmt: skip
        return self._response(evenement)

    @extend_schema(summary="Changer le statut (prévu, réalisé, annulé)", request=s.StatutSerializer,
                   responses=s.EvenementSerializer)  # fmt: skip
    @action(detail=True, methods=["post"])
    def statut(self, request, pk=None):
        evenement = self.get_object()
        serializer = s.StatutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            ev_services.evenement_set_statut(evenement=evenement, statut=serializer.validated_data["statut"],
                                             actor=request.user, request=request._request)  # fmt: skip
        return self._response(evenement)


# --- natures ----------------------------------------------------------------------------------------------------


class _ConfigurationMixin:
    """Natures and resources: read by the dispositif's professionals, written by ``can_manage_agenda``."""

    def scope_queryset(self, qs, access):
        if not access.is_professionnel:
            return qs.none()
        qs = _dispositif_scope(qs, access)
        if (dispositif := _int_param(self.request, "dispositif")) is not None:
            qs = qs.filter(dispositif_id=dispositif)
        return qs

    def check_manage(self, dispositif_id):
        if not can_manage_agenda(self.access, dispositif_id):
            raise PermissionDenied

    def get_object(self):
        obj = super().get_object()
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            self.check_manage(obj.dispositif_id)
        return obj


@extend_schema(tags=["agendas"])
@extend_schema_view(
    list=extend_schema(summary="Natures d'événements", parameters=[OpenApiParameter("dispositif", int)]),
    create=extend_schema(summary="Créer une nature", request=s.NatureWriteSerializer),
    partial_update=extend_schema(summary="Modifier une nature", request=s.NatureWriteSerializer),
)
class NatureViewSet(
    _ConfigurationMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, TenantScopedViewSet,
):  # fmt: skip
    queryset = Nature.objects.order_by("dispositif_id", "libelle", "pk")
    serializer_class = s.NatureSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request, *args, **kwargs):
        serializer = s.NatureWriteSerializer(data=request.data, organisme_id=self.access.organisme_id)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        self.check_manage(data["dispositif"].pk)
        with service_errors():
            nature = nature_save(actor=request.user, request=request._request, **data)
        return Response(s.NatureSerializer(nature).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        nature = self.get_object()
        serializer = s.NatureWriteSerializer(data=request.data, partial=True, organisme_id=self.access.organisme_id)
        serializer.is_valid(raise_exception=True)
        data = {
            name: getattr(nature, name)
            for name in (
                "libelle",
                "cadre",
                "serafin_code",
                "hors_prestation",
                "discrete",
                "visible_famille",
                "is_active",
            )  # fmt: skip
        }
        data.update({k: v for k, v in serializer.validated_data.items() if k not in ("dispositif", "code")})
        with service_errors():
            nature = nature_save(dispositif=nature.dispositif, nature=nature, code=nature.code, actor=request.user,
                                 request=request._request, **data)  # fmt: skip
        return Response(s.NatureSerializer(nature).data)


# --- resources --------------------------------------------------------------------------------------------------


@extend_schema(tags=["agendas"])
@extend_schema_view(
    list=extend_schema(summary="Salles et véhicules", parameters=[OpenApiParameter("dispositif", int)]),
    create=extend_schema(summary="Créer une ressource"),
    partial_update=extend_schema(summary="Modifier (ou désactiver) une ressource"),
)
class RessourceViewSet(
    _ConfigurationMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin, TenantScopedViewSet,
):  # fmt: skip
    queryset = Ressource.objects.order_by("dispositif_id", "type", "nom", "pk")
    serializer_class = s.RessourceSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer(self, *args, **kwargs):
        if self.action in ("create", "partial_update", "update"):
            kwargs["organisme_id"] = self.access.organisme_id
        return super().get_serializer(*args, **kwargs)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.check_manage(serializer.validated_data["dispositif"].pk)
        ressource = Ressource(organisme_id=self.access.organisme_id, **serializer.validated_data)
        with service_errors():
            gestion_services.ressource_save(ressource=ressource, actor=request.user, request=request._request)
        return Response(s.RessourceSerializer(ressource).data, status=status.HTTP_201_CREATED)

    def update_object(self, instance, validated_data):
        if "dispositif" in validated_data and validated_data["dispositif"].pk != instance.dispositif_id:
            raise ApiValidationError({"dispositif": ["Une ressource ne change pas de dispositif."]})
        changed = sorted(k for k, v in validated_data.items() if getattr(instance, k) != v)
        for name in changed:
            setattr(instance, name, validated_data[name])
        if changed:
            gestion_services.ressource_save(ressource=instance, actor=self.request.user,
                                            request=self.request._request, changed=changed)  # fmt: skip
        return instance


# --- series -----------------------------------------------------------------------------------------------------


@extend_schema(tags=["agendas"])
@extend_schema_view(
    list=extend_schema(
        summary="Séries (plannings hebdomadaires)",
        parameters=[OpenApiParameter("dispositif", int), OpenApiParameter("jeune", int)],
    ),
    create=extend_schema(summary="Créer une série (RRULE) et générer ses occurrences", request=s.SerieWriteSerializer),
)
class SerieViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantScopedViewSet):
    queryset = Serie.objects.all()
    serializer_class = s.SerieSerializer
    http_method_names = ["get", "post", "head", "options"]

    def with_participants(self, qs):
        return qs.select_related("nature").prefetch_related(
            Prefetch("seriejeune_set", queryset=SerieJeune.objects.order_by("pk")),
            Prefetch("serieprofessionnel_set", queryset=SerieProfessionnel.objects.order_by("pk")),
            Prefetch("serieressource_set", queryset=SerieRessource.objects.order_by("pk")),
        )

    def scope_queryset(self, qs, access):
        if not _is_clinical_reader(access):
            return qs.none()
        qs = _dispositif_scope(qs, access)
        if (dispositif := _int_param(self.request, "dispositif")) is not None:
            qs = qs.filter(dispositif_id=dispositif)
        if (jeune := _int_param(self.request, "jeune")) is not None:
            if not agenda_perms.readable_jeune_ids(access, [jeune]):
                return qs.none()
            qs = qs.filter(seriejeune__jeune_id=jeune)
        return self.with_participants(qs.order_by("debut", "pk"))

    def get_object_queryset(self):
        return self.with_participants(self.tenant_queryset())

    def create(self, request, *args, **kwargs):
        serializer = s.SerieWriteSerializer(data=request.data, organisme_id=self.access.organisme_id)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        self.check_write(Serie(organisme_id=self.access.organisme_id, dispositif=data["dispositif"]))
        _check_nature(data["nature"], data["dispositif"])
        _check_readable_jeunes(self.access, data.get("jeunes"))
        with service_errors():
            serie = serie_create(actor=request.user, request=request._request, **data)
        serie = self.get_object_queryset().get(pk=serie.pk)
        return Response(s.SerieSerializer(serie).data, status=status.HTTP_201_CREATED)
