"""The youth's plan (issue Portail famille §3): the PPA in force, objectives in plain words with the week's events
that serve each one, the attentes, and the PPA documents (full and easy-read) through the portal."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.enums import AuditAction
from core.services.audit import audit_record
from portail_famille.selectors import plans_en_vigueur, semaine
from portail_famille.views.base import jeune_page


def _pdf_builder():
    """The PPA PDF builder of the PPA app (``ppa.pdf.ppa_pdf``)."""
    try:
        from ppa.pdf import ppa_pdf
    except ImportError:
        return None
    return ppa_pdf


@require_GET
@jeune_page("voir_ppa")
def plan(request, acces):
    sem = semaine(request.GET.get("semaine"))
    plans = plans_en_vigueur(acces.jeune_id, sem)
    for item in plans:
        audit_record(actor=request.user, action=AuditAction.READ, record=item["version"], request=request,
                     details={"portail": True})  # fmt: skip
    pdf = _pdf_builder() is not None
    return render(
        request,
        "portail_famille/plan.html",
        {
            "acces": acces,
            "plans": plans,
            "semaine": sem,
            "pdf": pdf,
        },
    )


@require_GET
@jeune_page("voir_ppa")
def plan_pdf(request, acces, version_id, variante):
    """The PPA document of a version in force for this youth (``complet`` or ``facile`` to read)."""
    from ppa.enums import StatutPpa
    from ppa.models import PpaVersion

    version = (
        PpaVersion.objects.filter(
            pk=version_id, ppa__dossier__jeune_id=acces.jeune_id, statut__in=[StatutPpa.VALIDE, StatutPpa.EN_COURS]
        )
        .select_related("ppa__dossier__jeune", "ppa__dossier__dispositif")
        .first()
    )
    builder = _pdf_builder()
    if version is None or builder is None or variante not in ("complet", "facile"):
        raise Http404
    content, _ = builder(version, version.ppa.dossier, falc=variante == "facile", actor=request.user)
    audit_record(actor=request.user, action=AuditAction.EXPORT, record=version, request=request,
                 details={"portail": True, "variante": variante})  # fmt: skip
    response = HttpResponse(content, content_type="application/pdf")
    name = "projet-facile-a-lire" if variante == "facile" else "projet-personnalise"
    response["Content-Disposition"] = f'attachment; filename="{name}-v{version.numero}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
