"""The youth's plan (issue Portail famille §3): the PPA in force, objectives in plain words with the week's events
that serve each one, the attentes, and the PPA documents (full and easy-read) through the portal."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.enums import AuditAction
from core.services.audit import audit_record
from portail_famille.selectors import plans_en_vigueur, semaine
from portail_famille.views.base import jeune_page


def _pdf_functions():
    """The PPA PDF builders of the PPA app (``ppa/pdf.py``), when they exist."""
    try:
        from ppa import pdf as ppa_pdf
    except ImportError:
        return None, None
    return getattr(ppa_pdf, "ppa_pdf", None), getattr(ppa_pdf, "ppa_pdf_falc", None)


@require_GET
@jeune_page("voir_ppa")
def plan(request, acces):
    sem = semaine(request.GET.get("semaine"))
    plans = plans_en_vigueur(acces.jeune_id, sem)
    for item in plans:
        audit_record(actor=request.user, action=AuditAction.READ, record=item["version"], request=request,
                     details={"portail": True})  # fmt: skip
    complet, falc = _pdf_functions()
    return render(
        request,
        "portail_famille/plan.html",
        {
            "acces": acces,
            "plans": plans,
            "semaine": sem,
            "pdf_complet": complet is not None,
            "pdf_falc": falc is not None,
        },  # fmt: skip
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
    complet, falc = _pdf_functions()
    builder = {"complet": complet, "facile": falc}.get(variante)
    if version is None or builder is None:
        raise Http404
    content = builder(version)
    audit_record(actor=request.user, action=AuditAction.EXPORT, record=version, request=request,
                 details={"portail": True, "variante": variante})  # fmt: skip
    response = HttpResponse(content, content_type="application/pdf")
    name = "projet-facile-a-lire" if variante == "facile" else "projet-personnalise"
    response["Content-Disposition"] = f'attachment; filename="{name}-v{version.numero}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
