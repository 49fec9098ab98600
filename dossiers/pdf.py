"""PDF rendering with WeasyPrint, shared by the dossier's PDF outputs (document templates, fiche de liaison,
exports).

``render_pdf(template_name, context) -> bytes``: the template extends ``dossiers/pdf/base.html``, which prints
the header (organisme, dispositif and their FINESS numbers) from the context keys ``organisme`` and ``dispositif``
(model instances or dicts with ``nom`` / ``finess_juridique`` / ``finess``) and the title from ``titre``; the
child fills ``{% block content %}``. Nothing is fetched from the network or the disk while rendering: the PDF is
built from the HTML alone (fonts are the system's).
"""

from django.template.loader import render_to_string


def _no_fetch():
    # A template (or a value typed into one) must never make the server fetch a URL or read a local file:
    # no protocol is allowed (WeasyPrint skips the resource and logs it).
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=(), allow_redirects=False)


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of an HTML document (already rendered and escaped)."""
    from weasyprint import HTML  # imported lazily: it loads Pango at import time

    return HTML(string=html, url_fetcher=_no_fetch(), base_url="about:blank").write_pdf()


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render ``template_name`` with ``context`` (autoescaped Django template) and return the PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context, request=request))
