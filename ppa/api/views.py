"""PPA API, on ``core.api.base.TenantScopedViewSet`` (organisme wall, 403/404, writes through the services, French
service errors as 400). Access follows the dossier's (``ppa.perms``): lists are narrowed to the readable dossiers
(``dossiers.perms.readable_dossiers``); a version, objective or link of a dossier the user cannot read is a 403,
another organisme's a 404. Lists load in a fixed number of queries (prefetches). Reads of a version's content are
written to the audit journal (one row per page or detail)."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from agendas.models import Evenement, Serie
from core.api.base import TenantScopedViewSet, service_errors
from core.enums import AuditAction
from core.services.audit import audit_record
from dossiers.models import Dossier
from dossiers.perms import readable_dossiers
from ppa.api import serializers as s
from ppa.models import Accord, Action, LienObjectif, Objectif, Ppa, PpaVersion, Revue
from ppa.perms import can_read_ppa
from ppa.services import echeances, redaction, suivi


def _int(params, name):
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise ApiValidationError({name: "Un nombre entier est attendu."}) from None


def _audit_versions(request, versions, vue):
    """One audit row per page or detail: which versions, of which dossiers."""
    versions = list(versions)
    if not versions:
        return
    if len(versions) == 1:
        audit_record(actor=request.user, action=AuditAction.READ, record=versions[0], request=request,
                     details={"vue": vue})  # fmt: skip
        return
    audit_record(
        actor=request.user, action=AuditAction.READ, record_type="ppa.ppaversion",
        record_label=f"Versions de PPA ({vue})", organisme_id=request.access.organisme_id, request=request,
        details={"vue": vue, "versions": [v.pk for v in versions][:200],
                 "dossiers": sorted({v.ppa.dossier_id for v in versions})[:200]},
    )  # fmt: skip


@extend_schema(tags=["ppa"])
@extend_schema_view(
    list=extend_schema(
        summary="PPA lisibles (un par dossier), avec leurs versions", parameters=[OpenApiParameter("dossier", int)]
    ),  # fmt: skip
    retrieve=extend_schema(summary="Un PPA et ses versions"),
)
class PpaViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    queryset = Ppa.objects.select_related("dossier").prefetch_related(
        Prefetch("versions", queryset=PpaVersion.objects.order_by("-numero"))
    )
    serializer_class = s.PpaSerializer

    def scope_queryset(self, qs, access):
        qs = qs.filter(dossier__in=readable_dossiers(access))
        dossier = _int(self.request.query_params, "dossier")
        return qs.filter(dossier_id=dossier) if dossier else qs.order_by("pk")

    @extend_schema(
        summary="PPA à échéance et en retard (chefs de service, direction)",
        parameters=[OpenApiParameter("dispositif", int),
                    OpenApiParameter("etat", str, enum=["en_retard", "a_echeance", "a_jour"])],
        responses=s.PpaEcheanceSerializer(many=True),
    )  # fmt: skip
    @action(detail=False, methods=["get"], serializer_class=s.PpaEcheanceSerializer)
    def echeances(self, request):
        from ppa.views.suivi import can_see_echeances

        access = self.access
        if not can_see_echeances(access):
            raise PermissionDenied
        etat = request.query_params.get("etat") or None
        if etat and etat not in echeances.ETATS:
            raise ApiValidationError({"etat": "Valeur attendue : en_retard, a_echeance ou a_jour."})
        dispositif = _int(request.query_params, "dispositif")
        lignes = echeances.ppas_a_echeance(access, [dispositif] if dispositif else None,
                                           etats={etat} if etat else None)  # fmt: skip
        return Response(s.PpaEcheanceSerializer(lignes, many=True).data)


def _version_queryset():
    objectifs = Objectif.objects.select_related("referent").prefetch_related(
        Prefetch("actions", queryset=Action.objects.select_related("responsable")),
        Prefetch("liens", queryset=LienObjectif.objects.select_related("evenement__nature", "serie__nature")),
    )
    return PpaVersion.objects.select_related("ppa").prefetch_related(
        Prefetch("objectifs", queryset=objectifs),
        Prefetch("accords", queryset=Accord.objects.select_related("recueilli_par")),
        Prefetch("revues", queryset=Revue.objects.prefetch_related("evaluations")),
    )


@extend_schema(tags=["ppa"])
@extend_schema_view(
    list=extend_schema(
        summary="Versions de PPA lisibles, avec objectifs, actions, liens, accords et révisions",
        parameters=[OpenApiParameter("dossier", int), OpenApiParameter("ppa", int), OpenApiParameter("statut", str)],
    ),  # fmt: skip
    retrieve=extend_schema(summary="Une version de PPA et tout son contenu"),
    create=extend_schema(
        summary="Ouvrir le PPA d'un dossier (version 1) ou créer un avenant d'une version en vigueur",
        request=s.PpaVersionCreateSerializer,
        responses={201: s.PpaVersionSerializer},
    ),  # fmt: skip
)
class VersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantScopedViewSet):
    queryset = _version_queryset()
    serializer_class = s.PpaVersionSerializer

    def scope_queryset(self, qs, access):
        qs = qs.filter(ppa__dossier__in=readable_dossiers(access))
        params = self.request.query_params
        if dossier := _int(params, "dossier"):
            qs = qs.filter(ppa__dossier_id=dossier)
        if ppa := _int(params, "ppa"):
            qs = qs.filter(ppa_id=ppa)
        if statut := params.get("statut"):
            qs = qs.filter(statut=statut)
        return qs.order_by("ppa_id", "-numero")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        _audit_versions(request, page, "api")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        version = self.get_object()
        _audit_versions(request, [version], "api détail")
        return Response(self.get_serializer(version).data)

    def _reload(self, pk):
        return self.tenant_queryset().get(pk=pk)

    def create(self, request, *args, **kwargs):
        serializer = s.PpaVersionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        organisme_id = self.access.organisme_id
        with service_errors():
            if "dossier" in data:
                dossier = get_object_or_404(Dossier.objects.filter(organisme_id=organisme_id), pk=data["dossier"])
                if not can_read_ppa(self.access, dossier):
                    raise PermissionDenied
                version = redaction.ppa_version_create(dossier=dossier, actor=request.user, request=request._request)
            else:
                precedente = get_object_or_404(PpaVersion.objects.filter(organisme_id=organisme_id),
                                               pk=data["precedente"])  # fmt: skip
                if not can_read_ppa(self.access, precedente):
                    raise PermissionDenied
                version = redaction.avenant_create(
                    version=precedente, actor=request.user, motif=data.get("motif", ""), request=request._request,
                    **({"type": data["type"]} if "type" in data else {}),
                )  # fmt: skip
        return Response(self.get_serializer(self._reload(version.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Ajouter un objectif à une version en élaboration", request=s.PpaObjectifCreateSerializer,
                   responses={201: s.PpaObjectifSerializer})  # fmt: skip
    @action(detail=True, methods=["post"])
    def objectifs(self, request, pk=None):
        version = self.get_object()  # unsafe method: writers of the dossier only (403 otherwise)
        serializer = s.PpaObjectifCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            objectif = redaction.objectif_create(version=version, actor=request.user, request=request._request,
                                                 **serializer.validated_data)  # fmt: skip
        objectif = Objectif.objects.prefetch_related("actions", "liens").select_related("referent").get(pk=objectif.pk)
        return Response(s.PpaObjectifSerializer(objectif).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Ouvrir une révision de la version en vigueur", request=s.PpaRevueCreateSerializer,
                   responses={201: s.PpaRevueSerializer})  # fmt: skip
    @action(detail=True, methods=["post"])
    def revues(self, request, pk=None):
        version = self.get_object()
        serializer = s.PpaRevueCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            revue = suivi.revue_create(version=version, actor=request.user, request=request._request,
                                       **serializer.validated_data)  # fmt: skip
        return Response(s.PpaRevueSerializer(revue).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["ppa"])
@extend_schema_view(
    list=extend_schema(
        summary="Liens des objectifs avec l'agenda",
        parameters=[OpenApiParameter("objectif", int), OpenApiParameter("version", int)],
    ),  # fmt: skip
    retrieve=extend_schema(summary="Un lien objectif ↔ événement ou série"),
    create=extend_schema(
        summary="Lier un événement ou une série (toutes ses séances) à un objectif",
        request=s.PpaLienCreateSerializer,
        responses={201: s.PpaLienSerializer},
    ),  # fmt: skip
    destroy=extend_schema(summary="Retirer un lien"),
)
class LienViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin,
    TenantScopedViewSet,
):  # fmt: skip
    queryset = LienObjectif.objects.select_related("evenement__nature", "serie__nature")
    serializer_class = s.PpaLienSerializer

    def scope_queryset(self, qs, access):
        qs = qs.filter(objectif__version__ppa__dossier__in=readable_dossiers(access))
        params = self.request.query_params
        if objectif := _int(params, "objectif"):
            qs = qs.filter(objectif_id=objectif)
        if version := _int(params, "version"):
            qs = qs.filter(objectif__version_id=version)
        return qs.order_by("pk")

    def get_serializer_class(self):
        return s.PpaLienCreateSerializer if self.action == "create" else s.PpaLienSerializer

    def create(self, request, *args, **kwargs):
        serializer = s.PpaLienCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        organisme_id = self.access.organisme_id
        objectif = get_object_or_404(Objectif.objects.filter(organisme_id=organisme_id), pk=data["objectif"])
        if not can_read_ppa(self.access, objectif):
            raise PermissionDenied
        evenement = serie = None
        if "evenement" in data:
            evenement = get_object_or_404(Evenement.objects.filter(organisme_id=organisme_id), pk=data["evenement"])
        else:
            serie = get_object_or_404(Serie.objects.filter(organisme_id=organisme_id), pk=data["serie"])
        with service_errors():
            lien = suivi.lien_creer(objectif=objectif, evenement=evenement, serie=serie, actor=request.user,
                                    request=request._request)  # fmt: skip
        return Response(
            s.PpaLienSerializer(self.tenant_queryset().get(pk=lien.pk)).data, status=status.HTTP_201_CREATED
        )

    def destroy_object(self, instance):
        suivi.lien_supprimer(lien=instance, actor=self.request.user, request=self.request._request)
