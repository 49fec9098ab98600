"""The documents tab of a dossier: list, upload, production from a template, the family inbox ("à valider") and
the download view — the only way a stored file leaves the server (permission check, audit row, attachment).

``confidentiel_soin`` documents are listed for the care métiers and their uploader only (``visible_documents``);
the download applies the same rule through ``core.perms.get_object_for_request``.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.enums import AuditAction, Visibilite
from core.perms import get_object_for_request
from core.services.audit import audit_record
from core.views.administration.common import add_service_errors
from dossiers.enums import StatutDocument, TypeDocument
from dossiers.forms.documents import DocumentRefuseForm, DocumentUploadForm, DocumentValidateForm, ProduireForm
from dossiers.models import Document, ModeleDocument
from dossiers.perms import can_read_confidentiel
from dossiers.services.documents import document_create, document_refuse, document_validate
from dossiers.services.modeles import document_produce
from dossiers.views.dossier import dossier_context, dossier_view


def visible_documents(access, dossier):
    """The dossier's documents this user may see: ``confidentiel_soin`` ones only for care métiers and their
    uploader."""
    qs = Document.objects.filter(organisme_id=dossier.organisme_id, dossier=dossier).select_related("uploaded_by")
    if not can_read_confidentiel(access):
        qs = qs.exclude(Q(visibilite=Visibilite.CONFIDENTIEL_SOIN) & ~Q(uploaded_by_id=access.user.pk))
    return qs


def _tab_context(request, dossier, *, audit=True):
    context = dossier_context(request, dossier, "documents", audit=audit)
    documents = list(visible_documents(request.access, dossier).exclude(statut=StatutDocument.REFUSE))
    context["documents"] = [d for d in documents if d.statut == StatutDocument.VALIDE]
    context["a_valider"] = [d for d in documents if d.statut == StatutDocument.A_VALIDER]
    context["types"], context["visibilites"] = TypeDocument.choices, Visibilite.choices
    context["has_modeles"] = (
        context["can_write"]
        and ModeleDocument.objects.filter(organisme_id=dossier.organisme_id, is_active=True).exists()
    )
    return context


@require_GET
@dossier_view()
def documents(request, dossier):
    return render(request, "dossiers/documents/liste.html", _tab_context(request, dossier))


@require_http_methods(["GET", "POST"])
@dossier_view(write=True)
def document_upload(request, dossier):
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fichier = data["fichier"]
        try:
            document_create(
                dossier=dossier,
                content=fichier.read(),
                nom_fichier=fichier.name,
                type=data["type"],
                titre=data["titre"],
                date_document=data["date_document"],
                visibilite=data["visibilite"],
                donnees_tiers=data["donnees_tiers"],
                judiciaire=data["judiciaire"],
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Document ajouté au dossier.")
            return redirect("dossiers:documents", pk=dossier.pk)
    context = dossier_context(request, dossier, "documents", audit=request.method == "GET")
    context["form"] = form
    return render(request, "dossiers/documents/ajouter.html", context)


@require_http_methods(["GET", "POST"])
@dossier_view(write=True)
def document_produire(request, dossier):
    form = ProduireForm(request.POST or None, organisme_id=dossier.organisme_id)
    if request.method == "POST" and form.is_valid():
        try:
            document = document_produce(
                dossier=dossier,
                modele=form.cleaned_data["modele"],
                visibilite=form.cleaned_data["visibilite"],
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Document « {document.titre} » produit et classé dans le dossier.")
            return redirect("dossiers:documents", pk=dossier.pk)
    context = dossier_context(request, dossier, "documents", audit=request.method == "GET")
    context["form"] = form
    return render(request, "dossiers/documents/produire.html", context)


@require_GET
def document_download(request, pk):
    """Serve a stored file after the permission check (another organisme: 404; not readable, e.g. a
    ``confidentiel_soin`` document for a non-care métier: 403), with an audit row. ``FileResponse`` streams after
    the request transaction has closed, which is fine: reading the storage does not touch the database."""
    document = get_object_for_request(request, Document.objects.select_related("dossier"), pk=pk)
    audit_record(actor=request.user, action=AuditAction.READ, record=document, request=request)
    response = FileResponse(
        document.fichier.open("rb"),
        as_attachment=True,
        filename=document.nom_fichier,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _inbox_document(request, pk):
    return get_object_for_request(request, Document.objects.select_related("dossier"), write=True, pk=pk)


@require_POST
def document_valider(request, pk):
    document = _inbox_document(request, pk)
    form = DocumentValidateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez le type et la visibilité du document.")
    else:
        try:
            document_validate(document=document, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Document « {document.titre} » classé dans le dossier.")
    return redirect("dossiers:documents", pk=document.dossier_id)


@require_POST
def document_refuser(request, pk):
    document = _inbox_document(request, pk)
    form = DocumentRefuseForm(request.POST)
    motif = form.cleaned_data["motif"] if form.is_valid() else ""
    try:
        document_refuse(document=document, actor=request.user, motif=motif, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Document « {document.titre} » refusé.")
    return redirect("dossiers:documents", pk=document.dossier_id)
