"""Facts of youth-weeks (DOMAIN §8.1 items 1–6) on small hand-made cases."""

import datetime

import pytest

from activite.models import AnomalieActivite, FaitSemaine
from activite.services.faits import faits_recalculer, faits_recalculer_invalides
from agendas.models import SemaineAInvalider
from tests.activite.conftest import D, at, recompute

H = 3600


def fait(jeune, lundi):
    return FaitSemaine.objects.get(jeune=jeune, lundi=lundi)


def test_paire_directe_et_indirecte(activite):
    sc = activite.sc
    j = sc.accompagne()
    sc.evenement("activite_educative", at(2026, 1, 5, 9), at(2026, 1, 5, 11), jeunes=[j], modalite="accueil_de_jour")
    sc.evenement("reunion_synthese", at(2026, 1, 6, 14), at(2026, 1, 6, 15, 30), jeunes=[j])
    recompute(sc)
    f = fait(j, D(2026, 1, 5))
    assert (f.paires_directes, f.paires_indirectes) == (1, 1)
    assert (f.secondes_directes, f.secondes_indirectes) == (2 * H, int(1.5 * H))
    assert f.combinaison == "AJ" and f.modalites == ["accueil_de_jour"] and f.statuts == ["accompagne"]
    assert f.demi_journees == 1 and f.nuitees == 0 and f.actes_ambulatoires == 0
    assert f.parametres.version == 1


def _snapshot():
    return sorted(
        FaitSemaine.objects.values_list(
            "jeune_id", "dispositif_id", "lundi", "statuts", "modalites", "combinaison", "paires_directes",
            "paires_indirectes", "secondes_directes", "secondes_indirectes", "nuitees", "demi_journees",
            "actes_ambulatoires",
        )
    )  # fmt: skip


def test_absents_annules_prevus_hors_prestation_institutionnel_ne_comptent_pas(activite):
    sc = activite.sc
    j = sc.accompagne()
    lundi = D(2026, 1, 5)
    sc.evenement("activite_educative", at(2026, 1, 5, 9), at(2026, 1, 5, 10), jeunes=[j], absents={j: "absent_prevu"})
    sc.evenement("activite_educative", at(2026, 1, 5, 10), at(2026, 1, 5, 11), jeunes=[j],
                 absents={j: "absent_imprevu"})  # fmt: skip
    sc.evenement("activite_educative", at(2026, 1, 6, 9), at(2026, 1, 6, 10), jeunes=[j], statut="annule")
    sc.evenement("activite_educative", at(2026, 1, 6, 10), at(2026, 1, 6, 11), jeunes=[j], statut="prevu")
    sc.evenement("activite_educative", at(2026, 1, 7, 9), at(2026, 1, 7, 10), jeunes=[j], hors_prestation=True)
    sc.evenement("transport", at(2026, 1, 7, 8), at(2026, 1, 7, 9), jeunes=[j])  # hors prestation by its nature
    sc.evenement("reunion_equipe", at(2026, 1, 8, 9), at(2026, 1, 8, 10))
    sc.evenement("appui_ressources", at(2026, 1, 8, 14), at(2026, 1, 8, 16))
    recompute(sc)
    assert not FaitSemaine.objects.filter(jeune=j, lundi=lundi).exists()
    # One counted pair makes the youth-week; only it counts.
    sc.evenement("entretien_jeune", at(2026, 1, 9, 9), at(2026, 1, 9, 9, 45), jeunes=[j])
    recompute(sc)
    f = fait(j, lundi)
    assert (f.paires_directes, f.secondes_directes, f.combinaison) == (1, 45 * 60, "A")
    assert f.actes_ambulatoires == 1


def test_evenement_de_groupe_et_plusieurs_professionnels(activite):
    sc = activite.sc
    jeunes = [sc.accompagne() for _ in range(3)]
    pros = [sc.pro() for _ in range(3)]
    sc.evenement("activite_educative", at(2026, 1, 5, 14), at(2026, 1, 5, 16, 30), jeunes=jeunes,
                 professionnels=pros, modalite="accueil_de_jour", absents={jeunes[2]: "absent_imprevu"})  # fmt: skip
    recompute(sc)
    for j in jeunes[:2]:
        f = fait(j, D(2026, 1, 5))
        assert f.secondes_directes == int(2.5 * H) and f.paires_directes == 1  # once per youth, not × 3 pros
    assert not FaitSemaine.objects.filter(jeune=jeunes[2]).exists()


def test_nuitee_compte_une_nuitee_pas_des_heures_ni_des_demi_journees(activite):
    sc = activite.sc
    j = sc.accompagne()
    # The October 2025 change (26 October, 3:00 → 2:00): 20:00 → 08:00 lasts 13 h of real time.
    sc.evenement("nuitee", at(2025, 10, 25, 20), at(2025, 10, 26, 8), jeunes=[j])
    recompute(sc)
    f = fait(j, D(2025, 10, 20))
    assert (f.nuitees, f.secondes_directes, f.demi_journees, f.combinaison) == (1, 0, 0, "I")
    assert f.modalites == ["internat"]


@pytest.mark.parametrize(
    ("debut", "fin", "heures", "lundi"),
    [
        ((2025, 10, 25, 20), (2025, 10, 26, 8), 13, D(2025, 10, 20)),  # clocks back: 12 h of wall time, 13 real
        ((2026, 3, 28, 20), (2026, 3, 29, 8), 11, D(2026, 3, 23)),  # clocks forward: 11 real
        ((2026, 1, 10, 20), (2026, 1, 11, 8), 12, D(2026, 1, 5)),
    ],
)
def test_heures_reelles_a_travers_le_changement_d_heure(activite, debut, fin, heures, lundi):
    sc = activite.sc
    j = sc.accompagne()
    sc.evenement("activite_educative", at(*debut), at(*fin), jeunes=[j], modalite="internat")
    recompute(sc)
    f = fait(j, lundi)
    assert f.secondes_directes == heures * H
    assert f.demi_journees == 2  # the afternoon of the first date and the morning of the second


@pytest.mark.parametrize(
    ("plages", "attendu"),
    [
        ([((9, 0), (12, 0))], 1),  # morning only
        ([((9, 0), (14, 0))], 2),  # both halves
        ([((12, 0), (13, 0))], 1),  # ends exactly at the cut-off: the afternoon is not touched
        ([((13, 0), (14, 0))], 1),  # starts at the cut-off: afternoon only
        ([((12, 59), (13, 1))], 2),  # a positive time on each side
        ([((8, 0), (9, 0)), ((10, 0), (11, 0))], 1),  # two events, one morning
        ([((8, 0), (9, 0)), ((10, 0), (11, 0)), ((15, 0), (16, 0)), ((17, 0), (18, 0))], 2),  # at most 1 journée
    ],
)
def test_demi_journees(activite, plages, attendu):
    sc = activite.sc
    j = sc.accompagne()
    for (h1, m1), (h2, m2) in plages:
        sc.evenement("activite_educative", at(2026, 1, 6, h1, m1), at(2026, 1, 6, h2, m2), jeunes=[j],
                     modalite="accueil_de_jour")  # fmt: skip
    recompute(sc)
    assert fait(j, D(2026, 1, 5)).demi_journees == attendu


def test_demi_journees_seulement_internat_et_accueil_de_jour_directs_hors_nuitees(activite):
    sc = activite.sc
    j = sc.accompagne()
    sc.evenement("activite_educative", at(2026, 1, 5, 9), at(2026, 1, 5, 17), jeunes=[j], modalite="ambulatoire")
    sc.evenement("reunion_synthese", at(2026, 1, 6, 9), at(2026, 1, 6, 17), jeunes=[j])
    sc.evenement("nuitee", at(2026, 1, 6, 20), at(2026, 1, 7, 8), jeunes=[j])
    sc.evenement("activite_educative", at(2026, 1, 8, 9), at(2026, 1, 8, 10), jeunes=[j], modalite="internat")
    recompute(sc)
    f = fait(j, D(2026, 1, 5))
    assert (f.demi_journees, f.nuitees, f.actes_ambulatoires) == (1, 1, 1)
    assert f.combinaison == "I+A" and f.secondes_directes == 9 * H


def test_coupure_parametree(activite):
    from activite.services.parametres import parametres_modifier

    sc = activite.sc
    j = sc.accompagne()
    sc.evenement("activite_educative", at(2026, 1, 6, 11), at(2026, 1, 6, 12, 30), jeunes=[j],
                 modalite="accueil_de_jour")  # fmt: skip
    recompute(sc)
    assert fait(j, D(2026, 1, 5)).demi_journees == 1
    v2 = parametres_modifier(dispositif=sc.dispositif, actor=activite.direction, suivi_post_sortie_annees=3,
                             bornes_intensite=[1, 3, 6, 12], coupure_demi_journee=datetime.time(12, 0))  # fmt: skip
    recompute(sc)
    f = fait(j, D(2026, 1, 5))
    assert f.demi_journees == 2 and f.parametres == v2


def test_evenement_a_cheval_sur_minuit_et_sur_deux_semaines(activite):
    """Sunday 20:00 → Monday 01:00 (internat, not a nuitée): its week is the Sunday's; its two half-days too. The
    Monday 09:00–15:00 event (next week) only adds the Monday afternoon: the morning is already counted."""
    sc = activite.sc
    j = sc.accompagne()
    sc.evenement("activite_educative", at(2026, 1, 11, 20), at(2026, 1, 12, 1), jeunes=[j], modalite="internat")
    sc.evenement("activite_educative", at(2026, 1, 12, 9), at(2026, 1, 12, 15), jeunes=[j], modalite="internat")
    recompute(sc)
    avant, apres = fait(j, D(2026, 1, 5)), fait(j, D(2026, 1, 12))
    assert (avant.secondes_directes, avant.demi_journees) == (5 * H, 2)
    assert (apres.secondes_directes, apres.demi_journees) == (6 * H, 1)
    # Recomputing only the second week (the change feed path) gives the same.
    faits_recalculer([(j.pk, sc.dispositif.pk, D(2026, 1, 12))])
    assert fait(j, D(2026, 1, 12)).demi_journees == 1


def test_statut_change_en_cours_de_semaine(activite):
    sc = activite.sc
    j = sc.jeune(("pre_admission", D(2025, 12, 1), D(2026, 1, 6)), ("accompagne", D(2026, 1, 7), None))
    sc.evenement("entretien_jeune", at(2026, 1, 6, 9), at(2026, 1, 6, 10), jeunes=[j])
    sc.evenement("entretien_jeune", at(2026, 1, 7, 9), at(2026, 1, 7, 10), jeunes=[j])
    recompute(sc)
    assert fait(j, D(2026, 1, 5)).statuts == ["accompagne", "pre_admission"]


def test_hors_parcours_et_suivi_au_dela_de_la_limite_sont_des_anomalies(activite):
    sc = activite.sc
    # Follow-up from 10 January 2023: counted up to 9 January 2026 included (3 years), not from the 10th.
    j = sc.jeune(("accompagne", D(2020, 1, 1), D(2023, 1, 9)), ("suivi_post_sortie", D(2023, 1, 10), None))
    dans = sc.evenement("entretien_jeune", at(2026, 1, 9, 9), at(2026, 1, 9, 10), jeunes=[j])
    au_dela = sc.evenement("entretien_jeune", at(2026, 1, 10, 9), at(2026, 1, 10, 10), jeunes=[j])
    sans = sc.jeune()  # a dossier without any period
    ev = sc.evenement("entretien_jeune", at(2026, 1, 8, 9), at(2026, 1, 8, 10), jeunes=[sans, j])
    recompute(sc)
    f = fait(j, D(2026, 1, 5))
    assert f.paires_directes == 2 and f.statuts == ["suivi_post_sortie"]
    assert not FaitSemaine.objects.filter(jeune=sans).exists()
    anomalies = set(AnomalieActivite.objects.values_list("jeune_id", "evenement_id", "lundi", "motif"))
    assert anomalies == {
        (j.pk, au_dela.pk, D(2026, 1, 5), "hors_parcours"),
        (sans.pk, ev.pk, D(2026, 1, 5), "hors_parcours"),
    }
    assert dans.pk not in {a[1] for a in anomalies}
    # A period added later: the anomaly disappears with the next computation (fed by the parcours signal).
    from dossiers.models import Parcours

    Parcours.objects.create(organisme=sc.organisme, dossier=sans.dossier, statut="ponctuel", debut=D(2026, 1, 1))
    assert SemaineAInvalider.objects.filter(jeune=sans, lundi=D(2026, 1, 5)).exists()
    faits_recalculer_invalides(delai=None)
    assert fait(sans, D(2026, 1, 5)).statuts == ["ponctuel"]
    assert not AnomalieActivite.objects.filter(jeune=sans).exists()


def test_combinaisons(activite):
    sc = activite.sc
    tous, indirect = sc.accompagne(), sc.accompagne()
    for jour, modalite in ((5, "ambulatoire"), (6, "internat"), (7, "accueil_de_jour")):
        sc.evenement("activite_educative", at(2026, 1, jour, 9), at(2026, 1, jour, 10), jeunes=[tous],
                     modalite=modalite)  # fmt: skip
    sc.evenement("reunion_synthese", at(2026, 1, 5, 9), at(2026, 1, 5, 10), jeunes=[indirect])
    recompute(sc)
    assert fait(tous, D(2026, 1, 5)).combinaison == "I+AJ+A"
    assert fait(indirect, D(2026, 1, 5)).combinaison == "indirect"
    assert fait(indirect, D(2026, 1, 5)).paires_directes == 0


def test_flux_de_changements_anti_rebond_upsert_et_suppression(activite):
    sc = activite.sc
    j = sc.accompagne()
    ev = sc.evenement("entretien_jeune", at(2026, 1, 6, 9), at(2026, 1, 6, 10), jeunes=[j])
    assert faits_recalculer_invalides() == 0  # too fresh: debounced
    assert SemaineAInvalider.objects.filter(jeune=j).exists()
    assert faits_recalculer_invalides(delai=None) == 1
    assert not SemaineAInvalider.objects.exists()
    assert fait(j, D(2026, 1, 5)).paires_directes == 1
    before = _snapshot()
    faits_recalculer([(j.pk, sc.dispositif.pk, D(2026, 1, 5))])
    recompute(sc)
    assert _snapshot() == before  # reruns never double count
    from agendas.services.evenements import evenement_set_statut

    evenement_set_statut(evenement=ev, statut="annule", actor=activite.direction)
    faits_recalculer_invalides(delai=None)
    assert not FaitSemaine.objects.filter(jeune=j).exists()


def test_flux_et_recalcul_complet_donnent_les_memes_faits(activite):
    from agendas.services.evenements import evenement_update

    sc = activite.sc
    a, b = sc.accompagne(), sc.jeune(("pre_admission", D(2025, 12, 1), None))
    sc.evenement("activite_educative", at(2026, 1, 11, 20), at(2026, 1, 12, 1), jeunes=[a, b], modalite="internat")
    sc.evenement("nuitee", at(2026, 1, 12, 20), at(2026, 1, 13, 8), jeunes=[a])
    ev = sc.evenement("activite_educative", at(2026, 1, 14, 9), at(2026, 1, 14, 15), jeunes=[a, b],
                      modalite="accueil_de_jour")  # fmt: skip
    sc.evenement("reunion_synthese", at(2026, 1, 20, 9), at(2026, 1, 20, 10), jeunes=[b])
    faits_recalculer_invalides(delai=None)
    par_flux = _snapshot()
    recompute(sc)
    assert _snapshot() == par_flux and len(par_flux) == 5
    evenement_update(evenement=ev, actor=activite.direction, debut=at(2026, 1, 21, 9), fin=at(2026, 1, 21, 15))
    faits_recalculer_invalides(delai=None)
    par_flux = _snapshot()
    recompute(sc)
    assert _snapshot() == par_flux
