"""The pointage screen: a day's events of a group and their youths; "Valider la journée" marks the events realised
and saves the presences. Budget: 2 actions (choose the day/group, validate) + 1 per absent youth — here, a group of
three youths in two events with one absent is pointed with 3 actions (see test_one_click_per_absent_youth)."""

import pytest
from django.urls import reverse

from agendas.enums import Presence, StatutEvenement
from agendas.models import ParticipationJeune
from agendas.services.evenements import evenement_create, presences_set
from core.models import AuditEntry
from core.tenancy import tenant_context
from tests import factories
from tests.agendas.conftest import at
from tests.helpers import assert_constant_queries

URL = reverse("agendas:pointage")
JOUR = "2026-01-06"


@pytest.fixture
def journee(agenda):
    """Tuesday 6 January: morning class and afternoon activity on the site, for three youths."""
    w = agenda
    w.jeune3 = factories.dossier_accompagne(w.dispositif).jeune
    with tenant_context(w.organisme.pk):
        common = dict(dispositif=w.dispositif, actor=w.educateur, professionnels=[w.educateur], site=w.site,
                      modalite="accueil_de_jour", jeunes=[w.jeune1, w.jeune2, w.jeune3])  # fmt: skip
        w.matin = evenement_create(nature=w.natures["classe_ue"], debut=at(2026, 1, 6, 9), fin=at(2026, 1, 6, 12),
                                   titre="Classe", **common)  # fmt: skip
        w.aprem = evenement_create(nature=w.natures["activite_educative"], debut=at(2026, 1, 6, 14),
                                   fin=at(2026, 1, 6, 16), titre="Piscine", **common)  # fmt: skip
    return w


def _presences(w):
    with tenant_context(w.organisme.pk):
        rows = ParticipationJeune.objects.filter(evenement__in=[w.matin, w.aprem]).select_related("evenement")
        return {(p.evenement.titre, p.jeune_id): (p.presence, p.motif_absence) for p in rows}


def _statuts(w):
    with tenant_context(w.organisme.pk):
        w.matin.refresh_from_db()
        w.aprem.refresh_from_db()
    return w.matin.statut, w.aprem.statut


def test_page_lists_the_days_events_and_youths(journee, login_as):
    w = journee
    response = login_as(w.educateur).get(URL, {"date": JOUR, "groupe": f"site:{w.site.pk}"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Classe" in html and "Piscine" in html
    for jeune in (w.jeune1, w.jeune2, w.jeune3):
        assert f'name="absent-{jeune.pk}"' in html
    assert "Valider la journée" in html
    # "My events" (default group) shows the same day, the educator being in both events.
    assert "Piscine" in login_as(w.educateur).get(URL, {"date": JOUR}).content.decode()


def test_one_click_per_absent_youth(journee, login_as):
    """Choose the day and group (1), tick jeune2 absent (1), validate (1): both events realised, jeune2 absent
    (imprévu) at both, the others present."""
    w = journee
    data = {"date": JOUR, "groupe": f"site:{w.site.pk}", "realiser": [w.matin.pk, w.aprem.pk],
            f"absent-{w.jeune2.pk}": "1"}  # fmt: skip
    response = login_as(w.educateur).post(URL, data)
    assert response.status_code == 302
    assert response.url == f"{URL}?date={JOUR}&groupe=site:{w.site.pk}"
    assert _statuts(w) == (StatutEvenement.REALISE, StatutEvenement.REALISE)
    presences = _presences(w)
    for titre in ("Classe", "Piscine"):
        assert presences[(titre, w.jeune1.pk)] == (Presence.PRESENT, "")
        assert presences[(titre, w.jeune2.pk)] == (Presence.ABSENT_IMPREVU, "")
        assert presences[(titre, w.jeune3.pk)] == (Presence.PRESENT, "")
    with tenant_context(w.organisme.pk):
        assert AuditEntry.objects.filter(record_type="agendas.evenement", action="update").count() >= 3


def test_motif_and_per_event_presence(journee, login_as):
    w = journee
    part = {}
    with tenant_context(w.organisme.pk):
        for p in ParticipationJeune.objects.filter(evenement=w.aprem):
            part[p.jeune_id] = p.pk
    data = {"date": JOUR, "groupe": f"site:{w.site.pk}", "realiser": [w.matin.pk, w.aprem.pk],
            f"absent-{w.jeune1.pk}": "1", f"motif-{w.jeune1.pk}": "maladie",
            f"presence-{part[w.jeune3.pk]}": Presence.ABSENT_PREVU}  # jeune3 left at noon  # fmt: skip
    assert login_as(w.educateur).post(URL, data).status_code == 302
    presences = _presences(w)
    assert presences[("Classe", w.jeune1.pk)] == (Presence.ABSENT_IMPREVU, "maladie")
    assert presences[("Piscine", w.jeune1.pk)] == (Presence.ABSENT_IMPREVU, "maladie")
    assert presences[("Classe", w.jeune3.pk)] == (Presence.PRESENT, "")
    assert presences[("Piscine", w.jeune3.pk)] == (Presence.ABSENT_PREVU, "")


def test_unticked_event_is_not_realised(journee, login_as):
    w = journee
    data = {"date": JOUR, "groupe": f"site:{w.site.pk}", "realiser": [w.matin.pk]}
    assert login_as(w.educateur).post(URL, data).status_code == 302
    assert _statuts(w) == (StatutEvenement.REALISE, StatutEvenement.PREVU)
    assert _presences(w)[("Piscine", w.jeune1.pk)] == ("", "")


def test_known_planned_absence_is_kept_and_preticked(journee, login_as):
    w = journee
    with tenant_context(w.organisme.pk):
        for ev in (w.matin, w.aprem):
            absence = {w.jeune2.pk: (Presence.ABSENT_PREVU, "rendez_vous")}
            presences_set(evenement=ev, presences=absence, actor=w.educateur)
    client = login_as(w.educateur)
    html = client.get(URL, {"date": JOUR, "groupe": f"site:{w.site.pk}"}).content.decode()
    assert f'name="absent-{w.jeune2.pk}" value="1" id="absent-{w.jeune2.pk}" checked' in html
    data = {"date": JOUR, "groupe": f"site:{w.site.pk}", "realiser": [w.matin.pk, w.aprem.pk],
            f"absent-{w.jeune2.pk}": "1", f"motif-{w.jeune2.pk}": "rendez_vous"}  # fmt: skip
    assert client.post(URL, data).status_code == 302
    assert _presences(w)[("Classe", w.jeune2.pk)] == (Presence.ABSENT_PREVU, "rendez_vous")


def test_htmx_validation_swaps_the_section(journee, login_as):
    w = journee
    data = {"date": JOUR, "groupe": f"site:{w.site.pk}", "realiser": [w.matin.pk, w.aprem.pk]}
    response = login_as(w.educateur).post(URL, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Journée validée : 2 événements marqués réalisés" in html
    assert _statuts(w) == (StatutEvenement.REALISE, StatutEvenement.REALISE)


def test_constant_queries_whatever_the_number_of_events(agenda, client):
    w = agenda
    from tests.fixtures import login

    login(client, w.educateur)

    def add(n):
        with tenant_context(w.organisme.pk):
            for i in range(n):
                evenement_create(
                    dispositif=w.dispositif, nature=w.natures["activite_educative"], actor=w.educateur,
                    debut=at(2026, 1, 6, 8 + i % 12), fin=at(2026, 1, 6, 9 + i % 12), modalite="accueil_de_jour",
                    jeunes=[w.jeune1, w.jeune2], professionnels=[w.educateur], site=w.site,
                )  # fmt: skip

    assert_constant_queries(lambda: client.get(URL, {"date": JOUR, "groupe": f"site:{w.site.pk}"}), add, many=50)


def test_validation_runs_constant_queries_whatever_the_number_of_events(agenda, client):
    """Validating a day whose presences change in every event costs the same number of queries for 1 or 30 events
    (one batched presences update, one journal insert), and journals one row per changed event."""
    from agendas.models import Evenement
    from tests.fixtures import login

    w = agenda
    login(client, w.educateur)

    def add(n):
        with tenant_context(w.organisme.pk):
            for i in range(n):
                evenement_create(
                    dispositif=w.dispositif, nature=w.natures["activite_educative"], actor=w.educateur,
                    debut=at(2026, 1, 6, 8 + i % 12), fin=at(2026, 1, 6, 9 + i % 12), modalite="accueil_de_jour",
                    jeunes=[w.jeune1, w.jeune2], professionnels=[w.educateur], site=w.site,
                )  # fmt: skip

    def validate():
        with tenant_context(w.organisme.pk):
            # Reset: every event planned again with its presences blank, so that each validation changes all.
            ParticipationJeune.objects.filter(evenement__dispositif=w.dispositif).update(presence="", motif_absence="")
            Evenement.objects.filter(dispositif=w.dispositif).update(statut=StatutEvenement.PREVU)
            ids = list(Evenement.objects.filter(dispositif=w.dispositif).values_list("pk", flat=True))
        data = {"date": JOUR, "groupe": f"site:{w.site.pk}", "realiser": ids, f"absent-{w.jeune1.pk}": "1"}
        assert client.post(URL, data).status_code == 302

    assert_constant_queries(validate, add, few=1, many=30)
    with tenant_context(w.organisme.pk):
        presences = set(
            ParticipationJeune.objects.filter(evenement__dispositif=w.dispositif).values_list("jeune_id", "presence")
        )
        journalled = AuditEntry.objects.filter(record_type="agendas.evenement", details__has_key="presences").count()
    assert presences == {(w.jeune1.pk, Presence.ABSENT_IMPREVU), (w.jeune2.pk, Presence.PRESENT)}
    assert journalled == 1 + 30  # one row per changed event, for each of the two validations


def test_personas(journee, login_as):
    w = journee
    data = {"date": JOUR, "groupe": f"site:{w.site.pk}", "realiser": [w.matin.pk, w.aprem.pk]}
    reader = login_as(w.lecteur)
    html = reader.get(URL, {"date": JOUR, "groupe": f"site:{w.site.pk}"}).content.decode()
    assert "Piscine" in html and "Valider la journée" not in html
    assert reader.post(URL, data).status_code == 403
    assert login_as(w.admin).post(URL, data).status_code == 403
    assert login_as(w.proche).get(URL).status_code == 404
    other = login_as(w.autre_educateur)
    assert other.get(URL, {"date": JOUR, "groupe": f"site:{w.site.pk}"}).status_code == 404
    assert other.post(URL, data).status_code == 404
    assert _statuts(w) == (StatutEvenement.PREVU, StatutEvenement.PREVU)
