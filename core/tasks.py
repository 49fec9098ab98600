"""Celery tasks of the core app. Every task that touches tenant data takes ``organisme_id`` (TenantTask)."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from core.enums import AccountKind
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


# Email subjects by notification category: generic on purpose (no name, no content: DOMAIN §10).
EMAIL_SUBJECTS = {
    "portail_message": "Vous avez un nouveau message",
    "portail_reclamation": "Du nouveau sur votre réclamation ou suggestion",
}


@app.task(base=TenantTask)
def send_notification_emails(*, notification_ids: list[int]):
    from core.models import Notification

    # Idempotent: a notification is emailed once, and not at all if already read or its recipient deactivated.
    pending = Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True, read_at__isnull=True, recipient__is_active=True
    )
    for notification in pending.select_related("recipient"):
        subject = EMAIL_SUBJECTS.get(notification.categorie, "Vous avez une nouvelle notification")
        # Family and youth accounts read everything on the portal; professionals in their notification centre.
        page = "/portail/" if notification.recipient.kind != AccountKind.PROFESSIONNEL else "/notifications/"
        send_mail(
            subject=subject,
            message=(
                f"Bonjour,\n\n{subject} dans le dossier usager informatisé.\n"
                f"Connectez-vous pour le consulter : {settings.SITE_URL}{page}\n"
            ),
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


@app.task
def clear_expired_sessions():
    from django.contrib.sessions.models import Session

    Session.objects.filter(expire_date__lt=timezone.now()).delete()
