"""The audit journal page and its CSV export: who may list what, filters, break-the-glass highlight, the
consultation itself audited, constant query counts."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from core.enums import AuditAction, Metier
from core.models import AuditEntry
from core.services.audit import audit_record
from core.tenancy import tenant_context
from core.views import audit as audit_views
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("core:audit_list")
EXPORT = reverse("core:audit_export")


def record(world, actor, action=AuditAction.READ, record_type="dossiers.dossier", record_id=12, **kwargs):
    with tenant_context(actor.organisme_id):
        return audit_record(
            actor=actor,
            action=action,
            record_type=record_type,
            record_id=record_id,
            record_label=kwargs.pop("record_label", f"Dossier {record_id}"),
            **kwargs,
        )


def rows_of(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


# --- Personas ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, EXPORT])
@pytest.mark.parametrize("persona", ["direction", "admin"])
def test_direction_and_admin_may_list(client, world, login_as, persona, url):
    login_as(getattr(world, persona))
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", [LIST, EXPORT])
@pytest.mark.parametrize("persona", ["educateur", "lecteur", "psychologue"])
def test_other_professionals_get_403(client, world, login_as, persona, url):
    login_as(getattr(world, persona))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", [LIST, EXPORT])
@pytest.mark.parametrize("persona", ["proche", "jeune"])
def test_family_and_youth_accounts_get_404(client, world, login_as, persona, url):
    login_as(getattr(world, persona))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:login"))


def test_other_organismes_journal_is_never_listed(client, world, login_as):
    direction_b = factories.professionnel(world.dispositif_b, Metier.DIRECTION, email="direction@b.org")
    record(world, world.autre_educateur, record_label="Dossier secret de B")
    record(world, world.educateur, record_label="Dossier de A")
    login_as(world.direction)
    body = client.get(LIST).content.decode()
    assert "Dossier de A" in body and "Dossier secret de B" not in body
    export = "\n".join(";".join(row) for row in rows_of(client.get(EXPORT)))
    assert "Dossier de A" in export and "Dossier secret de B" not in export
    # And the same id typed in the generic URL shows nothing of B to A.
    body = client.get(LIST, {"type": "dossiers.dossier", "id": "12"}).content.decode()
    assert "Dossier secret de B" not in body
    assert direction_b.pk  # B's direction exists: B's rows are really there, under B's tenant


def test_admin_sees_only_the_structure_and_accounts_journal(client, world, login_as):
    """admin_organisme sees no clinical content by default (DOMAIN §3): no dossiers' accesses, even filtered."""
    record(world, world.educateur, record_label="Dossier de Léo")
    record(
        world,
        world.admin,
        action=AuditAction.UPDATE,
        record_type="core.site",
        record_id=world.site.pk,
        record_label="Site de Muret",
    )
    login_as(world.admin)
    body = client.get(LIST).content.decode()
    assert "Site de Muret" in body and "Dossier de Léo" not in body
    assert "Dossier de Léo" not in client.get(LIST, {"type": "dossiers.dossier", "id": "12"}).content.decode()
    login_as(world.direction)
    body = client.get(LIST).content.decode()
    assert "Site de Muret" in body and "Dossier de Léo" in body


# --- Filters, order, break-the-glass -------------------------------------------------------------------------------


def test_generic_record_url_lists_who_accessed_a_record(client, world, login_as):
    record(world, world.educateur, record_id=12, record_label="Dossier douze")
    record(world, world.psychologue, record_id=13, record_label="Dossier treize")
    login_as(world.direction)
    body = client.get(LIST, {"type": "dossiers.dossier", "id": "12"}).content.decode()
    assert "Dossier douze" in body and "Dossier treize" not in body
    assert "educ@a.org" in body


def test_filters_by_actor_action_and_period(client, world, login_as):
    old = record(world, world.educateur, record_label="Ancien")
    with tenant_context(world.organisme.pk):
        # The journal is append-only: an old access is a row written with an explicit date.
        old_at = timezone.now() - datetime.timedelta(days=40)
        AuditEntry.objects.create(
            organisme=world.organisme,
            at=old_at,
            actor=world.psychologue,
            actor_label="Psy <psy@a.org>",
            action=AuditAction.UPDATE,
            record_type="dossiers.dossier",
            record_id="99",
            record_label="Très ancien",
        )
    record(world, world.psychologue, action=AuditAction.UPDATE, record_label="Modifié par la psy")
    login_as(world.direction)
    body = client.get(LIST, {"par": world.psychologue.pk}).content.decode()
    assert "Modifié par la psy" in body and "Ancien" not in body
    body = client.get(LIST, {"acteur": "educ@"}).content.decode()
    assert "Ancien" in body and "Modifié par la psy" not in body
    body = client.get(LIST, {"action": AuditAction.UPDATE}).content.decode()
    assert "Modifié par la psy" in body and old.record_label not in body
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    body = client.get(LIST, {"du": since}).content.decode()
    assert "Modifié par la psy" in body and "Très ancien" not in body
    until = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    body = client.get(LIST, {"au": until}).content.decode()
    assert "Très ancien" in body and "Modifié par la psy" not in body


def test_newest_first(client, world, login_as):
    record(world, world.educateur, record_label="Premier")
    record(world, world.educateur, record_label="Second")
    login_as(world.direction)
    body = client.get(LIST, {"type": "dossiers.dossier"}).content.decode()
    assert body.index("Second") < body.index("Premier")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"id": "12"}, "Précisez le type de l&#x27;enregistrement dont vous donnez l&#x27;identifiant."),
        ({"du": "2026-03-01", "au": "2026-02-01"}, "La fin de la période ne peut pas précéder son début."),
        ({"du": "hier"}, "Saisissez une date valide."),
    ],
)
def test_invalid_filters_answer_in_french(client, world, login_as, params, message):
    login_as(world.direction)
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_break_the_glass_is_highlighted_with_its_reason(client, world, login_as):
    record(world, world.educateur, action=AuditAction.BREAK_GLASS, reason="Urgence : fugue signalée par l'école")
    login_as(world.direction)
    body = client.get(LIST).content.decode()
    assert "1 accès exceptionnel (bris de glace)" in body
    assert "Urgence : fugue signalée par l&#x27;école" in body
    assert 'class="badge badge--alerte">Accès exceptionnel (bris de glace)' in body


# --- The consultation is audited ----------------------------------------------------------------------------------


def test_consulting_the_journal_is_audited_without_feeding_the_records_list(client, world, login_as):
    record(world, world.educateur, record_id=12)
    login_as(world.direction)
    client.get(LIST, {"type": "dossiers.dossier", "id": "12"})
    with tenant_context(world.organisme.pk):
        entry = AuditEntry.objects.filter(record_type="core.auditentry").get()
        assert (entry.action, entry.actor_id, entry.record_id) == (
            AuditAction.READ,
            world.direction.pk,
            "dossiers.dossier:12",
        )
        assert entry.details["filtres"] == {"type": "dossiers.dossier", "id": "12"}
        # The record's own access list still holds only the real access.
        assert AuditEntry.objects.filter(record_type="dossiers.dossier", record_id="12").count() == 1


def test_export_is_audited_with_its_row_count(client, world, login_as):
    record(world, world.educateur, record_id=12)
    record(world, world.psychologue, record_id=12)
    login_as(world.direction)
    client.get(EXPORT, {"type": "dossiers.dossier", "id": "12"})
    with tenant_context(world.organisme.pk):
        entry = AuditEntry.objects.get(record_type="core.auditentry")
        assert (entry.action, entry.details["lignes"]) == (AuditAction.EXPORT, 2)


# --- Export ------------------------------------------------------------------------------------------------------


def test_export_holds_the_filtered_rows(client, world, login_as):
    record(world, world.educateur, action=AuditAction.BREAK_GLASS, record_id=12, reason="Urgence")
    record(world, world.educateur, record_id=13, record_label="Autre dossier")
    login_as(world.direction)
    response = client.get(EXPORT, {"type": "dossiers.dossier", "id": "12"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="journal-des-acces-')
    rows = rows_of(response)
    assert rows[0][:3] == ["Date et heure", "Auteur", "Action"]
    assert len(rows) == 2
    assert rows[1][2:7] == ["Accès exceptionnel (bris de glace)", "dossiers.dossier", "12", "Dossier 12", "Urgence"]


def test_export_neutralises_spreadsheet_formulas(client, world, login_as):
    record(world, world.educateur, record_label='=HYPERLINK("http://x")')
    login_as(world.direction)
    rows = rows_of(client.get(EXPORT, {"type": "dossiers.dossier"}))
    assert rows[1][5] == '\'=HYPERLINK("http://x")'


def test_export_over_the_limit_is_refused_with_a_french_message(client, world, login_as, monkeypatch):
    monkeypatch.setattr(audit_views, "EXPORT_MAX_ROWS", 1)
    record(world, world.educateur)
    record(world, world.educateur)
    login_as(world.direction)
    response = client.get(EXPORT, {"type": "dossiers.dossier"})
    assert response.status_code == 302
    assert response.url == f"{LIST}?type=dossiers.dossier"
    body = client.get(response.url).content.decode()
    assert "L&#x27;export est limité à 1 lignes ; cette sélection en compte 2." in body
    with tenant_context(world.organisme.pk):
        assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_professional_admin_page_links_to_its_journal(client, world, login_as):
    login_as(world.admin)
    body = client.get(reverse("core:admin_professionnel_detail", kwargs={"pk": world.educateur.pk})).content.decode()
    assert f"{LIST}?type=core.user&amp;id={world.educateur.pk}" in body


# --- Query counts --------------------------------------------------------------------------------------------------


def _add_entries(world, n):
    for i in range(n):
        record(world, world.educateur, action=AuditAction.BREAK_GLASS if i % 3 else AuditAction.READ, reason="motif")


# 9 framework queries (session, savepoint and release, tenant setting read/set/restore, user, OTP device, access);
# the list adds the menu (organisme name, unread count), count, page, break-the-glass count and the consultation's
# INSERT; the export (no menu) adds count, the rows' server-side cursor (batches of 2,000) and the INSERT.
@pytest.mark.parametrize(("url", "expected"), [(LIST, 15), (EXPORT, 12)])
@pytest.mark.parametrize("rows", [1, 20])
def test_query_counts_do_not_grow_with_rows(client, world, login_as, django_assert_num_queries, url, expected, rows):
    _add_entries(world, rows)
    login_as(world.direction)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
