"""Week and day views of the agenda (per professional, youth, site, resource) and the youth's agenda tab:
personas, the grid layout, and a constant number of queries whatever the number of events."""

import datetime

import pytest
from django.urls import reverse

from agendas.models import Ressource
from agendas.services.evenements import evenement_create
from agendas.views.agenda import build_days
from core.models import AuditEntry
from core.tenancy import tenant_context
from tests.agendas.conftest import at
from tests.helpers import assert_constant_queries

URL = reverse("agendas:agenda")
LUNDI = datetime.date(2026, 1, 5)


def _event(w, *, debut=None, fin=None, jeunes=None, pros=None, nature="activite_educative", **kwargs):
    with tenant_context(w.organisme.pk):
        return evenement_create(
            dispositif=w.dispositif, nature=w.natures[nature], debut=debut or at(2026, 1, 5, 9),
            fin=fin or at(2026, 1, 5, 11, 30), actor=w.educateur,
            jeunes=[w.jeune1] if jeunes is None else jeunes,
            professionnels=[w.educateur] if pros is None else pros, modalite="accueil_de_jour", **kwargs,
        )  # fmt: skip


def test_my_week_shows_my_events_in_the_grid_and_the_list(agenda, login_as):
    w = agenda
    _event(w, titre="Atelier cuisine")
    _event(w, titre="Piscine", pros=[w.psychologue], debut=at(2026, 1, 6, 14), fin=at(2026, 1, 6, 15))
    response = login_as(w.educateur).get(URL, {"date": "2026-01-07"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mon agenda" in html
    assert "Semaine du 5 janvier au 11 janvier 2026" in html
    assert "Atelier cuisine" in html
    assert "Piscine" not in html  # the psychologist's event, not mine
    # 9:00 with the window starting at 8:00 -> 5th quarter-hour row; 2h30 -> 10 rows.
    assert "ag-l5 ag-s10 ag-cplein" in html
    assert 'class="ag-liste"' in html
    assert str(w.jeune1) in html


def test_week_of_a_colleague_a_youth_a_site_and_a_resource(agenda, login_as):
    w = agenda
    with tenant_context(w.organisme.pk):
        salle = Ressource.objects.create(
            organisme=w.organisme, dispositif=w.dispositif, type="salle", nom="Salle bleue"
        )
    _event(w, titre="Piscine", pros=[w.psychologue], site=w.site, ressources=[salle])
    client = login_as(w.educateur)
    for params in ({"pro": w.psychologue.pk}, {"jeune": w.jeune1.pk}, {"site": w.site.pk}, {"ressource": salle.pk},
                   {"voir": f"jeune:{w.jeune1.pk}"}):  # fmt: skip
        response = client.get(URL, {"date": "2026-01-05", **params})
        assert response.status_code == 200, params
        assert "Piscine" in response.content.decode(), params
    assert "Agenda de " + str(w.jeune1) in client.get(URL, {"jeune": w.jeune1.pk}).content.decode()
    assert "Piscine" not in client.get(URL, {"jeune": w.jeune2.pk, "date": "2026-01-05"}).content.decode()


def test_day_view_and_navigation(agenda, login_as):
    w = agenda
    _event(w, titre="Atelier cuisine")
    response = login_as(w.educateur).get(URL, {"date": "2026-01-05", "vue": "jour"})
    html = response.content.decode()
    assert "Lundi 5 janvier 2026" in html
    assert "ag-grille--1" in html
    assert "date=2026-01-04" in html and "date=2026-01-06" in html  # previous / next day
    week = login_as(w.educateur).get(URL, {"date": "2026-01-05"}).content.decode()
    assert "date=2025-12-29" in week and "date=2026-01-12" in week  # previous / next week


def test_constant_queries_whatever_the_number_of_events(agenda, client):
    w = agenda
    from tests.fixtures import login

    login(client, w.educateur)
    hour = iter(range(1000))

    def add(n):
        for _ in range(n):
            i = next(hour)
            day = 5 + i % 5
            debut, fin = at(2026, 1, day, 8 + i % 10), at(2026, 1, day, 9 + i % 10)
            _event(w, debut=debut, fin=fin, jeunes=[w.jeune1, w.jeune2])

    def page():
        assert client.get(URL, {"date": "2026-01-05"}).status_code == 200

    assert_constant_queries(page, add, few=1, many=50)


def test_constant_queries_on_a_youths_week(agenda, client):
    w = agenda
    from tests.fixtures import login

    login(client, w.educateur)

    def add(n):
        for i in range(n):
            _event(w, debut=at(2026, 1, 6, 8) + datetime.timedelta(minutes=15 * i), fin=at(2026, 1, 6, 20))

    assert_constant_queries(lambda: client.get(URL, {"date": "2026-01-05", "jeune": w.jeune1.pk}), add, many=30)


@pytest.mark.parametrize("persona", ["proche", "jeune"])
def test_family_and_youth_accounts_get_404(agenda, login_as, persona):
    assert login_as(getattr(agenda, persona)).get(URL).status_code == 404


def test_admin_organisme_sees_no_agenda(agenda, login_as):
    assert login_as(agenda.admin).get(URL).status_code == 403
    assert login_as(agenda.admin).get(reverse("agendas:pointage")).status_code == 403


def test_other_organisme_gets_404_on_our_youth_site_and_resource(agenda, login_as):
    w = agenda
    client = login_as(w.autre_educateur)
    assert client.get(URL).status_code == 200  # their own (empty) agenda
    assert client.get(URL, {"jeune": w.jeune1.pk}).status_code == 404
    assert client.get(URL, {"site": w.site.pk}).status_code == 404
    assert client.get(URL, {"pro": w.educateur.pk}).status_code == 404


def test_youth_of_another_dispositif_is_forbidden(agenda, login_as):
    """The educator works in A1 only: the agenda of a youth followed in A2 is not theirs to read."""
    assert login_as(agenda.educateur).get(URL, {"jeune": agenda.jeune_autre.pk}).status_code == 403


def test_restricted_youth_is_not_named_in_a_colleagues_agenda(agenda, login_as):
    w = agenda
    with tenant_context(w.organisme.pk):
        from dossiers.models import Dossier

        Dossier.objects.filter(jeune=w.jeune2).update(est_restreint=True)
    _event(w, titre="Sortie", jeunes=[w.jeune1, w.jeune2])
    html = login_as(w.educateur).get(URL, {"date": "2026-01-05"}).content.decode()
    assert str(w.jeune1) in html
    assert w.jeune2.prenom not in html
    assert "dossier restreint" in html
    assert login_as(w.educateur).get(URL, {"jeune": w.jeune2.pk}).status_code == 403


def test_dossier_tab_shows_the_youths_week_and_audits_the_read(agenda, login_as):
    w = agenda
    _event(w, titre="Atelier cuisine")
    with tenant_context(w.organisme.pk):
        dossier = w.jeune1.dossiers.get()
    client = login_as(w.educateur)
    response = client.get(reverse("agendas:dossier_agenda", args=[dossier.pk]), {"date": "2026-01-05"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Atelier cuisine" in html
    assert 'aria-current="page">Agenda</a>' in html
    with tenant_context(w.organisme.pk):
        reads = AuditEntry.objects.filter(action="read", record_type="dossiers.dossier", record_id=str(dossier.pk))
        assert reads.exists()
    assert login_as(w.autre_educateur).get(reverse("agendas:dossier_agenda", args=[dossier.pk])).status_code == 404
    assert login_as(w.proche).get(reverse("agendas:dossier_agenda", args=[dossier.pk])).status_code == 404


def test_menu_entries(agenda, login_as):
    html = login_as(agenda.educateur).get(reverse("core:home")).content.decode()
    assert ">Agenda</a>" in html and ">Pointage</a>" in html


# --- Layout -------------------------------------------------------------------------------------------------------


class _Ev:
    def __init__(self, debut, fin, statut="prevu", cadre="direct"):
        self.debut, self.fin, self.statut, self.cadre = debut, fin, statut, cadre


def test_overlapping_events_share_the_day_in_lanes():
    a = _Ev(at(2026, 1, 5, 9), at(2026, 1, 5, 11))
    b = _Ev(at(2026, 1, 5, 10), at(2026, 1, 5, 12))
    c = _Ev(at(2026, 1, 5, 14), at(2026, 1, 5, 15))
    jours, hours = build_days([a, b, c], LUNDI, 7, LUNDI)
    lundi = jours[0]
    assert lundi.lanes == 2
    seg_a, seg_b, seg_c = lundi.segments
    assert (seg_a.lane, seg_b.lane, seg_a.lanes, seg_c.lanes) == (0, 1, 2, 1)
    assert "ag-c1" in seg_a.classes and "ag-c2" in seg_b.classes and "ag-cplein" in seg_c.classes
    assert hours[0] == {"label": "08:00", "row": 1}


def test_overnight_event_is_cut_into_two_days_and_widens_the_window():
    nuit = _Ev(at(2026, 1, 5, 20), at(2026, 1, 6, 7, 30))
    jours, hours = build_days([nuit], LUNDI, 7, LUNDI)
    (soir,), (matin,) = jours[0].segments, jours[1].segments
    assert (soir.apres, matin.avant) == (True, True)
    assert hours[0]["label"] == "00:00" and hours[-1]["label"] == "23:00"
    assert (soir.row, soir.span) == (81, 16)  # 20:00 -> 24:00
    assert (matin.row, matin.span) == (1, 30)  # 00:00 -> 07:30


def test_dst_day_keeps_wall_clock_times():
    """On the night of the change to summer time the events keep their local wall-clock rows."""
    dimanche = datetime.date(2026, 3, 29)
    ev = _Ev(at(2026, 3, 29, 9), at(2026, 3, 29, 10))
    jours, _ = build_days([ev], dimanche, 1, dimanche)
    assert (jours[0].segments[0].row, jours[0].segments[0].span) == (5, 4)
