"""The week page: family-visible events only (no discreet nature, no event hidden from families), cancelled ones
marked, first names of the professionals, week navigation, iCal link; constant query count."""

from django.urls import reverse

from agendas.enums import StatutEvenement
from agendas.models import AbonnementCalendrier
from core.tenancy import tenant_context
from tests.fixtures import login
from tests.helpers import assert_constant_queries
from tests.portail_famille.helpers_base import evenement, lundi


def url(pw, **params):
    u = reverse("portail:semaine", kwargs={"jeune_id": pw.jeune_a.pk})
    return u + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_week_shows_family_events_only(client, pw):
    evenement(pw, [pw.jeune_a], jour=0, heure=9, nature="activite_educative")
    evenement(pw, [pw.jeune_a], jour=1, heure=9, nature="reunion_synthese")  # discreet nature
    evenement(pw, [pw.jeune_a], jour=2, heure=9, nature="seance_soin", visible_famille=False)
    evenement(pw, [pw.jeune_a], jour=3, heure=9, nature="reeducation", statut=StatutEvenement.ANNULE)
    evenement(pw, [pw.jeune_b], jour=4, heure=9, nature="accompagnement_scolaire")  # another youth
    login(client, pw.mere)
    body = client.get(url(pw)).content.decode()
    assert "Activité éducative" in body
    assert pw.educateur.first_name in body and pw.educateur.last_name not in body
    assert "Réunion de synthèse" not in body
    assert "Séance de soin" not in body
    assert "Rééducation" in body and "Annulé" in body
    assert "Accompagnement scolaire" not in body


def test_week_navigation(client, pw):
    import datetime

    evenement(pw, [pw.jeune_a], jour=7, heure=9, nature="activite_educative")
    login(client, pw.mere)
    assert "Activité éducative" not in client.get(url(pw)).content.decode().split("Prochains rendez-vous")[0]
    year, week, _ = (lundi() + datetime.timedelta(days=7)).isocalendar()
    body = client.get(url(pw, semaine=f"{year}-W{week:02d}")).content.decode()
    assert "Activité éducative" in body
    assert client.get(url(pw, semaine="nimporte")).status_code == 200


def test_week_constant_queries(client, pw):
    login(client, pw.mere)
    counter = {"n": 0}

    def add(n):
        for _ in range(n):
            counter["n"] += 1
            evenement(pw, [pw.jeune_a], jour=counter["n"] % 5, heure=8 + counter["n"] % 9,
                      professionnels=[pw.educateur, pw.psychologue])  # fmt: skip

    evenement(pw, [pw.jeune_a], jour=8, heure=9)  # next week: "prochains rendez-vous" is never empty
    client.get(url(pw))  # the first visit remembers the youth in the session
    assert_constant_queries(lambda: client.get(url(pw)), add, few=1, many=12)


def test_ical_link_created_once_and_revoked(client, pw):
    login(client, pw.mere)
    response = client.post(reverse("portail:calendrier", kwargs={"jeune_id": pw.jeune_a.pk}))
    assert response.status_code == 200
    assert "/ical/" in response.content.decode()
    with tenant_context(pw.organisme.pk):
        assert AbonnementCalendrier.objects.filter(jeune=pw.jeune_a, cree_par=pw.mere, revoked_at=None).count() == 1
    client.post(reverse("portail:calendrier", kwargs={"jeune_id": pw.jeune_a.pk}))
    with tenant_context(pw.organisme.pk):
        assert AbonnementCalendrier.objects.filter(jeune=pw.jeune_a, cree_par=pw.mere, revoked_at=None).count() == 1
    client.post(reverse("portail:calendrier_revoquer", kwargs={"jeune_id": pw.jeune_a.pk}))
    with tenant_context(pw.organisme.pk):
        assert not AbonnementCalendrier.objects.filter(jeune=pw.jeune_a, revoked_at=None).exists()


def test_ical_of_another_youth_404(client, pw):
    login(client, pw.mere)
    assert client.post(reverse("portail:calendrier", kwargs={"jeune_id": pw.jeune_b.pk})).status_code == 404
