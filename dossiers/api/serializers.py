"""Serializers of the dossiers API. Read serializers list what a professional of the dispositif may see; write
serializers only validate input for the services (``serializer.save()`` is never called)."""

from django.urls import NoReverseMatch, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.enums import Modalite
from core.models import Dispositif, Site, User
from dossiers.enums import IssuePreAdmission, MotifSortie, OriginePreAdmission, Priorite
from dossiers.models import Document, Dossier, Intervenant, Jeune, Parcours, Partenaire, Proche


class JeuneCourtSerializer(serializers.ModelSerializer):
    nom = serializers.CharField(read_only=True)

    class Meta:
        model = Jeune
        fields = ["id", "num", "prenom", "nom", "date_naissance", "sexe"]


class DossierCourtSerializer(serializers.ModelSerializer):
    dispositif_nom = serializers.CharField(source="dispositif.nom", read_only=True)

    class Meta:
        model = Dossier
        fields = ["id", "dispositif", "dispositif_nom", "statut", "modalites", "archived_at"]


class JeuneSerializer(serializers.ModelSerializer):
    nom = serializers.CharField(read_only=True)
    dossiers = DossierCourtSerializer(many=True, read_only=True, source="dossiers_lisibles")

    class Meta:
        model = Jeune
        fields = [
            "id", "num", "ref", "nom", "nom_naissance", "nom_usage", "prenom", "prenoms_etat_civil",
            "date_naissance", "sexe", "lieu_naissance_insee", "ins_matricule", "statut_identite", "adresse",
            "code_postal", "commune", "telephone", "deficience_principale", "deficiences_associees", "mesure_ase",
            "mesure_ase_type", "created_at", "dossiers",
        ]  # fmt: skip
        read_only_fields = ["num", "statut_identite", "created_at"]


PRE_ADMISSION_FIELDS = (
    "dispositif", "debut", "origine", "site", "date_orientation", "modalites_demandees", "priorite", "prochaine_etape",
)  # fmt: skip


class JeuneCreateSerializer(JeuneSerializer):
    """A new youth and their dossier opened in pre-admission in ``dispositif`` (one request, all or nothing)."""

    dispositif = serializers.PrimaryKeyRelatedField(queryset=Dispositif.objects.none(), write_only=True)
    debut = serializers.DateField(write_only=True, help_text="Début de la pré-admission (premier contact).")
    origine = serializers.ChoiceField(OriginePreAdmission.choices, write_only=True, required=False, default="")
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.none(), write_only=True, required=False)
    date_orientation = serializers.DateField(write_only=True, required=False, allow_null=True)
    modalites_demandees = serializers.ListField(
        child=serializers.ChoiceField(Modalite.choices), write_only=True, required=False, default=list
    )
    priorite = serializers.ChoiceField(Priorite.choices, write_only=True, required=False, default=Priorite.NORMALE)
    prochaine_etape = serializers.CharField(write_only=True, required=False, default="", allow_blank=True)

    PRE_ADMISSION_FIELDS = PRE_ADMISSION_FIELDS

    class Meta(JeuneSerializer.Meta):
        fields = [*JeuneSerializer.Meta.fields, *PRE_ADMISSION_FIELDS]

    def __init__(self, *args, organisme_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispositif"].queryset = Dispositif.objects.filter(organisme_id=organisme_id)
        self.fields["site"].queryset = Site.objects.filter(organisme_id=organisme_id)


class DossierSerializer(serializers.ModelSerializer):
    jeune = JeuneCourtSerializer(read_only=True)
    dispositif_nom = serializers.CharField(source="dispositif.nom", read_only=True)
    site_nom = serializers.CharField(source="site.nom", read_only=True, default=None)
    statut_libelle = serializers.CharField(source="get_statut_display", read_only=True)
    referent_nom = serializers.CharField(source="referent.get_full_name", read_only=True, default=None)
    coordinateur_nom = serializers.CharField(source="coordinateur.get_full_name", read_only=True, default=None)

    class Meta:
        model = Dossier
        fields = [
            "id", "jeune", "dispositif", "dispositif_nom", "site", "site_nom", "statut", "statut_libelle",
            "modalites", "referent", "referent_nom", "coordinateur", "coordinateur_nom", "est_restreint",
            "date_orientation", "modalites_demandees", "priorite", "prochaine_etape", "contrat_remis_le",
            "contrat_signe_le", "archived_at", "created_at",
        ]  # fmt: skip
        read_only_fields = ["statut", "modalites", "est_restreint", "archived_at", "created_at"]


class DossierCreateSerializer(serializers.Serializer):
    """Open a pre-admission for a youth already known (in another dispositif) in ``dispositif``."""

    jeune = serializers.PrimaryKeyRelatedField(queryset=Jeune.objects.none())
    dispositif = serializers.PrimaryKeyRelatedField(queryset=Dispositif.objects.none())
    debut = serializers.DateField(help_text="Début de la pré-admission (premier contact).")
    origine = serializers.ChoiceField(OriginePreAdmission.choices, required=False, default="")
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.none(), required=False, allow_null=True)
    date_orientation = serializers.DateField(required=False, allow_null=True)
    modalites_demandees = serializers.ListField(
        child=serializers.ChoiceField(Modalite.choices), required=False, default=list
    )
    priorite = serializers.ChoiceField(Priorite.choices, required=False, default=Priorite.NORMALE)
    prochaine_etape = serializers.CharField(required=False, default="", allow_blank=True, max_length=300)

    def __init__(self, *args, organisme_id=None, jeunes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jeune"].queryset = jeunes if jeunes is not None else Jeune.objects.none()
        self.fields["dispositif"].queryset = Dispositif.objects.filter(organisme_id=organisme_id)
        self.fields["site"].queryset = Site.objects.filter(organisme_id=organisme_id)


class DossierUpdateSerializer(serializers.ModelSerializer):
    """Fields a writer may change outside the lifecycle steps."""

    referent = serializers.PrimaryKeyRelatedField(queryset=User.objects.none(), required=False, allow_null=True)
    coordinateur = serializers.PrimaryKeyRelatedField(queryset=User.objects.none(), required=False, allow_null=True)
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.none(), required=False, allow_null=True)

    class Meta:
        model = Dossier
        fields = [
            "site", "referent", "coordinateur", "date_orientation", "modalites_demandees", "priorite",
            "prochaine_etape", "contrat_remis_le", "contrat_signe_le",
        ]  # fmt: skip

    def __init__(self, *args, organisme_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        pros = User.objects.filter(organisme_id=organisme_id, kind="professionnel")
        self.fields["referent"].queryset = pros
        self.fields["coordinateur"].queryset = pros
        self.fields["site"].queryset = Site.objects.filter(organisme_id=organisme_id)


class AdmissionSerializer(serializers.Serializer):
    date_admission = serializers.DateField()
    modalites = serializers.ListField(child=serializers.ChoiceField(Modalite.choices), allow_empty=False)
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.none(), required=False, allow_null=True)

    def __init__(self, *args, organisme_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(organisme_id=organisme_id)


class CloturePreAdmissionSerializer(serializers.Serializer):
    date = serializers.DateField()
    issue = serializers.ChoiceField([c for c in IssuePreAdmission.choices if c[0] != IssuePreAdmission.ADMIS])
    commentaire = serializers.CharField(required=False, default="", allow_blank=True)


class SortieSerializer(serializers.Serializer):
    date_sortie = serializers.DateField()
    motif_sortie = serializers.ChoiceField(MotifSortie.choices)
    destination = serializers.CharField(required=False, default="", allow_blank=True, max_length=300)
    suivi_post_sortie = serializers.BooleanField(required=False, default=True)


class DateSerializer(serializers.Serializer):
    date = serializers.DateField()


class PonctuelSerializer(serializers.Serializer):
    debut = serializers.DateField()
    fin = serializers.DateField(required=False, allow_null=True, default=None)
    commentaire = serializers.CharField(required=False, default="", allow_blank=True)


class ParcoursSerializer(serializers.ModelSerializer):
    statut_libelle = serializers.CharField(source="get_statut_display", read_only=True)

    class Meta:
        model = Parcours
        fields = [
            "id", "dossier", "statut", "statut_libelle", "debut", "fin", "origine", "issue", "motif_sortie",
            "destination", "commentaire",
        ]  # fmt: skip


class ProcheSerializer(serializers.ModelSerializer):
    lien_libelle = serializers.CharField(source="get_lien_display", read_only=True)
    a_un_compte = serializers.SerializerMethodField()

    class Meta:
        model = Proche
        fields = [
            "id", "jeune", "nom", "prenom", "lien", "lien_libelle", "role", "representant_legal",
            "autorite_parentale", "mesure_protection", "telephone", "email", "adresse", "ordre_appel",
            "acces_portail", "recoit_documents", "a_un_compte", "commentaire",
        ]  # fmt: skip

    def get_a_un_compte(self, obj) -> bool:
        return obj.compte_id is not None


class DocumentSerializer(serializers.ModelSerializer):
    type_libelle = serializers.CharField(source="get_type_display", read_only=True)
    telechargement = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id", "dossier", "type", "type_libelle", "titre", "date_document", "visibilite", "nom_fichier",
            "content_type", "taille", "source", "statut", "donnees_tiers", "judiciaire", "uploaded_by",
            "created_at", "telechargement",
        ]  # fmt: skip

    @extend_schema_field(OpenApiTypes.URI)
    def get_telechargement(self, obj) -> str | None:
        """The permission-checked, audited download page (the file itself is never served by the API)."""
        try:
            url = reverse("dossiers:document_download", kwargs={"pk": obj.pk})
        except NoReverseMatch:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class IntervenantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Intervenant
        fields = ["id", "nom", "prenom", "fonction", "telephone", "email"]


class PartenaireSerializer(serializers.ModelSerializer):
    type_libelle = serializers.CharField(source="get_type_display", read_only=True)
    intervenants = IntervenantSerializer(many=True, read_only=True)

    class Meta:
        model = Partenaire
        fields = [
            "id", "ref", "nom", "type", "type_libelle", "adresse", "telephone", "email", "is_active", "intervenants",
        ]  # fmt: skip


# --- writes (validated here, saved by the services) --------------------------------------------------------------


class ProcheWriteSerializer(ProcheSerializer):
    """A proche created for ``jeune`` (a youth of the organisme; the write right is checked on their dossiers) or
    updated (the youth never changes)."""

    jeune = serializers.PrimaryKeyRelatedField(queryset=Jeune.objects.none())

    def __init__(self, *args, organisme_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            self.fields["jeune"].read_only = True
        else:
            self.fields["jeune"].queryset = Jeune.objects.filter(organisme_id=organisme_id)


class DocumentUploadSerializer(serializers.Serializer):
    """Multipart upload of a document (the type is checked from the content, not the name nor the header)."""

    dossier = serializers.PrimaryKeyRelatedField(queryset=Dossier.objects.none())
    fichier = serializers.FileField(help_text="PDF, image, Word, Excel ou OpenDocument ; le type est vérifié "
                                    "d'après le contenu.")  # fmt: skip
    type = serializers.ChoiceField(Document._meta.get_field("type").choices)
    titre = serializers.CharField(max_length=200)
    date_document = serializers.DateField(required=False)
    visibilite = serializers.ChoiceField(Document._meta.get_field("visibilite").choices, required=False,
                                         default="equipe")  # fmt: skip
    donnees_tiers = serializers.BooleanField(required=False, default=False)
    judiciaire = serializers.BooleanField(required=False, default=False)

    def __init__(self, *args, organisme_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dossier"].queryset = Dossier.objects.filter(organisme_id=organisme_id)

    def validate_fichier(self, fichier):
        from dossiers.services.documents import MAX_SIZE

        if fichier.size > MAX_SIZE:
            raise serializers.ValidationError(
                f"Le fichier dépasse la taille maximale de {MAX_SIZE // (1024 * 1024)} Mo."
            )
        return fichier


class DocumentUpdateSerializer(serializers.ModelSerializer):
    """Metadata of a classified document (the file never changes)."""

    class Meta:
        model = Document
        fields = ["titre", "type", "date_document", "visibilite", "donnees_tiers", "judiciaire"]
