"""OpenAPI schema and its documentation page (Swagger UI served from drf-spectacular-sidecar's static files).

The docs page is a browser page: it keeps the login middleware's walls (login redirect, TOTP, staff only), and its
CSP is widened for this view only, by the hash of the one inline ``<style>`` of drf-spectacular's template (its
script is served as a separate file by the "split" view, so ``script-src 'self'`` holds).
"""

import base64
import hashlib
import re
from functools import cache

from csp.decorators import csp_update
from django.template.loader import get_template
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.api.permissions import StaffApiPermission

SWAGGER_TEMPLATE = "drf_spectacular/swagger_ui.html"


@cache
def inline_style_hashes(template_name: str = SWAGGER_TEMPLATE) -> list[str]:
    """CSP source expressions ('sha256-...') of the static inline <style> blocks of a template."""
    source = get_template(template_name).template.source
    blocks = re.findall(r"<style>(.*?)</style>", source, flags=re.DOTALL)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(b.encode()).digest()).decode()}'" for b in blocks]


class SchemaView(SpectacularAPIView):
    permission_classes = [StaffApiPermission]


class DocsView(SpectacularSwaggerSplitView):
    permission_classes = [StaffApiPermission]
    url_name = "api-schema"
    title = "API du DUI DITEP"


def schema_view():
    return SchemaView.as_view()


def docs_view():
    view = DocsView.as_view()
    # DRF opts its views out of the login middleware; a page for browsers keeps it (redirect to the login page).
    view.login_required = True
    return csp_update({"style-src": inline_style_hashes()})(view)
