"""Transmissions extras: the catégories of the organisme, attachments of a draft (upload, permission-checked
audited download, removal), the PDF report of a youth's transmissions, and the adverse-event declaration opened
from a validated transmission."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.enums import AuditAction, Visibilite
from core.forms.administration import DateInput
from core.perms import get_object_for_request
from core.services.audit import audit_record
from core.views.administration.common import add_service_errors
from dossiers.forms.signalements import EvenementDeclareForm
from dossiers.models import Dossier, Jeune
from dossiers.perms import readable_dossiers
from dossiers.views.signalements import can_declare_evenement
from transmissions import services_extras as svc
from transmissions.models import Categorie, PieceJointe, SignalementTransmission
from transmissions.services import categories_par_defaut
from transmissions.views.common import get_transmission, require_reader

# --- Catégories ----------------------------------------------------------------------------------------------


class CategorieForm(forms.Form):
    libelle = forms.CharField(label="Libellé", max_length=100)
    ordre = forms.IntegerField(
        label="Ordre d'affichage", min_value=0, max_value=32000, required=False,
        help_text="Les catégories sont proposées dans l'ordre croissant ; vide : à la fin de la liste.",
    )  # fmt: skip


class CategorieEditForm(CategorieForm):
    is_active = forms.BooleanField(
        label="Active", required=False,
        help_text="Une catégorie désactivée n'est plus proposée ; les transmissions passées la conservent.",
    )  # fmt: skip


def _require_manager(request) -> None:
    if not svc.can_manage_categories(request.access):
        raise PermissionDenied


def _categorie(request, pk) -> Categorie:
    _require_manager(request)
    return get_object_for_request(request, Categorie, pk=pk)


def _categories_context(request, form=None) -> dict:
    organisme_id = request.access.organisme_id
    categories = list(
        Categorie.objects.filter(organisme_id=organisme_id).annotate(nb=Count("transmissions")).order_by("ordre", "pk")
    )
    return {"categories": categories, "form": form or CategorieForm()}


@require_http_methods(["GET", "POST"])
def categorie_list(request):
    """The catégories of the organisme (in their order, with how many transmissions use them) and the form to add
    one."""
    _require_manager(request)
    form = CategorieForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.categorie_create(organisme_id=request.access.organisme_id, actor=request.user, request=request,
                                 **form.cleaned_data)  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Catégorie « {form.cleaned_data['libelle']} » ajoutée.")
            return redirect("transmissions:categorie_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "transmissions/extras/categories.html", _categories_context(request, form), status=status)


@require_http_methods(["GET", "POST"])
def categorie_edit(request, pk):
    categorie = _categorie(request, pk)
    initial = {"libelle": categorie.libelle, "ordre": categorie.ordre, "is_active": categorie.is_active}
    form = CategorieEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            svc.categorie_update(categorie=categorie, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Catégorie enregistrée.")
            return redirect("transmissions:categorie_list")
    status = 400 if request.method == "POST" else 200
    context = {"categorie": categorie, "form": form}
    return render(request, "transmissions/extras/categorie_form.html", context, status=status)


@require_POST
def categorie_deplacer(request, pk):
    categorie = _categorie(request, pk)
    try:
        svc.categorie_deplacer(categorie=categorie, actor=request.user, vers=request.POST.get("vers", ""),
                               request=request)  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("transmissions:categorie_list")


@require_POST
def categorie_activer(request, pk):
    """Deactivate (or reactivate) in one click from the list."""
    categorie = _categorie(request, pk)
    try:
        svc.categorie_update(categorie=categorie, actor=request.user, is_active=not categorie.is_active,
                             request=request)  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        etat = "réactivée" if categorie.is_active else "désactivée"
        messages.success(request, f"Catégorie « {categorie.libelle} » {etat}.")
    return redirect("transmissions:categorie_list")


@require_POST
def categorie_defaults(request):
    """Recreate the default catégories that are missing (santé, comportement, scolarité...)."""
    _require_manager(request)
    organisme_id = request.access.organisme_id
    before = Categorie.objects.filter(organisme_id=organisme_id).count()
    after = len(categories_par_defaut(organisme_id=organisme_id))
    if after > before:
        audit_record(actor=request.user, action=AuditAction.CREATE, record_type="transmissions.categorie",
                     organisme_id=organisme_id, request=request,
                     record_label="Catégories par défaut", details={"ajoutees": after - before})  # fmt: skip
        messages.success(request, f"{after - before} catégorie(s) par défaut ajoutée(s).")
    else:
        messages.info(request, "Toutes les catégories par défaut existent déjà.")
    return redirect("transmissions:categorie_list")


# --- Attachments -----------------------------------------------------------------------------------------------


class PieceJointeForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier",
        help_text="PDF, image (JPEG, PNG, TIFF, WebP), document Word, Excel ou OpenDocument ; 20 Mo au plus.",
    )


def _back(request, transmission_pk):
    return redirect("transmissions:detail", pk=transmission_pk)


@require_POST
def piece_jointe_add(request, pk):
    """Attach a file to a draft (its author): checked by content, stored, audited."""
    require_reader(request)
    transmission = get_transmission(request, pk, write=True)
    form = PieceJointeForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choisissez un fichier à joindre.")
        return _back(request, transmission.pk)
    fichier = form.cleaned_data["fichier"]
    try:
        svc.piece_jointe_add(transmission=transmission, content=fichier.read(), nom_fichier=fichier.name,
                             by=request.user, request=request)  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Pièce jointe « {fichier.name} » ajoutée.")
    return _back(request, transmission.pk)


def _piece(request, pk, *, write=False) -> PieceJointe:
    require_reader(request)
    qs = PieceJointe.objects.select_related("transmission")
    return get_object_for_request(request, qs, write=write, pk=pk)


@require_GET
def piece_jointe_download(request, pk):
    """Serve an attachment after the permission check (the transmission must be readable: a confidential one only
    for the care métiers and its author; another organisme: 404), with an audit row."""
    piece = _piece(request, pk)
    audit_record(actor=request.user, action=AuditAction.READ, record=piece, request=request,
                 details={"transmission": piece.transmission_id})  # fmt: skip
    response = FileResponse(
        piece.fichier.open("rb"), as_attachment=True, filename=piece.nom_fichier, content_type=piece.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def piece_jointe_delete(request, pk):
    piece = _piece(request, pk, write=True)
    try:
        svc.piece_jointe_remove(piece=piece, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Pièce jointe « {piece.nom_fichier} » retirée.")
    return _back(request, piece.transmission_id)


# --- PDF report ------------------------------------------------------------------------------------------------


class RapportForm(forms.Form):
    jeune = forms.ModelChoiceField(label="Jeune", queryset=Jeune.objects.none())
    debut = forms.DateField(label="Du", widget=DateInput())
    fin = forms.DateField(label="Au", widget=DateInput())

    def __init__(self, *args, access, jeune_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        readable = readable_dossiers(access, Dossier.objects.all())
        jeunes = Jeune.objects.filter(pk__in=readable.values("jeune_id")).order_by("nom_naissance", "prenom")
        if jeune_id is not None:
            jeunes = jeunes.filter(pk=jeune_id)  # the form opened from a youth's tab: one choice, one query
        self.fields["jeune"].queryset = jeunes
        self.fields["jeune"].label_from_instance = lambda j: f"{j.nom} {j.prenom} ({j.date_naissance:%d/%m/%Y})"

    def clean(self):
        cleaned = super().clean()
        debut, fin = cleaned.get("debut"), cleaned.get("fin")
        if debut and fin:
            if fin < debut:
                self.add_error("fin", "La fin de la période précède son début.")
            elif (fin - debut).days > 3 * 366:
                self.add_error("fin", "La période ne peut pas dépasser trois ans.")
        return cleaned


@require_GET
def rapport(request):
    """``/transmissions/rapport/?jeune=&debut=&fin=``: with a complete period, the PDF (built in memory, audited
    as an export); otherwise the form, pre-filled with the last three months."""
    require_reader(request)
    access = request.access
    jeune_param = request.GET.get("jeune", "")
    jeune_id = int(jeune_param) if jeune_param.isdigit() else None
    today = timezone.localdate()
    if "debut" in request.GET or "fin" in request.GET:
        form = RapportForm(request.GET, access=access, jeune_id=jeune_id)
        if form.is_valid():
            data = form.cleaned_data
            pdf = svc.rapport_pdf(access=access, jeune=data["jeune"], debut=data["debut"], fin=data["fin"],
                                  request=request)  # fmt: skip
            response = HttpResponse(pdf, content_type="application/pdf")
            name = f"transmissions-{data['jeune'].num}-{data['debut']:%Y%m%d}-{data['fin']:%Y%m%d}.pdf"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            response["Cache-Control"] = "private, no-store"
            return response
        status = 400
    else:
        initial = {"debut": today - datetime.timedelta(days=91), "fin": today}
        if jeune_id is not None:
            initial["jeune"] = jeune_id
        form = RapportForm(initial=initial, access=access, jeune_id=jeune_id)
        if jeune_id is not None and not form.fields["jeune"].queryset.exists():
            raise Http404
        status = 200
    return render(request, "transmissions/extras/rapport.html", {"form": form}, status=status)


# --- Adverse event ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def signaler(request, pk):
    """The adverse-event declaration pre-filled from a validated transmission; once declared, the transmission is
    linked to it and the direction is notified (``dossiers.services.signalements``)."""
    require_reader(request)
    transmission = get_transmission(request, pk)
    access = request.access
    if not transmission.est_validee or not can_declare_evenement(access):
        raise PermissionDenied
    existing = SignalementTransmission.objects.filter(transmission_id=transmission.pk).first()
    if existing is not None:
        messages.info(request, "Cette transmission a déjà été signalée comme événement indésirable.")
        return redirect("dossiers:evenement_detail", pk=existing.evenement_indesirable_id)
    form = EvenementDeclareForm(request.POST or None, access=access, initial=svc.evenement_initial(transmission))
    if request.method == "POST" and form.is_valid():
        try:
            evenement = svc.transmission_signaler(transmission=transmission, actor=request.user, request=request,
                                                  **form.cleaned_data)  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Événement indésirable déclaré. La direction en est informée.")
            return redirect("dossiers:evenement_detail", pk=evenement.pk)
    context = {
        "form": form,
        "transmission": transmission,
        "confidentiel": transmission.visibilite == Visibilite.CONFIDENTIEL_SOIN,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "transmissions/extras/signaler.html", context, status=status)
