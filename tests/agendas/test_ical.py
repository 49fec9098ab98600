"""iCal subscriptions: the token is shown once and only its SHA-256 stored; the feed is reached without a session,
parses with ``icalendar`` and round-trips times and time zones exactly (across both daylight-saving changes, the
repeated autumn hour included); the youth feed shows family-visible, non-discreet events only, without names;
revoked tokens are 404; reads are journaled once a day; personas on the subscription pages; constant queries."""

import datetime
import hashlib
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from agendas.models import AbonnementCalendrier
from agendas.services.evenements import evenement_create, evenement_set_statut
from agendas.services.gestion import abonnement_create, abonnement_revoke
from core.models import AuditEntry
from core.tenancy import tenant_context
from tests.agendas.conftest import PARIS
from tests.helpers import assert_constant_queries, count_queries

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def last_sunday(year: int, month: int) -> datetime.date:
    day = datetime.date(year, month, 31)
    return day - datetime.timedelta(days=(day.weekday() + 1) % 7)


def next_change(month: int) -> datetime.date:
    """The next daylight-saving change day (last Sunday of March or October) inside the feed's window."""
    today = timezone.localdate()
    return next(d for d in (last_sunday(today.year, month), last_sunday(today.year + 1, month)) if d > today)


def local(day: datetime.date, h: int, mi: int = 0, fold: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, h, mi, tzinfo=PARIS, fold=fold)


def feed_url(token: str) -> str:
    return reverse("agendas:ical_feed", args=[token])


def parse(response) -> Calendar:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events_by_uid(cal: Calendar) -> dict:
    return {str(ev["uid"]): ev for ev in cal.walk("VEVENT")}


def reunion(w, debut, fin, **kwargs):
    fields = dict(dispositif=w.dispositif, nature=w.natures["reunion_equipe"], debut=debut, fin=fin, actor=w.educateur,
                  professionnels=[w.educateur])  # fmt: skip
    fields.update(kwargs)
    return evenement_create(**fields)


def activite(w, debut, fin, **kwargs):
    fields = dict(dispositif=w.dispositif, nature=w.natures["activite_educative"], debut=debut, fin=fin,
                  actor=w.educateur, jeunes=[w.jeune1], professionnels=[w.educateur],
                  modalite="accueil_de_jour")  # fmt: skip
    fields.update(kwargs)
    return evenement_create(**fields)


def test_professional_creates_a_subscription_shown_once_and_hashed(agenda, login_as):
    w = agenda
    client = login_as(w.educateur)
    assert "Aucune adresse" in client.get(reverse("agendas:abonnements")).content.decode()
    response = client.post(reverse("agendas:abonnements"))
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    token = re.search(r"/agendas/ical/([A-Za-z0-9_-]+)\.ics", html).group(1)
    abonnement = AbonnementCalendrier.objects.get(user=w.educateur)
    assert abonnement.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in abonnement.token_hash
    assert token not in client.get(reverse("agendas:abonnements")).content.decode()  # shown once
    assert AuditEntry.objects.filter(record_type="agendas.abonnementcalendrier", action="create").count() == 1
    assert Client().get(feed_url(token)).status_code == 200


def test_feed_round_trips_times_and_time_zones_across_dst(agenda):
    w = agenda
    spring, autumn = next_change(3), next_change(10)
    ordinary = timezone.localdate() + datetime.timedelta(days=10)
    cases = [
        (local(ordinary, 10), local(ordinary, 11, 30)),
        # Spans the spring gap: 01:30 CET -> 03:30 CEST is one hour.
        (local(spring, 1, 30), local(spring, 3, 30)),
        (local(spring + datetime.timedelta(days=1), 9), local(spring + datetime.timedelta(days=1), 10)),
        # The repeated autumn hour: 02:15 CEST (first), 02:30 CET (second, fold=1).
        (local(autumn, 2, 15), local(autumn, 2, 45)),
        (local(autumn, 2, 30, fold=1), local(autumn, 3, 30)),
        (local(autumn - datetime.timedelta(days=1), 14), local(autumn - datetime.timedelta(days=1), 16)),
    ]
    evenements = [reunion(w, debut, fin, titre=f"Réunion {i}") for i, (debut, fin) in enumerate(cases)]
    evenement_set_statut(evenement=evenements[2], statut="annule", actor=w.educateur)
    reunion(w, local(ordinary, 14), local(ordinary, 15), professionnels=[w.psychologue], titre="Pas à moi")
    _, token = abonnement_create(user=w.educateur, actor=w.educateur)

    cal = parse(Client().get(feed_url(token)))
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    # The VTIMEZONE itself (not the client's own database) gives the right offsets.
    vtz = cal.walk("VTIMEZONE")[0].to_tz(lookup_tzid=False)
    found = events_by_uid(cal)
    assert len(found) == len(cases)  # the psychologue's meeting is not in my feed
    for ev, (debut, fin) in zip(evenements, cases, strict=True):
        item = found[f"evenement-{ev.organisme_id}-{ev.pk}@dui-ditep"]
        assert str(item["summary"]) == ev.titre
        for prop, expected in (("dtstart", debut), ("dtend", fin)):
            value = item.decoded(prop)
            # The same instant (compared in UTC: PEP 495 makes == false for a repeated-hour time across zones).
            assert value.astimezone(UTC) == expected.astimezone(UTC)
            if item[prop].params.get("TZID"):
                assert item[prop].params["TZID"] == "Europe/Paris"
                assert value.replace(tzinfo=None) == expected.replace(tzinfo=None)  # the same wall-clock time
                assert value.replace(tzinfo=None).replace(tzinfo=vtz).utcoffset() == expected.utcoffset()
            else:
                # Only the repeated autumn hour is written in UTC (a wall-clock time there names two instants).
                assert expected.astimezone(PARIS).replace(fold=1 - expected.fold).utcoffset() != expected.utcoffset()
        assert str(item["status"]) == ("CANCELLED" if ev.pk == evenements[2].pk else "CONFIRMED")
    spring_item = found[f"evenement-{w.organisme.pk}-{evenements[1].pk}@dui-ditep"]
    elapsed = spring_item.decoded("dtend").astimezone(UTC) - spring_item.decoded("dtstart").astimezone(UTC)
    assert elapsed == datetime.timedelta(hours=1)
    # UIDs are stable from one fetch to the next.
    assert set(events_by_uid(parse(Client().get(feed_url(token))))) == set(found)


def test_youth_feed_only_family_visible_non_discreet_events_without_names(agenda):
    w = agenda
    day = timezone.localdate() + datetime.timedelta(days=3)
    visible = activite(w, local(day, 9), local(day, 11), titre=f"Piscine avec {w.jeune1.prenom} et Dr Martin")
    activite(w, local(day, 14), local(day, 15), visible_famille=False, titre="Masqué")
    evenement_create(
        dispositif=w.dispositif, nature=w.natures["reunion_synthese"], debut=local(day, 16), fin=local(day, 17),
        actor=w.educateur, jeunes=[w.jeune1], professionnels=[w.educateur], titre="Synthèse",
    )  # fmt: skip
    activite(w, local(day, 11), local(day, 12), jeunes=[w.jeune2], titre="Autre jeune")
    _, token = abonnement_create(jeune=w.jeune1, actor=w.educateur)
    response = Client().get(feed_url(token))
    cal = parse(response)
    items = list(cal.walk("VEVENT"))
    assert [str(i["uid"]) for i in items] == [f"evenement-{w.organisme.pk}-{visible.pk}@dui-ditep"]
    assert str(items[0]["summary"]) == "Activité éducative"  # the nature, never the free title
    body = response.content.decode()
    assert w.jeune1.nom_naissance not in body and "Dr Martin" not in body and "Synthèse" not in body


def test_revoked_unknown_and_deactivated_are_404(agenda):
    w = agenda
    abonnement, token = abonnement_create(user=w.educateur, actor=w.educateur)
    anonymous = Client()
    assert anonymous.get(feed_url(token)).status_code == 200
    assert anonymous.get(feed_url("x" * 43)).status_code == 404
    abonnement_revoke(abonnement=abonnement, actor=w.educateur)
    assert anonymous.get(feed_url(token)).status_code == 404
    _, token = abonnement_create(user=w.psychologue, actor=w.psychologue)
    w.psychologue.is_active = False
    w.psychologue.save(update_fields=["is_active"])
    assert anonymous.get(feed_url(token)).status_code == 404


def test_feed_reads_are_journaled_once_a_day(agenda):
    w = agenda
    abonnement, token = abonnement_create(user=w.educateur, actor=w.educateur)
    for _ in range(3):
        assert Client().get(feed_url(token)).status_code == 200
    reads = AuditEntry.objects.filter(record_type="agendas.abonnementcalendrier", action="read")
    assert reads.count() == 1
    assert reads.get().actor == w.educateur
    abonnement.refresh_from_db()
    assert abonnement.last_used_at is not None
    AbonnementCalendrier.objects.filter(pk=abonnement.pk).update(
        last_used_at=timezone.now() - datetime.timedelta(days=1)
    )
    Client().get(feed_url(token))
    assert reads.count() == 2


def test_feed_constant_queries(agenda):
    w = agenda
    _, token = abonnement_create(user=w.educateur, actor=w.educateur)
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=1)
    counter = iter(range(1000))
    Client().get(feed_url(token))  # the day's journal row is written by the first fetch

    def add_rows(n):
        for _ in range(n):
            debut = start + datetime.timedelta(hours=3 * next(counter))
            activite(w, debut, debut + datetime.timedelta(hours=1))

    assert_constant_queries(lambda: Client().get(feed_url(token)), add_rows)


def test_other_organisme_token_sees_only_its_own_events(agenda, world):
    w = agenda
    _, token = abonnement_create(user=w.educateur, actor=w.educateur)
    reunion(w, local(timezone.localdate() + datetime.timedelta(days=2), 9),
            local(timezone.localdate() + datetime.timedelta(days=2), 10))  # fmt: skip
    with tenant_context(world.organisme_b.pk):
        _, token_b = abonnement_create(user=world.autre_educateur, actor=world.autre_educateur)
    assert len(parse(Client().get(feed_url(token))).walk("VEVENT")) == 1
    assert len(parse(Client().get(feed_url(token_b))).walk("VEVENT")) == 0


# --- subscription pages: personas ---------------------------------------------------------------------------------


def test_youth_subscription_page_personas(agenda, login_as):
    w = agenda
    dossier = w.jeune1.dossiers.get()
    url = reverse("agendas:abonnements_jeune", args=[dossier.pk])
    client = login_as(w.educateur)
    assert "Créer une adresse pour la famille" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 201 and "/agendas/ical/" in response.content.decode()
    abonnement = AbonnementCalendrier.objects.get(jeune=w.jeune1)
    lecteur = login_as(w.lecteur)
    html = lecteur.get(url).content.decode()
    assert "Créer une adresse" not in html and "Révoquer" not in html
    assert lecteur.post(url).status_code == 403
    assert lecteur.post(reverse("agendas:abonnement_revoke", args=[abonnement.pk])).status_code == 403
    assert login_as(w.admin).get(url).status_code == 403  # no clinical content
    assert login_as(w.autre_educateur).get(url).status_code == 404
    assert (
        login_as(w.autre_educateur).post(reverse("agendas:abonnement_revoke", args=[abonnement.pk])).status_code == 404
    )
    assert login_as(w.proche).get(url).status_code == 404
    client = login_as(w.educateur)
    response = client.post(reverse("agendas:abonnement_revoke", args=[abonnement.pk]), {"dossier": dossier.pk})
    assert response.status_code == 302 and response.url == url
    abonnement.refresh_from_db()
    assert abonnement.revoked_at is not None


def test_own_subscription_page_personas(agenda, login_as):
    w = agenda
    mine, _ = abonnement_create(user=w.educateur, actor=w.educateur)
    assert login_as(w.proche).get(reverse("agendas:abonnements")).status_code == 404
    assert login_as(w.jeune).post(reverse("agendas:abonnements")).status_code == 404
    revoke = reverse("agendas:abonnement_revoke", args=[mine.pk])
    assert login_as(w.psychologue).post(revoke).status_code == 403
    assert login_as(w.educateur).get(revoke).status_code == 405
    html = login_as(w.psychologue).get(reverse("agendas:abonnements")).content.decode()
    assert "Aucune adresse" in html  # only one's own subscriptions are listed
    assert login_as(w.educateur).post(revoke).status_code == 302
    mine.refresh_from_db()
    assert mine.revoked_at is not None


def test_subscription_page_constant_queries(agenda, login_as):
    w = agenda
    client = login_as(w.educateur)

    def add_rows(n):
        for _ in range(n):
            abonnement_create(user=w.educateur, actor=w.educateur)

    assert_constant_queries(lambda: client.get(reverse("agendas:abonnements")), add_rows)
    assert count_queries(lambda: client.get(reverse("agendas:abonnements"))) < 15
