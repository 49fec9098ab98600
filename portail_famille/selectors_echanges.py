"""Read queries of the portal exchanges (inboxes with unread counts, results of questionnaires, register).

Every list runs a constant number of queries whatever its number of rows (annotations, no per-row query).
"""

import datetime

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from dossiers.models import Dossier
from portail_famille.models import FilDiscussion, LectureFil, Message

_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def avec_non_lus(qs, user, *, cote_equipe: bool):
    """Annotate each thread with ``lu_le`` (this account's last reading) and ``non_lus``: the messages of the
    other side since then."""
    lu = LectureFil.objects.filter(fil_id=OuterRef("pk"), user_id=user.pk).values("lu_le")[:1]
    non_lus = (
        Message.objects.filter(fil_id=OuterRef("pk"), de_l_equipe=not cote_equipe, created_at__gt=OuterRef("lu_le"))
        .order_by()
        .values("fil_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(lu_le=Coalesce(Subquery(lu), Value(_EPOCH))).annotate(
        non_lus=Coalesce(Subquery(non_lus, output_field=IntegerField()), Value(0))
    )


def fils_du_compte(user, jeune_ids):
    """The threads of a portal account (its own only) about the given youths, most recent first."""
    qs = FilDiscussion.objects.filter(compte_id=user.pk, jeune_id__in=list(jeune_ids)).select_related("jeune")
    return avec_non_lus(qs, user, cote_equipe=False).order_by("-dernier_message_le", "-pk")


def boite_equipe(access, *, mes_jeunes: bool = False, non_lus: bool = False, statut: str = ""):
    """The staff inbox: threads of the youths whose dossier the user may read, with unread counts."""
    from portail_famille.perms_echanges import readable_fils

    qs = readable_fils(access).select_related("jeune", "compte", "dispositif")
    if mes_jeunes:
        qs = qs.filter(
            Exists(
                Dossier.objects.filter(
                    jeune_id=OuterRef("jeune_id"), dispositif_id=OuterRef("dispositif_id"), referent_id=access.user.pk
                )
            )
        )
    if statut == "ouverts":
        qs = qs.filter(clos_le__isnull=True)
    elif statut == "clos":
        qs = qs.filter(clos_le__isnull=False)
    qs = avec_non_lus(qs, access.user, cote_equipe=True)
    if non_lus:
        qs = qs.filter(non_lus__gt=0)
    return qs.order_by("-dernier_message_le", "-pk")


def non_lus_equipe(access) -> int:
    """Threads with unread messages for this professional (the menu badge)."""
    return boite_equipe(access, non_lus=True).count()


def messages_du_fil(fil):
    return list(Message.objects.filter(fil_id=fil.pk).select_related("auteur").order_by("created_at", "pk"))


def jours_entre(debut, fin) -> int | None:
    if debut is None or fin is None:
        return None
    return (timezone.localdate(fin) - timezone.localdate(debut)).days


def actif_q(today=None):
    today = today or timezone.localdate()
    return Q(debut__lte=today) & (Q(fin__isnull=True) | Q(fin__gte=today))


def resultats_questionnaire(questionnaire) -> dict:
    """Aggregates of a questionnaire (3 queries whatever the number of answers): per question, counts per note with
    the mean (scales), counts per choice, the free texts (sorted alphabetically, so that they cannot be matched
    with each other). ``masque`` when the answers are fewer than the anonymity threshold: nothing else is read."""
    from portail_famille.enums import TypeQuestion
    from portail_famille.models import Reponse, ReponseQuestion

    nb = Reponse.objects.filter(questionnaire_id=questionnaire.pk).count()
    questions = list(questionnaire.questions.order_by("ordre", "pk"))
    result = {"nb_reponses": nb, "masque": nb < questionnaire.seuil_anonymat, "questions": []}
    if result["masque"]:
        return result
    counts: dict[int, dict] = {}
    rows = (
        ReponseQuestion.objects.filter(question__questionnaire_id=questionnaire.pk)
        .exclude(question__type=TypeQuestion.TEXTE)
        .values("question_id", "note", "choix")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        key = row["note"] if row["note"] is not None else row["choix"]
        counts.setdefault(row["question_id"], {})[key] = row["n"]
    textes: dict[int, list[str]] = {}
    for question_id, texte in (
        ReponseQuestion.objects.filter(question__questionnaire_id=questionnaire.pk, question__type=TypeQuestion.TEXTE)
        .exclude(texte="")
        .order_by("question_id", "texte")
        .values_list("question_id", "texte")
    ):
        textes.setdefault(question_id, []).append(texte)
    for q in questions:
        c = counts.get(q.pk, {})
        item = {"question": q, "nb": sum(c.values()) if q.type != TypeQuestion.TEXTE else len(textes.get(q.pk, []))}
        if q.type == TypeQuestion.ECHELLE:
            item["repartition"] = [
                {"valeur": v, "n": c.get(v, 0), "pct": round(100 * c.get(v, 0) / item["nb"]) if item["nb"] else 0}
                for v in range(1, q.echelle_max + 1)
            ]
            item["moyenne"] = round(sum(v * n for v, n in c.items()) / item["nb"], 2) if item["nb"] else None
        elif q.type == TypeQuestion.CHOIX:
            item["repartition"] = [
                {"valeur": v, "n": c.get(v, 0), "pct": round(100 * c.get(v, 0) / item["nb"]) if item["nb"] else 0}
                for v in q.choix
            ]
        else:
            item["textes"] = textes.get(q.pk, [])
        result["questions"].append(item)
    return result
