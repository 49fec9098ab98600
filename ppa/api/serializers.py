"""Serializers of the PPA API. Read serializers show what the viewsets loaded (prefetched); write serializers only
validate input for the services (``serializer.save()`` is never called)."""

from rest_framework import serializers

from core.models import User
from ppa.enums import MotifRevue, TypeVersion
from ppa.models import Accord, Action, Evaluation, LienObjectif, Objectif, Ppa, PpaVersion, Revue


class PpaPersonneSerializer(serializers.ModelSerializer):
    nom = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "nom"]


class PpaActionSerializer(serializers.ModelSerializer):
    responsable = PpaPersonneSerializer(read_only=True)

    class Meta:
        model = Action
        fields = ["id", "ordre", "libelle", "moyens", "responsable", "frequence"]
        read_only_fields = fields


class PpaLienSerializer(serializers.ModelSerializer):
    libelle = serializers.SerializerMethodField()

    class Meta:
        model = LienObjectif
        fields = ["id", "objectif", "evenement", "serie", "libelle", "created_at"]
        read_only_fields = fields

    def get_libelle(self, lien) -> str:
        return str(lien.serie if lien.serie_id else lien.evenement)


class PpaObjectifSerializer(serializers.ModelSerializer):
    referent = PpaPersonneSerializer(read_only=True)
    actions = PpaActionSerializer(many=True, read_only=True)
    liens = PpaLienSerializer(many=True, read_only=True)

    class Meta:
        model = Objectif
        fields = [
            "id", "cle", "ordre", "titre", "description", "besoin_code", "prestations", "serafin_version", "referent",
            "date_debut", "date_fin", "resultat_attendu", "avis_jeune", "phrase_falc", "actions", "liens",
        ]  # fmt: skip
        read_only_fields = fields


class PpaAccordSerializer(serializers.ModelSerializer):
    recueilli_par = PpaPersonneSerializer(read_only=True)
    signature_tracee = serializers.SerializerMethodField(help_text="Une signature a été tracée sur tablette.")

    class Meta:
        model = Accord
        fields = [
            "id", "signataire", "proche", "nom_signataire", "mode", "date", "signature_tracee", "document",
            "commentaire", "recueilli_par", "recueilli_le",
        ]  # fmt: skip
        read_only_fields = fields

    def get_signature_tracee(self, accord) -> bool:
        return bool(accord.signature)


class PpaEvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evaluation
        fields = ["id", "objectif", "resultat", "commentaire"]
        read_only_fields = fields


class PpaRevueSerializer(serializers.ModelSerializer):
    evaluations = PpaEvaluationSerializer(many=True, read_only=True)

    class Meta:
        model = Revue
        fields = ["id", "version", "motif", "date", "periode_debut", "periode_fin", "synthese", "terminee",
                  "evaluations"]  # fmt: skip
        read_only_fields = fields


class PpaVersionCourteSerializer(serializers.ModelSerializer):
    class Meta:
        model = PpaVersion
        fields = ["id", "numero", "type", "statut", "valide_le", "clos_le"]
        read_only_fields = fields


class PpaVersionSerializer(serializers.ModelSerializer):
    dossier = serializers.IntegerField(source="ppa.dossier_id", read_only=True)
    objectifs = PpaObjectifSerializer(many=True, read_only=True)
    accords = PpaAccordSerializer(many=True, read_only=True)
    revues = PpaRevueSerializer(many=True, read_only=True)

    class Meta:
        model = PpaVersion
        fields = [
            "id", "ppa", "dossier", "numero", "type", "precedente", "statut", "motif", "attentes_jeune",
            "attentes_famille", "besoins", "serafin_version", "synthese", "date_debut", "date_fin", "date_revision",
            "valide_le", "clos_le", "objectifs", "accords", "revues",
        ]  # fmt: skip
        read_only_fields = fields


class PpaSerializer(serializers.ModelSerializer):
    jeune = serializers.IntegerField(source="dossier.jeune_id", read_only=True)
    versions = PpaVersionCourteSerializer(many=True, read_only=True)

    class Meta:
        model = Ppa
        fields = ["id", "dossier", "jeune", "prochaine_echeance", "versions"]
        read_only_fields = fields


class PpaEcheanceSerializer(serializers.Serializer):
    dossier = serializers.IntegerField(source="dossier.pk")
    jeune = serializers.IntegerField(source="dossier.jeune_id")
    dispositif = serializers.IntegerField(source="dossier.dispositif_id")
    ppa = serializers.IntegerField(source="ppa_id", allow_null=True)
    admission = serializers.DateField(source="dossier.admission")
    echeance = serializers.DateField()
    etat = serializers.ChoiceField(choices=["en_retard", "a_echeance", "a_jour"])
    premier_ppa = serializers.BooleanField()
    referent = serializers.IntegerField(source="dossier.referent_id", allow_null=True)


# --- Write (input only) --------------------------------------------------------------------------------------------


class PpaVersionCreateSerializer(serializers.Serializer):
    dossier = serializers.IntegerField(required=False, help_text="Ouvrir le PPA d'un dossier (version 1).")
    precedente = serializers.IntegerField(required=False, help_text="Créer un avenant de cette version en vigueur.")
    motif = serializers.CharField(required=False, allow_blank=True, help_text="Motif de l'avenant (obligatoire).")
    type = serializers.ChoiceField(choices=[TypeVersion.AVENANT, TypeVersion.RENOUVELLEMENT], required=False)

    def validate(self, data):
        if ("dossier" in data) == ("precedente" in data):
            raise serializers.ValidationError(
                "Indiquez soit « dossier » (premier PPA), soit « precedente » (avenant)."
            )
        return data


class PpaObjectifCreateSerializer(serializers.Serializer):
    titre = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    besoin_code = serializers.CharField(max_length=20)
    prestations = serializers.ListField(child=serializers.CharField(max_length=20), required=False)
    referent = serializers.IntegerField(required=False, allow_null=True)
    date_debut = serializers.DateField(required=False, allow_null=True)
    date_fin = serializers.DateField(required=False, allow_null=True)
    resultat_attendu = serializers.CharField(required=False, allow_blank=True)
    avis_jeune = serializers.CharField(required=False, allow_blank=True)
    phrase_falc = serializers.CharField(required=False, allow_blank=True, max_length=300)


class PpaLienCreateSerializer(serializers.Serializer):
    objectif = serializers.IntegerField()
    evenement = serializers.IntegerField(required=False)
    serie = serializers.IntegerField(required=False)

    def validate(self, data):
        if ("evenement" in data) == ("serie" in data):
            raise serializers.ValidationError("Indiquez soit « evenement », soit « serie ».")
        return data


class PpaRevueCreateSerializer(serializers.Serializer):
    motif = serializers.ChoiceField(choices=MotifRevue.choices, default=MotifRevue.ANNUELLE)
    date = serializers.DateField(required=False)
    periode_debut = serializers.DateField(required=False)
    periode_fin = serializers.DateField(required=False)
