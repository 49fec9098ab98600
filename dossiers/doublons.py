"""Possible duplicates of a youth about to be created (``/dossiers/nouveau/``): youths of the organisme born the
same day whose name looks like the typed one (same trigram arrays and thresholds as the name search, accents and
typos tolerated). Searched across the whole organisme — a youth already known in another dispositif is the usual
case — but only the identity the user typed (name, birth date) is shown for dossiers they may not open."""

from dataclasses import dataclass, field

from django.contrib.postgres.fields import ArrayField
from django.db.models import CharField, F, FloatField, Prefetch, Q, Value
from django.db.models.functions import Cast, Greatest

from dossiers.models import Dossier, Jeune, fold, trigrams
from dossiers.perms import readable_dossiers
from dossiers.selectors import COVERAGE_THRESHOLD, SIMILARITY_THRESHOLD, TrigramSetSize

DOUBLONS_LIMIT = 5


@dataclass
class Doublon:
    jeune: Jeune
    dossiers: list = field(default_factory=list)  # every dossier of the youth, each with ``lisible``
    a_un_dossier_ici: bool = False  # already has a dossier in the dispositif chosen in the form


def similar_jeunes(access, *, prenom: str, nom_naissance: str, nom_usage: str = "", date_naissance, dispositif=None):
    """Youths of the organisme born on ``date_naissance`` with a similar name, most similar first (2 queries +
    1 for the readable dossiers)."""
    grams = trigrams(fold(f"{prenom} {nom_naissance} {nom_usage}"))
    if not grams or date_naissance is None:
        return []
    typed = Value(grams, output_field=ArrayField(CharField(max_length=3)))
    common = TrigramSetSize(F("trigrammes"), typed, "INTERSECT")
    union = Greatest(TrigramSetSize(F("trigrammes"), typed, "UNION"), Value(1))
    jeunes = list(
        Jeune.objects.filter(organisme_id=access.organisme_id, date_naissance=date_naissance)
        .filter(trigrammes__overlap=grams)
        .annotate(
            similarite=Cast(common, FloatField()) / Cast(union, FloatField()),
            couverture=Cast(common, FloatField()) / Value(float(len(grams))),
        )
        .filter(Q(similarite__gte=SIMILARITY_THRESHOLD) | Q(couverture__gte=COVERAGE_THRESHOLD))
        .prefetch_related(
            Prefetch("dossiers", queryset=Dossier.objects.select_related("dispositif").order_by("dispositif__nom"))
        )
        .order_by("-similarite", "-couverture", "nom_naissance", "pk")[:DOUBLONS_LIMIT]
    )
    if not jeunes:
        return []
    ids = [d.pk for j in jeunes for d in j.dossiers.all()]
    lisibles = set(readable_dossiers(access, Dossier.objects.filter(pk__in=ids)).values_list("pk", flat=True))
    doublons = []
    for jeune in jeunes:
        dossiers = list(jeune.dossiers.all())
        for dossier in dossiers:
            dossier.lisible = dossier.pk in lisibles
        ici = dispositif is not None and any(d.dispositif_id == dispositif.pk for d in dossiers)
        doublons.append(Doublon(jeune=jeune, dossiers=dossiers, a_un_dossier_ici=ici))
    return doublons
