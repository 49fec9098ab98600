"""Serializers of the transmissions API. Read serializers show what ``selectors.with_display`` loaded; write
serializers only validate input for the services (``serializer.save()`` is never called)."""

from rest_framework import serializers

from core.enums import Visibilite
from core.models import Dispositif, Site, User
from dossiers.models import Jeune
from transmissions.enums import Importance
from transmissions.models import Categorie, Transmission


class PersonneSerializer(serializers.ModelSerializer):
    nom = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "nom"]


class JeuneTransmissionSerializer(serializers.ModelSerializer):
    nom = serializers.CharField(read_only=True)

    class Meta:
        model = Jeune
        fields = ["id", "prenom", "nom"]


class CategorieSerializer(serializers.ModelSerializer):
    class Meta:
        model = Categorie
        fields = ["id", "code", "libelle", "ordre", "is_active"]


class AddendumSerializer(serializers.ModelSerializer):
    auteur = PersonneSerializer(read_only=True)

    class Meta:
        model = Transmission
        fields = ["id", "auteur", "texte", "validee_le"]


class TransmissionSerializer(serializers.ModelSerializer):
    auteur = PersonneSerializer(read_only=True)
    categorie = CategorieSerializer(read_only=True)
    jeunes = JeuneTransmissionSerializer(many=True, read_only=True)
    addenda = AddendumSerializer(many=True, read_only=True)
    lu = serializers.BooleanField(read_only=True, help_text="L'utilisateur l'a marquée comme lue.")
    nb_lectures = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Transmission
        fields = [
            "id", "statut", "auteur", "dispositif", "site", "survenue_le", "categorie", "jeunes", "cible", "donnees",
            "actions", "resultats", "texte", "visibilite", "importance", "validee_le", "addendum_de", "addenda",
            "lu", "nb_lectures",
        ]  # fmt: skip
        read_only_fields = fields


class TransmissionCreateSerializer(serializers.Serializer):
    """A new transmission: a draft, or validated at once with ``valider`` (then immutable)."""

    dispositif = serializers.PrimaryKeyRelatedField(queryset=Dispositif.objects.none())
    categorie = serializers.PrimaryKeyRelatedField(queryset=Categorie.objects.none())
    jeunes = serializers.PrimaryKeyRelatedField(queryset=Jeune.objects.none(), many=True, required=False)
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.none(), required=False, allow_null=True)
    survenue_le = serializers.DateTimeField(required=False, allow_null=True)
    cible = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    donnees = serializers.CharField(required=False, allow_blank=True, default="")
    actions = serializers.CharField(required=False, allow_blank=True, default="")
    resultats = serializers.CharField(required=False, allow_blank=True, default="")
    texte = serializers.CharField(required=False, allow_blank=True, default="")
    visibilite = serializers.ChoiceField(Visibilite.choices, default=Visibilite.EQUIPE)
    importance = serializers.ChoiceField(Importance.choices, default=Importance.NORMALE)
    mentions = serializers.PrimaryKeyRelatedField(queryset=User.objects.none(), many=True, required=False)
    valider = serializers.BooleanField(default=False, help_text="Valider tout de suite (la transmission devient "
                                       "définitive).")  # fmt: skip

    def __init__(self, *args, organisme_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisme_id is None:  # schema generation: no organisme, the querysets stay empty
            return
        self.fields["dispositif"].queryset = Dispositif.objects.filter(organisme_id=organisme_id)
        self.fields["categorie"].queryset = Categorie.objects.filter(organisme_id=organisme_id, is_active=True)
        self.fields["jeunes"].child_relation.queryset = Jeune.objects.filter(organisme_id=organisme_id)
        self.fields["site"].queryset = Site.objects.filter(organisme_id=organisme_id)
        self.fields["mentions"].child_relation.queryset = User.objects.filter(organisme_id=organisme_id)


class AddendumCreateSerializer(serializers.Serializer):
    texte = serializers.CharField()


class LectureSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=500)
