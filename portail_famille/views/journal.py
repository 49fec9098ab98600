"""The shared journal (issue Portail famille §9): validated transmissions marked ``partageable_famille`` naming the
youth (and no other one), newest first, 20 per page."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.enums import AuditAction
from core.services.audit import audit_record
from portail_famille.selectors import journal
from portail_famille.views.base import jeune_page

PAR_PAGE = 20


@require_GET
@jeune_page("voir_journal")
def journal_view(request, acces):
    page = Paginator(journal(acces.jeune_id), PAR_PAGE).get_page(request.GET.get("page"))
    audit_record(actor=request.user, action=AuditAction.READ, record=acces.jeune, request=request,
                 details={"portail": "journal", "page": page.number})  # fmt: skip
    return render(request, "portail_famille/journal.html", {"acces": acces, "page": page})
