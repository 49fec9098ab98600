import datetime

import pytest
from django.core.exceptions import ValidationError

from agendas.enums import Presence, StatutEvenement
from agendas.models import Evenement, ParticipationJeune, SemaineAInvalider
from agendas.selectors import conflits
from agendas.services.evenements import (
    evenement_create,
    evenement_set_statut,
    evenement_update,
    evenements_marquer_realises,
    presences_set,
)
from core.models import AuditEntry
from tests.agendas.conftest import at


def _activite(w, **kwargs):
    fields = dict(
        dispositif=w.dispositif, nature=w.natures["activite_educative"], debut=at(2026, 1, 5, 9),
        fin=at(2026, 1, 5, 11, 30), actor=w.educateur, jeunes=[w.jeune1], professionnels=[w.educateur],
        modalite="accueil_de_jour",
    )  # fmt: skip
    fields.update(kwargs)
    return evenement_create(**fields)


def test_create_copies_nature_and_writes_feed_and_audit(agenda):
    w = agenda
    ev = _activite(w, visible_famille=None)
    assert (ev.cadre, ev.serafin_code, ev.hors_prestation, ev.visible_famille) == ("direct", "2.2.2", False, True)
    assert list(ev.jeunes.all()) == [w.jeune1]
    assert SemaineAInvalider.objects.filter(jeune=w.jeune1, lundi=datetime.date(2026, 1, 5)).exists()
    assert AuditEntry.objects.filter(record_type="agendas.evenement", record_id=str(ev.pk), action="create").exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"modalite": ""}, "modalite"),
        ({"fin": at(2026, 1, 5, 8)}, "fin"),
        ({"debut": datetime.datetime(2026, 1, 5, 9)}, "debut"),
    ],
)
def test_create_rejects_bad_input(agenda, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        _activite(agenda, **kwargs)
    assert field in exc.value.message_dict
    assert not Evenement.objects.exists()


def test_appui_ressources_needs_partner_and_discreet_never_visible(agenda):
    w = agenda
    with pytest.raises(ValidationError) as exc:
        evenement_create(
            dispositif=w.dispositif, nature=w.natures["appui_ressources"], debut=at(2026, 1, 6, 14),
            fin=at(2026, 1, 6, 15), actor=w.educateur, jeunes=[w.jeune1],
        )  # fmt: skip
    assert "partenaire" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        evenement_create(
            dispositif=w.dispositif, nature=w.natures["reunion_synthese"], debut=at(2026, 1, 6, 14),
            fin=at(2026, 1, 6, 15), actor=w.educateur, jeunes=[w.jeune1], visible_famille=True,
        )  # fmt: skip
    assert "visible_famille" in exc.value.message_dict
    ev = evenement_create(
        dispositif=w.dispositif, nature=w.natures["reunion_synthese"], debut=at(2026, 1, 6, 14),
        fin=at(2026, 1, 6, 15), actor=w.educateur, jeunes=[w.jeune1], modalite="internat",
    )  # fmt: skip
    assert (ev.visible_famille, ev.modalite, ev.cadre) == (False, "", "indirect")


def test_youth_needs_dossier_in_dispositif(agenda):
    with pytest.raises(ValidationError) as exc:
        _activite(agenda, jeunes=[agenda.jeune_autre])
    assert "Sans dossier" in exc.value.message_dict["jeunes"][0]


def test_statut_presences_and_bulk(agenda):
    w = agenda
    ev = _activite(w, jeunes=[w.jeune1, w.jeune2])
    presences_set(evenement=ev, presences={w.jeune2.pk: (Presence.ABSENT_IMPREVU, "maladie")}, actor=w.educateur)
    evenement_set_statut(evenement=ev, statut=StatutEvenement.REALISE, actor=w.educateur)
    got = dict(ParticipationJeune.objects.filter(evenement=ev).values_list("jeune_id", "presence"))
    assert got == {w.jeune1.pk: "present", w.jeune2.pk: "absent_imprevu"}
    with pytest.raises(ValidationError):
        presences_set(evenement=ev, presences={w.jeune1.pk: ("present", "maladie")}, actor=w.educateur)
    other = _activite(w, debut=at(2026, 1, 6, 9), fin=at(2026, 1, 6, 10))
    assert evenements_marquer_realises(evenements=[ev, other], actor=w.educateur) == 1
    other.refresh_from_db()
    assert other.statut == "realise"


def test_update_moves_weeks_in_feed(agenda):
    w = agenda
    ev = _activite(w)
    SemaineAInvalider.objects.all().delete()
    evenement_update(evenement=ev, actor=w.educateur, debut=at(2026, 1, 14, 9), fin=at(2026, 1, 14, 10))
    weeks = set(SemaineAInvalider.objects.values_list("lundi", flat=True))
    assert weeks == {datetime.date(2026, 1, 5), datetime.date(2026, 1, 12)}


def test_conflicts(agenda, django_assert_num_queries):
    w = agenda
    ev = _activite(w)
    with django_assert_num_queries(1):
        found = conflits(
            debut=at(2026, 1, 5, 10), fin=at(2026, 1, 5, 12), jeunes=[w.jeune1, w.jeune2],
            professionnels=[w.educateur],
        )  # fmt: skip
    assert {(c.type, c.objet_id, c.evenement_id) for c in found} == {
        ("jeune", w.jeune1.pk, ev.pk), ("professionnel", w.educateur.pk, ev.pk),
    }  # fmt: skip
    assert "déjà pris" in found[0].message
    assert conflits(debut=at(2026, 1, 5, 11, 30), fin=at(2026, 1, 5, 12), jeunes=[w.jeune1]) == []
    assert conflits(debut=at(2026, 1, 5, 10), fin=at(2026, 1, 5, 12), jeunes=[w.jeune1], exclude=ev) == []
    evenement_set_statut(evenement=ev, statut="annule", actor=w.educateur)
    assert conflits(debut=at(2026, 1, 5, 10), fin=at(2026, 1, 5, 12), jeunes=[w.jeune1]) == []
