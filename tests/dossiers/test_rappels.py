"""Daily reminders (contrat de séjour / DIPC, MDPH notifications ending within 3 months): fixed dates, sent once,
to the référent and the chefs de service of the dispositif; the beat task fans out per organisme."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from core.enums import Metier
from core.models import Notification
from core.tenancy import tenant_context
from dossiers.models import NotificationMdph
from dossiers.services.rappels import rappels_send
from dossiers.tasks import send_daily_reminders, send_reminders
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date
ADMISSION = D(2025, 10, 1)


def _chef(dispositif, email):
    # Assigned long before the fixed dates of the tests.
    user = factories.UserFactory(organisme=dispositif.organisme, email=email)
    factories.AffectationFactory(dispositif=dispositif, user=user, metier=Metier.CHEF_DE_SERVICE, debut=D(2020, 1, 1))
    return user


@pytest.fixture
def chefs(world):
    return _chef(world.dispositif, "chef@a.org"), _chef(world.autre_dispositif, "chef2@a.org")


def _admitted(world, admission=ADMISSION, referent=None, **fields):
    debut = admission - datetime.timedelta(days=20)
    dossier = factories.dossier_accompagne(world.dispositif, admission=admission, debut=debut)
    with tenant_context(world.organisme.pk):
        dossier.referent = referent
        for name, value in fields.items():
            setattr(dossier, name, value)
        dossier.save()
    return dossier


def _sent(categorie=None):
    qs = Notification.objects.all()
    if categorie:
        qs = qs.filter(categorie=categorie)
    return sorted(qs.values_list("recipient__email", "categorie"))


def test_contrat_reminders_on_their_day_and_once(world, chefs, tenant_a):
    dossier = _admitted(world, referent=world.educateur)
    assert rappels_send(today=D(2025, 10, 16)) == 0  # handed over within 15 days: still on time
    assert rappels_send(today=D(2025, 10, 17)) == 2
    assert _sent() == [("chef@a.org", "rappel_contrat_remise"), ("educ@a.org", "rappel_contrat_remise")]
    notification = Notification.objects.filter(recipient=world.educateur).get()
    assert notification.lien.startswith(f"/dossiers/{dossier.pk}/")
    assert "non remis" in notification.titre and "01/10/2025" in notification.titre
    assert rappels_send(today=D(2025, 10, 17)) == 0  # same day again
    assert rappels_send(today=D(2025, 10, 20)) == 0  # and the following days
    assert rappels_send(today=D(2025, 11, 1)) == 0  # signed within the month: still on time
    assert rappels_send(today=D(2025, 11, 2)) == 2
    assert len(_sent("rappel_contrat_signature")) == 2
    assert rappels_send(today=D(2025, 11, 3)) == 0


def test_no_contrat_reminder_when_recorded_or_old(world, chefs, tenant_a):
    _admitted(world, contrat_remis_le=D(2025, 10, 10), contrat_signe_le=D(2025, 10, 20))
    _admitted(world, admission=D(2025, 1, 6))  # legacy admission, long before
    assert rappels_send(today=D(2025, 11, 15)) == 0


def test_reminder_catches_up_after_a_missed_day(world, chefs, tenant_a):
    _admitted(world)
    # The beat did not run on the 17th nor the 18th: the reminder still goes out, once.
    assert rappels_send(today=D(2025, 10, 19)) == 1
    assert rappels_send(today=D(2025, 10, 20)) == 0


def test_mdph_reminder_within_three_months_once(world, chefs, tenant_a):
    dossier = _admitted(world, referent=world.psychologue, contrat_remis_le=D(2025, 10, 2),
                        contrat_signe_le=D(2025, 10, 2))  # fmt: skip
    notification = NotificationMdph.objects.create(
        organisme=world.organisme, jeune=dossier.jeune, dossier=dossier, date_decision=D(2023, 6, 1),
        date_debut=D(2023, 9, 1), date_fin=D(2026, 3, 31),
    )  # fmt: skip
    assert rappels_send(today=D(2025, 12, 30)) == 0  # more than 3 months before the end
    assert rappels_send(today=D(2025, 12, 31)) == 2
    assert _sent("rappel_mdph_echeance") == [
        ("chef@a.org", "rappel_mdph_echeance"),
        ("psy@a.org", "rappel_mdph_echeance"),
    ]
    lien = Notification.objects.filter(categorie="rappel_mdph_echeance").first().lien
    assert lien == f"/dossiers/{dossier.pk}/mdph/#notification-{notification.pk}"
    assert rappels_send(today=D(2026, 1, 15)) == 0
    # A renewal arrives, then comes to its own end: a new reminder.
    NotificationMdph.objects.create(
        organisme=world.organisme, jeune=dossier.jeune, dossier=dossier, date_decision=D(2026, 2, 1),
        date_debut=D(2026, 4, 1), date_fin=D(2029, 3, 31),
    )  # fmt: skip
    assert rappels_send(today=D(2026, 2, 15)) == 0
    assert rappels_send(today=D(2029, 1, 5)) == 2


def test_task_runs_under_the_tenant(world, chefs):
    with tenant_context(world.organisme.pk):
        _admitted(world)
    assert send_reminders.delay(organisme_id=world.organisme.pk, today="2025-10-17").get() == 1
    with pytest.raises(TypeError, match="organisme_id"):
        send_reminders.delay(today="2025-10-17")


def test_daily_beat_fans_out_per_organisme(world):
    today = timezone.localdate()
    chef_a = factories.professionnel(world.dispositif, Metier.CHEF_DE_SERVICE)
    chef_b = factories.professionnel(world.dispositif_b, Metier.CHEF_DE_SERVICE)
    factories.dossier_accompagne(world.dispositif, admission=today - datetime.timedelta(days=20))
    factories.dossier_accompagne(world.dispositif_b, admission=today - datetime.timedelta(days=20))
    send_daily_reminders.delay()
    with tenant_context(world.organisme.pk):
        assert list(Notification.objects.values_list("recipient_id", flat=True)) == [chef_a.pk]
    with tenant_context(world.organisme_b.pk):
        assert list(Notification.objects.values_list("recipient_id", flat=True)) == [chef_b.pk]


def test_beat_entry():
    entry = settings.CELERY_BEAT_SCHEDULE["dossiers-rappels"]
    assert entry["task"] == "dossiers.tasks.send_daily_reminders"
