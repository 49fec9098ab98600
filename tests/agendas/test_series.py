import datetime

from agendas.models import Evenement, Fermeture
from agendas.services.series import occurrence_annuler, occurrence_modifier, serie_create, serie_delete
from tests.agendas.conftest import PARIS, at


def _serie(w, **kwargs):
    fields = dict(
        dispositif=w.dispositif, nature=w.natures["activite_educative"], rrule="FREQ=WEEKLY;BYDAY=TU",
        debut=at(2026, 3, 3, 9), duree=datetime.timedelta(hours=2, minutes=30), actor=w.educateur,
        jeunes=[w.jeune1], professionnels=[w.educateur], modalite="accueil_de_jour",
        generer_jusqu_au=datetime.date(2026, 4, 30),
    )  # fmt: skip
    fields.update(kwargs)
    return serie_create(**fields)


def test_weekly_series_keeps_local_time_across_dst(agenda):
    serie = _serie(agenda)
    occs = list(Evenement.objects.filter(serie=serie).order_by("debut"))
    assert [o.occurrence_de for o in occs][:5] == [datetime.date(2026, 3, d) for d in (3, 10, 17, 24, 31)]
    assert {o.debut.astimezone(PARIS).time() for o in occs} == {datetime.time(9)}
    assert {o.fin.astimezone(PARIS).time() for o in occs} == {datetime.time(11, 30)}
    offsets = {o.occurrence_de: o.debut.astimezone(PARIS).utcoffset() for o in occs}
    assert offsets[datetime.date(2026, 3, 24)] == datetime.timedelta(hours=1)
    assert offsets[datetime.date(2026, 3, 31)] == datetime.timedelta(hours=2)


def test_night_across_dst_is_shorter_or_longer(agenda):
    w = agenda
    spring = _serie(
        w, nature=w.natures["nuitee"], rrule="FREQ=DAILY", debut=at(2026, 3, 27, 20),
        duree=datetime.timedelta(hours=12), modalite="internat", generer_jusqu_au=datetime.date(2026, 3, 29),
    )  # fmt: skip
    durations = {o.occurrence_de: o.fin - o.debut for o in Evenement.objects.filter(serie=spring)}
    assert durations[datetime.date(2026, 3, 28)] == datetime.timedelta(hours=11)
    assert durations[datetime.date(2026, 3, 27)] == datetime.timedelta(hours=12)
    autumn = _serie(
        w, nature=w.natures["nuitee"], rrule="FREQ=DAILY", debut=at(2026, 10, 24, 20),
        duree=datetime.timedelta(hours=12), modalite="internat", generer_jusqu_au=datetime.date(2026, 10, 25),
        jeunes=[w.jeune2],
    )  # fmt: skip
    durations = {o.occurrence_de: o.fin - o.debut for o in Evenement.objects.filter(serie=autumn)}
    assert durations[datetime.date(2026, 10, 24)] == datetime.timedelta(hours=13)


def test_closures_and_exdates_skipped(agenda):
    w = agenda
    Fermeture.objects.create(
        organisme=w.organisme, dispositif=w.dispositif, libelle="Vacances de printemps",
        debut=datetime.date(2026, 4, 11), fin=datetime.date(2026, 4, 26),
    )  # fmt: skip
    serie = _serie(w, exdates=[datetime.date(2026, 3, 17)])
    days = list(Evenement.objects.filter(serie=serie).values_list("occurrence_de", flat=True).order_by("debut"))
    assert datetime.date(2026, 3, 17) not in days
    assert datetime.date(2026, 4, 14) not in days and datetime.date(2026, 4, 21) not in days
    assert datetime.date(2026, 4, 28) in days


def test_scopes(agenda):
    w = agenda
    serie = _serie(w)
    occs = {o.occurrence_de: o for o in Evenement.objects.filter(serie=serie)}
    # this one: moved and detached
    moved = occurrence_modifier(
        evenement=occs[datetime.date(2026, 3, 10)], scope="cette", actor=w.educateur,
        debut=at(2026, 3, 11, 14), fin=at(2026, 3, 11, 16),
    )  # fmt: skip
    assert moved.detachee and moved.occurrence_de == datetime.date(2026, 3, 10)
    occurrence_annuler(evenement=occs[datetime.date(2026, 3, 17)], actor=w.educateur)
    # whole series: new time, the detached and cancelled ones untouched
    occurrence_modifier(
        evenement=occs[datetime.date(2026, 3, 3)], scope="toutes", actor=w.educateur,
        debut=at(2026, 3, 3, 10), fin=at(2026, 3, 3, 12), titre="Atelier",
    )  # fmt: skip
    rows = {o.occurrence_de: o for o in Evenement.objects.filter(serie=serie)}
    assert rows[datetime.date(2026, 3, 24)].debut == at(2026, 3, 24, 10)
    assert rows[datetime.date(2026, 3, 31)].fin == at(2026, 3, 31, 12)
    assert rows[datetime.date(2026, 3, 24)].titre == "Atelier"
    assert rows[datetime.date(2026, 3, 10)].debut == at(2026, 3, 11, 14)
    assert rows[datetime.date(2026, 3, 17)].statut == "annule"
    # this and the following: split
    occurrence_modifier(
        evenement=rows[datetime.date(2026, 4, 7)], scope="suivantes", actor=w.educateur, jeunes=[w.jeune1, w.jeune2]
    )
    serie.refresh_from_db()
    assert serie.fin_serie == datetime.date(2026, 4, 6)
    before = Evenement.objects.get(serie=serie, occurrence_de=datetime.date(2026, 3, 31))
    assert list(before.jeunes.all()) == [w.jeune1]
    after = Evenement.objects.get(occurrence_de=datetime.date(2026, 4, 14))
    assert after.serie_id != serie.pk and set(after.jeunes.all()) == {w.jeune1, w.jeune2}
    assert after.debut == at(2026, 4, 14, 10)


def test_delete_keeps_realised(agenda):
    w = agenda
    serie = _serie(w)
    first = Evenement.objects.filter(serie=serie).order_by("debut").first()
    from agendas.services.evenements import evenement_set_statut

    evenement_set_statut(evenement=first, statut="realise", actor=w.educateur)
    serie_delete(serie=serie, actor=w.educateur)
    assert list(Evenement.objects.all()) == [first]
