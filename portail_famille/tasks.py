"""Emails of the portal accounts (no sensitive content: no youth's name, only the link)."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from ditep.celery import TenantTask, app


def invitation_path(user) -> str:
    """Path of the portal page where an invited person chooses their password (Django's password-reset token:
    valid ``PASSWORD_RESET_TIMEOUT``, single use since it changes with the password)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("portail:invitation", kwargs={"uidb64": uid, "token": token})


@app.task(base=TenantTask)
def envoyer_invitation_portail(*, user_id: int, invitation: bool):
    from core.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    days = settings.PASSWORD_RESET_TIMEOUT // 86400
    if invitation and not user.has_usable_password():
        message = (
            "Bonjour,\n\nL'équipe qui accompagne votre enfant vous invite sur le portail des familles : vous y verrez "
            "son emploi du temps, son projet, les documents partagés, et vous pourrez écrire à l'équipe.\n\n"
            f"Choisissez votre mot de passe en suivant ce lien (valable {days} jours) :\n"
            f"{settings.SITE_URL}{invitation_path(user)}\n\n"
            "Si vous n'attendiez pas ce message, ignorez-le."
        )
        subject = "Votre accès au portail des familles"
    else:
        message = (
            "Bonjour,\n\nUn nouvel accès a été ouvert pour vous sur le portail des familles.\n"
            f"Connectez-vous : {settings.SITE_URL}{reverse('portail:login')}\n"
        )
        subject = "Nouvel accès au portail des familles"
    send_mail(subject=subject, message=message, from_email=None, recipient_list=[user.email])
