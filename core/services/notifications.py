"""The notification centre: every app notifies users through ``notify``; the email says only that something
is waiting in the product (no sensitive content leaves it)."""

from collections.abc import Iterable

from django.db import transaction

from core.models import Notification, User


@transaction.atomic
def notify(*, recipients: Iterable[User], titre: str, lien: str = "", categorie: str = "", email: bool = True):
    """Create one in-app notification per recipient; email them after commit when ``email`` is true.

    ``titre`` is shown in the product only; it may name a youth, so it is never put in the email.
    """
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                organisme_id=user.organisme_id, recipient=user, titre=titre[:200], lien=lien, categorie=categorie
            )
            for user in recipients
            if user.is_active
        ]
    )
    if email and notifications:
        from core.tasks import send_notification_emails

        send_notification_emails.delay_on_commit(
            organisme_id=notifications[0].organisme_id, notification_ids=[n.pk for n in notifications]
        )
    return notifications


@transaction.atomic
def notification_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    from django.utils import timezone

    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
