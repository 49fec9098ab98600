"""Transmissions URLs: the journal, quick entry, handover view and timeline (``journal``), and the report, API
glue, categories admin and attachments (``extras``)."""

from transmissions.urls import extras, journal

app_name = "transmissions"
urlpatterns = [
    *journal.urlpatterns,
    *extras.urlpatterns,
]
