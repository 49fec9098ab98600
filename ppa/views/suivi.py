"""PPA follow-up pages: the due/late list, the realisation of a version and its links to the agenda, the reviews,
and the two PDFs. Access follows the dossier's (``ppa.perms``); pages of a version or review take its pk and reuse
PPA-A's ``_part_view`` (restricted dossier → explanation page; other organisme → 404)."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.enums import AuditAction
from core.models import Dispositif
from core.services.audit import audit_record
from core.views.administration.common import add_service_errors
from ppa import forms_suivi as forms
from ppa import selectors, selectors_suivi
from ppa.enums import StatutPpa
from ppa.models import LienObjectif, Objectif, Revue
from ppa.services import echeances
from ppa.services import suivi as services
from ppa.services.echeances import EN_VIGUEUR
from ppa.views.redaction import _context, _part_view, objectif_view, version_view


def can_see_echeances(access) -> bool:
    """The due/late list: the direction and the chefs de service."""
    return access.is_professionnel and (access.is_direction or "chef_de_service" in access.metiers)


def revue_view(write=False):
    return _part_view(lambda: Revue.objects.select_related("version__ppa__dossier", "created_by"),
                      lambda r: r.version.ppa.dossier, write=write)  # fmt: skip


def lien_view(write=False):
    return _part_view(lambda: LienObjectif.objects.select_related("objectif__version__ppa__dossier"),
                      lambda lien: lien.objectif.version.ppa.dossier, write=write)  # fmt: skip


def _tab(version, anchor=""):
    return reverse("ppa:dossier_ppa", args=[version.ppa.dossier_id]) + f"?version={version.pk}{anchor}"


# --- Due and late list ---------------------------------------------------------------------------------------------


@require_GET
def echeances_liste(request):
    """Every dossier accompanied today in the user's dispositifs (or the one chosen) with its PPA deadline and
    state, late first; whether or not it has a PPA. Constant number of queries."""
    access = request.access
    if not can_see_echeances(access):
        raise PermissionDenied
    dispositifs = Dispositif.objects.filter(organisme_id=access.organisme_id).order_by("nom")
    if not access.sees_all_dispositifs:
        dispositifs = dispositifs.filter(pk__in=access.dispositif_ids)
    dispositifs = list(dispositifs)
    form = forms.EcheancesFiltreForm(request.GET or None, dispositifs=dispositifs)
    dispositif_id = etat = None
    if form.is_bound and form.is_valid():
        dispositif_id = form.cleaned_data["dispositif"]
        etat = form.cleaned_data["etat"] or None
    today = timezone.localdate()
    ids = [dispositif_id] if dispositif_id else [d.pk for d in dispositifs]
    lignes = echeances.ppas_a_echeance(access, ids, today)
    compteurs = [(key, label, sum(1 for x in lignes if x.etat == key)) for key, label in echeances.ETATS.items()]
    if etat:
        lignes = [ligne for ligne in lignes if ligne.etat == etat]
    return render(
        request,
        "ppa/suivi/echeances.html",
        {
            "form": form,
            "lignes": lignes,
            "compteurs": compteurs,
            "today": today,
            "plusieurs_dispositifs": len(dispositifs) > 1,
        },
    )


# --- Realisation and links -----------------------------------------------------------------------------------------


def _periode(request, version):
    form = forms.PeriodeForm(request.GET or None)
    debut, fin = selectors_suivi.periode_par_defaut(version)
    if form.is_bound and form.is_valid():
        debut = form.cleaned_data["debut"] or debut
        fin = form.cleaned_data["fin"] or fin
        if fin < debut:
            debut, fin = selectors_suivi.periode_par_defaut(version)
    elif not form.is_bound:
        form = forms.PeriodeForm(initial={"debut": debut, "fin": fin})
    return form, debut, fin


@require_GET
@version_view()
def realisation(request, version, dossier):
    """Per objective: the linked series and events, and the sessions and hours realised over a period (default:
    the version's period up to today), in one aggregate query; forms to link the youth's series and the events of
    a chosen week. Constant number of queries whatever the number of objectives, links and events."""
    access = request.access
    context = _context(request, dossier, audit=False)
    audit_record(actor=request.user, action=AuditAction.READ, record=version, request=request,
                 details={"vue": "réalisation"})  # fmt: skip
    form, debut, fin = _periode(request, version)
    objectifs = list(Objectif.objects.filter(version=version).select_related("referent"))
    reel = selectors_suivi.realisation(version, dossier.jeune_id, debut, fin)
    liens = selectors_suivi.liens_par_objectif(version)
    modifiable = context["can_write"] and version.statut != StatutPpa.CLOS
    series = selectors_suivi.series_du_jeune(access, dossier.jeune_id) if modifiable else []
    semaine_form = forms.SemaineForm(request.GET or None)
    lundi = semaine_form.lundi(timezone.localdate())
    if not semaine_form.is_bound:
        semaine_form = forms.SemaineForm(initial={"semaine": lundi})
    context.update(
        version=version,
        periode_form=form,
        debut=debut,
        fin=fin,
        lignes=[
            {
                "objectif": o,
                "reel": reel.get(o.pk),
                "liens": liens.get(o.pk, []),
                # The series not linked to this objective yet.
                "series": [sr for sr in series if sr.pk not in {lien.serie_id for lien in liens.get(o.pk, [])}],
            }
            for o in objectifs
        ],
        total_seances=sum(r.seances for r in reel.values()),
        modifiable=modifiable,
        semaine_form=semaine_form,
        lundi=lundi,
        semaine_precedente=lundi - datetime.timedelta(days=7),
        semaine_suivante=lundi + datetime.timedelta(days=7),
        series=series,
        evenements=selectors_suivi.evenements_du_jeune(access, dossier.jeune_id, lundi) if modifiable else [],
        tab_url=_tab(version),
    )
    return render(request, "ppa/suivi/realisation.html", context)


def _back_to_realisation(request, version):
    url = reverse("ppa:realisation", args=[version.pk])
    retour = request.POST.get("retour", "")
    if retour.startswith("?"):
        url += retour
    return redirect(url)


@require_POST
@objectif_view(write=True)
def lien_ajouter(request, objectif, dossier):
    """Link a series (``serie``) or an event (``evenement``) of the youth's agenda to the objective."""
    from agendas.models import Evenement, Serie

    def _get(model, name):
        try:
            pk = int(request.POST.get(name) or 0)
        except ValueError:
            pk = 0
        if not pk:
            return None
        obj = model.objects.filter(organisme_id=request.access.organisme_id, pk=pk).first()
        if obj is None:
            raise Http404
        return obj

    try:
        services.lien_creer(objectif=objectif, actor=request.user, evenement=_get(Evenement, "evenement"),
                            serie=_get(Serie, "serie"), request=request)  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Lien ajouté à l'objectif « {objectif.titre} ».")
    return _back_to_realisation(request, objectif.version)


@require_POST
@lien_view(write=True)
def lien_retirer(request, lien, dossier):
    try:
        services.lien_supprimer(lien=lien, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Lien retiré.")
    return _back_to_realisation(request, lien.objectif.version)


# --- Reviews -------------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@version_view(write=True)
def revue_create(request, version, dossier):
    """Open a review of the version in force: motif, date, period evaluated (default: since the start of the
    version or the last review, to today)."""
    en_cours = version.revues.filter(terminee=False).first()
    if en_cours is not None:
        messages.info(request, "Une révision de cette version est déjà en cours.")
        return redirect("ppa:revue", pk=en_cours.pk)
    today = timezone.localdate()
    derniere = version.revues.filter(terminee=True).order_by("-periode_fin").first()
    debut = (
        derniere.periode_fin + datetime.timedelta(days=1) if derniere else (version.date_debut or version.valide_le)
    )
    form = forms.RevueCreateForm(
        request.POST or None, initial={"date": today, "periode_debut": debut or today, "periode_fin": today}
    )
    if version.statut not in EN_VIGUEUR:
        messages.error(request, "Seule la version en vigueur (validée ou en cours) se révise.")
        return redirect(_tab(version))
    if request.method == "POST" and form.is_valid():
        try:
            revue = services.revue_create(version=version, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Révision ouverte : évaluez chaque objectif à partir du résumé de la période.")
            return redirect("ppa:revue", pk=revue.pk)
    context = _context(request, dossier, audit=request.method == "GET", version=version, form=form,
                       tab_url=_tab(version))  # fmt: skip
    return render(request, "ppa/suivi/revue_create.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@revue_view()
def revue(request, revue, dossier):
    """The review: the read-only summary of its period (per objective: sessions and hours realised from the linked
    events, missed sessions; the transmissions about the youth the user may read; the declared absences) beside the
    form of the evaluations and the synthèse. ``terminer`` finishes it (every objective evaluated)."""
    from transmissions.views.common import audit_reads

    access = request.access
    version = revue.version
    context = _context(request, dossier, audit=request.method == "GET")
    can_edit = context["can_write"] and not revue.terminee
    objectifs = list(Objectif.objects.filter(version=version).select_related("referent"))
    evaluations = {e.objectif_id: e for e in revue.evaluations.all()}
    resume = selectors_suivi.resume_periode(access, version, dossier, revue.periode_debut, revue.periode_fin)
    form = forms.RevueForm(
        request.POST or None, objectifs=objectifs, evaluations=evaluations, initial={"synthese": revue.synthese},
        suggestions={pk: selectors_suivi.phrase_realisation(r) for pk, r in resume.realisation.items()},
    )  # fmt: skip
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.revue_enregistrer(revue=revue, actor=request.user, synthese=form.cleaned_data["synthese"],
                                           evaluations=form.evaluations(), request=request)  # fmt: skip
                if "terminer" in request.POST:
                    services.revue_terminer(revue=revue, actor=request.user, request=request)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if "terminer" in request.POST:
                    messages.success(request, "Révision terminée : l'échéance du PPA est mise à jour.")
                    return redirect(_tab(version))
                messages.success(request, "Révision enregistrée.")
                return redirect("ppa:revue", pk=revue.pk)
    if request.method == "GET":
        audit_record(actor=request.user, action=AuditAction.READ, record=revue, request=request)
        audit_reads(request, resume.transmissions, context="révision du PPA", jeune_id=dossier.jeune_id)
    context.update(
        revue=revue,
        version=version,
        form=form,
        can_edit=can_edit,
        lignes=[
            {
                "objectif": o,
                "reel": resume.realisation.get(o.pk),
                "champs": form.champs_objectif(o),
                "evaluation": evaluations.get(o.pk),
            }
            for o in objectifs
        ],
        resume=resume,
        libelles=selectors.serafin_libelles(),
        tab_url=_tab(version),
    )
    return render(request, "ppa/suivi/revue.html", context, status=422 if form.errors else 200)


# --- PDFs ----------------------------------------------------------------------------------------------------------


def _pdf_response(request, version, dossier, *, falc: bool):
    from ppa.pdf import ppa_pdf

    content, filename = ppa_pdf(version, dossier, falc=falc, actor=request.user)
    audit_record(actor=request.user, action=AuditAction.EXPORT, record=version, request=request,
                 details={"format": "pdf_falc" if falc else "pdf"})  # fmt: skip
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
@version_view()
def pdf(request, version, dossier):
    """The PDF of a validated (or running, or closed) version; a draft gets a « brouillon » watermark."""
    return _pdf_response(request, version, dossier, falc=False)


@require_GET
@version_view()
def pdf_falc(request, version, dossier):
    """The easy-read (FALC) PDF for the youth."""
    return _pdf_response(request, version, dossier, falc=True)
