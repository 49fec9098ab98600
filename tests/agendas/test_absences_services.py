"""Absences: declaration by the family or the team, taken into account on the participations, TBP day counts."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from agendas.enums import Presence
from agendas.models import ParticipationJeune, SemaineAInvalider
from agendas.selectors import absences_par_jeune, jours_absence
from agendas.services.absences import absence_declarer, absence_prendre_en_compte, absence_refuser
from agendas.services.evenements import evenement_create, evenement_set_statut, presences_set
from tests.agendas.conftest import at


def _day(w, day, hour=9, **kwargs):
    fields = dict(
        dispositif=w.dispositif, nature=w.natures["activite_educative"], debut=at(2026, 1, day, hour),
        fin=at(2026, 1, day, hour + 2), actor=w.educateur, jeunes=[w.jeune1, w.jeune2], modalite="accueil_de_jour",
    )  # fmt: skip
    fields.update(kwargs)
    return evenement_create(**fields)


def test_team_absence_marks_participations_at_once(agenda):
    w = agenda
    mon, tue, wed = _day(w, 5), _day(w, 6), _day(w, 7)
    synthese = evenement_create(
        dispositif=w.dispositif, nature=w.natures["reunion_synthese"], debut=at(2026, 1, 6, 14),
        fin=at(2026, 1, 6, 15), actor=w.educateur, jeunes=[w.jeune1],
    )  # fmt: skip
    SemaineAInvalider.objects.all().delete()
    absence = absence_declarer(
        jeune=w.jeune1, dispositif=w.dispositif, debut=at(2026, 1, 5, 0), fin=at(2026, 1, 7, 0), motif="maladie",
        actor=w.educateur,
    )  # fmt: skip
    assert absence.statut == "confirmee"
    got = dict(
        ParticipationJeune.objects.filter(jeune=w.jeune1).values_list("evenement_id", "presence")
    )  # fmt: skip
    assert got == {mon.pk: "absent_prevu", tue.pk: "absent_prevu", wed.pk: "", synthese.pk: ""}
    assert ParticipationJeune.objects.get(evenement=mon, jeune=w.jeune1).absence_id == absence.pk
    assert ParticipationJeune.objects.get(evenement=mon, jeune=w.jeune2).presence == ""
    assert SemaineAInvalider.objects.filter(jeune=w.jeune1, lundi=datetime.date(2026, 1, 5)).exists()
    assert absence_prendre_en_compte(absence=absence, actor=w.educateur) == 0  # idempotent


def test_family_absence_waits_and_can_be_refused(agenda):
    w = agenda
    ev = _day(w, 5)
    absence = absence_declarer(
        jeune=w.jeune1, dispositif=w.dispositif, debut=at(2026, 1, 5, 0), fin=at(2026, 1, 6, 0), motif="2",
        origine="famille", actor=w.proche,
    )  # fmt: skip
    assert absence.statut == "a_confirmer"
    assert ParticipationJeune.objects.get(evenement=ev, jeune=w.jeune1).presence == ""
    absence_refuser(absence=absence, actor=w.educateur)
    with pytest.raises(ValidationError):
        absence_prendre_en_compte(absence=absence, actor=w.educateur)


def test_absence_rejects_bad_input(agenda):
    w = agenda
    with pytest.raises(ValidationError) as exc:
        absence_declarer(jeune=w.jeune_autre, dispositif=w.dispositif, debut=at(2026, 1, 5), fin=at(2026, 1, 6),
                         motif="maladie", actor=w.educateur)  # fmt: skip
    assert "jeune" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        absence_declarer(jeune=w.jeune1, dispositif=w.dispositif, debut=at(2026, 1, 6), fin=at(2026, 1, 5),
                         motif="maladie", actor=w.educateur)  # fmt: skip
    assert "fin" in exc.value.message_dict


def test_days_of_absence_as_the_tbp_counts_them(agenda, django_assert_num_queries):
    w = agenda
    # Monday: absent morning, present afternoon -> not a day of absence. Tuesday: absent all day -> 1 day.
    # Wednesday: absent on a planned (not realised) event -> not counted.
    mon_am, mon_pm = _day(w, 5, 9), _day(w, 5, 14)
    tue_am, tue_pm = _day(w, 6, 9), _day(w, 6, 14)
    wed = _day(w, 7, 9)
    for ev in (mon_am, mon_pm, tue_am, tue_pm):
        evenement_set_statut(evenement=ev, statut="realise", actor=w.educateur)
    absent = {w.jeune1.pk: (Presence.ABSENT_IMPREVU, "maladie")}
    for ev in (mon_am, tue_am, tue_pm, wed):
        presences_set(evenement=ev, presences=absent, actor=w.educateur)
    with django_assert_num_queries(1):
        days = jours_absence(jeune_ids=[w.jeune1, w.jeune2], dispositif=w.dispositif, du=datetime.date(2026, 1, 1),
                             au=datetime.date(2026, 1, 31))  # fmt: skip
    assert days == {w.jeune1.pk: 1}
    counts = absences_par_jeune(jeune_ids=[w.jeune1, w.jeune2], dispositif=w.dispositif,
                                du=datetime.date(2026, 1, 1), au=datetime.date(2026, 1, 31))  # fmt: skip
    assert counts[w.jeune1.pk] == {"jours": 1, "absent_prevu": 0, "absent_imprevu": 3}
    assert counts[w.jeune2.pk] == {"jours": 0, "absent_prevu": 0, "absent_imprevu": 0}
