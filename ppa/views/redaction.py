"""PPA drafting pages: the dossier tab "PPA" (current version, objectives and actions, agreements, history), the
forms of the draft, the agreement page with its signature pad, validation, start, closure, avenants and the
comparison of two versions.

Access follows the dossier (``ppa.perms``): every view fetches the dossier through
``dossiers.views.dossier.get_dossier_for_request`` — another organisme → 404, not readable → 403 (a restricted
dossier shows the break-the-glass page, as the dossier's other tabs), writes need ``can_write_dossier``; portal
accounts never reach these views (not ``portal_allowed``: 404).
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.enums import AuditAction
from core.services.audit import audit_record
from core.views.administration.common import add_service_errors
from dossiers import tabs
from dossiers.perms import can_read_dossier
from dossiers.views.dossier import (
    BreakGlassRequired,
    dossier_context,
    dossier_view,
    get_dossier_for_request,
    render_restricted,
)
from ppa import forms, selectors
from ppa.enums import ModeAccordPpa, Signataire, StatutPpa, TypeVersion
from ppa.models import Accord, Action, Objectif, PpaVersion
from ppa.services import redaction as services

tabs.register("ppa", "PPA", "ppa:dossier_ppa", visible=can_read_dossier, order=30)


def _url(name, *args):
    """A URL of the follow-up area, or None while it does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _part_view(queryset_factory, dossier_of, *, write: bool = False):
    """Decorator of the views taking the pk of a PPA part (version, objectif, action, accord): the view receives
    the part and its dossier, fetched with the dossier's rules (restricted dossier → its explanation page)."""

    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request, pk, *args, **kwargs):
            qs = queryset_factory().filter(organisme_id=request.access.organisme_id)
            try:
                obj = qs.get(pk=pk)
            except qs.model.DoesNotExist:
                raise Http404 from None
            try:
                dossier = get_dossier_for_request(request, dossier_of(obj).pk, write=write)
            except BreakGlassRequired as exc:
                return render_restricted(request, exc.dossier)
            return view_func(request, obj, dossier, *args, **kwargs)

        return wrapper

    return decorator


def version_view(write=False):
    return _part_view(selectors.version_queryset, lambda v: v.ppa.dossier, write=write)


def objectif_view(write=False):
    return _part_view(lambda: Objectif.objects.select_related("version__ppa__dossier"),
                      lambda o: o.version.ppa.dossier, write=write)  # fmt: skip


def action_view(write=False):
    return _part_view(lambda: Action.objects.select_related("objectif__version__ppa__dossier"),
                      lambda a: a.objectif.version.ppa.dossier, write=write)  # fmt: skip


def accord_view(write=False):
    return _part_view(lambda: Accord.objects.select_related("version__ppa__dossier"),
                      lambda a: a.version.ppa.dossier, write=write)  # fmt: skip


def _tab_url(version_or_dossier, **query):
    dossier_pk = version_or_dossier.pk if not isinstance(version_or_dossier, PpaVersion) else None
    if dossier_pk is None:
        dossier_pk = version_or_dossier.ppa.dossier_id
        query.setdefault("version", version_or_dossier.pk)
    url = reverse("ppa:dossier_ppa", args=[dossier_pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def _context(request, dossier, *, audit: bool, **extra):
    context = dossier_context(request, dossier, "ppa", audit=audit)
    context.update(extra)
    return context


# --- The tab -------------------------------------------------------------------------------------------------------


@require_GET
@dossier_view()
def dossier_ppa(request, dossier):
    """The PPA of the dossier: the version shown (the draft, else the version in force; ``?version=`` for another
    one) with its content, objectives and actions, agreements, state, the deadline, the history of versions and
    the buttons of its state. A constant number of queries whatever the number of objectives, actions, versions."""
    context = dossier_context(request, dossier, "ppa")
    ppa = selectors.ppa_du_dossier(dossier)
    versions = selectors.versions_du_ppa(ppa)
    try:
        demandee = int(request.GET.get("version") or 0)
    except ValueError:
        demandee = 0
    shown = selectors.version_affichee(versions, demandee)
    version = selectors.version_detail(shown.pk) if shown else None
    today = timezone.localdate()
    context.update(
        ppa=ppa,
        versions=versions,
        version=version,
        today=today,
        peut_ouvrir=context["can_write"] and ppa_ouvrable(dossier, versions),
        brouillon=next((v for v in versions if v.statut == StatutPpa.EN_ELABORATION), None),
        en_vigueur=next((v for v in versions if v.statut in services.EN_VIGUEUR), None),
        en_retard=bool(ppa and ppa.prochaine_echeance and ppa.prochaine_echeance < today),
    )
    if version is not None:
        audit_record(actor=request.user, action=AuditAction.READ, record=version, request=request)
        attendus = selectors.attendus(version, selectors.representants_legaux(dossier.jeune_id))
        context.update(
            libelles=selectors.serafin_libelles(),
            objectifs=list(version.objectifs.all()),
            revues=list(version.revues.order_by("-date", "-pk")),
            attendus=attendus,
            manquants=[a.nom for a in attendus if a.accord is None],
            urls={
                "realisation": _url("ppa:realisation", version.pk),
                "revue_create": _url("ppa:revue_create", version.pk),
                "pdf": _url("ppa:pdf", version.pk),
                "pdf_falc": _url("ppa:pdf_falc", version.pk),
                "echeances": _url("ppa:echeances"),
            },
        )
    return render(request, "ppa/redaction/dossier_ppa.html", context)


def ppa_ouvrable(dossier, versions) -> bool:
    return not versions and dossier.statut in services.STATUTS_DOSSIER_PPA and not dossier.is_archived


@require_POST
@dossier_view(write=True)
def ppa_creer(request, dossier):
    try:
        version = services.ppa_version_create(dossier=dossier, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("ppa:dossier_ppa", pk=dossier.pk)
    messages.success(request, "PPA ouvert : version 1 en élaboration.")
    return redirect("ppa:version_modifier", pk=version.pk)


# --- Content of the draft ------------------------------------------------------------------------------------------


def _form_page(request, dossier, form, save, template, success, redirect_to, **extra):
    """GET shows the form; a valid POST calls ``save`` (a service) and redirects; errors re-render (422)."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(redirect_to)
    context = _context(request, dossier, audit=request.method == "GET", form=form, **extra)
    return render(request, template, context, status=422 if form.errors else 200)


def _refuse_frozen(request, version):
    if version.statut != StatutPpa.EN_ELABORATION:
        messages.error(request, "Cette version est validée : elle ne se modifie plus. Créez un avenant.")
        return redirect(_tab_url(version))
    return None


@require_http_methods(["GET", "POST"])
@version_view(write=True)
def version_modifier(request, version, dossier):
    if frozen := _refuse_frozen(request, version):
        return frozen
    avenant = version.type != TypeVersion.INITIAL
    initial = {name: getattr(version, name) for name in services.VERSION_FIELDS}
    form = forms.VersionForm(request.POST or None, initial=initial, avenant=avenant)
    return _form_page(
        request, dossier, form,
        lambda data: services.version_update(version=version, actor=request.user, request=request,
                                             **{k: data[k] for k in form.fields}),
        "ppa/redaction/version_form.html", "Contenu du PPA enregistré.", _tab_url(version), version=version,
    )  # fmt: skip


@require_POST
@version_view(write=True)
def brouillon_supprimer(request, version, dossier):
    try:
        services.version_brouillon_supprimer(version=version, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_tab_url(version))
    messages.success(request, f"Version {version.numero} en élaboration supprimée.")
    return redirect("ppa:dossier_ppa", pk=dossier.pk)


# --- Objectives and actions ----------------------------------------------------------------------------------------


def _objectif_initial(objectif):
    initial = {name: getattr(objectif, name) for name in services.OBJECTIF_FIELDS}
    return initial


@require_http_methods(["GET", "POST"])
@version_view(write=True)
def objectif_ajouter(request, version, dossier):
    if frozen := _refuse_frozen(request, version):
        return frozen
    form = forms.ObjectifForm(request.POST or None, dossier=dossier)
    return _form_page(
        request, dossier, form,
        lambda data: services.objectif_create(version=version, actor=request.user, request=request, **data),
        "ppa/redaction/objectif_form.html", "Objectif ajouté.", _tab_url(version), version=version,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@objectif_view(write=True)
def objectif_modifier(request, objectif, dossier):
    version = objectif.version
    if frozen := _refuse_frozen(request, version):
        return frozen
    form = forms.ObjectifForm(request.POST or None, initial=_objectif_initial(objectif), dossier=dossier)
    return _form_page(
        request, dossier, form,
        lambda data: services.objectif_update(objectif=objectif, actor=request.user, request=request, **data),
        "ppa/redaction/objectif_form.html", "Objectif enregistré.", _tab_url(version) + f"#objectif-{objectif.pk}",
        version=version, objectif=objectif,
    )  # fmt: skip


def _simple_post(request, version, call, success):
    try:
        call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if success:
            messages.success(request, success)
    return redirect(_tab_url(version))


@require_POST
@objectif_view(write=True)
def objectif_supprimer(request, objectif, dossier):
    return _simple_post(
        request, objectif.version,
        lambda: services.objectif_delete(objectif=objectif, actor=request.user, request=request),
        f"Objectif « {objectif.titre} » supprimé.",
    )  # fmt: skip


@require_POST
@objectif_view(write=True)
def objectif_deplacer(request, objectif, dossier):
    sens = request.POST.get("sens", "")
    return _simple_post(
        request, objectif.version,
        lambda: services.objectif_deplacer(objectif=objectif, actor=request.user, sens=sens, request=request), None,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@objectif_view(write=True)
def action_ajouter(request, objectif, dossier):
    version = objectif.version
    if frozen := _refuse_frozen(request, version):
        return frozen
    form = forms.ActionForm(request.POST or None, dossier=dossier)
    return _form_page(
        request, dossier, form,
        lambda data: services.action_create(objectif=objectif, actor=request.user, request=request, **data),
        "ppa/redaction/action_form.html", "Action ajoutée.", _tab_url(version) + f"#objectif-{objectif.pk}",
        version=version, objectif=objectif,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@action_view(write=True)
def action_modifier(request, action, dossier):
    objectif = action.objectif
    version = objectif.version
    if frozen := _refuse_frozen(request, version):
        return frozen
    initial = {name: getattr(action, name) for name in services.ACTION_FIELDS}
    form = forms.ActionForm(request.POST or None, initial=initial, dossier=dossier)
    return _form_page(
        request, dossier, form,
        lambda data: services.action_update(action=action, actor=request.user, request=request, **data),
        "ppa/redaction/action_form.html", "Action enregistrée.", _tab_url(version) + f"#objectif-{objectif.pk}",
        version=version, objectif=objectif, action=action,
    )  # fmt: skip


@require_POST
@action_view(write=True)
def action_supprimer(request, action, dossier):
    return _simple_post(
        request, action.objectif.version,
        lambda: services.action_delete(action=action, actor=request.user, request=request), "Action supprimée.",
    )  # fmt: skip


@require_POST
@action_view(write=True)
def action_deplacer(request, action, dossier):
    sens = request.POST.get("sens", "")
    return _simple_post(
        request, action.objectif.version,
        lambda: services.action_deplacer(action=action, actor=request.user, sens=sens, request=request), None,
    )  # fmt: skip


# --- Agreements ----------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@version_view(write=True)
def accord(request, version, dossier):
    """Record the agreement of the youth or of a représentant légal: drawn on the pad (tablet), scanned paper,
    oral agreement, or refusal with a comment."""
    if frozen := _refuse_frozen(request, version):
        return frozen
    version = selectors.version_detail(version.pk)
    attendus = selectors.attendus(version, selectors.representants_legaux(dossier.jeune_id))
    attendus = [a for a in attendus if a.proche is None or a.proche.representant_legal]
    pour = request.GET.get("pour") or next((a.cle for a in attendus if a.accord is None), "jeune")
    initial = {"signataire": pour, "date": timezone.localdate(), "mode": ModeAccordPpa.SIGNATURE_TABLETTE}
    form = forms.AccordForm(request.POST or None, request.FILES or None, initial=initial, attendus=attendus)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        attendu = form.attendus[data["signataire"]]
        fichier = data.get("fichier")
        try:
            services.accord_enregistrer(
                version=version, actor=request.user, request=request,
                signataire=Signataire.JEUNE if attendu.proche is None else Signataire.REPRESENTANT_LEGAL,
                proche=attendu.proche, mode=data["mode"], date=data["date"], signature=data.get("signature", ""),
                fichier=fichier.read() if fichier else None, nom_fichier=fichier.name if fichier else "",
                commentaire=data.get("commentaire", ""),
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            label = "Refus enregistré" if data["mode"] == ModeAccordPpa.REFUS else "Accord enregistré"
            messages.success(request, f"{label} : {attendu.nom}.")
            remaining = [a for a in attendus if a.accord is None and a.cle != attendu.cle]
            if remaining and "continuer" in request.POST:
                return redirect(reverse("ppa:accord", args=[version.pk]) + f"?pour={remaining[0].cle}")
            return redirect(_tab_url(version) + "#accords")
    context = _context(request, dossier, audit=request.method == "GET", form=form, version=version,
                       attendus=attendus)  # fmt: skip
    return render(request, "ppa/redaction/accord_form.html", context, status=422 if form.errors else 200)


@require_POST
@accord_view(write=True)
def accord_supprimer(request, accord, dossier):
    return _simple_post(
        request, accord.version,
        lambda: services.accord_supprimer(accord=accord, actor=request.user, request=request),
        f"Accord de {accord.nom_signataire} retiré.",
    )  # fmt: skip


# --- States ----------------------------------------------------------------------------------------------------------


@require_POST
@version_view(write=True)
def valider(request, version, dossier):
    return _simple_post(
        request, version, lambda: services.version_valider(version=version, actor=request.user, request=request),
        f"Version {version.numero} du PPA validée : elle est désormais figée.",
    )  # fmt: skip


@require_POST
@version_view(write=True)
def demarrer(request, version, dossier):
    return _simple_post(
        request, version, lambda: services.version_demarrer(version=version, actor=request.user, request=request),
        "Mise en œuvre du PPA démarrée.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@version_view(write=True)
def clore(request, version, dossier):
    form = forms.ClotureForm(request.POST or None, initial={"date": timezone.localdate()})
    return _form_page(
        request, dossier, form,
        lambda data: services.version_clore(version=version, actor=request.user, request=request, date=data["date"]),
        "ppa/redaction/clore_form.html", f"Version {version.numero} du PPA close.", _tab_url(version),
        version=version,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@version_view(write=True)
def avenant(request, version, dossier):
    form = forms.AvenantForm(request.POST or None)
    created = {}

    def save(data):
        created["v"] = services.avenant_create(version=version, actor=request.user, request=request,
                                               motif=data["motif"])  # fmt: skip

    response = _form_page(
        request, dossier, form, save, "ppa/redaction/avenant_form.html", "Avenant créé : modifiez-le puis faites-le "
        "valider.", _tab_url(dossier), version=version,
    )  # fmt: skip
    if "v" in created:
        return redirect(_tab_url(created["v"]))
    return response


# --- Comparison ----------------------------------------------------------------------------------------------------


@require_GET
@dossier_view()
def comparer(request, dossier):
    """Two versions side by side as changes: content field by field (words removed and added), besoins, and
    objectives matched by ``cle`` (added, removed, changed). Defaults: the version before the latest, and the
    latest."""
    ppa = selectors.ppa_du_dossier(dossier)
    versions = selectors.versions_du_ppa(ppa)
    context = dossier_context(request, dossier, "ppa")
    context.update(versions=versions, libelles=selectors.serafin_libelles())
    if len(versions) < 2:
        context["form"] = None
        return render(request, "ppa/redaction/comparer.html", context)
    data = request.GET if "de" in request.GET else {"de": versions[1].pk, "a": versions[0].pk}
    form = forms.ComparerForm(data, versions=versions)
    context["form"] = form
    if form.is_valid():
        avant = selectors.version_detail(form.cleaned_data["de"])
        apres = selectors.version_detail(form.cleaned_data["a"])
        for v in (avant, apres):
            audit_record(actor=request.user, action=AuditAction.READ, record=v, request=request)
        context.update(avant=avant, apres=apres, diff=selectors.comparer(avant, apres))
    return render(request, "ppa/redaction/comparer.html", context)
