"""Portal API (``/api/v1/portail/``, for a future mobile app): the same wall as the portal pages.

- ``PortailApiPermission``: family and youth accounts only (a professional gets 404, like on portal pages). Portal
  views set ``portal_allowed = True`` so that the project's ``StaffApiPermission`` (kept first: authentication and
  the TOTP wall) lets them through; the youth is then resolved with ``api_acces`` (``portail_famille.acces``):
  another youth, another organisme, a suspended or revoked access, a right not granted: 404.
- Endpoints: ``me`` (the account and its youths with rights), a youth's week, plan, documents (list, download,
  upload), absences (list, declare), journal. Same separate spaces as the pages (``portail_famille.perms``).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import StaffApiPermission
from core.enums import AuditAction
from core.services.audit import audit_record
from portail_famille import selectors
from portail_famille.acces import DROITS, acces_actifs, get_acces, is_portal_account
from portail_famille.perms import absences_declarees, documents_deposes, documents_partages
from portail_famille.services.famille import (
    MOTIFS_ABSENCE_FAMILLE,
    TYPES_DOCUMENT_FAMILLE,
    absence_declarer_famille,
    document_deposer,
)


class PortailApiPermission(BasePermission):
    """Portal accounts only; anyone else: 404 (the portal does not exist for them)."""

    message = "Authentification requise."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not is_portal_account(user):
            raise Http404
        return True


def api_acces(request, jeune_id, droit=None):
    """The account's active access to this youth with ``droit``, or 404 (same rule as the pages)."""
    return get_acces(request, jeune_id, droit)


def service_errors(error: DjangoValidationError) -> ValidationError:
    return ValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})


class PortailApiView(APIView):
    portal_allowed = True
    permission_classes = [StaffApiPermission, PortailApiPermission]


# --- serializers --------------------------------------------------------------------------------------------------


class PortailDroitsSerializer(serializers.Serializer):
    voir_agenda = serializers.BooleanField()
    voir_ppa = serializers.BooleanField()
    voir_documents = serializers.BooleanField()
    deposer_documents = serializers.BooleanField()
    messagerie = serializers.BooleanField()
    declarer_absences = serializers.BooleanField()
    voir_journal = serializers.BooleanField()


class PortailJeuneAccesSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="jeune_id")
    prenom = serializers.CharField(source="jeune.prenom")
    espace = serializers.CharField()
    droits = serializers.SerializerMethodField()

    def get_droits(self, acces) -> PortailDroitsSerializer:
        return {name: getattr(acces, name) for name in DROITS}


class PortailMeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    prenom = serializers.CharField(source="first_name")
    nom = serializers.CharField(source="last_name")
    email = serializers.EmailField()
    type_compte = serializers.CharField(source="kind")
    jeunes = PortailJeuneAccesSerializer(many=True)


class PortailRendezVousSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    debut = serializers.DateTimeField()
    fin = serializers.DateTimeField()
    libelle = serializers.CharField()
    lieu = serializers.CharField()
    modalite = serializers.CharField()
    professionnels = serializers.ListField(child=serializers.CharField())
    annule = serializers.BooleanField()
    absence_prevue = serializers.BooleanField()


class PortailJourSerializer(serializers.Serializer):
    date = serializers.DateField()
    nom = serializers.CharField()
    evenements = PortailRendezVousSerializer(many=True)


class PortailSemaineSerializer(serializers.Serializer):
    semaine = serializers.CharField()
    precedente = serializers.CharField()
    suivante = serializers.CharField()
    jours = PortailJourSerializer(many=True)
    prochains = PortailRendezVousSerializer(many=True)


class PortailObjectifSerializer(serializers.Serializer):
    phrase = serializers.CharField()
    besoin = serializers.CharField()
    evenements = PortailRendezVousSerializer(many=True)


class PortailPlanSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    dispositif = serializers.CharField()
    valide_le = serializers.DateField(allow_null=True)
    date_fin = serializers.DateField(allow_null=True)
    attentes_jeune = serializers.CharField()
    attentes_famille = serializers.CharField()
    objectifs = PortailObjectifSerializer(many=True)


class PortailDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    titre = serializers.CharField()
    type = serializers.CharField()
    type_libelle = serializers.CharField(source="get_type_display")
    date_document = serializers.DateField()
    taille = serializers.IntegerField()
    statut = serializers.CharField()
    depose_le = serializers.DateTimeField(source="created_at")


class PortailDocumentsSerializer(serializers.Serializer):
    partages = PortailDocumentSerializer(many=True)
    deposes = PortailDocumentSerializer(many=True)


class PortailDepotSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=[(t.value, t.label) for t in TYPES_DOCUMENT_FAMILLE])
    titre = serializers.CharField(max_length=200)
    fichier = serializers.FileField()


class PortailAbsenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    debut = serializers.DateTimeField()
    fin = serializers.DateTimeField()
    motif = serializers.ChoiceField(choices=[(m.value, m.label) for m in MOTIFS_ABSENCE_FAMILLE])
    commentaire = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    statut = serializers.CharField(read_only=True)


class PortailTransmissionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    survenue_le = serializers.DateTimeField()
    categorie = serializers.CharField(source="categorie.libelle")
    texte = serializers.CharField()
    donnees = serializers.CharField()
    actions = serializers.CharField()
    resultats = serializers.CharField()
    auteur = serializers.CharField(source="auteur.first_name")


JEUNE_ID = OpenApiParameter("jeune_id", OpenApiTypes.INT, OpenApiParameter.PATH)
SEMAINE = OpenApiParameter("semaine", OpenApiTypes.STR, description="Semaine ISO, par exemple 2026-W07")


# --- views --------------------------------------------------------------------------------------------------------


class MeView(PortailApiView):
    @extend_schema(
        responses=PortailMeSerializer, tags=["portail"], summary="Le compte et ses jeunes, avec leurs droits"
    )
    def get(self, request):
        user = request.user
        data = {
            "id": user.pk, "first_name": user.first_name, "last_name": user.last_name, "email": user.email,
            "kind": user.kind, "jeunes": acces_actifs(request),
        }  # fmt: skip
        return Response(PortailMeSerializer(data).data)


class SemaineView(PortailApiView):
    @extend_schema(parameters=[SEMAINE], responses=PortailSemaineSerializer, tags=["portail"], summary="La semaine")
    def get(self, request, jeune_id):
        acces = api_acces(request, jeune_id, "voir_agenda")
        sem = selectors.semaine(request.query_params.get("semaine"))
        data = {
            "semaine": sem.code, "precedente": sem.precedente, "suivante": sem.suivante,
            "jours": selectors.semaine_du_jeune(acces.jeune_id, sem),
            "prochains": selectors.prochains_rendez_vous(acces.jeune_id) if sem.courante else [],
        }  # fmt: skip
        return Response(PortailSemaineSerializer(data).data)


class PlanView(PortailApiView):
    @extend_schema(
        parameters=[SEMAINE], responses=PortailPlanSerializer(many=True), tags=["portail"], summary="Le projet"
    )
    def get(self, request, jeune_id):
        acces = api_acces(request, jeune_id, "voir_ppa")
        sem = selectors.semaine(request.query_params.get("semaine"))
        rows = []
        for item in selectors.plans_en_vigueur(acces.jeune_id, sem):
            version = item["version"]
            audit_record(actor=request.user, action=AuditAction.READ, record=version, request=request,
                         details={"portail": True, "api": True})  # fmt: skip
            rows.append(
                {
                    "version": version.numero,
                    "dispositif": item["dossier"].dispositif.nom,
                    "valide_le": version.valide_le,
                    "date_fin": version.date_fin,
                    "attentes_jeune": version.attentes_jeune,
                    "attentes_famille": version.attentes_famille,
                    "objectifs": item["objectifs"],
                }  # fmt: skip
            )
        return Response(PortailPlanSerializer(rows, many=True).data)


def _documents_access(request, jeune_id):
    acces = api_acces(request, jeune_id)
    if not (acces.voir_documents or acces.deposer_documents):
        raise Http404
    return acces


class DocumentsView(PortailApiView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=PortailDocumentsSerializer, tags=["portail"], summary="Documents partagés et mes envois")
    def get(self, request, jeune_id):
        acces = _documents_access(request, jeune_id)
        partages = list(documents_partages(acces.jeune_id)) if acces.voir_documents else []
        ids = {d.pk for d in partages}
        deposes = [
            d for d in documents_deposes(request.user, acces.jeune_id).order_by("-created_at") if d.pk not in ids
        ]
        return Response(PortailDocumentsSerializer({"partages": partages, "deposes": deposes}).data)

    @extend_schema(
        request={"multipart/form-data": PortailDepotSerializer},
        responses={201: PortailDocumentSerializer},
        tags=["portail"],
        summary="Envoyer un document à l'équipe",
    )
    def post(self, request, jeune_id):
        acces = api_acces(request, jeune_id, "deposer_documents")
        serializer = PortailDepotSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fichier = serializer.validated_data["fichier"]
        try:
            document = document_deposer(
                acces=acces,
                actor=request.user,
                content=fichier.read(),
                nom_fichier=fichier.name,
                type=serializer.validated_data["type"],
                titre=serializer.validated_data["titre"],
                request=request,
            )
        except DjangoValidationError as error:
            raise service_errors(error) from None
        return Response(PortailDocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentDownloadView(PortailApiView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY}, tags=["portail"],
                   summary="Télécharger un document", operation_id="portail_jeunes_document_download")  # fmt: skip
    def get(self, request, jeune_id, pk):
        acces = _documents_access(request, jeune_id)
        document = documents_partages(acces.jeune_id).filter(pk=pk).first() if acces.voir_documents else None
        if document is None:
            document = documents_deposes(request.user, acces.jeune_id).filter(pk=pk).first()
        if document is None:
            raise Http404
        audit_record(actor=request.user, action=AuditAction.READ, record=document, request=request,
                     details={"portail": True, "api": True})  # fmt: skip
        response = FileResponse(
            document.fichier.open("rb"),
            as_attachment=True,
            filename=document.nom_fichier,
            content_type=document.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class AbsencesView(PortailApiView):
    @extend_schema(responses=PortailAbsenceSerializer(many=True), tags=["portail"], summary="Mes absences déclarées")
    def get(self, request, jeune_id):
        acces = api_acces(request, jeune_id, "declarer_absences")
        rows = absences_declarees(request.user, acces.jeune_id).order_by("-debut")[:100]
        return Response(PortailAbsenceSerializer(rows, many=True).data)

    @extend_schema(request=PortailAbsenceSerializer, responses={201: PortailAbsenceSerializer}, tags=["portail"],
                   summary="Prévenir d'une absence")  # fmt: skip
    def post(self, request, jeune_id):
        acces = api_acces(request, jeune_id, "declarer_absences")
        serializer = PortailAbsenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            absence = absence_declarer_famille(
                acces=acces, actor=request.user, request=request, **serializer.validated_data
            )
        except DjangoValidationError as error:
            raise service_errors(error) from None
        return Response(PortailAbsenceSerializer(absence).data, status=status.HTTP_201_CREATED)


class JournalView(PortailApiView):
    @extend_schema(
        parameters=[OpenApiParameter("page", OpenApiTypes.INT)],
        responses=inline_serializer(
            "JournalPortail",
            {
                "page": serializers.IntegerField(),
                "pages": serializers.IntegerField(),
                "resultats": PortailTransmissionSerializer(many=True),
            },
        ),  # fmt: skip
        tags=["portail"],
        summary="Le journal partagé",
    )
    def get(self, request, jeune_id):
        acces = api_acces(request, jeune_id, "voir_journal")
        page = Paginator(selectors.journal(acces.jeune_id), 20).get_page(request.query_params.get("page"))
        audit_record(actor=request.user, action=AuditAction.READ, record=acces.jeune, request=request,
                     details={"portail": "journal", "api": True})  # fmt: skip
        return Response(
            {
                "page": page.number,
                "pages": page.paginator.num_pages,
                "resultats": PortailTransmissionSerializer(page.object_list, many=True).data,
            }
        )
