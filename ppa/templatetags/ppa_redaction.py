"""Template helpers of the PPA pages (also usable by the PDF templates: ``{% load ppa_redaction %}``)."""

from django import template

from ppa.services.redaction import SIGNATURE_HAUTEUR, SIGNATURE_LARGEUR, signature_path

register = template.Library()


@register.filter
def libelle(code, libelles):
    """The label of a SERAFIN-PH code from the ``libelles`` dict of the context (``selectors.serafin_libelles``)."""
    return (libelles or {}).get(code, "")


@register.inclusion_tag("ppa/redaction/_signature.html")
def signature(accord, titre=""):
    """The drawn signature of an agreement as inline SVG, rebuilt from re-validated path data (never the stored
    markup as is)."""
    return {
        "path": signature_path(accord.signature),
        "largeur": SIGNATURE_LARGEUR,
        "hauteur": SIGNATURE_HAUTEUR,
        "titre": titre or f"Signature de {accord.nom_signataire}",
    }
