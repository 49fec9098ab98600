"""Documents of the youth on the portal (issue Portail famille §4): what the team shared (``partageable_famille``,
classified), the account's own uploads with their status, and the upload form (to the team's inbox)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.enums import AuditAction
from core.services.audit import audit_record
from core.views.administration.common import add_service_errors
from portail_famille.forms import DepotDocumentForm
from portail_famille.perms import documents_deposes, documents_partages
from portail_famille.services.famille import document_deposer
from portail_famille.views.base import jeune_page

FIELDS = ("id", "titre", "type", "date_document", "nom_fichier", "taille", "statut", "created_at", "dossier_id")


def _context(request, acces, form):
    partages = list(documents_partages(acces.jeune_id).only(*FIELDS)) if acces.voir_documents else []
    shared_ids = {d.pk for d in partages}
    deposes = [
        d
        for d in documents_deposes(request.user, acces.jeune_id).only(*FIELDS).order_by("-created_at")
        if d.pk not in shared_ids
    ]
    return {"acces": acces, "partages": partages, "deposes": deposes, "form": form}


@require_http_methods(["GET", "POST"])
@jeune_page(None)
def documents(request, acces):
    """The list (constant number of queries) and the upload form."""
    if not (acces.voir_documents or acces.deposer_documents):
        raise Http404
    form = DepotDocumentForm(request.POST or None, request.FILES or None) if acces.deposer_documents else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            fichier = form.cleaned_data["fichier"]
            try:
                document_deposer(
                    acces=acces, actor=request.user, content=fichier.read(), nom_fichier=fichier.name,
                    type=form.cleaned_data["type"], titre=form.cleaned_data["titre"], request=request,
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Document envoyé. L'équipe va le regarder.")
                return redirect("portail:documents", jeune_id=acces.jeune_id)
    return render(request, "portail_famille/documents.html", _context(request, acces, form))


@require_GET
@jeune_page(None)
def document_telecharger(request, acces, pk):
    """A shared document (with the right to see them) or one of the account's own uploads; audited."""
    document = None
    if acces.voir_documents:
        document = documents_partages(acces.jeune_id).filter(pk=pk).first()
    if document is None:
        document = documents_deposes(request.user, acces.jeune_id).filter(pk=pk).first()
    if document is None:
        raise Http404
    audit_record(actor=request.user, action=AuditAction.READ, record=document, request=request,
                 details={"portail": True})  # fmt: skip
    response = FileResponse(
        document.fichier.open("rb"), as_attachment=True, filename=document.nom_fichier,
        content_type=document.content_type,
    )  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
