"""PDF report of a youth's transmissions over a period: the reader's visibility, addenda with their original,
audited export, personas, constant queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from core.tenancy import Access, tenant_context
from tests.helpers import count_queries
from transmissions.services import addendum_create, transmission_write
from transmissions.services_extras import rapport_transmissions

pytestmark = pytest.mark.django_db
URL = reverse("transmissions:rapport")


def _write(tw, auteur=None, jeunes=None, **kwargs):
    kwargs.setdefault("texte", "Bonne journée, calme en classe.")
    with tenant_context(tw.organisme.pk):
        return transmission_write(
            auteur=auteur or tw.educateur, dispositif=tw.dispositif, categorie=tw.categories["comportement"],
            jeunes=jeunes if jeunes is not None else [tw.jeune], **kwargs,
        )  # fmt: skip


def _params(tw, **extra):
    today = timezone.localdate()
    return {"jeune": tw.jeune.pk, "debut": (today - datetime.timedelta(days=30)).isoformat(),
            "fin": today.isoformat(), **extra}  # fmt: skip


def _texts(tw, user):
    today = timezone.localdate()
    with tenant_context(tw.organisme.pk):
        rows = rapport_transmissions(Access.for_user(user), jeune=tw.jeune, debut=today - datetime.timedelta(days=30),
                                     fin=today)  # fmt: skip
        return [t.texte for t in rows], [[a.texte for a in t.addenda.all()] for t in rows]


def test_visibility_and_addenda(tw):
    original = _write(tw, texte="Visible par l'équipe")
    _write(tw, auteur=tw.psychologue, texte="Confidentiel du psy", visibilite="confidentiel_soin")
    _write(tw, texte="Confidentiel de l'éducateur", visibilite="confidentiel_soin")
    _write(tw, jeunes=[tw.jeune2], texte="Autre jeune")
    with tenant_context(tw.organisme.pk):
        addendum_create(original=original, by=tw.psychologue, texte="Précision du psy")
    texts, addenda = _texts(tw, tw.lecteur)
    assert texts == ["Visible par l'équipe"]  # no confidential, no other youth, the addendum under its original
    assert addenda == [["Précision du psy"]]
    texts, _ = _texts(tw, tw.educateur)
    assert set(texts) == {"Visible par l'équipe", "Confidentiel de l'éducateur"}  # own confidential one
    texts, _ = _texts(tw, tw.psychologue)
    assert len(texts) == 3  # a care métier reads every confidential one


def test_old_original_comes_with_recent_addendum(tw):
    old = _write(tw, texte="Ancienne", survenue_le=timezone.now() - datetime.timedelta(days=60))
    with tenant_context(tw.organisme.pk):
        addendum_create(original=old, by=tw.educateur, texte="Correction récente")
    texts, addenda = _texts(tw, tw.lecteur)
    assert texts == ["Ancienne"] and addenda == [["Correction récente"]]


def test_download_pdf_audited(tw, login_as):
    _write(tw, texte="Refus de la douche ce soir", importance="importante")
    response = login_as(tw.lecteur).get(URL, _params(tw))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith('attachment; filename="transmissions-')
    with tenant_context(tw.organisme.pk):
        entry = AuditEntry.objects.get(action="export", record_type="transmissions.transmission")
    assert entry.actor_id == tw.lecteur.pk and entry.details["nombre"] == 1 and entry.record_id == str(tw.jeune.pk)


def test_form_page_and_errors(tw, login_as):
    client = login_as(tw.educateur)
    response = client.get(URL, {"jeune": tw.jeune.pk})
    assert response.status_code == 200
    assert "Télécharger le PDF" in response.content.decode()
    response = client.get(URL, _params(tw, fin="2020-01-01"))
    assert response.status_code == 400
    assert "La fin de la période précède son début." in response.content.decode()


@pytest.mark.parametrize("persona", ["admin"])
def test_admin_organisme_forbidden(tw, login_as, persona):
    assert login_as(getattr(tw, persona)).get(URL, _params(tw)).status_code == 403


def test_other_organisme_and_portal(tw, login_as, client):
    # Another organisme's user cannot choose this youth: the form refuses it (no PDF, nothing revealed).
    response = login_as(tw.autre_educateur).get(URL, _params(tw))
    assert response.status_code == 400 and not AuditEntry.objects.filter(action="export").exists()
    assert login_as(tw.autre_educateur).get(URL, {"jeune": tw.jeune.pk}).status_code == 404
    client.logout()
    assert login_as(tw.w.proche).get(URL, _params(tw)).status_code == 404
    client.logout()
    assert login_as(tw.w.jeune).get(URL, _params(tw)).status_code == 404


def test_restricted_dossier_not_reported(tw, login_as):
    _write(tw)
    with tenant_context(tw.organisme.pk):
        type(tw.dossier).objects.filter(pk=tw.dossier.pk).update(est_restreint=True)
    assert login_as(tw.lecteur).get(URL, _params(tw)).status_code == 400


def test_constant_queries(tw):
    user = tw.lecteur
    today = timezone.localdate()

    def run():
        with tenant_context(tw.organisme.pk):
            rapport_transmissions(Access.for_user(user), jeune=tw.jeune, debut=today - datetime.timedelta(days=30),
                                  fin=today)  # fmt: skip

    _write(tw)
    few = count_queries(run)
    for i in range(10):
        t = _write(tw, texte=f"Transmission {i}", jeunes=[tw.jeune, tw.jeune2])
        with tenant_context(tw.organisme.pk):
            addendum_create(original=t, by=tw.psychologue, texte="Complément")
    assert count_queries(run) == few
