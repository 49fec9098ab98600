"""PPA follow-up pages: personas on every view (writer, read-only, chef de service / direction, other organisme,
family and youth accounts), the realisation figures and links, the review, constant query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agendas.enums import Cadre, Presence, StatutEvenement
from core.enums import AuditAction
from core.models import AuditEntry
from core.tenancy import tenant_context
from ppa.enums import MotifRevue, ResultatEvaluation, StatutPpa
from ppa.models import Evaluation, LienObjectif, Objectif, Revue
from ppa.services import suivi
from tests import factories
from tests.helpers import assert_constant_queries
from tests.ppa.conftest_suivi import make_evenement, make_serie, make_version, sw_fixture  # noqa: F401

D = datetime.date


def url(name, *args):
    return reverse(f"ppa:{name}", args=args)


@pytest.fixture
def v(sw):
    """A validated version of ``sw.dossier`` with two objectives, a weekly series linked to the first."""
    version = make_version(sw.dossier, valide_le=D(2026, 1, 15), objectifs=("Aller au collège", "Se faire des amis"))
    with tenant_context(sw.organisme.pk):
        o1, o2 = version.objectifs.order_by("ordre")
    serie = make_serie(sw.dispositif, [sw.jeune])
    for week in range(3):
        make_evenement(sw.dispositif, [sw.jeune], debut=D(2026, 2, 2) + datetime.timedelta(weeks=week), heures=2,
                       serie=serie)  # fmt: skip
    with tenant_context(sw.organisme.pk):
        suivi.lien_creer(objectif=o1, serie=serie, actor=sw.educateur)
        revue = Revue.objects.create(
            organisme_id=sw.organisme.pk, version=version, date=D(2026, 6, 1), periode_debut=D(2026, 1, 15),
            periode_fin=D(2026, 6, 1), created_by=sw.educateur,
        )  # fmt: skip
    version.o1, version.o2, version.serie, version.revue = o1, o2, serie, revue
    return version


def _read_pages(v):
    return [url("realisation", v.pk), url("revue", v.revue.pk), url("pdf", v.pk), url("pdf_falc", v.pk)]


# --- Personas ------------------------------------------------------------------------------------------------------


def test_writer_opens_every_page(client, sw, v, login_as):
    login_as(sw.educateur)
    for page in [*_read_pages(v), url("revue_create", v.pk)]:
        response = client.get(page, follow=page.endswith("/revision/"))
        assert response.status_code == 200, page
    assert client.get(url("realisation", v.pk)).context["modifiable"]


def test_lecteur_reads_but_cannot_write(client, sw, v, login_as):
    login_as(sw.lecteur)
    for page in _read_pages(v):
        assert client.get(page).status_code == 200, page
    response = client.get(url("realisation", v.pk))
    assert not response.context["modifiable"] and b"Lier la s" not in response.content
    assert client.get(url("revue_create", v.pk)).status_code == 403
    assert client.post(url("lien_ajouter", v.o2.pk), {"serie": v.serie.pk}).status_code == 403
    with tenant_context(sw.organisme.pk):
        lien = LienObjectif.objects.get()
    assert client.post(url("lien_retirer", lien.pk)).status_code == 403
    assert client.post(url("revue", v.revue.pk), {"synthese": "x"}).status_code == 403
    with tenant_context(sw.organisme.pk):
        assert LienObjectif.objects.count() == 1
        assert Revue.objects.get().synthese == ""


@pytest.mark.parametrize("persona", ["autre_educateur", "proche", "jeune"])
def test_others_get_404(client, sw, v, login_as, persona):
    login_as(getattr(sw.w, persona))
    with tenant_context(sw.organisme.pk):
        lien = LienObjectif.objects.get()
    for page in [*_read_pages(v), url("revue_create", v.pk)]:
        assert client.get(page).status_code == 404, page
    assert client.post(url("lien_ajouter", v.o2.pk), {"serie": v.serie.pk}).status_code == 404
    assert client.post(url("lien_retirer", lien.pk)).status_code == 404
    assert client.get(url("echeances")).status_code in (403, 404)


def test_family_accounts_never_see_the_list(client, sw, login_as):
    for persona in ("proche", "jeune"):
        login_as(getattr(sw.w, persona))
        assert client.get(url("echeances")).status_code == 404


def test_restricted_dossier_shows_the_explanation(client, sw, v, login_as):
    with tenant_context(sw.organisme.pk):
        type(sw.dossier).objects.filter(pk=sw.dossier.pk).update(est_restreint=True, referent=None)
    login_as(sw.lecteur)
    response = client.get(url("realisation", v.pk))
    assert response.status_code == 403


# --- Realisation and links -----------------------------------------------------------------------------------------


def test_realisation_counts_realised_present_and_indirect(client, sw, v, login_as):
    with tenant_context(sw.organisme.pk):
        occurrences = list(v.serie.occurrences.order_by("debut"))
        # Week 2: the youth was absent; week 3: still planned (not marked).
        occurrences[1].participations_jeunes.update(presence=Presence.ABSENT_IMPREVU)
        type(occurrences[2]).objects.filter(pk=occurrences[2].pk).update(statut=StatutEvenement.PREVU)
    synthese = make_evenement(sw.dispositif, [sw.jeune], debut=D(2026, 3, 3), heures=1, cadre=Cadre.INDIRECT)
    annule = make_evenement(sw.dispositif, [sw.jeune], debut=D(2026, 3, 4), statut=StatutEvenement.ANNULE)
    hors_periode = make_evenement(sw.dispositif, [sw.jeune], debut=D(2025, 12, 1))
    with tenant_context(sw.organisme.pk):
        for ev in (synthese, annule, hors_periode, occurrences[0]):  # the first is also linked through the series
            LienObjectif.objects.create(organisme_id=sw.organisme.pk, objectif=v.o1, evenement=ev)
    login_as(sw.educateur)
    response = client.get(url("realisation", v.pk), {"debut": "2026-01-15", "fin": "2026-06-30"})
    assert response.status_code == 200
    reel = {ligne["objectif"].pk: ligne["reel"] for ligne in response.context["lignes"]}
    r1 = reel[v.o1.pk]
    assert (r1.seances, r1.heures, r1.seances_directes, r1.seances_indirectes) == (2, 3.0, 1, 1)
    assert (r1.absences, r1.prevues) == (1, 1)
    assert reel[v.o2.pk].seances == 0
    assert "3 h" in response.content.decode()
    with tenant_context(sw.organisme.pk):
        assert AuditEntry.objects.filter(action=AuditAction.READ, record_type="ppa.ppaversion").exists()


def test_link_an_event_of_the_week_and_remove_it(client, sw, v, login_as):
    ev = make_evenement(sw.dispositif, [sw.jeune], debut=D(2026, 3, 10), titre="Piscine")
    other = make_evenement(sw.dispositif, [sw.jeune2], debut=D(2026, 3, 10), titre="Piscine de Léa")
    login_as(sw.educateur)
    page = client.get(url("realisation", v.pk), {"semaine": "2026-03-11"})
    assert [e.pk for e in page.context["evenements"]] == [ev.pk]  # only the youth's, the week of Monday 9
    assert page.context["lundi"] == D(2026, 3, 9)
    response = client.post(url("lien_ajouter", v.o2.pk), {"evenement": ev.pk, "retour": "?semaine=2026-03-11"})
    assert response.status_code == 302 and response.url.endswith("?semaine=2026-03-11")
    with tenant_context(sw.organisme.pk):
        lien = LienObjectif.objects.get(objectif=v.o2)
        assert lien.evenement_id == ev.pk and lien.created_by == sw.educateur
    # Someone else's event is refused with a French message; nothing written.
    response = client.post(url("lien_ajouter", v.o2.pk), {"evenement": other.pk}, follow=True)
    assert "ne concerne pas" in response.content.decode()
    assert client.post(url("lien_retirer", lien.pk)).status_code == 302
    with tenant_context(sw.organisme.pk):
        assert not LienObjectif.objects.filter(objectif=v.o2).exists()
        assert AuditEntry.objects.filter(record_type="ppa.lienobjectif", action=AuditAction.DELETE).exists()


def test_a_linked_series_is_not_offered_again_for_its_objective(client, sw, v, login_as):
    login_as(sw.educateur)
    page = client.get(url("realisation", v.pk))
    offered = {ligne["objectif"].pk: [s.pk for s in ligne["series"]] for ligne in page.context["lignes"]}
    assert v.serie.pk not in offered[v.o1.pk]  # already linked to the first objective
    assert v.serie.pk in offered[v.o2.pk]


def test_realisation_constant_queries(client, sw, v, login_as):
    login_as(sw.educateur)
    counter = {"n": 0}

    def add_rows(n):
        with tenant_context(sw.organisme.pk):
            for _ in range(n):
                counter["n"] += 1
                objectif = Objectif.objects.create(
                    organisme_id=sw.organisme.pk, version=v, ordre=10 + counter["n"], titre=f"Objectif {counter['n']}",
                    besoin_code="1.2.1.2", referent=sw.educateur,
                )  # fmt: skip
                ev = make_evenement(sw.dispositif, [sw.jeune], debut=D(2026, 4, 1) + datetime.timedelta(days=n))
                LienObjectif.objects.create(organisme_id=sw.organisme.pk, objectif=objectif, evenement=ev)
                LienObjectif.objects.create(organisme_id=sw.organisme.pk, objectif=objectif, serie=v.serie)

    def page():
        assert client.get(url("realisation", v.pk)).status_code == 200

    assert_constant_queries(page, add_rows, few=1, many=6)


# --- Review --------------------------------------------------------------------------------------------------------


def test_review_create_evaluate_and_finish(client, sw, v, login_as):
    with tenant_context(sw.organisme.pk):
        Revue.objects.all().delete()
    login_as(sw.educateur)
    today = timezone.localdate()
    data = {"motif": MotifRevue.ANNUELLE, "date": today, "periode_debut": "2026-01-15", "periode_fin": today}
    response = client.post(url("revue_create", v.pk), data)
    with tenant_context(sw.organisme.pk):
        revue = Revue.objects.get()
    assert response.status_code == 302 and response.url == url("revue", revue.pk)
    page = client.get(url("revue", revue.pk))
    assert page.status_code == 200
    # The comment of the linked objective is pre-filled from the sessions realised (3 × 2 h).
    assert "3 séances réalisées (6 h)" in page.content.decode()
    data = {
        "synthese": "Bonne année.",
        f"resultat_{v.o1.pk}": ResultatEvaluation.ATTEINT,
        f"commentaire_{v.o1.pk}": "Va au collège chaque jour.",
    }
    # Finishing with an objective not evaluated is refused (nothing finished).
    response = client.post(url("revue", revue.pk), {**data, "terminer": "1"})
    assert response.status_code == 422 and "Évaluez chaque objectif" in response.content.decode()
    with tenant_context(sw.organisme.pk):
        revue.refresh_from_db()
        assert not revue.terminee and revue.synthese == "Bonne année."
    data[f"resultat_{v.o2.pk}"] = ResultatEvaluation.PARTIELLEMENT
    response = client.post(url("revue", revue.pk), {**data, "terminer": "1"})
    assert response.status_code == 302
    with tenant_context(sw.organisme.pk):
        revue.refresh_from_db()
        assert revue.terminee
        assert Evaluation.objects.filter(revue=revue).count() == 2
        v.ppa.refresh_from_db()
        assert v.ppa.prochaine_echeance == revue.date.replace(year=revue.date.year + 1)
    # A finished review is read-only.
    assert client.post(url("revue", revue.pk), data).status_code == 403


def test_review_only_on_the_version_in_force(client, sw, login_as):
    brouillon = make_version(sw.dossier, statut=StatutPpa.EN_ELABORATION)
    login_as(sw.educateur)
    data = {"motif": "annuelle", "date": "2026-06-01", "periode_debut": "2026-01-01", "periode_fin": "2026-06-01"}
    response = client.post(url("revue_create", brouillon.pk), data)
    assert response.status_code == 302
    with tenant_context(sw.organisme.pk):
        assert not Revue.objects.exists()


def test_review_shows_readable_transmissions_only(client, sw, v, login_as):
    from transmissions.services import categories_par_defaut, transmission_write

    with tenant_context(sw.organisme.pk):
        categories = {c.code: c for c in categories_par_defaut(organisme_id=sw.organisme.pk)}
        visible = transmission_write(auteur=sw.educateur, dispositif=sw.dispositif, categorie=categories["scolarite"],
                                     jeunes=[sw.jeune], texte="A lu en classe.",
                                     survenue_le=timezone.make_aware(datetime.datetime(2026, 3, 2, 10)))  # fmt: skip
        transmission_write(auteur=sw.psychologue, dispositif=sw.dispositif, categorie=categories["sante"],
                           jeunes=[sw.jeune], texte="Entretien psy.", visibilite="confidentiel_soin",
                           survenue_le=timezone.make_aware(datetime.datetime(2026, 3, 3, 10)))  # fmt: skip
    login_as(sw.educateur)
    page = client.get(url("revue", v.revue.pk))
    assert [t.pk for t in page.context["resume"].transmissions] == [visible.pk]
    assert "Entretien psy" not in page.content.decode()
    with tenant_context(sw.organisme.pk):
        entry = AuditEntry.objects.get(record_type="transmissions.transmission", action=AuditAction.READ)
        assert entry.details["transmissions"] == [visible.pk]


# --- Due and late list ---------------------------------------------------------------------------------------------


def test_echeances_for_chefs_and_direction_only(client, sw, v, login_as):
    login_as(sw.chef)
    response = client.get(url("echeances"))
    assert response.status_code == 200
    lignes = response.context["lignes"]
    # dossier2 has no PPA (admitted 2025-10-01: due 2026-04-01, late); dossier: validated 2026-01-15, review
    # requested... no: the review of the fixture is yearly, so due 2027-01-15.
    assert [ligne.dossier.pk for ligne in lignes] == [sw.dossier2.pk, sw.dossier.pk]
    assert lignes[0].etat == "en_retard"
    assert "Aucun PPA validé" in response.content.decode()
    assert client.get(url("echeances"), {"etat": "en_retard"}).context["lignes"] == lignes[:1]
    login_as(sw.direction)
    assert client.get(url("echeances")).status_code == 200
    login_as(sw.educateur)
    assert client.get(url("echeances")).status_code == 403


def test_echeances_constant_queries(client, sw, login_as):
    login_as(sw.chef)

    def add_rows(n):
        for _ in range(n):
            dossier = factories.dossier_accompagne(sw.dispositif)
            with tenant_context(sw.organisme.pk):
                type(dossier).objects.filter(pk=dossier.pk).update(referent=sw.educateur)
            make_version(dossier)

    def page():
        assert client.get(url("echeances")).status_code == 200

    assert_constant_queries(page, add_rows, few=1, many=6)
