"""Absences declared on the portal: waiting until a professional takes them into account on the staff absences
page, which marks the participations absent_prevu (seen on the week page too); the team is told; separate spaces."""

import datetime

from django.urls import reverse
from django.utils import timezone

from agendas.enums import Presence, StatutAbsence
from agendas.models import Absence, ParticipationJeune
from core.models import Notification
from core.tenancy import tenant_context
from tests import factories
from tests.fixtures import login
from tests.portail_famille.helpers_base import evenement


def url(pw, jeune=None):
    return reverse("portail:absences", args=[(jeune or pw.jeune_a).pk])


def demain() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def test_declare_then_team_takes_it_into_account(client, pw):
    from core.enums import Metier

    chef = factories.professionnel(pw.dispositif, Metier.CHEF_DE_SERVICE, email="chef@a.org")
    start = timezone.localtime() + datetime.timedelta(days=1)
    jour = (start.date() - (timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday()))).days
    ev = evenement(pw, [pw.jeune_a], jour=jour, heure=10)
    login(client, pw.mere)
    data = {"date_debut": start.date().isoformat(), "journee_entiere": "on", "motif": "maladie"}
    data["commentaire"] = "Fièvre"
    response = client.post(url(pw), data)
    assert response.status_code == 302
    with tenant_context(pw.organisme.pk):
        absence = Absence.objects.get(jeune=pw.jeune_a)
        assert (absence.origine, absence.statut, absence.declaree_par_id) == ("famille", "a_confirmer", pw.mere.pk)
        part = ParticipationJeune.objects.get(evenement=ev, jeune=pw.jeune_a)
        assert part.presence != Presence.ABSENT_PREVU  # not before the team takes it into account
        assert Notification.objects.filter(recipient=chef).exists()
    assert "pas encore lue" in client.get(url(pw)).content.decode()
    login(client, pw.educateur)
    assert "Fièvre" in client.get(reverse("agendas:absence_list")).content.decode()
    assert client.post(reverse("agendas:absence_confirm", args=[absence.pk])).status_code == 302
    with tenant_context(pw.organisme.pk):
        part.refresh_from_db()
        assert part.presence == Presence.ABSENT_PREVU
        absence.refresh_from_db()
        assert absence.statut == StatutAbsence.CONFIRMEE
    login(client, pw.mere)
    assert "Prise en compte" in client.get(url(pw)).content.decode()
    week = client.get(
        reverse("portail:semaine", args=[pw.jeune_a.pk])
        + f"?semaine={start.date().isocalendar()[0]}-W{start.date().isocalendar()[1]:02d}"
    )
    assert "Absence prévue" in week.content.decode()


def test_declarations_are_private_to_their_author(client, pw):
    login(client, pw.mere)
    client.post(url(pw), {"date_debut": demain().isoformat(), "journee_entiere": "on", "motif": "rendez_vous",
                          "commentaire": "Orthodontiste"})  # fmt: skip
    assert "Orthodontiste" in client.get(url(pw)).content.decode()
    for other in (pw.pere, pw.ado):
        login(client, other)
        assert "Orthodontiste" not in client.get(url(pw)).content.decode()


def test_errors_in_french_and_nothing_written(client, pw):
    login(client, pw.mere)
    bad = [
        ({"date_debut": demain().isoformat(), "motif": "fugue", "journee_entiere": "on"}, "Sélectionnez un choix"),
        ({"date_debut": demain().isoformat(), "date_fin": (demain() - datetime.timedelta(days=2)).isoformat(),
          "motif": "maladie", "journee_entiere": "on"}, "Le dernier jour doit être après le premier"),
        ({"date_debut": demain().isoformat(), "motif": "maladie", "heure_debut": "14:00"}, "heure de début et"),
        ({"date_debut": (demain() - datetime.timedelta(days=30)).isoformat(), "motif": "maladie",
          "journee_entiere": "on"}, "plus de 7 jours"),
    ]  # fmt: skip
    for data, message in bad:
        response = client.post(url(pw), data)
        assert response.status_code == 200 and message in response.content.decode(), message
    with tenant_context(pw.organisme.pk):
        assert not Absence.objects.exists()


def test_without_the_right_404(client, pw):
    with tenant_context(pw.organisme.pk):
        pw.acces_ado.declarer_absences = False
        pw.acces_ado.save()
    login(client, pw.ado)
    assert client.get(url(pw)).status_code == 404
    assert client.post(url(pw), {"date_debut": demain().isoformat(), "motif": "maladie"}).status_code == 404
