"""The notification centre: notify() and its email without sensitive content, the page (own notifications only,
unread first, pagination, mark one / all read with HTMX or a plain POST), the header badge, query counts."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import Notification
from core.services.notifications import notification_mark_read, notify
from core.tenancy import tenant_context
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db

TITRE = "Nouvelle transmission sur le dossier de Lucas Martin"


def _notify(world, user=None, titre=TITRE, **kwargs):
    user = user or world.educateur
    with tenant_context(user.organisme_id):
        return notify(recipients=[user], titre=titre, **{"email": False, **kwargs})[0]


def _unread(world, user):
    with tenant_context(user.organisme_id):
        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


# --- service and email ---------------------------------------------------------------------------------------------


def test_notify_emails_after_commit_without_the_title(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, tenant_context(world.organisme.pk):
        [notification] = notify(recipients=[world.educateur, world.lecteur], titre=TITRE, lien="/dossiers/12/")[:1]
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["educ@a.org", "lecteur@a.org"]
    for message in mail.outbox:
        assert "Lucas" not in message.body and TITRE not in message.body and TITRE not in message.subject
        assert "/dossiers/12/" not in message.body  # the link could name a record
        assert "/notifications/" in message.body
    with tenant_context(world.organisme.pk):
        notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_family_email_says_new_message_and_points_to_the_portal(world, django_capture_on_commit_callbacks):
    titre = "Vous avez un nouveau message"
    with django_capture_on_commit_callbacks(execute=True), tenant_context(world.organisme.pk):
        notify(recipients=[world.proche], titre=titre, lien="/portail/messages/3/", categorie="portail_message")
    [message] = mail.outbox
    assert message.subject == "Vous avez un nouveau message"
    assert "/portail/" in message.body and "/portail/messages/3/" not in message.body
    assert "/notifications/" not in message.body


def test_email_task_is_idempotent_and_skips_read_notifications(world, django_capture_on_commit_callbacks):
    from core.tasks import send_notification_emails

    first = _notify(world)
    second = _notify(world, user=world.lecteur)
    with tenant_context(world.organisme.pk):
        notification_mark_read(user=world.lecteur)
    send_notification_emails.delay(organisme_id=world.organisme.pk, notification_ids=[first.pk, second.pk])
    send_notification_emails.delay(organisme_id=world.organisme.pk, notification_ids=[first.pk, second.pk])
    assert [m.to for m in mail.outbox] == [["educ@a.org"]]


def test_notify_skips_inactive_accounts_and_can_skip_email(world, django_capture_on_commit_callbacks):
    from core.services.organisation import account_set_active

    with tenant_context(world.organisme.pk):
        account_set_active(user=world.lecteur, is_active=False, actor=world.admin)
        world.lecteur.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True), tenant_context(world.organisme.pk):
        created = notify(recipients=[world.educateur, world.lecteur], titre=TITRE, email=False)
    assert [n.recipient_id for n in created] == [world.educateur.pk]
    assert mail.outbox == []


@pytest.mark.parametrize("lien", ["https://exemple.org/", "//exemple.org/", "javascript:alert(1)"])
def test_notify_refuses_external_links(world, lien):
    with pytest.raises(ValidationError, match="chemin interne"), tenant_context(world.organisme.pk):
        notify(recipients=[world.educateur], titre=TITRE, lien=lien)


# --- page ------------------------------------------------------------------------------------------------------------


def test_page_lists_own_notifications_unread_first(client, world, login_as):
    lue = _notify(world, titre="Déjà lue")
    _notify(world, titre="Pas encore lue")
    _notify(world, user=world.lecteur, titre="Pour le collègue")
    with tenant_context(world.organisme.pk):
        notification_mark_read(user=world.educateur, notification_ids=[lue.pk])
    login_as(world.educateur)
    response = client.get(reverse("core:notifications"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Pour le collègue" not in body
    assert body.index("Pas encore lue") < body.index("Déjà lue")
    assert "1 notification non lue" in body


def test_header_badge_shows_the_unread_count(client, world, login_as):
    _notify(world)
    _notify(world)
    login_as(world.educateur)
    body = client.get(reverse("core:home")).content.decode()
    assert 'aria-label="2 non lues"' in body


def test_mark_one_read_plain_post_redirects(client, world, login_as):
    notification = _notify(world)
    login_as(world.educateur)
    url = reverse("core:notification_read", args=[notification.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"page": "1"})
    assert response.status_code == 302 and response.url == reverse("core:notifications") + "?page=1"
    assert _unread(world, world.educateur) == 0


def test_mark_one_read_htmx_returns_the_partial(client, world, login_as):
    notification = _notify(world)
    _notify(world, titre="Autre")
    login_as(world.educateur)
    response = client.post(reverse("core:notification_read", args=[notification.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith("{#") is False and '<section id="notifications"' in body
    assert "<html" not in body
    assert "1 notification non lue" in body


def test_mark_all_read(client, world, login_as):
    for _ in range(3):
        _notify(world)
    other = _notify(world, user=world.lecteur)
    login_as(world.educateur)
    response = client.post(reverse("core:notifications_all_read"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Aucune notification non lue" in response.content.decode()
    assert _unread(world, world.educateur) == 0
    with tenant_context(world.organisme.pk):
        assert Notification.objects.get(pk=other.pk).read_at is None
    assert client.post(reverse("core:notifications_all_read")).status_code == 302


@pytest.mark.parametrize("owner", ["lecteur", "autre_educateur"])
def test_someone_elses_notification_is_404(client, world, login_as, owner):
    notification = _notify(world, user=getattr(world, owner))
    login_as(world.educateur)
    assert client.post(reverse("core:notification_read", args=[notification.pk])).status_code == 404
    assert _unread(world, getattr(world, owner)) == 1


@pytest.mark.parametrize("persona", ["proche", "jeune"])
def test_family_and_youth_accounts_read_their_own_notifications(client, world, login_as, persona):
    user = getattr(world, persona)
    mine = _notify(world, user=user, titre="Le planning de la semaine est disponible")
    _notify(world, titre="Pour l'équipe")
    login_as(user)
    body = client.get(reverse("core:notifications")).content.decode()
    assert "Le planning de la semaine est disponible" in body and "Pour l'équipe" not in body
    assert client.post(reverse("core:notification_read", args=[mine.pk])).status_code == 302
    assert _unread(world, user) == 0


def test_pagination(client, world, login_as):
    for i in range(25):
        _notify(world, titre=f"Notification numéro {i:02d}")
    login_as(world.educateur)
    first = client.get(reverse("core:notifications")).content.decode()
    assert "Page 1 sur 2" in first and "Notification numéro 24" in first and "Notification numéro 04" not in first
    second = client.get(reverse("core:notifications"), {"page": 2}).content.decode()
    assert "Notification numéro 04" in second and "Notification numéro 24" not in second
    assert client.get(reverse("core:notifications"), {"page": "zzz"}).status_code == 200


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("core:notifications"))
    assert response.status_code == 302 and response.url.startswith(reverse("core:login"))


def test_page_query_count_is_constant(client, world, login_as):
    login_as(world.educateur)
    url = reverse("core:notifications")
    # tenant setting, session, user, access, header (organisme name, unread count), page count, unread count, rows
    assert_constant_queries(lambda: client.get(url), lambda n: [_notify(world) for _ in range(n)])
