"""``GET /api/v1/activite/aire/?dispositif=FINESS&debut=AAAA-MM-JJ&fin=AAAA-MM-JJ``: the AIRe table (DOMAIN §8.1),
exactly the JSON of ``activite.services.aire.table_aire`` (the same as ``aire_table --format json``).

Permission: ``activite.perms.can_view_activite`` for that dispositif (403 otherwise); a FINESS unknown in the
user's organisme (another organisme's included) is a 404; bad parameters are a 400 with French messages.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from activite.perms import can_view_activite
from core.api.base import TenantScopedAPIView


class AireQuerySerializer(serializers.Serializer):
    dispositif = serializers.CharField(
        max_length=9, error_messages={"required": "Indiquez le FINESS du dispositif (dispositif=...)."}
    )
    debut = serializers.DateField(
        error_messages={"required": "Indiquez le début de la période (debut=AAAA-MM-JJ).",
                        "invalid": "Date de début invalide (attendu AAAA-MM-JJ)."}
    )  # fmt: skip
    fin = serializers.DateField(
        error_messages={"required": "Indiquez la fin de la période (fin=AAAA-MM-JJ).",
                        "invalid": "Date de fin invalide (attendu AAAA-MM-JJ)."}
    )  # fmt: skip

    def validate(self, attrs):
        if attrs["fin"] < attrs["debut"]:
            raise serializers.ValidationError({"fin": "La fin de la période précède son début."})
        return attrs


@extend_schema(
    tags=["activite"],
    summary="Tableau d'activité AIRe (aire-v1) d'un dispositif pour une période",
    parameters=[
        OpenApiParameter("dispositif", str, required=True, description="FINESS principal du dispositif"),
        OpenApiParameter("debut", OpenApiTypes.DATE, required=True, description="premier jour de la période"),
        OpenApiParameter("fin", OpenApiTypes.DATE, required=True, description="dernier jour de la période"),
    ],
    responses={200: OpenApiTypes.OBJECT},
)
def dispositif_demande(access, finess: str):
    """The dispositif of the user's organisme with this FINESS: another organisme's (or none) → 404, a dispositif
    whose activity the user may not see → 403 (shared by the AIRe and TBP endpoints)."""
    from core.models import Dispositif

    dispositif = Dispositif.objects.filter(organisme_id=access.organisme_id, finess=finess).first()
    if dispositif is None:
        raise Http404
    if not can_view_activite(access, dispositif.pk):
        raise PermissionDenied("Vous n'avez pas accès à l'activité de ce dispositif.")
    return dispositif


class AireView(TenantScopedAPIView):
    """The §8.1 JSON of the dispositif for the period (semaines au jeudi, arrondis en sortie)."""

    serializer_class = AireQuerySerializer

    def get(self, request):
        from activite.services.aire import table_aire

        query = AireQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        dispositif = dispositif_demande(self.access, data["dispositif"])
        try:
            return Response(table_aire(dispositif, data["debut"], data["fin"]))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"detail": exc.messages}) from exc
