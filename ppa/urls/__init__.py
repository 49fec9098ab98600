"""PPA URLs: drafting, agreement, avenants and comparison (``redaction``); links to the agenda, realisation,
reviews, PDFs and the due/late list (``suivi``)."""

from ppa.urls import redaction, suivi

app_name = "ppa"
urlpatterns = [
    *redaction.urlpatterns,
    *suivi.urlpatterns,
]
