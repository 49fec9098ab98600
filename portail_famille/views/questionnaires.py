"""Satisfaction questionnaires.

Staff side (``familles:questionnaires`` and the pages of one questionnaire): the direction builds, opens and closes
them; the chefs de service of the dispositif read them and their results; others get a 403. Results show only
when the answers reach the anonymity threshold.

Portal side (``portail:questionnaires``, ``portail:questionnaire``, ``portail:questionnaire_merci``): the open
questionnaires offered to the account (dispositifs of its youths, its space), answered once.
"""

import csv
import io

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.enums import AuditAction
from core.models import Dispositif
from core.perms import get_object_for_request
from core.services.audit import audit_record
from core.views.administration.common import add_service_errors
from portail_famille import perms_echanges as perms
from portail_famille import selectors_echanges as selectors
from portail_famille.acces import acces_actifs, portail_view
from portail_famille.enums import StatutQuestionnaire, TypeQuestion
from portail_famille.forms_echanges import QuestionForm, QuestionnaireForm
from portail_famille.models import Participation, Question, Questionnaire
from portail_famille.services import questionnaires as services

# --- Staff ----------------------------------------------------------------------------------------------------


def _dispositifs_direction(request):
    access = request.access
    qs = Dispositif.objects.filter(organisme_id=access.organisme_id).order_by("nom")
    return list(qs)


@require_http_methods(["GET", "POST"])
def equipe_liste(request):
    access = request.access
    if not perms.can_read_questionnaires(access):
        raise PermissionDenied
    peut_gerer = perms.can_manage_questionnaires(access)
    form = QuestionnaireForm(request.POST or None, dispositifs=_dispositifs_direction(request) if peut_gerer else ())
    if request.method == "POST":
        if not peut_gerer:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            dispositif = Dispositif.objects.get(organisme_id=access.organisme_id, pk=data["dispositif"])
            try:
                questionnaire = services.questionnaire_creer(
                    actor=request.user,
                    dispositif=dispositif,
                    titre=data["titre"],
                    introduction=data["introduction"],
                    public=data["public"],
                    seuil_anonymat=data["seuil_anonymat"],
                    request=request,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                flash.success(request, "Questionnaire créé : ajoutez ses questions.")
                return redirect("familles:questionnaire", pk=questionnaire.pk)
    qs = Questionnaire.objects.filter(organisme_id=access.organisme_id).select_related("dispositif")
    ids = perms.questionnaire_dispositif_ids(access)
    if ids is not None:
        qs = qs.filter(dispositif_id__in=ids)
    qs = qs.annotate(nb_reponses=Count("reponses", distinct=True), nb_questions=Count("questions", distinct=True))
    context = {"questionnaires": list(qs.order_by("-created_at", "-pk")), "form": form, "peut_gerer": peut_gerer}
    return render(
        request,
        "portail_famille/echanges/equipe_questionnaires.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


def _questionnaire(request, pk, *, write=False):
    qs = Questionnaire.objects.select_related("dispositif", "created_by")
    return get_object_for_request(request, qs, write=write, pk=pk)


@require_http_methods(["GET", "POST"])
def equipe_detail(request, pk):
    questionnaire = _questionnaire(request, pk)
    peut_gerer = perms.can_manage_questionnaires(request.access)
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if not peut_gerer:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.question_ajouter(
                    actor=request.user,
                    questionnaire=questionnaire,
                    libelle=data["libelle"],
                    type=data["type"],
                    echelle_max=data["echelle_max"] if data["echelle_max"] is not None else 4,
                    libelle_min=data["libelle_min"],
                    libelle_max=data["libelle_max"],
                    choix=data["choix"],
                    obligatoire=data["obligatoire"],
                    request=request,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                flash.success(request, "Question ajoutée.")
                return redirect("familles:questionnaire", pk=questionnaire.pk)
    context = {
        "q": questionnaire,
        "questions": list(questionnaire.questions.order_by("ordre", "pk")),
        "form": form,
        "peut_gerer": peut_gerer,
        "brouillon": questionnaire.statut == StatutQuestionnaire.BROUILLON,
        "nb_reponses": questionnaire.reponses.count(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "portail_famille/echanges/equipe_questionnaire.html", context, status=status)


@require_POST
def equipe_question_supprimer(request, pk, question_pk):
    questionnaire = _questionnaire(request, pk, write=True)
    question = Question.objects.filter(questionnaire=questionnaire, pk=question_pk).first()
    if question is None:
        raise Http404
    try:
        services.question_supprimer(actor=request.user, question=question, request=request)
    except ValidationError as exc:
        flash.error(request, " ".join(exc.messages))
    else:
        flash.success(request, "Question supprimée.")
    return redirect("familles:questionnaire", pk=questionnaire.pk)


@require_POST
def equipe_ouvrir(request, pk):
    questionnaire = _questionnaire(request, pk, write=True)
    try:
        services.questionnaire_ouvrir(actor=request.user, questionnaire=questionnaire, request=request)
    except ValidationError as exc:
        flash.error(request, " ".join(exc.messages))
    else:
        flash.success(request, "Questionnaire ouvert : les familles peuvent y répondre sur le portail.")
    return redirect("familles:questionnaire", pk=questionnaire.pk)


@require_POST
def equipe_clore(request, pk):
    questionnaire = _questionnaire(request, pk, write=True)
    try:
        services.questionnaire_clore(actor=request.user, questionnaire=questionnaire, request=request)
    except ValidationError as exc:
        flash.error(request, " ".join(exc.messages))
    else:
        flash.success(request, "Questionnaire clos.")
    return redirect("familles:questionnaire", pk=questionnaire.pk)


@require_GET
def equipe_resultats(request, pk):
    questionnaire = _questionnaire(request, pk)
    resultats = selectors.resultats_questionnaire(questionnaire)
    audit_record(actor=request.user, action=AuditAction.READ, record=questionnaire, request=request)
    return render(
        request, "portail_famille/echanges/equipe_resultats.html", {"q": questionnaire, "resultats": resultats}
    )


@require_GET
def equipe_export(request, pk):
    """CSV of the aggregates (no free text line per answer beyond the listed texts; nothing below the threshold)."""
    questionnaire = _questionnaire(request, pk)
    resultats = selectors.resultats_questionnaire(questionnaire)
    if resultats["masque"]:
        raise PermissionDenied
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Question", "Type", "Réponse", "Nombre", "Pourcentage", "Moyenne"])
    for item in resultats["questions"]:
        q = item["question"]
        if q.type == TypeQuestion.TEXTE:
            for texte in item["textes"]:
                writer.writerow([q.libelle, q.get_type_display(), texte, "", "", ""])
            continue
        for ligne in item["repartition"]:
            writer.writerow([q.libelle, q.get_type_display(), ligne["valeur"], ligne["n"], ligne["pct"], ""])
        if q.type == TypeQuestion.ECHELLE:
            moyenne = "" if item["moyenne"] is None else str(item["moyenne"]).replace(".", ",")
            writer.writerow([q.libelle, q.get_type_display(), "Moyenne", item["nb"], "", moyenne])
    writer.writerow([])
    writer.writerow(["Nombre de réponses", resultats["nb_reponses"]])
    audit_record(actor=request.user, action=AuditAction.EXPORT, record=questionnaire, request=request)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="questionnaire-{questionnaire.pk}-resultats.csv"'
    return response


# --- Portal ---------------------------------------------------------------------------------------------------


@require_GET
@portail_view()
def portail_liste(request):
    acces_list = acces_actifs(request)
    if not acces_list:
        raise Http404  # no active access (suspended, revoked): nothing to show
    questionnaires = list(services.questionnaires_ouverts(acces_list).order_by("-ouvert_le", "-pk"))
    repondus = set(
        Participation.objects.filter(
            user_id=request.user.pk, questionnaire__in=[q.pk for q in questionnaires]
        ).values_list("questionnaire_id", flat=True)
    )
    for q in questionnaires:
        q.deja_repondu = q.pk in repondus
    return render(
        request,
        "portail_famille/echanges/questionnaires.html",
        {"questionnaires": questionnaires, "portail_menu": "plus"},
    )


def _questionnaire_portail(request, pk):
    questionnaire = services.questionnaires_ouverts(acces_actifs(request)).filter(pk=pk).first()
    if questionnaire is None:
        raise Http404
    return questionnaire


@require_http_methods(["GET", "POST"])
@portail_view()
def portail_repondre(request, pk):
    questionnaire = _questionnaire_portail(request, pk)
    if Participation.objects.filter(questionnaire=questionnaire, user_id=request.user.pk).exists():
        return redirect("portail:questionnaire_merci", pk=questionnaire.pk)
    questions = list(questionnaire.questions.order_by("ordre", "pk"))
    valeurs, erreurs, erreur_generale = {}, {}, ""
    if request.method == "POST":
        valeurs = {q.pk: request.POST.get(f"q{q.pk}", "") for q in questions}
        try:
            services.questionnaire_repondre(
                actor=request.user,
                acces_list=acces_actifs(request),
                questionnaire=questionnaire,
                valeurs=valeurs,
                request=request,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                erreurs = {k: " ".join(v) for k, v in exc.message_dict.items()}
            else:
                erreur_generale = " ".join(exc.messages)
        else:
            return redirect("portail:questionnaire_merci", pk=questionnaire.pk)
    items = [
        {
            "q": q,
            "name": f"q{q.pk}",
            "valeur": str(valeurs.get(q.pk, "")),
            "erreur": erreurs.get(f"q{q.pk}", ""),
            "notes": [str(n) for n in range(1, q.echelle_max + 1)] if q.type == TypeQuestion.ECHELLE else [],
        }
        for q in questions
    ]
    context = {
        "questionnaire": questionnaire,
        "items": items,
        "erreur_generale": erreur_generale,
        "a_des_erreurs": bool(erreurs or erreur_generale),
        "portail_menu": "plus",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "portail_famille/echanges/questionnaire.html", context, status=status)


@require_GET
@portail_view()
def portail_merci(request, pk):
    questionnaire = Questionnaire.objects.filter(
        organisme_id=request.user.organisme_id, pk=pk, participations__user_id=request.user.pk
    ).first()
    if questionnaire is None:
        raise Http404
    return render(
        request,
        "portail_famille/echanges/questionnaire_merci.html",
        {"questionnaire": questionnaire, "portail_menu": "plus"},
    )
