"""Absences, team side: declaring an absence marks the youth's sessions; family declarations wait in « à prendre en
compte » until a professional takes them into account or does not retain them; counts per youth and period for
the chefs de service — personas, restricted dossiers hidden, audit, constant query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agendas.enums import OrigineAbsence, StatutAbsence
from agendas.models import Absence, ParticipationJeune
from agendas.selectors import jours_absence
from agendas.services.absences import absence_declarer
from agendas.services.evenements import evenement_create, evenement_set_statut, presences_set
from core.enums import Metier
from core.models import AuditEntry
from dossiers.services.parcours import dossier_update
from tests import factories
from tests.agendas.conftest import at
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db
LIST = "/agendas/absences/"


@pytest.fixture
def chef(world):
    return factories.professionnel(world.dispositif, Metier.CHEF_DE_SERVICE, email="chef@a.org")


def seance(w, day, jeune=None, statut="prevu"):
    ev = evenement_create(
        dispositif=w.dispositif, nature=w.natures["activite_educative"], debut=at(2026, 3, day, 9),
        fin=at(2026, 3, day, 11), actor=w.educateur, jeunes=[jeune or w.jeune1], modalite="accueil_de_jour",
    )  # fmt: skip
    if statut != "prevu":
        evenement_set_statut(evenement=ev, statut=statut, actor=w.educateur)
    return ev


def famille_declare(w, jeune=None, day=10):
    return absence_declarer(
        jeune=jeune or w.jeune1, dispositif=w.dispositif, debut=at(2026, 3, day, 0), fin=at(2026, 3, day + 1, 0),
        motif="maladie", actor=w.proche, origine=OrigineAbsence.FAMILLE,
    )  # fmt: skip


def test_team_declares_an_absence_that_marks_the_sessions(agenda, login_as):
    w = agenda
    day = timezone.localdate() + datetime.timedelta(days=7)
    ev = evenement_create(
        dispositif=w.dispositif, nature=w.natures["activite_educative"], debut=at(day.year, day.month, day.day, 9),
        fin=at(day.year, day.month, day.day, 11), actor=w.educateur, jeunes=[w.jeune1], modalite="accueil_de_jour",
    )  # fmt: skip
    client = login_as(w.educateur)
    form = client.get(reverse("agendas:absence_create")).content.decode()
    assert f"{w.jeune1.prenom}" in form and "DITEP Les Pins" in form
    dossier = w.jeune1.dossiers.get()
    data = {"dossier": dossier.pk, "debut": f"{day}T08:00", "fin": f"{day}T18:00", "motif": "rendez_vous",
            "prevue": "on", "commentaire": "Consultation CMP"}  # fmt: skip
    response = client.post(reverse("agendas:absence_create"), {**data, "fin": f"{day}T07:00"})
    assert response.status_code == 422 and "La fin doit être après le début." in response.content.decode()
    response = client.post(reverse("agendas:absence_create"), data)
    assert response.status_code == 302
    absence = Absence.objects.get()
    assert (absence.statut, absence.origine, absence.declaree_par) == ("confirmee", "equipe", w.educateur)
    part = ParticipationJeune.objects.get(evenement=ev)
    assert (part.presence, part.motif_absence, part.absence_id) == ("absent_prevu", "rendez_vous", absence.pk)
    html = client.get(LIST).content.decode()
    assert "Consultation" not in html  # the list shows the motif, not the free comment of processed absences
    assert "Rendez-vous médical ou extérieur" in html


def test_family_declaration_taken_into_account_or_not_retained(agenda, login_as):
    w = agenda
    ev = seance(w, 10)
    absence = famille_declare(w)
    other = famille_declare(w, jeune=w.jeune2, day=12)
    client = login_as(w.educateur)
    html = client.get(LIST).content.decode()
    assert "À prendre en compte" in html and "Prendre en compte" in html and w.jeune2.prenom in html
    assert AuditEntry.objects.filter(record_type="agendas.absence", action="read").exists()
    assert client.post(reverse("agendas:absence_confirm", args=[absence.pk])).status_code == 302
    absence.refresh_from_db()
    assert (absence.statut, absence.traitee_par) == (StatutAbsence.CONFIRMEE, w.educateur)
    assert ParticipationJeune.objects.get(evenement=ev).presence == "absent_prevu"
    assert (
        client.post(reverse("agendas:absence_refuse", args=[other.pk]), {"commentaire": "Présent"}).status_code == 302
    )
    other.refresh_from_db()
    assert other.statut == StatutAbsence.REFUSEE
    # A refused declaration cannot be taken into account any more: a French message, nothing changed.
    response = client.post(reverse("agendas:absence_confirm", args=[other.pk]), follow=True)
    assert "ne peut pas être prise en compte" in response.content.decode()
    assert "Aucune déclaration en attente" in client.get(LIST).content.decode()


def test_absences_personas_and_restricted_dossiers(agenda, login_as):
    w = agenda
    absence = famille_declare(w)
    restricted = famille_declare(w, jeune=w.jeune2, day=12)
    dossier_update(dossier=w.jeune2.dossiers.get(), est_restreint=True, actor=w.direction)
    lecteur = login_as(w.lecteur)
    html = lecteur.get(LIST).content.decode()
    assert w.jeune1.prenom in html and w.jeune2.prenom not in html
    assert "Prendre en compte" not in html and "Déclarer une absence" not in html
    assert lecteur.post(reverse("agendas:absence_confirm", args=[absence.pk])).status_code == 403
    assert lecteur.get(reverse("agendas:absence_create")).status_code == 403
    educ = login_as(w.educateur)
    assert educ.post(reverse("agendas:absence_confirm", args=[restricted.pk])).status_code == 403
    assert educ.get(reverse("agendas:absence_confirm", args=[absence.pk])).status_code == 405
    assert login_as(w.direction).post(reverse("agendas:absence_confirm", args=[restricted.pk])).status_code == 302
    assert login_as(w.admin).get(LIST).status_code == 403
    other = login_as(w.autre_educateur)
    assert other.post(reverse("agendas:absence_refuse", args=[absence.pk])).status_code == 404
    assert w.jeune1.prenom not in other.get(LIST).content.decode()
    assert login_as(w.proche).get(LIST).status_code == 404
    assert login_as(w.jeune).post(reverse("agendas:absence_confirm", args=[absence.pk])).status_code == 404


def test_counts_per_youth_and_period_for_chefs_de_service(agenda, login_as, chef):
    w = agenda
    seance(w, 2, statut="realise")
    absent = seance(w, 3, statut="realise")
    seance(w, 3, jeune=w.jeune2, statut="realise")
    presences_set(evenement=absent, presences={w.jeune1.pk: ("absent_imprevu", "fugue")}, actor=w.educateur)
    url = reverse("agendas:absence_counts")
    client = login_as(chef)
    response = client.get(url, {"dispositif": w.dispositif.pk, "debut": "2026-03-01", "fin": "2026-03-31"})
    assert response.status_code == 200
    rows = {row["jeune"].pk: row for row in response.context["rows"]}
    assert (rows[w.jeune1.pk]["jours"], rows[w.jeune1.pk]["absent_imprevu"]) == (1, 1)
    assert rows[w.jeune2.pk]["jours"] == 0
    expected = jours_absence(jeune_ids=[w.jeune1.pk], dispositif=w.dispositif, du=datetime.date(2026, 3, 1),
                             au=datetime.date(2026, 3, 31))  # fmt: skip
    assert expected == {w.jeune1.pk: 1}
    assert response.context["totals"]["jours"] == 1
    response = client.get(url, {"dispositif": w.dispositif.pk, "debut": "2026-03-31", "fin": "2026-03-01"})
    assert response.status_code == 422
    assert login_as(w.educateur).get(url).status_code == 403
    assert login_as(w.admin).get(url).status_code == 403
    assert login_as(w.proche).get(url).status_code == 404


def test_list_and_counts_constant_queries(agenda, login_as, chef):
    w = agenda
    client = login_as(chef)
    counter = iter(range(1000))

    def add_rows(n):
        for _ in range(n):
            i = next(counter)
            jeune = factories.dossier_accompagne(w.dispositif).jeune
            famille_declare(w, jeune=jeune, day=1 + i % 27)
            absence_declarer(jeune=jeune, dispositif=w.dispositif, debut=at(2026, 4, 1, 9), fin=at(2026, 4, 1, 12),
                             motif="2", actor=w.educateur)  # fmt: skip

    assert_constant_queries(lambda: client.get(LIST), add_rows)
    params = {"dispositif": w.dispositif.pk, "debut": "2026-03-01", "fin": "2026-04-30"}
    assert_constant_queries(lambda: client.get(reverse("agendas:absence_counts"), params), add_rows)
