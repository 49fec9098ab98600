"""``POST /api/v1/import/``: import an exchange-format v1 document into the caller's own organisme.

Reserved to the organisme's ``admin_organisme`` and ``direction`` (others: 403); family and youth accounts get
404 and a session login must have verified its TOTP (``StaffApiPermission``). A document naming another
organisme, or an unknown one, is refused with 403 and nothing is written; an invalid document gives 400 with
every error (``{"chemin", "message"}``).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import StaffApiPermission, request_access
from core.echange import EchangeInvalide, import_document


class CanImport(BasePermission):
    """The direction and the organisme's administrators import data into their organisme."""

    message = "L'import est réservé à la direction et aux administrateurs de l'organisme."

    def has_permission(self, request, view):
        access = request_access(request)
        return access.is_direction or access.is_admin


class ImportEchangeView(APIView):
    permission_classes = [StaffApiPermission, CanImport]
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Importer un document au format d'échange v1 (tout ou rien)",
        request=OpenApiTypes.OBJECT,
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="Résumé de l'import (comptes par section)"),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Toutes les erreurs : {chemin, message}"),
            403: OpenApiResponse(
                OpenApiTypes.OBJECT, description="Rôle insuffisant, ou document d'un autre organisme"
            ),
        },
    )
    def post(self, request):
        try:
            result = import_document(
                request.data,
                actor=request.user,
                request=request._request,
                expected_organisme_id=request_access(request).organisme_id,
            )
        except EchangeInvalide as exc:
            code = status.HTTP_403_FORBIDDEN if exc.forbidden else status.HTTP_400_BAD_REQUEST
            return Response({"erreurs": exc.errors}, status=code)
        return Response(result.as_dict())
