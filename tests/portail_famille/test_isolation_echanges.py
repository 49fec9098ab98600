"""Isolation of the exchanges on the portal (issue §7 and « Done when »): every portal page of messages,
questionnaires and réclamations answers 404 for anything that is not the account's own; the youth cannot read the
parents' threads or réclamations and the parents cannot read the youth's; one parent never sees the other's;
suspended and revoked accounts are refused; other organisme → 404."""

import pytest
from django.urls import reverse

from core.tenancy import tenant_context
from portail_famille.services import reclamations as rec_services
from tests.fixtures import login
from tests.portail_famille.echanges_helpers import fil

pytestmark = pytest.mark.django_db


@pytest.fixture
def fils(pw):
    pw.fil_mere = fil(pw, pw.mere, pw.acces_mere, sujet="Note de la mère", texte="Texte de la mère")
    pw.fil_pere = fil(pw, pw.pere, pw.acces_pere, sujet="Note du père", texte="Texte du père")
    pw.fil_ado = fil(pw, pw.ado, pw.acces_ado, sujet="Note du jeune", texte="Texte du jeune")
    pw.fil_b = fil(pw, pw.parent_b, pw.acces_b, sujet="Note de B", texte="Texte de B")
    pw.fil_c = fil(pw, pw.parent_c, pw.acces_c, sujet="Note de C", texte="Texte de C")
    for user, acces, objet in (
        (pw.mere, pw.acces_mere, "Réclamation de la mère"),
        (pw.ado, pw.acces_ado, "Réclamation du jeune"),
        (pw.parent_b, pw.acces_b, "Réclamation de B"),
    ):
        with tenant_context(user.organisme_id):
            rec_services.reclamation_deposer(actor=user, acces=acces, type="reclamation", objet=objet, texte="…")
    return pw


SUJETS = ("Note de la mère", "Note du père", "Note du jeune", "Note de B", "Note de C")
RECLAMATIONS = ("Réclamation de la mère", "Réclamation du jeune", "Réclamation de B")


@pytest.mark.parametrize(
    ("compte", "sien", "reclamation"),
    [
        ("mere", "fil_mere", "Réclamation de la mère"),
        ("pere", "fil_pere", None),
        ("ado", "fil_ado", "Réclamation du jeune"),
        ("parent_b", "fil_b", "Réclamation de B"),
    ],
)
def test_chacun_ne_voit_que_ses_fils_et_reclamations(fils, client, compte, sien, reclamation):
    user = getattr(fils, compte)
    login(client, user)
    page = client.get(reverse("portail:messages")).content.decode()
    own = getattr(fils, sien)
    assert own.sujet in page
    for sujet in SUJETS:
        if sujet != own.sujet:
            assert sujet not in page
    for name in ("fil_mere", "fil_pere", "fil_ado", "fil_b", "fil_c"):
        other = getattr(fils, name)
        url = reverse("portail:message_fil", args=[other.pk])
        expected = 200 if name == sien else 404
        assert client.get(url).status_code == expected, (compte, name)
        assert client.post(url, {"texte": "intrusion"}).status_code in ((302,) if name == sien else (404,))
    page = client.get(reverse("portail:reclamations")).content.decode()
    for objet in RECLAMATIONS:
        assert (objet in page) == (objet == reclamation), (compte, objet)


def test_un_jeune_ne_lit_pas_les_notes_des_parents(fils, client):
    login(client, fils.ado)
    page = client.get(reverse("portail:messages")).content.decode()
    assert "Note de la mère" not in page and "Note du père" not in page
    for f in (fils.fil_mere, fils.fil_pere):
        response = client.get(reverse("portail:message_fil", args=[f.pk]))
        assert response.status_code == 404 and "Texte de la mère" not in response.content.decode()


def test_les_parents_ne_lisent_pas_les_notes_du_jeune(fils, client):
    for parent in (fils.mere, fils.pere):
        client.logout()
        login(client, parent)
        assert "Note du jeune" not in client.get(reverse("portail:messages")).content.decode()
        assert client.get(reverse("portail:message_fil", args=[fils.fil_ado.pk])).status_code == 404
        assert "Réclamation du jeune" not in client.get(reverse("portail:reclamations")).content.decode()


def test_autre_organisme_404(fils, client):
    login(client, fils.parent_c)
    for f in (fils.fil_mere, fils.fil_b):
        assert client.get(reverse("portail:message_fil", args=[f.pk])).status_code == 404
    page = client.get(reverse("portail:messages")).content.decode()
    assert "Note de C" in page and "Note de la mère" not in page
    client.logout()
    login(client, fils.mere)
    assert client.get(reverse("portail:message_fil", args=[fils.fil_c.pk])).status_code == 404


@pytest.mark.parametrize("compte", ["suspendu", "revoque"])
def test_acces_suspendu_ou_revoque_refuse(fils, client, compte):
    login(client, getattr(fils, compte))
    for url in (
        reverse("portail:messages"),
        reverse("portail:message_nouveau"),
        reverse("portail:message_fil", args=[fils.fil_mere.pk]),
        reverse("portail:questionnaires"),
        reverse("portail:reclamations"),
        reverse("portail:registre_cvs"),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("portail:message_nouveau"), {"jeune": fils.jeune_a.pk, "sujet": "Sujet", "texte": "Bonjour"}
    )
    assert response.status_code == 404


def test_suspension_coupe_l_acces_a_un_fil_existant(fils, client):
    from portail_famille.enums import StatutAcces

    login(client, fils.pere)
    assert client.get(reverse("portail:message_fil", args=[fils.fil_pere.pk])).status_code == 200
    with tenant_context(fils.organisme.pk):
        fils.acces_pere.statut = StatutAcces.SUSPENDU
        fils.acces_pere.save(update_fields=["statut"])
    assert client.get(reverse("portail:message_fil", args=[fils.fil_pere.pk])).status_code == 404
    assert client.post(reverse("portail:message_fil", args=[fils.fil_pere.pk]), {"texte": "x"}).status_code == 404


def test_droit_messagerie_retire(fils, client):
    with tenant_context(fils.organisme.pk):
        fils.acces_mere.messagerie = False
        fils.acces_mere.save(update_fields=["messagerie"])
    login(client, fils.mere)
    assert client.get(reverse("portail:message_nouveau")).status_code == 404
    assert client.get(reverse("portail:message_fil", args=[fils.fil_mere.pk])).status_code == 404
    assert "Écrire un nouveau message" not in client.get(reverse("portail:messages")).content.decode()


def test_professionnels_404_sur_toutes_les_pages_du_portail(fils, client):
    login(client, fils.direction)
    for url in (
        reverse("portail:messages"),
        reverse("portail:message_fil", args=[fils.fil_mere.pk]),
        reverse("portail:questionnaires"),
        reverse("portail:reclamations"),
        reverse("portail:registre_cvs"),
    ):
        assert client.get(url).status_code == 404, url
