"""Portal API of the exchanges (``/api/v1/portail/``): threads, questionnaires, réclamations.

Same wall and same separate spaces as the pages: portal accounts only (``PortailApiView``); a thread is the
account's own (``FilDiscussion.compte``) about a youth it has an active access to with the ``messagerie`` right;
open questionnaires are those offered to the account; réclamations listed are the account's own. Anything else: 404.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from portail_famille import selectors_echanges as selectors
from portail_famille.acces import acces_actifs
from portail_famille.api.base import PortailApiView, api_acces, service_errors
from portail_famille.enums import TypeReclamation
from portail_famille.models import FilDiscussion, Participation, Reclamation
from portail_famille.services import messages as msg
from portail_famille.services import questionnaires as qs
from portail_famille.services import reclamations as rec

# --- serializers ----------------------------------------------------------------------------------------------


class PortailFilSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    jeune_id = serializers.IntegerField()
    jeune_prenom = serializers.CharField(source="jeune.prenom")
    sujet = serializers.CharField()
    created_at = serializers.DateTimeField()
    dernier_message_le = serializers.DateTimeField()
    clos_le = serializers.DateTimeField(allow_null=True)
    non_lus = serializers.IntegerField(default=0)


class PortailMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    de_l_equipe = serializers.BooleanField()
    auteur = serializers.SerializerMethodField()
    texte = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_auteur(self, message) -> str:
        """« Vous » for the account's own messages, the professional's first name otherwise."""
        if not message.de_l_equipe:
            return "Vous"
        return f"{message.auteur.first_name or 'L’équipe'} (équipe)"


class PortailFilDetailSerializer(PortailFilSerializer):
    messages = PortailMessageSerializer(many=True, source="messages_fil")


class PortailFilCreateSerializer(serializers.Serializer):
    jeune_id = serializers.IntegerField()
    sujet = serializers.CharField(max_length=200)
    texte = serializers.CharField(max_length=5000)


class PortailTexteSerializer(serializers.Serializer):
    texte = serializers.CharField(max_length=5000)


class PortailQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    libelle = serializers.CharField()
    type = serializers.CharField()
    echelle_max = serializers.IntegerField()
    libelle_min = serializers.CharField()
    libelle_max = serializers.CharField()
    choix = serializers.ListField(child=serializers.CharField())
    obligatoire = serializers.BooleanField()


class PortailQuestionnaireSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    titre = serializers.CharField()
    introduction = serializers.CharField()
    dispositif = serializers.CharField(source="dispositif.nom")
    deja_repondu = serializers.BooleanField()
    questions = PortailQuestionSerializer(many=True, source="questions_list")


class PortailReponsesSerializer(serializers.Serializer):
    reponses = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text="Identifiant de question → réponse (note « 1 » à « N », libellé du choix, ou texte).",
    )


class PortailReclamationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    objet = serializers.CharField()
    texte = serializers.CharField()
    jeune_id = serializers.IntegerField(allow_null=True)
    statut = serializers.CharField()
    statut_libelle = serializers.CharField(source="get_statut_display")
    recue_le = serializers.DateTimeField()
    reponse = serializers.CharField()
    repondue_le = serializers.DateTimeField(allow_null=True)


class PortailReclamationCreateSerializer(serializers.Serializer):
    jeune_id = serializers.IntegerField(help_text="Le jeune concerné, ou dont le dispositif est concerné.")
    au_sujet_du_jeune = serializers.BooleanField(default=True, help_text="Faux : demande générale au dispositif.")
    type = serializers.ChoiceField(choices=TypeReclamation.choices)
    objet = serializers.CharField(max_length=200)
    texte = serializers.CharField(max_length=5000)


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- threads --------------------------------------------------------------------------------------------------


def _acces_messagerie(request):
    return [a for a in acces_actifs(request) if a.messagerie]


def _fil(request, pk):
    fil = (
        FilDiscussion.objects.filter(organisme_id=request.user.organisme_id, compte_id=request.user.pk, pk=pk)
        .select_related("jeune")
        .first()
    )
    if fil is None:
        raise Http404
    acces = api_acces(request, fil.jeune_id, "messagerie")
    if acces.espace != fil.espace:
        raise Http404
    return fil, acces


class FilListView(PortailApiView):
    @extend_schema(operation_id="portail_messages_list", responses=PortailFilSerializer(many=True), tags=["portail"])
    def get(self, request):
        acces_list = _acces_messagerie(request)
        fils = list(selectors.fils_du_compte(request.user, [a.jeune_id for a in acces_list])) if acces_list else []
        return Response(PortailFilSerializer(fils, many=True).data)

    @extend_schema(
        operation_id="portail_messages_create",
        request=PortailFilCreateSerializer,
        responses={201: PortailFilSerializer},
        tags=["portail"],
    )
    def post(self, request):
        data = _valid(PortailFilCreateSerializer, request)
        acces = api_acces(request, data["jeune_id"], "messagerie")
        try:
            fil = msg.fil_creer(
                actor=request.user, acces=acces, sujet=data["sujet"], texte=data["texte"], request=request
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from None
        return Response(PortailFilSerializer(fil).data, status=status.HTTP_201_CREATED)


class FilDetailView(PortailApiView):
    @extend_schema(operation_id="portail_messages_retrieve", responses=PortailFilDetailSerializer, tags=["portail"])
    def get(self, request, pk):
        fil, _ = _fil(request, pk)
        fil.messages_fil = selectors.messages_du_fil(fil)
        msg.fil_marquer_lu(user=request.user, fil=fil)
        return Response(PortailFilDetailSerializer(fil).data)


class FilRepondreView(PortailApiView):
    @extend_schema(
        operation_id="portail_messages_reply",
        request=PortailTexteSerializer,
        responses={201: PortailMessageSerializer},
        tags=["portail"],
    )
    def post(self, request, pk):
        fil, acces = _fil(request, pk)
        data = _valid(PortailTexteSerializer, request)
        try:
            message = msg.message_envoyer(
                actor=request.user, fil=fil, texte=data["texte"], acces=acces, request=request
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from None
        return Response(PortailMessageSerializer(message).data, status=status.HTTP_201_CREATED)


# --- questionnaires -------------------------------------------------------------------------------------------


class QuestionnaireListView(PortailApiView):
    @extend_schema(
        operation_id="portail_questionnaires_list",
        responses=PortailQuestionnaireSerializer(many=True),
        tags=["portail"],
    )
    def get(self, request):
        from django.db.models import Prefetch

        from portail_famille.models import Question

        questionnaires = list(
            qs.questionnaires_ouverts(acces_actifs(request))
            .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("ordre", "pk")))
            .order_by("-ouvert_le", "-pk")
        )
        repondus = set(
            Participation.objects.filter(
                user_id=request.user.pk, questionnaire__in=[q.pk for q in questionnaires]
            ).values_list("questionnaire_id", flat=True)
        )
        for q in questionnaires:
            q.deja_repondu = q.pk in repondus
            q.questions_list = list(q.questions.all())
        return Response(PortailQuestionnaireSerializer(questionnaires, many=True).data)


class QuestionnaireRepondreView(PortailApiView):
    @extend_schema(
        operation_id="portail_questionnaires_answer",
        request=PortailReponsesSerializer,
        responses={201: inline_serializer("ReponseEnregistree", {"detail": serializers.CharField()})},
        tags=["portail"],
    )
    def post(self, request, pk):
        questionnaire = qs.questionnaires_ouverts(acces_actifs(request)).filter(pk=pk).first()
        if questionnaire is None:
            raise Http404
        data = _valid(PortailReponsesSerializer, request)
        try:
            qs.questionnaire_repondre(
                actor=request.user,
                acces_list=acces_actifs(request),
                questionnaire=questionnaire,
                valeurs=data["reponses"],
                request=request,
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from None
        return Response({"detail": "Merci, vos réponses sont enregistrées."}, status=status.HTTP_201_CREATED)


# --- réclamations ---------------------------------------------------------------------------------------------


class ReclamationListView(PortailApiView):
    @extend_schema(
        operation_id="portail_reclamations_list", responses=PortailReclamationSerializer(many=True), tags=["portail"]
    )
    def get(self, request):
        if not acces_actifs(request):
            raise Http404
        rows = Reclamation.objects.filter(organisme_id=request.user.organisme_id, auteur_id=request.user.pk).order_by(
            "-recue_le", "-pk"
        )
        return Response(PortailReclamationSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="portail_reclamations_create",
        request=PortailReclamationCreateSerializer,
        responses={201: PortailReclamationSerializer},
        tags=["portail"],
    )
    def post(self, request):
        data = _valid(PortailReclamationCreateSerializer, request)
        acces = api_acces(request, data["jeune_id"])
        try:
            reclamation = rec.reclamation_deposer(
                actor=request.user,
                acces=acces,
                type=data["type"],
                objet=data["objet"],
                texte=data["texte"],
                au_sujet_du_jeune=data["au_sujet_du_jeune"],
                request=request,
            )
        except DjangoValidationError as exc:
            raise service_errors(exc) from None
        return Response(PortailReclamationSerializer(reclamation).data, status=status.HTTP_201_CREATED)
