"""Dossiers API viewsets, on ``core.api.base.TenantScopedViewSet`` (organisme wall, 403/404 rules, writes through
services, French service errors as 400).

Every list is scoped by ``dossiers.perms.readable_dossiers``: restricted dossiers are hidden from colleagues
without a grant, ``confidentiel_soin`` documents from non-care métiers (except their uploader), and the
organisme's administrators (``admin_organisme``) see no clinical data at all. Reading a dossier's detail is
written to the audit journal.
"""

from django.db import transaction
from django.db.models import Prefetch, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api.base import TenantScopedViewSet, service_errors
from core.enums import AuditAction, Visibilite
from core.services.audit import audit_record
from dossiers.api import serializers as s
from dossiers.enums import StatutParcours
from dossiers.models import Document, Dossier, Jeune, Parcours, Partenaire, Proche
from dossiers.perms import can_read_confidentiel, readable_dossiers
from dossiers.services import documents, famille, partenaires
from dossiers.services import parcours as svc


def _int_param(request, name):
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise ApiValidationError({name: "Un nombre entier est attendu."}) from None


def readable_jeunes(access, qs=None):
    """Youths with at least one dossier this user may open."""
    qs = qs if qs is not None else Jeune.objects.all()
    return qs.filter(pk__in=readable_dossiers(access).values("jeune_id"))


class ReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    pass


# --- jeunes ----------------------------------------------------------------------------------------------------


@extend_schema(tags=["dossiers"])
@extend_schema_view(
    list=extend_schema(
        summary="Jeunes dont l'utilisateur peut ouvrir au moins un dossier",
        parameters=[OpenApiParameter("q", str, description="Recherche sur le nom et le prénom (sans accents).")],
    ),
    create=extend_schema(
        summary="Créer un jeune et ouvrir son dossier en pré-admission",
        request=s.JeuneCreateSerializer,
        responses={201: s.JeuneSerializer},
    ),
    partial_update=extend_schema(summary="Modifier l'identité d'un jeune"),
)
class JeuneViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    TenantScopedViewSet,
):  # fmt: skip
    queryset = Jeune.objects.all()
    serializer_class = s.JeuneSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scope_queryset(self, qs, access):
        qs = readable_jeunes(access, qs).prefetch_related(
            Prefetch(
                "dossiers",
                queryset=readable_dossiers(access, Dossier.objects.select_related("dispositif")),
                to_attr="dossiers_lisibles",
            )
        )
        if q := self.request.query_params.get("q", "").strip():
            from dossiers.models import fold

            for word in fold(q).split():
                qs = qs.filter(nom_recherche__contains=word)
        return qs

    def get_object(self):
        obj = super().get_object()
        if not hasattr(obj, "dossiers_lisibles"):
            obj.dossiers_lisibles = list(readable_dossiers(self.access, obj.dossiers.select_related("dispositif")))
        return obj

    def get_serializer(self, *args, **kwargs):
        if self.action == "create":
            kwargs.setdefault("context", self.get_serializer_context())
            return s.JeuneCreateSerializer(*args, organisme_id=self.access.organisme_id, **kwargs)
        return super().get_serializer(*args, **kwargs)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        pre_admission = {name: data.pop(name) for name in s.JeuneCreateSerializer.PRE_ADMISSION_FIELDS if name in data}
        dispositif, site = pre_admission.pop("dispositif"), pre_admission.get("site")
        if site is not None and site.dispositif_id != dispositif.pk:
            raise ApiValidationError({"site": "Ce site n'appartient pas à ce dispositif."})
        self.check_write(Dossier(organisme_id=self.access.organisme_id, dispositif=dispositif))
        with service_errors(), transaction.atomic():
            jeune = svc.jeune_create(
                organisme_id=self.access.organisme_id, actor=request.user, request=request._request, **data
            )
            svc.dossier_open_pre_admission(
                jeune=jeune, dispositif=dispositif, actor=request.user, request=request._request, **pre_admission
            )
        jeune = self.get_queryset().get(pk=jeune.pk)
        return Response(s.JeuneSerializer(jeune, context=self.get_serializer_context()).data, status=201)

    def update_object(self, instance, validated_data):
        changed = {k: v for k, v in validated_data.items() if getattr(instance, k) != v}
        if changed:
            svc.jeune_update(jeune=instance, actor=self.request.user, request=self.request._request, **changed)
        return instance


# --- dossiers --------------------------------------------------------------------------------------------------

ARCHIVES = {"exclus", "inclus", "seuls"}


@extend_schema(tags=["dossiers"])
@extend_schema_view(
    list=extend_schema(
        summary="Dossiers lisibles (file active, liste d'attente, archives)",
        parameters=[
            OpenApiParameter("dispositif", int),
            OpenApiParameter("statut", str, enum=StatutParcours.values),
            OpenApiParameter("jeune", int),
            OpenApiParameter(
                "archives",
                str,
                enum=sorted(ARCHIVES),
                description="Dossiers archivés : exclus (par défaut), inclus, ou seuls.",
            ),  # fmt: skip
        ],
    ),
    retrieve=extend_schema(summary="Un dossier (la consultation est inscrite au journal d'audit)"),
    create=extend_schema(
        summary="Ouvrir une pré-admission pour un jeune déjà connu", request=s.DossierCreateSerializer
    ),
    partial_update=extend_schema(summary="Référent, coordinateur, site, liste d'attente, contrat de séjour"),
)
class DossierViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    TenantScopedViewSet,
):  # fmt: skip
    queryset = Dossier.objects.select_related("jeune", "dispositif", "site", "referent", "coordinateur")
    serializer_class = s.DossierSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scope_queryset(self, qs, access):
        qs = readable_dossiers(access, qs)
        if self.action != "list":
            return qs
        params = self.request.query_params
        if (dispositif := _int_param(self.request, "dispositif")) is not None:
            qs = qs.filter(dispositif_id=dispositif)
        if (jeune := _int_param(self.request, "jeune")) is not None:
            qs = qs.filter(jeune_id=jeune)
        if statut := params.get("statut"):
            if statut not in StatutParcours.values:
                raise ApiValidationError({"statut": f"Valeurs possibles : {', '.join(StatutParcours.values)}."})
            qs = qs.filter(statut=statut)
        archives = params.get("archives", "exclus")
        if archives not in ARCHIVES:
            raise ApiValidationError({"archives": "Valeurs possibles : exclus, inclus, seuls."})
        if archives == "exclus":
            qs = qs.filter(archived_at__isnull=True)
        elif archives == "seuls":
            qs = qs.filter(archived_at__isnull=False)
        return qs

    def retrieve(self, request, *args, **kwargs):
        dossier = self.get_object()
        audit_record(actor=request.user, action=AuditAction.READ, record=dossier, request=request._request)
        return Response(self.get_serializer(dossier).data)

    def get_serializer(self, *args, **kwargs):
        context = kwargs.pop("context", None) or self.get_serializer_context()
        organisme_id = self.access.organisme_id
        if self.action == "create":
            return s.DossierCreateSerializer(
                *args, organisme_id=organisme_id, jeunes=readable_jeunes(self.access, self.tenant_queryset_of(Jeune)),
                context=context, **kwargs,
            )  # fmt: skip
        if self.action == "partial_update":
            return s.DossierUpdateSerializer(*args, organisme_id=organisme_id, context=context, **kwargs)
        return super().get_serializer(*args, **kwargs)

    def tenant_queryset_of(self, model):
        return model.objects.filter(organisme_id=self.access.organisme_id)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        jeune, dispositif = data.pop("jeune"), data.pop("dispositif")
        if data.get("site") is not None and data["site"].dispositif_id != dispositif.pk:
            raise ApiValidationError({"site": "Ce site n'appartient pas à ce dispositif."})
        self.check_write(Dossier(organisme_id=self.access.organisme_id, dispositif=dispositif))
        with service_errors():
            dossier = svc.dossier_open_pre_admission(
                jeune=jeune, dispositif=dispositif, actor=request.user, request=request._request, **data
            )
        return Response(self._detail(dossier), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        dossier = self.get_object()
        serializer = self.get_serializer(dossier, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changed = {k: v for k, v in serializer.validated_data.items() if getattr(dossier, k) != v}
        site = changed.get("site")
        if site is not None and site.dispositif_id != dossier.dispositif_id:
            raise ApiValidationError({"site": "Ce site n'appartient pas au dispositif du dossier."})
        if changed:
            with service_errors():
                svc.dossier_update(dossier=dossier, actor=request.user, request=request._request, **changed)
        return Response(self._detail(dossier))

    def _detail(self, dossier):
        dossier = self.get_queryset().get(pk=dossier.pk)
        return s.DossierSerializer(dossier, context=self.get_serializer_context()).data

    # --- lifecycle steps (dossiers/services/parcours.py) ---

    def _step(self, request, serializer_class, service, **serializer_kwargs):
        dossier = self.get_object()  # POST: write permission checked (lecteur, archived dossier -> 403)
        serializer = serializer_class(data=request.data, **serializer_kwargs)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            service(dossier=dossier, actor=request.user, request=request._request, **serializer.validated_data)
        return Response(self._detail(dossier))

    @extend_schema(summary="Admission (fin de la pré-admission, début de l'accompagnement)",
                   request=s.AdmissionSerializer, responses=s.DossierSerializer)  # fmt: skip
    @action(detail=True, methods=["post"])
    def admettre(self, request, pk=None):
        return self._step(request, s.AdmissionSerializer, svc.dossier_admit, organisme_id=self.access.organisme_id)

    @extend_schema(summary="Refus ou abandon en pré-admission", request=s.CloturePreAdmissionSerializer,
                   responses=s.DossierSerializer)  # fmt: skip
    @action(detail=True, methods=["post"], url_path="cloturer-pre-admission")
    def cloturer_pre_admission(self, request, pk=None):
        return self._step(request, s.CloturePreAdmissionSerializer, svc.dossier_close_pre_admission)

    @extend_schema(summary="Sortie (motif, destination), suivi post-sortie ensuite sauf refus",
                   request=s.SortieSerializer, responses=s.DossierSerializer)  # fmt: skip
    @action(detail=True, methods=["post"])
    def sortie(self, request, pk=None):
        return self._step(request, s.SortieSerializer, svc.dossier_exit)

    @extend_schema(summary="Fin du suivi post-sortie", request=s.DateSerializer, responses=s.DossierSerializer)
    @action(detail=True, methods=["post"], url_path="fin-suivi")
    def fin_suivi(self, request, pk=None):
        return self._step(request, s.DateSerializer, svc.dossier_end_follow_up)

    @extend_schema(summary="Accompagnement ponctuel", request=s.PonctuelSerializer, responses=s.DossierSerializer)
    @action(detail=True, methods=["post"])
    def ponctuel(self, request, pk=None):
        return self._step(request, s.PonctuelSerializer, svc.dossier_add_ponctuel)

    @extend_schema(summary="Archivage (lecture seule ensuite)", request=None, responses=s.DossierSerializer)
    @action(detail=True, methods=["post"])
    def archiver(self, request, pk=None):
        dossier = self.get_object()
        with service_errors():
            svc.dossier_archive(dossier=dossier, actor=request.user, request=request._request)
        return Response(self._detail(dossier))


# --- parcours (read only); proches, documents, partenaires (writes through the services) ------------------------


@extend_schema(tags=["dossiers"])
@extend_schema_view(list=extend_schema(summary="Périodes de parcours", parameters=[OpenApiParameter("dossier", int)]))
class ParcoursViewSet(ReadOnlyViewSet):
    queryset = Parcours.objects.order_by("dossier_id", "debut")
    serializer_class = s.ParcoursSerializer

    def scope_queryset(self, qs, access):
        qs = qs.filter(dossier__in=readable_dossiers(access))
        if (dossier := _int_param(self.request, "dossier")) is not None:
            qs = qs.filter(dossier_id=dossier)
        return qs


@extend_schema(tags=["dossiers"])
@extend_schema_view(
    list=extend_schema(summary="Proches des jeunes", parameters=[OpenApiParameter("jeune", int)]),
    create=extend_schema(summary="Ajouter un proche à un jeune", request=s.ProcheWriteSerializer,
                         responses={201: s.ProcheSerializer}),
    partial_update=extend_schema(summary="Modifier un proche (le dernier représentant légal d'un mineur reste)",
                                 request=s.ProcheWriteSerializer, responses=s.ProcheSerializer),
    destroy=extend_schema(summary="Retirer un proche (refusé pour le dernier représentant légal d'un mineur)"),
)  # fmt: skip
class ProcheViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    mixins.DestroyModelMixin, TenantScopedViewSet,
):  # fmt: skip
    queryset = Proche.objects.select_related("jeune").order_by("jeune_id", "ordre_appel", "nom")
    serializer_class = s.ProcheSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def scope_queryset(self, qs, access):
        qs = qs.filter(jeune__in=readable_jeunes(access))
        if (jeune := _int_param(self.request, "jeune")) is not None:
            qs = qs.filter(jeune_id=jeune)
        return qs

    def get_serializer(self, *args, **kwargs):
        if self.action in ("create", "partial_update"):
            kwargs.setdefault("context", self.get_serializer_context())
            return s.ProcheWriteSerializer(*args, organisme_id=self.access.organisme_id, **kwargs)
        return super().get_serializer(*args, **kwargs)

    def create_object(self, validated_data):
        proche = Proche(organisme_id=self.access.organisme_id, **validated_data)
        self.check_write(proche)  # a youth whose dossiers the user may not write (lecteur, admin...) -> 403
        return famille.proche_save(proche=proche, actor=self.request.user, request=self.request._request)

    def update_object(self, instance, validated_data):
        changed = sorted(k for k, v in validated_data.items() if getattr(instance, k) != v)
        for name in changed:
            setattr(instance, name, validated_data[name])
        if changed:
            famille.proche_save(proche=instance, actor=self.request.user, request=self.request._request,
                                changed=changed)  # fmt: skip
        return instance

    def destroy_object(self, instance):
        famille.proche_delete(proche=instance, actor=self.request.user, request=self.request._request)


@extend_schema(tags=["dossiers"])
@extend_schema_view(
    list=extend_schema(
        summary="Documents (métadonnées ; le fichier se télécharge par le lien « telechargement »)",
        parameters=[OpenApiParameter("dossier", int), OpenApiParameter("type", OpenApiTypes.STR)],
    ),
    create=extend_schema(
        summary="Déposer un document (multipart/form-data ; type vérifié d'après le contenu)",
        request={"multipart/form-data": s.DocumentUploadSerializer},
        responses={201: s.DocumentSerializer},
    ),
    partial_update=extend_schema(summary="Corriger les métadonnées d'un document classé (titre, type, date, "
                                 "visibilité, signalements)", request=s.DocumentUpdateSerializer,
                                 responses=s.DocumentSerializer),
)  # fmt: skip
class DocumentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    TenantScopedViewSet,
):  # fmt: skip
    queryset = Document.objects.select_related("dossier")
    serializer_class = s.DocumentSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scope_queryset(self, qs, access):
        qs = qs.filter(dossier__in=readable_dossiers(access))
        if not can_read_confidentiel(access):
            # confidentiel soin: care métiers, and the uploader of the document.
            qs = qs.filter(~Q(visibilite=Visibilite.CONFIDENTIEL_SOIN) | Q(uploaded_by_id=access.user.pk))
        if (dossier := _int_param(self.request, "dossier")) is not None:
            qs = qs.filter(dossier_id=dossier)
        if type_ := self.request.query_params.get("type"):
            qs = qs.filter(type=type_)
        return qs

    def create(self, request, *args, **kwargs):
        serializer = s.DocumentUploadSerializer(data=request.data, organisme_id=self.access.organisme_id,
                                                context=self.get_serializer_context())  # fmt: skip
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        dossier, fichier = data.pop("dossier"), data.pop("fichier")
        self.check_write(Document(organisme_id=dossier.organisme_id, dossier=dossier))
        with service_errors():
            document = documents.document_create(
                dossier=dossier, content=fichier.read(), nom_fichier=fichier.name, actor=request.user,
                request=request._request, **data,
            )  # fmt: skip
        return Response(self.get_serializer(document).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        document = self.get_object()  # confidentiel soin unreadable, lecteur, archived dossier -> 403
        serializer = s.DocumentUpdateSerializer(document, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            documents.document_update(document=document, actor=request.user, request=request._request,
                                      **serializer.validated_data)  # fmt: skip
        return Response(self.get_serializer(document).data)


@extend_schema(tags=["dossiers"])
@extend_schema_view(
    list=extend_schema(summary="Annuaire des partenaires", parameters=[OpenApiParameter("type", OpenApiTypes.STR)]),
    create=extend_schema(summary="Ajouter un partenaire à l'annuaire (direction, chefs de service, coordination, "
                         "secrétariat)"),
    partial_update=extend_schema(summary="Modifier un partenaire de l'annuaire"),
)  # fmt: skip
class PartenaireViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    TenantScopedViewSet,
):  # fmt: skip
    queryset = Partenaire.objects.prefetch_related("intervenants")
    serializer_class = s.PartenaireSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scope_queryset(self, qs, access):
        # The directory is not clinical data: every professional of the organisme reads it.
        if type_ := self.request.query_params.get("type"):
            qs = qs.filter(type=type_)
        return qs

    def create(self, request, *args, **kwargs):
        # The right does not depend on the data: refuse before validating it.
        self.check_write(Partenaire(organisme_id=self.access.organisme_id))
        return super().create(request, *args, **kwargs)

    def create_object(self, validated_data):
        partenaire = Partenaire(organisme_id=self.access.organisme_id, **validated_data)
        return partenaires.partenaire_save(partenaire=partenaire, actor=self.request.user,
                                           request=self.request._request)  # fmt: skip

    def update_object(self, instance, validated_data):
        changed = sorted(k for k, v in validated_data.items() if getattr(instance, k) != v)
        for name in changed:
            setattr(instance, name, validated_data[name])
        if changed:
            partenaires.partenaire_save(partenaire=instance, actor=self.request.user, request=self.request._request,
                                        changed=changed)  # fmt: skip
        return instance


def register(router) -> None:
    router.register("jeunes", JeuneViewSet, basename="jeune")
    router.register("dossiers", DossierViewSet, basename="dossier")
    router.register("parcours", ParcoursViewSet, basename="parcours")
    router.register("proches", ProcheViewSet, basename="proche")
    router.register("documents", DocumentViewSet, basename="document")
    router.register("partenaires", PartenaireViewSet, basename="partenaire")
