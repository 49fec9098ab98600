"""Messages between families (or youths) and the team: services, portal pages, staff inbox, notifications."""

import pytest
from django.urls import reverse

from core.enums import AuditAction
from core.models import AuditEntry, Notification
from core.tenancy import tenant_context
from portail_famille.models import FilDiscussion, LectureFil, Message
from portail_famille.services.messages import TITRE_NOTIFICATION, fil_clore, fil_creer, message_envoyer
from tests.fixtures import login
from tests.helpers import assert_constant_queries
from tests.portail_famille.echanges_helpers import chef_de_service, educateur_lecteur, fil, referent

pytestmark = pytest.mark.django_db

SECRET = "Léo a fait une crise hier soir, son traitement a changé"


@pytest.fixture
def team(pw):
    pw.chef = chef_de_service(pw.dispositif)
    referent(pw.dossier_a, pw.educateur)
    return pw


# --- Services ------------------------------------------------------------------------------------------------


def test_fil_creer_ecrit_le_fil_le_message_et_l_audit(team, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        f = fil(team, team.mere, team.acces_mere, texte=SECRET)
    with tenant_context(team.organisme.pk):
        f.refresh_from_db()
        assert f.compte == team.mere and f.espace == "famille" and f.dispositif_id == team.dispositif.pk
        assert list(Message.objects.filter(fil=f).values_list("texte", "de_l_equipe")) == [(SECRET, False)]
        assert AuditEntry.objects.filter(record_type="portail_famille.fildiscussion", record_id=str(f.pk)).exists()
        notifs = Notification.objects.filter(titre=TITRE_NOTIFICATION)
        # The référent and the chef de service are notified; the text stays in the product.
        assert {n.recipient_id for n in notifs} == {team.educateur.pk, team.chef.pk}
        assert all(n.lien == reverse("familles:message_fil", args=[f.pk]) for n in notifs)
    assert {m.to[0] for m in mailoutbox} == {"educ@a.org", "chef@a.org"}
    for mail in mailoutbox:
        assert SECRET not in mail.body and "crise" not in mail.body and "Rendez-vous" not in mail.body
        assert team.jeune_a.prenom not in mail.body and team.jeune_a.prenom not in mail.subject


def test_reponse_de_l_equipe_notifie_le_compte_seul(team, django_capture_on_commit_callbacks, mailoutbox):
    f = fil(team, team.mere, team.acces_mere)
    with django_capture_on_commit_callbacks(execute=True), tenant_context(team.organisme.pk):
        message_envoyer(actor=team.educateur, fil=f, texte=SECRET)
        assert Notification.objects.filter(recipient=team.mere, titre=TITRE_NOTIFICATION).count() == 1
        assert not Notification.objects.filter(recipient=team.pere).exists()
        assert not Notification.objects.filter(recipient=team.ado).exists()
    assert [m.to for m in mailoutbox] == [["mere@a.org"]]
    assert SECRET not in mailoutbox[0].body


@pytest.mark.parametrize(
    ("sujet", "texte", "field", "error"),
    [
        ("", "Bonjour", "sujet", "Indiquez le sujet de votre message."),
        ("Sujet", "   ", "texte", "Écrivez votre message."),
        ("x" * 201, "Bonjour", "sujet", "Le sujet est trop long (200 caractères au plus)."),
    ],
)
def test_fil_creer_valide_en_francais_et_n_ecrit_rien(team, sujet, texte, field, error):
    from django.core.exceptions import ValidationError

    with tenant_context(team.organisme.pk):
        with pytest.raises(ValidationError) as exc:
            fil_creer(actor=team.mere, acces=team.acces_mere, sujet=sujet, texte=texte)
        assert exc.value.message_dict[field] == [error]
        assert not FilDiscussion.objects.exists() and not Message.objects.exists()


def test_fil_creer_refuse_sans_droit_messagerie_ou_acces_suspendu(team):
    from django.core.exceptions import ValidationError

    with tenant_context(team.organisme.pk):
        team.acces_pere.messagerie = False
        team.acces_pere.save()
        for user, acces in ((team.pere, team.acces_pere), (team.suspendu, team.acces_suspendu)):
            with pytest.raises(ValidationError):
                fil_creer(actor=user, acces=acces, sujet="Sujet", texte="Bonjour")
        # Another account's access cannot be borrowed.
        with pytest.raises(ValidationError):
            fil_creer(actor=team.pere, acces=team.acces_mere, sujet="Sujet", texte="Bonjour")
        assert not FilDiscussion.objects.exists()


def test_fil_clos_refuse_les_messages(team):
    from django.core.exceptions import ValidationError

    f = fil(team, team.mere, team.acces_mere)
    with tenant_context(team.organisme.pk):
        fil_clore(actor=team.educateur, fil=f)
        with pytest.raises(ValidationError, match="close"):
            message_envoyer(actor=team.mere, fil=f, texte="Encore", acces=team.acces_mere)
        with pytest.raises(ValidationError):
            fil_clore(actor=team.mere, fil=f)
        assert Message.objects.filter(fil=f).count() == 1
        assert AuditEntry.objects.filter(
            record_type="portail_famille.fildiscussion", action=AuditAction.UPDATE, record_id=str(f.pk)
        ).exists()


def test_un_parent_ne_peut_ecrire_dans_le_fil_de_l_autre(team):
    from django.core.exceptions import ValidationError

    f = fil(team, team.mere, team.acces_mere)
    with tenant_context(team.organisme.pk), pytest.raises(ValidationError):
        message_envoyer(actor=team.pere, fil=f, texte="Moi aussi", acces=team.acces_pere)


# --- Portal pages --------------------------------------------------------------------------------------------


def test_parcours_portail_ecrire_lire_repondre(team, client):
    login(client, team.mere)
    response = client.get(reverse("portail:messages"))
    assert response.status_code == 200 and "Aucun message" in response.content.decode()
    response = client.post(
        reverse("portail:message_nouveau"), {"jeune": team.jeune_a.pk, "sujet": "Sortie", "texte": "Bonjour"}
    )
    with tenant_context(team.organisme.pk):
        f = FilDiscussion.objects.get()
    assert response.status_code == 302 and response.url == reverse("portail:message_fil", args=[f.pk])
    with tenant_context(team.organisme.pk):
        message_envoyer(actor=team.educateur, fil=f, texte="Bien reçu, à jeudi.")
    page = client.get(reverse("portail:messages")).content.decode()
    assert "Sortie" in page and "1 nouveau" in page
    page = client.get(reverse("portail:message_fil", args=[f.pk])).content.decode()
    assert "Bien reçu, à jeudi." in page
    assert "1 nouveau" not in client.get(reverse("portail:messages")).content.decode()
    response = client.post(reverse("portail:message_fil", args=[f.pk]), {"texte": "Merci !"})
    assert response.status_code == 302
    with tenant_context(team.organisme.pk):
        assert list(Message.objects.filter(fil=f).values_list("texte", flat=True)) == [
            "Bonjour", "Bien reçu, à jeudi.", "Merci !",
        ]  # fmt: skip


def test_portail_nouveau_message_erreurs_en_francais(team, client):
    login(client, team.mere)
    response = client.post(reverse("portail:message_nouveau"), {"jeune": team.jeune_a.pk, "sujet": "", "texte": ""})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()


def test_portail_nouveau_message_pour_un_autre_jeune_404(team, client):
    login(client, team.mere)
    response = client.post(
        reverse("portail:message_nouveau"), {"jeune": team.jeune_b.pk, "sujet": "Sortie", "texte": "Bonjour"}
    )
    # jeune_b is not among the choices: the form refuses it, nothing is written.
    assert response.status_code == 400
    with tenant_context(team.organisme.pk):
        assert not FilDiscussion.objects.exists()


def test_professionnel_404_sur_le_portail(team, client):
    f = fil(team, team.mere, team.acces_mere)
    login(client, team.educateur)
    for url in (
        reverse("portail:messages"),
        reverse("portail:message_nouveau"),
        reverse("portail:message_fil", args=[f.pk]),
    ):
        assert client.get(url).status_code == 404


def test_portail_liste_requetes_constantes(team, client):
    login(client, team.mere)
    url = reverse("portail:messages")
    counter = {"n": 0}

    def add_rows(n):
        for _ in range(n):
            counter["n"] += 1
            f = fil(team, team.mere, team.acces_mere, sujet=f"Sujet {counter['n']}")
            with tenant_context(team.organisme.pk):
                message_envoyer(actor=team.educateur, fil=f, texte="Réponse")

    assert_constant_queries(lambda: client.get(url), add_rows, few=1, many=6)


# --- Staff inbox ---------------------------------------------------------------------------------------------


def test_boite_equipe_non_lus_repondre_clore(team, client):
    f = fil(team, team.mere, team.acces_mere, sujet="Transport", texte="Le taxi est en retard")
    fil(team, team.ado, team.acces_ado, sujet="Mon stage", texte="Je voudrais changer")
    login(client, team.educateur)
    page = client.get(reverse("familles:messages")).content.decode()
    assert "Transport" in page and "Mon stage" in page and "Le jeune" in page
    assert page.count('aria-label="1 non lus"') == 2
    page = client.get(reverse("familles:message_fil", args=[f.pk])).content.decode()
    assert "Le taxi est en retard" in page
    with tenant_context(team.organisme.pk):
        assert AuditEntry.objects.filter(
            action=AuditAction.READ, record_type="portail_famille.fildiscussion", actor=team.educateur
        ).exists()
        assert LectureFil.objects.filter(fil=f, user=team.educateur).exists()
    assert client.get(reverse("familles:messages")).content.decode().count('aria-label="1 non lus"') == 1
    response = client.post(reverse("familles:message_fil", args=[f.pk]), {"texte": "Nous appelons le taxi."})
    assert response.status_code == 302
    response = client.post(reverse("familles:message_clore", args=[f.pk]))
    assert response.status_code == 302
    with tenant_context(team.organisme.pk):
        f.refresh_from_db()
        assert f.clos_le is not None
        assert Message.objects.filter(fil=f, de_l_equipe=True, auteur=team.educateur).count() == 1


def test_boite_filtre_mes_jeunes(team, client):
    fil(team, team.mere, team.acces_mere, sujet="Sujet de A")
    fil(team, team.parent_b, team.acces_b, sujet="Sujet de B")
    login(client, team.educateur)  # référent of youth A only
    page = client.get(reverse("familles:messages"), {"mes_jeunes": "on"}).content.decode()
    assert "Sujet de A" in page and "Sujet de B" not in page
    page = client.get(reverse("familles:messages")).content.decode()
    assert "Sujet de A" in page and "Sujet de B" in page


def test_badge_menu(team, client):
    fil(team, team.mere, team.acces_mere)
    login(client, team.chef)
    assert 'aria-label="1 conversations non lues"' in client.get(reverse("familles:messages_badge")).content.decode()


def test_lecteur_lit_mais_ne_repond_pas(team, client):
    f = fil(team, team.mere, team.acces_mere)
    login(client, team.lecteur)
    page = client.get(reverse("familles:message_fil", args=[f.pk])).content.decode()
    assert "Vous pouvez lire cette conversation, pas y répondre." in page
    assert client.post(reverse("familles:message_fil", args=[f.pk]), {"texte": "Non"}).status_code == 403
    assert client.post(reverse("familles:message_clore", args=[f.pk])).status_code == 403
    with tenant_context(team.organisme.pk):
        assert Message.objects.filter(fil=f).count() == 1


def test_autre_organisme_404_et_compte_portail_404(team, client):
    f = fil(team, team.mere, team.acces_mere, sujet="Sujet secret")
    login(client, team.autre_educateur)
    assert "Sujet secret" not in client.get(reverse("familles:messages")).content.decode()
    assert client.get(reverse("familles:message_fil", args=[f.pk])).status_code == 404
    assert client.post(reverse("familles:message_clore", args=[f.pk])).status_code == 404
    client.logout()
    login(client, team.mere)
    assert client.get(reverse("familles:messages")).status_code == 404
    assert client.get(reverse("familles:message_fil", args=[f.pk])).status_code == 404


def test_autre_dispositif_ne_voit_pas(team, client):
    from core.enums import Metier
    from tests import factories

    f = fil(team, team.mere, team.acces_mere, sujet="Sujet secret")
    autre = factories.professionnel(team.autre_dispositif, Metier.EDUCATEUR, email="educ.source@a.org")
    login(client, autre)
    assert "Sujet secret" not in client.get(reverse("familles:messages")).content.decode()
    assert client.get(reverse("familles:message_fil", args=[f.pk])).status_code == 403


def test_boite_equipe_requetes_constantes(team, client):
    login(client, team.chef)
    url = reverse("familles:messages")
    counter = {"n": 0}

    def add_rows(n):
        for _ in range(n):
            counter["n"] += 1
            user, acces = [(team.mere, team.acces_mere), (team.ado, team.acces_ado), (team.parent_b, team.acces_b)][
                counter["n"] % 3
            ]
            fil(team, user, acces, sujet=f"Sujet {counter['n']}")

    assert_constant_queries(lambda: client.get(url), add_rows, few=1, many=9)
    assert_constant_queries(lambda: client.get(url, {"mes_jeunes": "on", "non_lus": "on"}), add_rows, few=1, many=4)


def test_educateur_lecteur_voit_la_boite(team, client):
    lecteur = educateur_lecteur(team.dispositif)
    fil(team, team.mere, team.acces_mere, sujet="Sujet visible")
    login(client, lecteur)
    assert "Sujet visible" in client.get(reverse("familles:messages")).content.decode()
