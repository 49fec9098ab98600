"""Minutes of meetings: written on an indirect event by its dispositif's contributors, shown in the youths' dossier
tab; ``confidentiel_soin`` only for care métiers and the author; reads journaled; personas; constant queries."""

import pytest
from django.urls import reverse

from agendas.models import CompteRendu
from agendas.services.evenements import evenement_create
from agendas.services.gestion import compte_rendu_save
from core.models import AuditEntry
from tests import factories
from tests.agendas.conftest import at
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db


def synthese(w, jeunes=None, **kwargs):
    fields = dict(dispositif=w.dispositif, nature=w.natures["reunion_synthese"], debut=at(2026, 2, 3, 14),
                  fin=at(2026, 2, 3, 16), actor=w.educateur, jeunes=jeunes or [w.jeune1],
                  professionnels=[w.educateur, w.psychologue], titre="Synthèse de février")  # fmt: skip
    fields.update(kwargs)
    return evenement_create(**fields)


def test_educateur_writes_minutes_then_they_show_in_the_dossier_tab(agenda, login_as):
    w = agenda
    ev = synthese(w, jeunes=[w.jeune1, w.jeune2])
    url = reverse("agendas:compte_rendu", args=[ev.pk])
    client = login_as(w.educateur)
    html = client.get(url).content.decode()
    assert "Enregistrer le compte rendu" in html  # no minutes yet: the form
    response = client.post(url, {"texte": "", "visibilite": "equipe"})
    assert response.status_code == 422
    data = {"texte": "Point sur la scolarité.", "decisions": "Rencontrer l'école\nBilan orthophonique",
            "visibilite": "equipe"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    cr = CompteRendu.objects.get(evenement=ev)
    assert (cr.auteur, cr.visibilite) == (w.educateur, "equipe")
    assert AuditEntry.objects.filter(record_type="agendas.compterendu", action="create").count() == 1
    html = client.get(url).content.decode()
    assert "Point sur la scolarité." in html and "<li>Bilan orthophonique</li>" in html
    assert AuditEntry.objects.filter(record_type="agendas.compterendu", action="read", record_id=str(cr.pk)).exists()
    for jeune in (w.jeune1, w.jeune2):
        dossier = jeune.dossiers.get()
        html = client.get(reverse("agendas:dossier_comptes_rendus", args=[dossier.pk])).content.decode()
        assert "Synthèse de février" in html and "Rencontrer l&#x27;école" in html
        assert 'aria-current="page">Comptes rendus' in html
    # Editing keeps the first author.
    client = login_as(w.psychologue)
    assert "Modifier le compte rendu" in client.get(url).content.decode()
    client.post(url, {"texte": "Version relue.", "decisions": "", "visibilite": "equipe"})
    cr.refresh_from_db()
    assert (cr.texte, cr.auteur) == ("Version relue.", w.educateur)


def test_confidentiel_soin_minutes_hidden_from_non_care_metiers(agenda, login_as):
    w = agenda
    ev = synthese(w)
    compte_rendu_save(evenement=ev, texte="Éléments cliniques.", visibilite="confidentiel_soin", actor=w.psychologue)
    dossier = w.jeune1.dossiers.get()
    tab = reverse("agendas:dossier_comptes_rendus", args=[dossier.pk])
    url = reverse("agendas:compte_rendu", args=[ev.pk])
    educ = login_as(w.educateur)
    assert "Éléments cliniques." not in educ.get(tab).content.decode()
    assert educ.get(url).status_code == 403
    assert educ.post(url, {"texte": "Écrasé", "visibilite": "equipe"}).status_code == 403
    psy = login_as(w.psychologue)
    assert "Éléments cliniques." in psy.get(tab).content.decode()
    assert psy.get(url).status_code == 200
    # The author of confidential minutes reads them whatever their métier.
    ev2 = synthese(w, debut=at(2026, 2, 10, 14), fin=at(2026, 2, 10, 15), titre="Synthèse bis")
    compte_rendu_save(evenement=ev2, texte="Note de l'éducateur.", visibilite="confidentiel_soin", actor=w.educateur)
    assert "Note de l&#x27;éducateur." in login_as(w.educateur).get(tab).content.decode()
    read = AuditEntry.objects.filter(record_type="agendas.compterendu", action="read").last()
    assert read.details["dossier"] == dossier.pk


def test_minutes_personas(agenda, login_as):
    w = agenda
    ev = synthese(w)
    url = reverse("agendas:compte_rendu", args=[ev.pk])
    data = {"texte": "CR", "visibilite": "equipe"}
    assert login_as(w.lecteur).post(url, data).status_code == 403
    assert login_as(w.lecteur).get(url).status_code == 200  # reads (no form, no minutes yet)
    assert "Enregistrer" not in login_as(w.lecteur).get(url).content.decode()
    assert login_as(w.admin).get(url).status_code == 403  # no clinical content
    assert login_as(w.autre_educateur).get(url).status_code == 404
    assert login_as(w.proche).get(url).status_code == 404
    assert login_as(w.jeune).post(url, data).status_code == 404
    other_dispositif = factories.professionnel(w.autre_dispositif)
    assert login_as(other_dispositif).get(url).status_code == 403
    dossier = w.jeune1.dossiers.get()
    tab = reverse("agendas:dossier_comptes_rendus", args=[dossier.pk])
    assert login_as(w.autre_educateur).get(tab).status_code == 404
    assert login_as(w.admin).get(tab).status_code == 403
    assert login_as(w.proche).get(tab).status_code == 404


def test_minutes_refused_on_a_direct_event(agenda, login_as):
    w = agenda
    ev = evenement_create(
        dispositif=w.dispositif, nature=w.natures["activite_educative"], debut=at(2026, 2, 3, 9),
        fin=at(2026, 2, 3, 10), actor=w.educateur, jeunes=[w.jeune1], modalite="accueil_de_jour",
    )  # fmt: skip
    client = login_as(w.educateur)
    url = reverse("agendas:compte_rendu", args=[ev.pk])
    assert "pas pour les événements avec le jeune" in client.get(url).content.decode()
    assert client.post(url, {"texte": "CR", "visibilite": "equipe"}).status_code == 403
    assert not CompteRendu.objects.exists()


def test_dossier_tab_constant_queries(agenda, login_as):
    w = agenda
    client = login_as(w.psychologue)
    tab = reverse("agendas:dossier_comptes_rendus", args=[w.jeune1.dossiers.get().pk])
    counter = iter(range(1000))

    def add_rows(n):
        for _ in range(n):
            i = next(counter)
            ev = synthese(w, debut=at(2026, 3, 1 + i % 28, 8 + i // 28), fin=at(2026, 3, 1 + i % 28, 9 + i // 28))
            visibilite = "confidentiel_soin" if i % 2 else "equipe"
            compte_rendu_save(evenement=ev, texte=f"CR {i}", decisions="D1\nD2", visibilite=visibilite,
                              actor=w.educateur)  # fmt: skip

    assert_constant_queries(lambda: client.get(tab), add_rows)
