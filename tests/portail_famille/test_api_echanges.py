"""Portal API of the exchanges: threads, questionnaires, réclamations — same isolation as the pages."""

import pytest
from django.urls import reverse

from core.tenancy import tenant_context
from portail_famille.models import FilDiscussion, Message, Reclamation, Reponse
from portail_famille.services import messages as msg
from portail_famille.services import questionnaires as qs
from tests.fixtures import login
from tests.helpers import assert_constant_queries
from tests.portail_famille.echanges_helpers import fil

pytestmark = pytest.mark.django_db
JSON = "application/json"
MESSAGES = reverse("api-portail-messages")
QUESTIONNAIRES = reverse("api-portail-questionnaires")
RECLAMATIONS = reverse("api-portail-reclamations")


def test_fils_creer_lister_lire_repondre(pw, client):
    login(client, pw.mere)
    response = client.post(
        MESSAGES, {"jeune_id": pw.jeune_a.pk, "sujet": "Cantine", "texte": "Allergie aux arachides"}, content_type=JSON
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    with tenant_context(pw.organisme.pk):
        f = FilDiscussion.objects.get(pk=pk)
        assert f.compte == pw.mere and f.espace == "famille"
        msg.message_envoyer(actor=pw.educateur, fil=f, texte="C'est noté.")
    rows = client.get(MESSAGES).json()
    assert [(r["id"], r["non_lus"]) for r in rows] == [(pk, 1)]
    detail = client.get(reverse("api-portail-message", args=[pk])).json()
    assert [(m["auteur"].endswith("(équipe)"), m["texte"]) for m in detail["messages"]] == [
        (False, "Allergie aux arachides"), (True, "C'est noté."),
    ]  # fmt: skip
    assert client.get(MESSAGES).json()[0]["non_lus"] == 0
    response = client.post(reverse("api-portail-message-repondre", args=[pk]), {"texte": "Merci"}, content_type=JSON)
    assert response.status_code == 201
    response = client.post(reverse("api-portail-message-repondre", args=[pk]), {"texte": ""}, content_type=JSON)
    assert response.status_code == 400


def test_fils_validation_en_francais(pw, client):
    login(client, pw.mere)
    response = client.post(MESSAGES, {"jeune_id": pw.jeune_a.pk, "sujet": " ", "texte": "x"}, content_type=JSON)
    assert response.status_code == 400
    with tenant_context(pw.organisme.pk):
        assert not FilDiscussion.objects.exists()


def test_fils_isolation(pw, client):
    f_mere = fil(pw, pw.mere, pw.acces_mere, sujet="De la mère")
    f_ado = fil(pw, pw.ado, pw.acces_ado, sujet="Du jeune")
    f_c = fil(pw, pw.parent_c, pw.acces_c, sujet="De C")
    # The other parent, the youth, another youth's parent, another organisme: 404 on the mother's thread.
    for user in (pw.pere, pw.ado, pw.parent_b, pw.parent_c, pw.suspendu):
        client.logout()
        login(client, user)
        assert client.get(reverse("api-portail-message", args=[f_mere.pk])).status_code == 404, user
        response = client.post(
            reverse("api-portail-message-repondre", args=[f_mere.pk]), {"texte": "x"}, content_type=JSON
        )
        assert response.status_code == 404
        listed = {r["sujet"] for r in client.get(MESSAGES).json()} if user != pw.suspendu else set()
        assert "De la mère" not in listed
    client.logout()
    login(client, pw.mere)
    assert client.get(reverse("api-portail-message", args=[f_ado.pk])).status_code == 404
    assert client.get(reverse("api-portail-message", args=[f_c.pk])).status_code == 404
    # A thread about another youth cannot be opened.
    response = client.post(MESSAGES, {"jeune_id": pw.jeune_b.pk, "sujet": "S", "texte": "T"}, content_type=JSON)
    assert response.status_code == 404
    response = client.post(MESSAGES, {"jeune_id": pw.jeune_c.pk, "sujet": "S", "texte": "T"}, content_type=JSON)
    assert response.status_code == 404
    with tenant_context(pw.organisme.pk):
        assert Message.objects.count() == 2


def test_professionnel_et_anonyme(pw, client):
    login(client, pw.educateur)
    for url in (MESSAGES, QUESTIONNAIRES, RECLAMATIONS):
        assert client.get(url).status_code == 404
    client.logout()
    for url in (MESSAGES, QUESTIONNAIRES, RECLAMATIONS):
        assert client.get(url).status_code in (401, 403)


def test_questionnaires_lister_et_repondre_une_fois(pw, client):
    with tenant_context(pw.organisme.pk):
        q = qs.questionnaire_creer(actor=pw.direction, dispositif=pw.dispositif, titre="Avis", public="familles")
        echelle = qs.question_ajouter(
            actor=pw.direction, questionnaire=q, libelle="Note", type="echelle", echelle_max=4, obligatoire=True
        )
        qs.questionnaire_ouvrir(actor=pw.direction, questionnaire=q)
    login(client, pw.mere)
    rows = client.get(QUESTIONNAIRES).json()
    assert [(r["id"], r["deja_repondu"], [x["id"] for x in r["questions"]]) for r in rows] == [
        (q.pk, False, [echelle.pk])
    ]
    url = reverse("api-portail-questionnaire-reponses", args=[q.pk])
    response = client.post(url, {"reponses": {str(echelle.pk): "9"}}, content_type=JSON)
    assert response.status_code == 400 and response.json()[f"q{echelle.pk}"] == ["Choisissez une note entre 1 et 4."]
    assert client.post(url, {"reponses": {str(echelle.pk): "3"}}, content_type=JSON).status_code == 201
    response = client.post(url, {"reponses": {str(echelle.pk): "3"}}, content_type=JSON)
    assert response.status_code == 400 and "déjà répondu" in str(response.json())
    assert client.get(QUESTIONNAIRES).json()[0]["deja_repondu"] is True
    client.logout()
    login(client, pw.ado)  # public « familles »: not offered to the youth
    assert client.get(QUESTIONNAIRES).json() == []
    assert client.post(url, {"reponses": {str(echelle.pk): "3"}}, content_type=JSON).status_code == 404
    client.logout()
    login(client, pw.parent_c)
    assert client.post(url, {"reponses": {str(echelle.pk): "3"}}, content_type=JSON).status_code == 404
    with tenant_context(pw.organisme.pk):
        assert Reponse.objects.count() == 1


def test_reclamations_creer_et_lister_les_siennes(pw, client):
    login(client, pw.ado)
    response = client.post(
        RECLAMATIONS,
        {"jeune_id": pw.jeune_a.pk, "type": "suggestion", "objet": "Baby-foot", "texte": "Un baby-foot au foyer"},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    assert [r["objet"] for r in client.get(RECLAMATIONS).json()] == ["Baby-foot"]
    client.logout()
    for parent in (pw.mere, pw.pere):
        login(client, parent)
        assert client.get(RECLAMATIONS).json() == []
        client.logout()
    login(client, pw.mere)
    response = client.post(
        RECLAMATIONS, {"jeune_id": pw.jeune_b.pk, "type": "reclamation", "objet": "X", "texte": "Y"}, content_type=JSON
    )
    assert response.status_code == 404
    response = client.post(
        RECLAMATIONS, {"jeune_id": pw.jeune_a.pk, "type": "autre", "objet": "X", "texte": "Y"}, content_type=JSON
    )
    assert response.status_code == 400
    with tenant_context(pw.organisme.pk):
        assert Reclamation.objects.count() == 1
    client.logout()
    login(client, pw.suspendu)
    assert client.get(RECLAMATIONS).status_code == 404


def test_liste_des_fils_requetes_constantes(pw, client):
    login(client, pw.mere)
    n = {"i": 0}

    def add_rows(count):
        for _ in range(count):
            n["i"] += 1
            fil(pw, pw.mere, pw.acces_mere, sujet=f"Sujet {n['i']}")

    assert_constant_queries(lambda: client.get(MESSAGES), add_rows, few=1, many=5)
