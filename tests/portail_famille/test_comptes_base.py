"""Portal accounts: invitations (each proche separately, the youth from the dispositif's age), acceptance from the
emailed link, suspension / reactivation / revocation with a motif, rights, resend; French errors and nothing
written; audit. Staff pages: writer can, lecteur reads only, other organisme 404. Portal login page."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.enums import AccountKind
from core.models import AuditEntry, User
from core.tenancy import tenant_context
from portail_famille.enums import StatutAcces
from portail_famille.models import AccesPortail, ParametresPortail
from portail_famille.services import comptes
from tests.fixtures import login
from tests.portail_famille.conftest import PASSWORD, proche_create

NEW_PASSWORD = "Un-mot-de-passe-solide-2026"


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/portail/invitation/\S+)", message.body).group(1)


@pytest.fixture
def grand_mere(pw):
    return proche_create(pw.jeune_a, prenom="Jeanne", nom="Martin", lien="GRMTH", email="Jeanne.M@a.org",
                         representant_legal=False)  # fmt: skip


def test_invite_a_proche_creates_account_access_and_mails_the_link(pw, grand_mere, django_capture_on_commit_callbacks):
    with tenant_context(pw.organisme.pk), django_capture_on_commit_callbacks(execute=True):
        acces = comptes.acces_inviter(
            dossier=pw.dossier_a, actor=pw.educateur, proche=grand_mere, droits={"voir_journal": False}
        )
    with tenant_context(pw.organisme.pk):
        acces.refresh_from_db()
        grand_mere.refresh_from_db()
        user = acces.user
        assert user.kind == AccountKind.PROCHE and user.email == "jeanne.m@a.org"
        assert not user.has_usable_password()
        assert acces.statut == StatutAcces.INVITE and acces.espace == "famille"
        assert acces.voir_journal is False and acces.voir_agenda is True
        assert grand_mere.compte_id == user.pk
        assert AuditEntry.objects.filter(record_type__icontains="acces", record_id=str(acces.pk)).exists()
    assert len(mail.outbox) == 1
    assert pw.jeune_a.prenom not in mail.outbox[0].body  # no sensitive content in the email
    assert "/portail/invitation/" in mail.outbox[0].body


def test_accepting_the_invitation_activates_the_access(client, pw, grand_mere, django_capture_on_commit_callbacks):
    with tenant_context(pw.organisme.pk), django_capture_on_commit_callbacks(execute=True):
        acces = comptes.acces_inviter(dossier=pw.dossier_a, actor=pw.educateur, proche=grand_mere)
    page = client.get(_link(mail.outbox[-1]), follow=True)
    assert "Choisissez votre mot de passe" in page.content.decode()
    response = client.post(page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("portail:login")
    with tenant_context(pw.organisme.pk):
        acces.refresh_from_db()
        assert acces.statut == StatutAcces.ACTIF and acces.active_le is not None
    # The link is single use.
    assert "Ce lien ne fonctionne plus" in client.get(_link(mail.outbox[-1]), follow=True).content.decode()
    response = client.post(reverse("portail:login"), {"username": "jeanne.m@a.org", "password": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("portail:accueil")
    assert client.get(reverse("portail:semaine", args=[pw.jeune_a.pk])).status_code == 200


def test_same_email_reuses_the_portal_account(pw, django_capture_on_commit_callbacks):
    proche = proche_create(pw.jeune_b, prenom="Sophie", nom="Martin", email="MERE@a.org")
    with tenant_context(pw.organisme.pk), django_capture_on_commit_callbacks(execute=True):
        acces = comptes.acces_inviter(dossier=pw.dossier_b, actor=pw.educateur, proche=proche)
    assert acces.user_id == pw.mere.pk
    assert acces.statut == StatutAcces.ACTIF  # the account already has a password
    assert "Nouvel accès" in mail.outbox[-1].subject


def test_invite_errors_in_french_and_nothing_written(pw):
    sans_email = proche_create(pw.jeune_a, prenom="Paul", nom="Sans", lien="GRFTH", email="")
    pro = proche_create(pw.jeune_a, prenom="Éduc", nom="Pro", lien="FRND", email="educ@a.org")
    with tenant_context(pw.organisme.pk):
        before = (AccesPortail.objects.count(), User.objects.count())
        cases = [
            (dict(proche=sans_email), "adresse électronique"),
            (dict(proche=pw.proche_mere), "déjà un accès"),
            (dict(proche=pw.proche_b), "n'est pas un proche de ce jeune"),
            (dict(proche=pro), "autre type de compte"),
            (dict(proche=None, email="ado@a.org"), "déjà un accès"),
            (dict(proche=sans_email, droits={"tout": True}), "Droits inconnus"),
        ]
        for kwargs, message in cases:
            with pytest.raises(ValidationError) as exc:
                comptes.acces_inviter(dossier=pw.dossier_a, actor=pw.educateur, **kwargs)
            assert message in str(exc.value), (kwargs, exc.value)
        assert (AccesPortail.objects.count(), User.objects.count()) == before


def test_youth_invited_only_from_the_dispositif_age(pw, django_capture_on_commit_callbacks):
    import datetime

    with tenant_context(pw.organisme.pk):
        pw.jeune_b.date_naissance = datetime.date.today().replace(year=datetime.date.today().year - 11)
        pw.jeune_b.save()
        with pytest.raises(ValidationError, match="à partir de 12 ans"):
            comptes.acces_inviter(dossier=pw.dossier_b, actor=pw.educateur, email="b@a.org")
        ParametresPortail.objects.create(organisme=pw.organisme, dispositif=pw.dispositif, age_minimum_jeune=10)
        with django_capture_on_commit_callbacks(execute=True):
            acces = comptes.acces_inviter(dossier=pw.dossier_b, actor=pw.educateur, email="b@a.org")
        pw.jeune_b.refresh_from_db()
        assert acces.espace == "jeune" and acces.proche_id is None
        assert acces.user.kind == AccountKind.JEUNE and pw.jeune_b.compte_id == acces.user_id


def test_suspend_reactivate_revoke_take_effect_at_once(client, pw):
    login(client, pw.pere)
    semaine = reverse("portail:semaine", args=[pw.jeune_a.pk])
    assert client.get(semaine).status_code == 200
    with tenant_context(pw.organisme.pk):
        with pytest.raises(ValidationError, match="motif"):
            comptes.acces_suspendre(acces=pw.acces_pere, actor=pw.educateur, motif=" ")
        comptes.acces_suspendre(acces=pw.acces_pere, actor=pw.educateur, motif="Décision du juge")
    assert client.get(semaine).status_code == 404
    with tenant_context(pw.organisme.pk):
        comptes.acces_reactiver(acces=pw.acces_pere, actor=pw.educateur)
    assert client.get(semaine).status_code == 200
    with tenant_context(pw.organisme.pk):
        comptes.acces_revoquer(acces=pw.acces_pere, actor=pw.educateur, motif="Fin de l'accompagnement")
        with pytest.raises(ValidationError, match="déjà révoqué"):
            comptes.acces_revoquer(acces=pw.acces_pere, actor=pw.educateur, motif="x")
        with pytest.raises(ValidationError, match="Seul un accès suspendu"):
            comptes.acces_reactiver(acces=pw.acces_pere, actor=pw.educateur)
        assert AuditEntry.objects.filter(record_id=str(pw.acces_pere.pk), details__motif="Décision du juge").exists()
    assert client.get(semaine).status_code == 404


def test_rights_change_and_resend(pw, grand_mere, django_capture_on_commit_callbacks):
    with tenant_context(pw.organisme.pk):
        comptes.acces_droits_modifier(acces=pw.acces_mere, actor=pw.educateur, droits={"voir_ppa": False})
        pw.acces_mere.refresh_from_db()
        assert pw.acces_mere.voir_ppa is False and pw.acces_mere.voir_agenda is True
        with pytest.raises(ValidationError, match="invitation en attente"):
            comptes.invitation_renvoyer(acces=pw.acces_mere, actor=pw.educateur)
        with django_capture_on_commit_callbacks(execute=True):
            acces = comptes.acces_inviter(dossier=pw.dossier_a, actor=pw.educateur, proche=grand_mere)
            comptes.invitation_renvoyer(acces=acces, actor=pw.educateur)
    assert len(mail.outbox) == 2


# --- staff pages ----------------------------------------------------------------------------------------------------


def test_tab_lists_accesses_writer_invites_and_suspends(client, pw, grand_mere, django_capture_on_commit_callbacks):
    login(client, pw.educateur)
    tab = client.get(reverse("familles:portail", args=[pw.dossier_a.pk]))
    assert tab.status_code == 200
    body = tab.content.decode()
    assert "mere@a.org" in body and "Suspendre" in body and "Inviter" in body
    url = reverse("familles:inviter", args=[pw.dossier_a.pk]) + f"?proche={grand_mere.pk}"
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"voir_agenda": "on", "voir_documents": "on"})
    assert response.status_code == 302
    with tenant_context(pw.organisme.pk):
        acces = AccesPortail.objects.get(proche=grand_mere)
        assert acces.voir_agenda and not acces.voir_ppa
    suspend = reverse("familles:acces_suspendre", args=[pw.dossier_a.pk, pw.acces_pere.pk])
    assert "Ce champ est obligatoire" in client.post(suspend, {"motif": ""}).content.decode()
    assert client.post(suspend, {"motif": "Demande du juge"}).status_code == 302
    reactivate = reverse("familles:acces_reactiver", args=[pw.dossier_a.pk, pw.acces_pere.pk])
    assert client.post(reactivate).status_code == 302
    droits = reverse("familles:acces_droits", args=[pw.dossier_a.pk, pw.acces_pere.pk])
    assert client.post(droits, {"voir_agenda": "on"}).status_code == 302
    revoke = reverse("familles:acces_revoquer", args=[pw.dossier_a.pk, pw.acces_pere.pk])
    assert client.post(revoke, {"motif": "Fin"}).status_code == 302
    with tenant_context(pw.organisme.pk):
        pw.acces_pere.refresh_from_db()
        assert pw.acces_pere.statut == StatutAcces.REVOQUE and pw.acces_pere.voir_ppa is False


def test_lecteur_reads_the_tab_but_cannot_change(client, pw):
    login(client, pw.lecteur)
    body = client.get(reverse("familles:portail", args=[pw.dossier_a.pk])).content.decode()
    assert "mere@a.org" in body and "Suspendre" not in body
    dossier = pw.dossier_a.pk
    assert client.get(reverse("familles:inviter", args=[dossier]) + "?jeune=1").status_code == 403
    response = client.post(reverse("familles:acces_suspendre", args=[dossier, pw.acces_pere.pk]), {"motif": "x"})
    assert response.status_code == 403
    assert client.post(reverse("familles:acces_reactiver", args=[dossier, pw.acces_suspendu.pk])).status_code == 403
    with tenant_context(pw.organisme.pk):
        pw.acces_pere.refresh_from_db()
        assert pw.acces_pere.statut == StatutAcces.ACTIF


def test_other_organisme_gets_404(client, pw):
    login(client, pw.autre_educateur)
    assert client.get(reverse("familles:portail", args=[pw.dossier_a.pk])).status_code == 404
    response = client.post(
        reverse("familles:acces_suspendre", args=[pw.dossier_a.pk, pw.acces_pere.pk]), {"motif": "x"}
    )
    assert response.status_code == 404


def test_access_of_another_youth_through_this_dossier_404(client, pw):
    login(client, pw.educateur)
    url = reverse("familles:acces_suspendre", args=[pw.dossier_a.pk, pw.acces_b.pk])
    assert client.post(url, {"motif": "x"}).status_code == 404


# --- login pages ----------------------------------------------------------------------------------------------------


def test_professional_logging_in_on_the_portal_goes_to_staff_home(client, pw):
    response = client.post(reverse("portail:login"), {"username": "educ@a.org", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("core:home")


def test_portal_account_logging_in_on_staff_login_goes_to_portal(client, pw):
    response = client.post(reverse("core:login"), {"username": "mere@a.org", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("portail:accueil")
    assert "La semaine de" in response.content.decode()


def test_wrong_password_on_portal_login(client, pw):
    response = client.post(reverse("portail:login"), {"username": "mere@a.org", "password": "faux"})
    assert response.status_code == 200
    assert "incorrect" in response.content.decode()


def test_password_change_on_portal_account_page(client, pw):
    login(client, pw.mere)
    response = client.post(
        reverse("portail:compte"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    with tenant_context(pw.organisme.pk):
        pw.mere.refresh_from_db()
        assert pw.mere.check_password(NEW_PASSWORD)
