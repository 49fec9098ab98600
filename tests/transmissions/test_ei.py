"""Flagging a validated transmission as an adverse event: the declaration pre-filled from it, the link kept on a
row of its own (the transmission is immutable), the direction notified."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from core.tenancy import tenant_context
from dossiers.models import EvenementIndesirable
from transmissions.models import SignalementTransmission
from transmissions.services import transmission_create_draft, transmission_write
from transmissions.services_extras import transmission_signaler

pytestmark = pytest.mark.django_db


def _incident(tw, **kwargs):
    with tenant_context(tw.organisme.pk):
        return transmission_write(
            auteur=tw.educateur, dispositif=tw.dispositif, categorie=tw.categories["incident"], jeunes=[tw.jeune],
            site=tw.site, cible="Fugue", donnees="Parti sans autorisation à 16 h 40.",
            actions="Recherches, appel de la famille.", resultats="Retrouvé à 18 h.", importance="importante",
            **kwargs,
        )  # fmt: skip


def _url(t):
    return reverse("transmissions:signaler", args=[t.pk])


def test_prefilled_declaration_then_link(tw, login_as):
    t = _incident(tw)
    client = login_as(tw.educateur)
    response = client.get(_url(t))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["dispositif"] == tw.dispositif.pk
    assert form.initial["dossier"] == tw.dossier.pk
    assert "Parti sans autorisation" in form.initial["faits"] and "Cible : Fugue" in form.initial["faits"]
    assert "Actions : Recherches" in form.initial["mesures_immediates"]
    assert form.initial["lieu"] == tw.site.nom
    survenu = timezone.localtime(t.survenue_le).replace(second=0, microsecond=0)
    data = {
        "dispositif": tw.dispositif.pk, "dossier": tw.dossier.pk, "survenu_le": survenu.strftime("%Y-%m-%dT%H:%M"),
        "lieu": tw.site.nom, "faits": form.initial["faits"], "mesures_immediates": form.initial["mesures_immediates"],
        "gravite": "moderee",
    }  # fmt: skip
    response = client.post(_url(t), data)
    assert response.status_code == 302
    with tenant_context(tw.organisme.pk):
        evenement = EvenementIndesirable.objects.get()
        lien = SignalementTransmission.objects.get()
        assert (lien.transmission_id, lien.evenement_indesirable_id) == (t.pk, evenement.pk)
        assert evenement.dossier_id == tw.dossier.pk and evenement.declare_par_id == tw.educateur.pk
        assert Notification.objects.filter(recipient=tw.direction, categorie="evenement_indesirable").exists()
        t.refresh_from_db()
        assert t.statut == "validee"  # untouched
    assert response["Location"] == reverse("dossiers:evenement_detail", args=[evenement.pk])
    # A second time: straight to the existing declaration.
    response = client.get(_url(t))
    assert response.status_code == 302 and response["Location"].endswith(f"/{evenement.pk}/")


def test_only_validated_and_once(tw):
    with tenant_context(tw.organisme.pk):
        draft = transmission_create_draft(auteur=tw.educateur, dispositif=tw.dispositif,
                                          categorie=tw.categories["incident"], texte="x")  # fmt: skip
        declaration = {"dispositif": tw.dispositif, "survenu_le": timezone.now(), "faits": "x", "gravite": "mineure"}
        with pytest.raises(ValidationError):
            transmission_signaler(transmission=draft, actor=tw.educateur, **declaration)
        t = _incident(tw)
        transmission_signaler(transmission=t, actor=tw.educateur, **declaration)
        with pytest.raises(ValidationError):
            transmission_signaler(transmission=t, actor=tw.psychologue, **declaration)
        assert EvenementIndesirable.objects.count() == 1


def test_personas(tw, login_as, client):
    t = _incident(tw)
    assert login_as(tw.lecteur).get(_url(t)).status_code == 403  # read-only colleague
    client.logout()
    assert login_as(tw.admin).get(_url(t)).status_code == 403
    client.logout()
    assert login_as(tw.autre_educateur).get(_url(t)).status_code == 404
    client.logout()
    assert login_as(tw.w.proche).get(_url(t)).status_code == 404
    client.logout()
    assert login_as(tw.psychologue).get(_url(t)).status_code == 200


def test_confidential_transmission_warns(tw, login_as):
    t = _incident(tw, visibilite="confidentiel_soin")
    assert login_as(tw.lecteur).get(_url(t)).status_code == 403  # not readable
    response = login_as(tw.educateur).get(_url(t))
    assert "confidentielle soin" in response.content.decode()
