"""Persona-level rules of the agenda content (registered in agendas/perms.py, used by every view and the API)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from agendas import perms
from agendas.models import Evenement, ParticipationJeune
from agendas.selectors import conflits_serie
from agendas.services.evenements import evenement_create
from core.enums import Metier
from core.perms import can_read, can_write, get_object_for_request
from core.tenancy import Access
from dossiers.services.acces import dossier_set_restreint
from tests import factories
from tests.agendas.conftest import at


def _event(w):
    return evenement_create(
        dispositif=w.dispositif, nature=w.natures["activite_educative"], debut=at(2026, 1, 7, 9),
        fin=at(2026, 1, 7, 11), actor=w.educateur, jeunes=[w.jeune1], modalite="accueil_de_jour",
    )  # fmt: skip


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    request.access = Access.for_user(user)
    return request


def test_personas(agenda):
    w = agenda
    ev = _event(w)
    part = ParticipationJeune.objects.get(evenement=ev)
    expected = {
        "educateur": (True, True),
        "lecteur": (True, False),
        "psychologue": (True, True),
        "direction": (True, True),
        "admin": (False, False),  # admin_organisme: no clinical content
        "proche": (False, False),
        "jeune": (False, False),
    }
    for name, (read, write) in expected.items():
        access = Access.for_user(getattr(w, name))
        assert (can_read(access, ev), can_write(access, ev)) == (read, write), name
        assert (can_read(access, part), can_write(access, part)) == (read, write), name


def test_other_dispositif_and_other_organisme(agenda):
    w = agenda
    ev = _event(w)
    autre = factories.professionnel(w.autre_dispositif, Metier.EDUCATEUR)
    assert not can_read(Access.for_user(autre), ev)
    with pytest.raises(PermissionDenied):
        get_object_for_request(_request(autre), Evenement, pk=ev.pk)
    with pytest.raises(Http404):
        get_object_for_request(_request(w.autre_educateur), Evenement, pk=ev.pk)
    assert get_object_for_request(_request(w.educateur), Evenement, write=True, pk=ev.pk) == ev
    with pytest.raises(PermissionDenied):
        get_object_for_request(_request(w.lecteur), Evenement, write=True, pk=ev.pk)


def test_restricted_dossier_hides_the_youth_participation(agenda):
    w = agenda
    ev = _event(w)
    part = ParticipationJeune.objects.get(evenement=ev)
    dossier_set_restreint(dossier=w.jeune1.dossiers.get(), est_restreint=True, actor=w.direction)
    lecteur = Access.for_user(w.lecteur)
    assert can_read(lecteur, ev)  # the event of the dispositif stays visible...
    assert not can_read(lecteur, part)  # ...not the restricted youth in it
    assert perms.readable_jeune_ids(lecteur, [w.jeune1.pk, w.jeune2.pk]) == {w.jeune2.pk}
    assert can_read(Access.for_user(w.direction), part)


def test_series_conflicts_in_two_queries(agenda, django_assert_num_queries):
    w = agenda
    ev = _event(w)  # Wednesday 7 January 9:00-11:00
    with django_assert_num_queries(2):
        found = conflits_serie(
            dispositif=w.dispositif, rrule="FREQ=WEEKLY;BYDAY=WE", debut=at(2025, 12, 17, 10),
            duree=datetime.timedelta(hours=1), jusqu_au=datetime.date(2026, 1, 31), jeunes=[w.jeune1],
        )  # fmt: skip
    assert [(c.type, c.evenement_id) for c in found] == [("jeune", ev.pk)]


def test_conflict_warnings_hide_what_the_user_may_not_read(agenda):
    """A conflict with an event of a dispositif the user does not work in shows no title nor link; a youth whose
    dossier is restricted to the user is not named."""
    from agendas.selectors import conflits, conflits_visibles
    from core.enums import Metier

    w = agenda
    ev = _event(w)  # Wednesday 7 January 9:00-11:00, dispositif A1, titled by its nature
    other = factories.professionnel(w.autre_dispositif, Metier.EDUCATEUR, email="educ-a2@a.org")
    found = conflits(debut=at(2026, 1, 7, 10), fin=at(2026, 1, 7, 12), jeunes=[w.jeune1])
    assert [c.evenement_id for c in found] == [ev.pk]

    seen_by_writer = conflits_visibles(Access.for_user(w.educateur), found)
    assert seen_by_writer[0].evenement_lisible
    assert "Activité éducative" in seen_by_writer[0].message

    seen_by_other = conflits_visibles(Access.for_user(other), found)
    assert not seen_by_other[0].evenement_lisible
    assert "Activité éducative" not in seen_by_other[0].message
    assert "un autre événement" in seen_by_other[0].message
    assert w.jeune1.prenom not in seen_by_other[0].message

    dossier = w.jeune1.dossiers.get(dispositif=w.dispositif)
    dossier_set_restreint(dossier=dossier, est_restreint=True, actor=w.direction)
    seen_by_colleague = conflits_visibles(Access.for_user(w.psychologue), found)
    assert not seen_by_colleague[0].evenement_lisible
    assert w.jeune1.prenom not in seen_by_colleague[0].message
