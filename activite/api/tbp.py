"""``GET /api/v1/activite/tbp/?dispositif=FINESS&annee=AAAA``: the TBP indicators (DOMAIN §8.2), exactly the JSON of
``activite.services.tbp.indicateurs_tbp`` (the same as ``tbp_indicateurs --format json``).

Permission: ``activite.perms.can_view_activite`` for that dispositif (403 otherwise); a FINESS unknown in the
user's organisme (another organisme's included) is a 404; bad parameters are a 400 with French messages.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from activite.api.aire import dispositif_demande
from core.api.base import TenantScopedAPIView


class TbpQuerySerializer(serializers.Serializer):
    dispositif = serializers.CharField(
        max_length=9,
        error_messages={"required": "Indiquez le FINESS du dispositif (dispositif=...).",
                        "blank": "Indiquez le FINESS du dispositif (dispositif=...).",
                        "max_length": "Un FINESS compte 9 caractères."},
    )  # fmt: skip
    annee = serializers.IntegerField(
        min_value=1900, max_value=2100,
        error_messages={"required": "Indiquez l'année (annee=AAAA).",
                        "invalid": "Année invalide (attendu AAAA).",
                        "min_value": "Année invalide (attendu une année entre 1900 et 2100).",
                        "max_value": "Année invalide (attendu une année entre 1900 et 2100)."},
    )  # fmt: skip


@extend_schema(
    tags=["activite"],
    summary="Indicateurs du tableau de bord de la performance (tbp-v1) d'un dispositif pour une année civile",
    parameters=[
        OpenApiParameter("dispositif", str, required=True, description="FINESS principal du dispositif"),
        OpenApiParameter("annee", int, required=True, description="année civile (AAAA)"),
    ],
    responses={200: OpenApiTypes.OBJECT},
)
class TbpView(TenantScopedAPIView):
    """The §8.2 JSON of the dispositif for the year (dates civiles, arrondis en sortie)."""

    serializer_class = TbpQuerySerializer

    def get(self, request):
        from activite.services.tbp import indicateurs_tbp

        query = TbpQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        dispositif = dispositif_demande(self.access, data["dispositif"])
        return Response(indicateurs_tbp(dispositif, data["annee"]))
