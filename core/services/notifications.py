"""The notification centre: every app notifies users through ``notify``; the email says only that something
is waiting in the product (no sensitive content leaves it)."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.lookups import IsNull
from django.utils import timezone

from core import perms
from core.models import Notification, User


def _validate_lien(lien: str) -> None:
    # Links stay inside the product: a path, never another site nor a "javascript:" URL.
    if lien and (not lien.startswith("/") or lien.startswith("//")):
        raise ValidationError({"lien": "Le lien d'une notification doit être un chemin interne (« /… »)."})


@transaction.atomic
def notify(*, recipients: Iterable[User], titre: str, lien: str = "", categorie: str = "", email: bool = True):
    """Create one in-app notification per active recipient; email them after commit when ``email`` is true.

    ``titre`` is shown in the product only; it may name a youth, so it is never put in the email.
    """
    _validate_lien(lien)
    recipients = [user for user in recipients if user.is_active]
    if len({user.organisme_id for user in recipients}) > 1:
        raise ValueError("notify() sends to the accounts of one organisme at a time")
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                organisme_id=user.organisme_id, recipient=user, titre=titre[:200], lien=lien, categorie=categorie
            )
            for user in recipients
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
    """Mark ``user``'s unread notifications (only the given ones, if any) as read; others' ids are ignored.

    Not audited: it is the user's own reading state, not a record of the dossier.
    """
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


# The centre's and the API's order: unread first, then the most recent first.
UNREAD_FIRST = (IsNull(F("read_at"), True).desc(), "-created_at", "-id")


def notifications_for(user: User, queryset=None):
    """The user's own notifications, unread first."""
    queryset = Notification.objects.all() if queryset is None else queryset
    return queryset.filter(recipient_id=user.pk).order_by(*UNREAD_FIRST)


def _is_recipient(access, notification) -> bool:
    """A notification is readable and writable by its recipient only (family and youth accounts included)."""
    return notification.recipient_id == access.user.pk


perms.register(Notification, read=_is_recipient, write=_is_recipient)
