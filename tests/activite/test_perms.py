"""Who sees the activity figures: direction (all dispositifs), chefs de service (theirs), nobody else."""

from activite.perms import can_edit_parametres, can_view_activite, dispositifs_activite
from core.enums import Metier, Role
from core.tenancy import Access
from tests import factories


def test_can_view_activite(activite):
    w = activite
    d1, d2 = w.dispositif.pk, w.autre_dispositif.pk
    direction, chef, chef_autre = (Access.for_user(u) for u in (w.direction, w.chef, w.chef_autre))
    assert can_view_activite(direction) and can_view_activite(direction, d1) and can_view_activite(direction, d2)
    assert can_view_activite(chef) and can_view_activite(chef, d1) and not can_view_activite(chef, d2)
    assert can_view_activite(chef_autre, d2) and not can_view_activite(chef_autre, d1)
    for user in (w.educateur, w.lecteur, w.psychologue, w.admin, w.proche, w.jeune):
        assert not can_view_activite(Access.for_user(user)), user
        assert not can_view_activite(Access.for_user(user), d1), user
    assert list(dispositifs_activite(chef)) == [w.dispositif]
    assert set(dispositifs_activite(direction)) == {w.dispositif, w.autre_dispositif}
    assert not dispositifs_activite(Access.for_user(w.educateur)).exists()


def test_chef_lecteur_reads_direction_edits(activite):
    w = activite
    chef_lecteur = factories.professionnel(w.dispositif, Metier.CHEF_DE_SERVICE, Role.LECTEUR, email="cl@a.org")
    assert can_view_activite(Access.for_user(chef_lecteur), w.dispositif.pk)
    assert not can_edit_parametres(Access.for_user(chef_lecteur), w.dispositif.pk)
    assert not can_edit_parametres(Access.for_user(w.chef), w.dispositif.pk)
    assert can_edit_parametres(Access.for_user(w.direction), w.dispositif.pk)


def test_scenario_builders(activite):
    from agendas.models import ParticipationJeune, SemaineAInvalider
    from tests.activite.conftest import D, at

    sc = activite.sc
    j = sc.jeune(("pre_admission", D(2025, 9, 1), D(2025, 9, 30)), ("accompagne", D(2025, 10, 1), None))
    assert j.dossier.parcours.count() == 2
    ev = sc.evenement("activite_educative", at(2026, 1, 5, 9), at(2026, 1, 5, 11), jeunes=[j])
    assert ev.statut == "realise" and ev.modalite == "ambulatoire"
    assert ParticipationJeune.objects.get(evenement=ev).presence == "present"
    ev2 = sc.evenement(
        "activite_educative", at(2026, 1, 6), at(2026, 1, 6, 10), jeunes=[j], absents={j: "absent_prevu"}
    )
    assert ParticipationJeune.objects.get(evenement=ev2).presence == "absent_prevu"
    assert SemaineAInvalider.objects.filter(jeune=j, lundi=D(2026, 1, 5)).exists()
