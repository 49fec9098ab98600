"""Serializers of the agendas API. Read serializers expose what a professional of the dispositif may see; write
serializers only validate input for the services (``serializer.save()`` is never called). Ids of related objects
are looked up in the user's organisme only (another organisme's id is "not found")."""

from rest_framework import serializers

from agendas.enums import Cadre, MotifAbsence, Presence, StatutEvenement, TypeLieu, TypeRessource
from agendas.models import Evenement, Nature, Ressource, Serie
from core.enums import AccountKind, Modalite
from core.models import Dispositif, Site, User
from dossiers.models import Intervenant, Jeune, Partenaire


class ParticipationJeuneSerializer(serializers.Serializer):
    jeune = serializers.IntegerField(source="jeune_id")
    prenom = serializers.CharField(source="jeune.prenom")
    nom = serializers.CharField(source="jeune.nom")
    presence = serializers.CharField()
    motif_absence = serializers.CharField()


class EvenementSerializer(serializers.ModelSerializer):
    nature_code = serializers.CharField(source="nature.code", read_only=True)
    nature_libelle = serializers.CharField(source="nature.libelle", read_only=True)
    jeunes = ParticipationJeuneSerializer(many=True, read_only=True, source="jeunes_lisibles")
    professionnels = serializers.SerializerMethodField()
    intervenants = serializers.SerializerMethodField()
    ressources = serializers.SerializerMethodField()
    a_compte_rendu = serializers.SerializerMethodField()

    class Meta:
        model = Evenement
        fields = [
            "id", "ref", "dispositif", "nature", "nature_code", "nature_libelle", "titre", "debut", "fin", "statut",
            "cadre", "serafin_code", "serafin_version", "hors_prestation", "modalite", "lieu_type", "site",
            "lieu_detail", "partenaire", "visible_famille", "commentaire", "serie", "occurrence_de", "detachee",
            "jeunes", "professionnels", "intervenants", "ressources", "a_compte_rendu", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_professionnels(self, obj) -> list[int]:
        return [p.user_id for p in obj.participations_professionnels.all()]

    def get_intervenants(self, obj) -> list[int]:
        return [p.intervenant_id for p in obj.participations_intervenants.all()]

    def get_ressources(self, obj) -> list[int]:
        return [r.ressource_id for r in obj.reservations.all()]

    def get_a_compte_rendu(self, obj) -> bool:
        return getattr(obj, "cr_exists", False)


def _scoped(model, organisme_id, **filters):
    return model.objects.filter(organisme_id=organisme_id, **filters)


class IdsField(serializers.ListField):
    child = serializers.IntegerField(min_value=1)


class _ScopedWriteSerializer(serializers.Serializer):
    """Resolves the ids of the organisme's objects (``SCOPED``: field -> (model, filters))."""

    SCOPED: dict = {}

    def __init__(self, *args, organisme_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisme_id = organisme_id
        for name, (model, filters) in self.SCOPED.items():
            if name in self.fields and organisme_id is not None:
                self.fields[name].queryset = _scoped(model, organisme_id, **filters)

    def _check_ids(self, ids, model, message, **filters):
        ids = list(dict.fromkeys(ids))
        found = set(_scoped(model, self.organisme_id, pk__in=ids, **filters).values_list("pk", flat=True))
        if missing := [i for i in ids if i not in found]:
            raise serializers.ValidationError(f"{message} : {', '.join(map(str, missing))}.")
        return ids

    def validate_jeunes(self, value):
        return self._check_ids(value, Jeune, "Jeunes inconnus")

    def validate_professionnels(self, value):
        return self._check_ids(value, User, "Professionnels inconnus", kind=AccountKind.PROFESSIONNEL, is_active=True)

    def validate_intervenants(self, value):
        return self._check_ids(value, Intervenant, "Intervenants inconnus")

    def validate_ressources(self, value):
        return self._check_ids(value, Ressource, "Ressources inconnues ou désactivées", is_active=True)


class EvenementWriteSerializer(_ScopedWriteSerializer):
    SCOPED = {
        "dispositif": (Dispositif, {}),
        "nature": (Nature, {"is_active": True}),
        "site": (Site, {}),
        "partenaire": (Partenaire, {}),
    }

    dispositif = serializers.PrimaryKeyRelatedField(queryset=Dispositif.objects.none())
    nature = serializers.PrimaryKeyRelatedField(queryset=Nature.objects.none())
    debut = serializers.DateTimeField()
    fin = serializers.DateTimeField()
    titre = serializers.CharField(max_length=200, required=False, allow_blank=True)
    modalite = serializers.ChoiceField(Modalite.choices, required=False, allow_blank=True)
    lieu_type = serializers.ChoiceField(TypeLieu.choices, required=False)
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.none(), required=False, allow_null=True)
    lieu_detail = serializers.CharField(max_length=200, required=False, allow_blank=True)
    partenaire = serializers.PrimaryKeyRelatedField(queryset=Partenaire.objects.none(), required=False,
                                                    allow_null=True)  # fmt: skip
    visible_famille = serializers.BooleanField(required=False, allow_null=True, default=None)
    hors_prestation = serializers.BooleanField(required=False, allow_null=True, default=None)
    commentaire = serializers.CharField(required=False, allow_blank=True)
    statut = serializers.ChoiceField(StatutEvenement.choices, required=False)
    ref = serializers.CharField(max_length=100, required=False, allow_blank=True)
    jeunes = IdsField(required=False)
    professionnels = IdsField(required=False)
    intervenants = IdsField(required=False)
    ressources = IdsField(required=False)


class EvenementUpdateSerializer(EvenementWriteSerializer):
    """A partial update: only the fields sent change (``jeunes`` etc. replace the whole set). For an occurrence of
    a series, ``portee`` says what to change: ``cette`` (default), ``suivantes`` or ``toutes``."""

    portee = serializers.ChoiceField([("cette", "cette"), ("suivantes", "suivantes"), ("toutes", "toutes")],
                                     required=False, default="cette")  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("dispositif", "statut", "ref"):
            self.fields.pop(name)
        self.fields["visible_famille"].default = serializers.empty
        self.fields["hors_prestation"].default = serializers.empty


class PresenceSerializer(serializers.Serializer):
    jeune = serializers.IntegerField(min_value=1)
    presence = serializers.ChoiceField(Presence.choices, allow_blank=True)
    motif = serializers.ChoiceField(MotifAbsence.choices, required=False, allow_blank=True, default="")


class PresencesSerializer(serializers.Serializer):
    presences = PresenceSerializer(many=True, allow_empty=False)


class StatutSerializer(serializers.Serializer):
    statut = serializers.ChoiceField(StatutEvenement.choices)


class NatureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Nature
        fields = ["id", "dispositif", "code", "libelle", "cadre", "serafin_code", "serafin_version",
                  "hors_prestation", "discrete", "visible_famille", "is_active"]  # fmt: skip
        read_only_fields = fields


class NatureWriteSerializer(_ScopedWriteSerializer):
    SCOPED = {"dispositif": (Dispositif, {})}

    dispositif = serializers.PrimaryKeyRelatedField(queryset=Dispositif.objects.none())
    code = serializers.SlugField(max_length=50)
    libelle = serializers.CharField(max_length=150)
    cadre = serializers.ChoiceField(Cadre.choices)
    serafin_code = serializers.CharField(max_length=20)
    hors_prestation = serializers.BooleanField(required=False, default=False)
    discrete = serializers.BooleanField(required=False, default=False)
    visible_famille = serializers.BooleanField(required=False, default=True)
    is_active = serializers.BooleanField(required=False, default=True)


class RessourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Ressource
        fields = ["id", "dispositif", "site", "type", "nom", "capacite", "is_active"]
        read_only_fields = ["id"]

    def __init__(self, *args, organisme_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisme_id is not None:
            self.fields["dispositif"].queryset = _scoped(Dispositif, organisme_id)
            self.fields["site"].queryset = _scoped(Site, organisme_id)
        self.fields["type"].choices = TypeRessource.choices


class SerieSerializer(serializers.ModelSerializer):
    nature_code = serializers.CharField(source="nature.code", read_only=True)
    jeunes = serializers.SerializerMethodField()
    professionnels = serializers.SerializerMethodField()
    ressources = serializers.SerializerMethodField()

    class Meta:
        model = Serie
        fields = [
            "id", "dispositif", "nature", "nature_code", "titre", "rrule", "debut", "duree", "exdates", "fin_serie",
            "sauter_fermetures", "genere_jusqu_au", "modalite", "lieu_type", "site", "lieu_detail", "partenaire",
            "visible_famille", "jeunes", "professionnels", "ressources", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_jeunes(self, obj) -> list[int]:
        return [p.jeune_id for p in obj.seriejeune_set.all()]

    def get_professionnels(self, obj) -> list[int]:
        return [p.user_id for p in obj.serieprofessionnel_set.all()]

    def get_ressources(self, obj) -> list[int]:
        return [p.ressource_id for p in obj.serieressource_set.all()]


class SerieWriteSerializer(_ScopedWriteSerializer):
    SCOPED = EvenementWriteSerializer.SCOPED

    dispositif = serializers.PrimaryKeyRelatedField(queryset=Dispositif.objects.none())
    nature = serializers.PrimaryKeyRelatedField(queryset=Nature.objects.none())
    rrule = serializers.CharField(help_text="Règle RFC 5545, par exemple FREQ=WEEKLY;BYDAY=TU.")
    debut = serializers.DateTimeField(help_text="Début de la première occurrence (avec fuseau horaire).")
    duree = serializers.DurationField(help_text="Durée d'une occurrence, par exemple 02:30:00.")
    exdates = serializers.ListField(child=serializers.DateField(), required=False, default=list)
    fin_serie = serializers.DateField(required=False, allow_null=True, default=None)
    sauter_fermetures = serializers.BooleanField(required=False, default=True)
    titre = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    modalite = serializers.ChoiceField(Modalite.choices, required=False, allow_blank=True, default="")
    lieu_type = serializers.ChoiceField(TypeLieu.choices, required=False, default=TypeLieu.SITE)
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.none(), required=False, allow_null=True,
                                              default=None)  # fmt: skip
    lieu_detail = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    partenaire = serializers.PrimaryKeyRelatedField(queryset=Partenaire.objects.none(), required=False,
                                                    allow_null=True, default=None)  # fmt: skip
    visible_famille = serializers.BooleanField(required=False, allow_null=True, default=None)
    jeunes = IdsField(required=False, default=list)
    professionnels = IdsField(required=False, default=list)
    ressources = IdsField(required=False, default=list)
