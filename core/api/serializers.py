"""Read serializers of the core API. No password, TOTP or token field is ever serialized."""

from rest_framework import serializers

from core.models import Affectation, Dispositif, Notification, Site, User


class SiteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Site
        fields = ["id", "dispositif", "nom", "finess", "modalites", "adresse", "is_active"]


class DispositifSiteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Site
        fields = ["id", "nom", "finess", "modalites", "is_active"]


class DispositifSerializer(serializers.ModelSerializer):
    sites = DispositifSiteSerializer(many=True, read_only=True)

    class Meta:
        model = Dispositif
        fields = ["id", "nom", "finess", "is_active", "sites"]


class AffectationSerializer(serializers.ModelSerializer):
    dispositif_nom = serializers.CharField(source="dispositif.nom", read_only=True)
    site_nom = serializers.CharField(source="site.nom", read_only=True, default=None)
    metier_libelle = serializers.CharField(source="get_metier_display", read_only=True)

    class Meta:
        model = Affectation
        fields = [
            "id",
            "dispositif",
            "dispositif_nom",
            "site",
            "site_nom",
            "metier",
            "metier_libelle",
            "role",
            "debut",
            "fin",
        ]


class ProfessionnelSerializer(serializers.ModelSerializer):
    affectations = AffectationSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name", "is_active", "affectations"]


class NotificationSerializer(serializers.ModelSerializer):
    lue = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "titre", "lien", "categorie", "created_at", "read_at", "lue"]

    def get_lue(self, obj) -> bool:
        return obj.read_at is not None


class MarquerLuesSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        allow_empty=False,
        max_length=1000,
        help_text="Notifications à marquer comme lues ; toutes les notifications non lues si absent.",
    )


class MarquerLuesResultSerializer(serializers.Serializer):
    marquees = serializers.IntegerField(help_text="Nombre de notifications passées à « lue ».")


class OrganismeResumeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nom = serializers.CharField()


class MeSerializer(serializers.ModelSerializer):
    organisme = OrganismeResumeSerializer(read_only=True)
    kind_libelle = serializers.CharField(source="get_kind_display", read_only=True)
    affectations = AffectationSerializer(many=True, read_only=True)
    metiers = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "kind",
            "kind_libelle",
            "organisme",
            "metiers",
            "affectations",
        ]

    def get_metiers(self, obj) -> list[str]:
        return sorted({a.metier for a in obj.affectations.all()})
