"""Password reset by email (pre-tenant lookup, no account enumeration) and the invitation's first password."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from core.enums import AuditAction
from core.models import AuditEntry, User
from core.services.organisation import invitation_path
from core.tenancy import tenant_context
from tests import factories

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "une phrase de passe bien longue"


def link_from(message) -> str:
    match = re.search(r"https?://[^/\s]+(/mot-de-passe/nouveau/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def events(user) -> list[str]:
    with tenant_context(user.organisme_id):
        return list(
            AuditEntry.objects.filter(action=AuditAction.SECURITY, record_id=str(user.pk)).values_list(
                "details__event", flat=True
            )
        )


def test_reset_pages_are_public(client):
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        response = client.get(reverse(f"core:{name}"))
        assert response.status_code == 200, name


def test_login_page_links_to_reset(client):
    assert reverse("core:password_reset") in client.get(reverse("core:login")).content.decode()


@pytest.mark.parametrize("persona", ["educateur", "autre_educateur", "proche"])
def test_reset_by_email_then_login_with_new_password(client, world, persona, settings):
    user = getattr(world, persona)
    response = client.post(reverse("core:password_reset"), {"email": user.email.upper()})
    assert response.status_code == 302
    assert response.url == reverse("core:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "Choisir un nouveau mot de passe — DUI DITEP"
    assert settings.SITE_URL in message.body
    assert "password_reset_requested" in events(user)

    page = client.get(link_from(message), follow=True)
    assert page.status_code == 200
    assert "Choisissez le nouveau mot de passe" in page.content.decode()
    set_url = page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("core:password_reset_complete")
    assert "password_set" in events(user)

    response = client.post(reverse("core:login"), {"username": user.email, "password": NEW_PASSWORD})
    assert response.status_code == 302
    # The link served once.
    assert "plus valable" in client.get(link_from(message), follow=True).content.decode()


def test_unknown_email_gets_the_same_answer_and_no_mail(client, world):
    response = client.post(reverse("core:password_reset"), {"email": "personne@inconnu.org"})
    assert response.status_code == 302
    assert response.url == reverse("core:password_reset_done")
    assert mail.outbox == []


def test_inactive_account_gets_no_mail(client, world):
    with tenant_context(world.organisme.pk):
        User.objects.filter(pk=world.lecteur.pk).update(is_active=False)
    client.post(reverse("core:password_reset"), {"email": world.lecteur.email})
    assert mail.outbox == []


def test_new_password_errors_are_french(client, world):
    client.post(reverse("core:password_reset"), {"email": world.educateur.email})
    set_url = client.get(link_from(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
    assert "Les deux mots de passe ne sont pas identiques." in response.content.decode()
    response = client.post(set_url, {"new_password1": "court", "new_password2": "court"})
    body = response.content.decode()
    assert "Ce mot de passe est trop court" in body
    assert "Au moins 12 caractères" in body


@pytest.mark.parametrize("uidb64", ["Zm9v", "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5", "!!!", "MA"])
def test_bad_links_say_so(client, world, uidb64):
    response = client.get(
        reverse("core:password_reset_confirm", kwargs={"uidb64": uidb64, "token": "abc-def"}), follow=True
    )
    assert response.status_code == 200
    assert "Ce lien n'est plus valable" in response.content.decode()


def test_invitation_link_sets_the_first_password(client, world):
    with tenant_context(world.organisme.pk):
        invited = factories.UserFactory(organisme=world.organisme, email="nouvelle@a.org", password=None)
        invited.set_unusable_password()
        invited.save()
        path = invitation_path(invited)
    page = client.get(path, follow=True)
    body = page.content.decode()
    assert f"Bienvenue {invited.get_full_name()}" in body
    response = client.post(page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        invited.refresh_from_db()
        assert invited.check_password(NEW_PASSWORD)
        assert AuditEntry.objects.filter(record_id=str(invited.pk), details__invitation=True).exists()


def test_invited_account_may_ask_for_a_new_link(client, world):
    with tenant_context(world.organisme.pk):
        invited = factories.UserFactory(organisme=world.organisme, email="perdu@a.org")
        invited.set_unusable_password()
        invited.save()
    client.post(reverse("core:password_reset"), {"email": "perdu@a.org"})
    assert len(mail.outbox) == 1


def test_reset_link_of_another_organisme_user_works_while_logged_in_elsewhere(client, world, login_as):
    login_as(world.educateur)
    client.post(reverse("core:password_reset"), {"email": world.autre_educateur.email})
    page = client.get(link_from(mail.outbox[0]), follow=True)
    assert world.autre_educateur.email in page.content.decode()
