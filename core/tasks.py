"""Celery tasks of the core app. Every task that touches tenant data takes ``organisme_id`` (TenantTask)."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from ditep.celery import TenantTask, app


@app.task(base=TenantTask)
def send_invitation_email(*, user_id: int):
    from core.models import User
    from core.services.organisation import invitation_path

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    send_mail(
        subject="Votre accès au dossier usager informatisé",
        message=(
            "Bonjour,\n\nUn compte a été créé pour vous sur le dossier usager informatisé de votre établissement.\n"
            f"Choisissez votre mot de passe en suivant ce lien (valable 3 jours) :\n{settings.SITE_URL}"
            f"{invitation_path(user)}\n\nSi vous n'attendiez pas ce message, ignorez-le."
        ),
        from_email=None,
        recipient_list=[user.email],
    )


@app.task(base=TenantTask)
def send_notification_emails(*, notification_ids: list[int]):
    from core.models import Notification

    # Idempotent: a notification is emailed once, and not at all if already read or its recipient deactivated.
    pending = Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True, read_at__isnull=True, recipient__is_active=True
    )
    for notification in pending.select_related("recipient"):
        send_mail(
            subject="Vous avez une nouvelle notification",
            message=(
                "Bonjour,\n\nUne nouvelle information vous attend dans le dossier usager informatisé.\n"
                f"Connectez-vous pour la consulter : {settings.SITE_URL}/notifications/\n"
            ),
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


@app.task
def clear_expired_sessions():
    from django.contrib.sessions.models import Session

    Session.objects.filter(expire_date__lt=timezone.now()).delete()
