"""The event form (create, conflicts as warnings, edit with a scope), cancelling, realising, and the weekly series
form: personas, French errors, services called."""

import datetime

import pytest
from django.urls import reverse

from agendas.enums import StatutEvenement
from agendas.models import Evenement, Serie
from agendas.services.evenements import evenement_create
from core.models import AuditEntry
from core.tenancy import tenant_context
from tests.agendas.conftest import at

NOUVEAU = reverse("agendas:evenement_nouveau")
SERIE = reverse("agendas:serie_nouvelle")


def _event(w, **kwargs):
    fields = dict(
        dispositif=w.dispositif, nature=w.natures["activite_educative"], debut=at(2026, 1, 5, 9),
        fin=at(2026, 1, 5, 11, 30), actor=w.educateur, jeunes=[w.jeune1], professionnels=[w.educateur],
        modalite="accueil_de_jour", titre="Atelier cuisine",
    )  # fmt: skip
    fields.update(kwargs)
    with tenant_context(w.organisme.pk):
        return evenement_create(**fields)


def _post_data(w, **overrides):
    data = {
        "dispositif": w.dispositif.pk,
        "nature": w.natures["activite_educative"].pk,
        "titre": "Piscine",
        "date": "2026-01-06",
        "heure_debut": "14:00",
        "heure_fin": "15:30",
        "modalite": "accueil_de_jour",
        "lieu_type": "site",
        "site": w.site.pk,
        "jeunes": [w.jeune1.pk, w.jeune2.pk],
        "professionnels": [w.educateur.pk],
        "visible_famille": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _events(w, **filters):
    with tenant_context(w.organisme.pk):
        return list(Evenement.objects.filter(**filters).order_by("debut"))


def test_create_form_prefilled_from_the_agenda(agenda, login_as):
    w = agenda
    response = login_as(w.educateur).get(NOUVEAU, {"date": "2026-01-06", "jeune": w.jeune1.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="2026-01-06"' in html
    assert f'value="{w.jeune1.pk}" id="id_jeunes_' in html and "checked" in html
    assert w.jeune_autre.prenom not in html  # a youth of another dispositif is not offered
    assert 'hx-get="/agendas/evenements/nouveau/"' in html


def test_create_event_with_participants(agenda, login_as):
    w = agenda
    response = login_as(w.educateur).post(NOUVEAU, _post_data(w))
    assert response.status_code == 302
    assert response.url == reverse("agendas:agenda") + "?date=2026-01-06"
    (ev,) = _events(w, titre="Piscine")
    assert (ev.debut, ev.fin) == (at(2026, 1, 6, 14), at(2026, 1, 6, 15, 30))
    assert (ev.cadre, ev.site_id) == ("direct", w.site.pk)
    with tenant_context(w.organisme.pk):
        assert set(ev.jeunes.all()) == {w.jeune1, w.jeune2}
        created = AuditEntry.objects.filter(action="create", record_type="agendas.evenement", record_id=str(ev.pk))
        assert created.exists()


def test_an_end_before_the_start_means_the_next_day(agenda, login_as):
    w = agenda
    data = _post_data(w, nature=w.natures["nuitee"].pk, titre="Nuit", heure_debut="20:00", heure_fin="08:00",
                      modalite="internat")  # fmt: skip
    assert login_as(w.educateur).post(NOUVEAU, data).status_code == 302
    (ev,) = _events(w, titre="Nuit")
    assert (ev.debut, ev.fin) == (at(2026, 1, 6, 20), at(2026, 1, 7, 8))


def test_direct_event_without_modalite_gets_a_french_error(agenda, login_as):
    w = agenda
    response = login_as(w.educateur).post(NOUVEAU, _post_data(w, modalite=""))
    assert response.status_code == 422
    html = response.content.decode()
    assert "La modalité (internat, accueil de jour, ambulatoire) est requise" in html
    assert 'class="champ champ--erreur"' in html
    assert not _events(w, titre="Piscine")


def test_nature_of_another_dispositif_is_refused(agenda, login_as):
    w = agenda
    response = login_as(w.educateur).post(NOUVEAU, _post_data(w, dispositif=w.autre_dispositif.pk))
    assert response.status_code == 422
    assert not _events(w, titre="Piscine")


def test_conflict_is_a_warning_before_saving(agenda, login_as):
    w = agenda
    _event(w, debut=at(2026, 1, 6, 14, 30), fin=at(2026, 1, 6, 16), titre="Orthophonie", professionnels=[])
    client = login_as(w.educateur)
    response = client.post(NOUVEAU, _post_data(w))
    assert response.status_code == 200
    html = response.content.decode()
    assert "conflit" in html and "Orthophonie" in html and "Enregistrer malgré tout" in html
    assert f"{w.jeune1.prenom} {w.jeune1.nom_naissance} est déjà pris(e) le 06/01/2026 de 14:30 à 16:00" in html
    assert not _events(w, titre="Piscine")
    assert client.post(NOUVEAU, {**_post_data(w), "confirmer": "1"}).status_code == 302
    assert len(_events(w, titre="Piscine")) == 1


def test_reader_and_others_cannot_create(agenda, login_as):
    w = agenda
    assert login_as(w.lecteur).get(NOUVEAU).status_code == 403
    assert login_as(w.lecteur).post(NOUVEAU, _post_data(w)).status_code == 403
    assert login_as(w.admin).post(NOUVEAU, _post_data(w)).status_code == 403
    assert login_as(w.proche).post(NOUVEAU, _post_data(w)).status_code == 404
    assert not _events(w, titre="Piscine")


def test_event_page_personas(agenda, login_as):
    w = agenda
    ev = _event(w)
    url = reverse("agendas:evenement", args=[ev.pk])
    html = login_as(w.educateur).get(url).content.decode()
    assert "Atelier cuisine" in html and "Annuler l'événement" in html
    reader = login_as(w.lecteur).get(url)
    assert reader.status_code == 200 and "Annuler l'événement" not in reader.content.decode()
    assert login_as(w.autre_educateur).get(url).status_code == 404
    assert login_as(w.admin).get(url).status_code == 403
    assert login_as(w.jeune).get(url).status_code == 404


def test_edit_a_one_off_event(agenda, login_as):
    w = agenda
    ev = _event(w)
    url = reverse("agendas:evenement_modifier", args=[ev.pk])
    client = login_as(w.educateur)
    assert client.get(url).status_code == 200
    data = _post_data(w, titre="Atelier pâtisserie", date="2026-01-05", heure_debut="10:00", heure_fin="12:00",
                      jeunes=[w.jeune1.pk])  # fmt: skip
    assert client.post(url, data).status_code == 302
    (ev,) = _events(w, pk=ev.pk)
    assert (ev.titre, ev.debut, ev.fin) == ("Atelier pâtisserie", at(2026, 1, 5, 10), at(2026, 1, 5, 12))
    assert login_as(w.lecteur).post(url, data).status_code == 403
    assert login_as(w.autre_educateur).post(url, data).status_code == 404


def test_cancel_and_realise(agenda, login_as):
    w = agenda
    ev = _event(w)
    client = login_as(w.educateur)
    assert login_as(w.lecteur).post(reverse("agendas:evenement_annuler", args=[ev.pk])).status_code == 403
    client = login_as(w.educateur)
    assert client.post(reverse("agendas:evenement_statut", args=[ev.pk]), {"statut": "realise"}).status_code == 302
    assert _events(w, pk=ev.pk)[0].statut == StatutEvenement.REALISE
    assert client.post(reverse("agendas:evenement_statut", args=[ev.pk]), {"statut": "prevu"}).status_code == 302
    assert client.post(reverse("agendas:evenement_annuler", args=[ev.pk])).status_code == 302
    assert _events(w, pk=ev.pk)[0].statut == StatutEvenement.ANNULE
    assert client.get(reverse("agendas:evenement_annuler", args=[ev.pk])).status_code == 405


# --- Series ------------------------------------------------------------------------------------------------------


def _serie_data(w, **overrides):
    data = _post_data(w, titre="Classe", jeunes=[w.jeune1.pk], site=None, **overrides)
    for name in ("date",):
        data.pop(name)
    data.update({"jours": ["TU", "TH"], "heure_debut": "09:00", "heure_fin": "11:30", "du": "2026-01-05",
                 "au": "2026-01-30", "sauter_fermetures": "on"})  # fmt: skip
    data.update(overrides)
    return data


def test_create_a_weekly_series(agenda, login_as):
    w = agenda
    client = login_as(w.educateur)
    assert client.get(SERIE, {"jeune": w.jeune1.pk}).status_code == 200
    response = client.post(SERIE, _serie_data(w))
    assert response.status_code == 302, response.content.decode()[:3000]
    with tenant_context(w.organisme.pk):
        serie = Serie.objects.get(titre="Classe")
        assert serie.rrule == "FREQ=WEEKLY;BYDAY=TU,TH"
        assert serie.debut == at(2026, 1, 6, 9) and serie.duree == datetime.timedelta(hours=2, minutes=30)
        assert serie.fin_serie == datetime.date(2026, 1, 30)
        days = [e.occurrence_de for e in Evenement.objects.filter(serie=serie).order_by("debut")]
    assert days == [datetime.date(2026, 1, d) for d in (6, 8, 13, 15, 20, 22, 27, 29)]
    assert login_as(w.lecteur).post(SERIE, _serie_data(w)).status_code == 403


def test_series_form_errors_in_french(agenda, login_as):
    w = agenda
    response = login_as(w.educateur).post(SERIE, _serie_data(w, jours=[], heure_fin="08:00"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "L&#x27;heure de fin doit être après l&#x27;heure de début." in html
    assert "Ce champ est obligatoire." in html


@pytest.fixture
def serie(agenda, client):
    from tests.fixtures import login

    login(client, agenda.educateur)
    assert client.post(SERIE, _serie_data(agenda)).status_code == 302
    with tenant_context(agenda.organisme.pk):
        return Serie.objects.get(titre="Classe")


def _occurrences(w, serie):
    with tenant_context(w.organisme.pk):
        series = Serie.objects.filter(titre__startswith="Classe")
        return list(Evenement.objects.filter(serie__in=series).order_by("debut"))


def test_move_one_occurrence(agenda, serie, client):
    w = agenda
    second = _occurrences(w, serie)[1]  # Thursday 8 January
    data = _post_data(w, titre="Classe", jeunes=[w.jeune1.pk], site=None, date="2026-01-09", heure_debut="10:00",
                      heure_fin="12:30", portee="cette")  # fmt: skip
    response = client.post(reverse("agendas:evenement_modifier", args=[second.pk]), data)
    assert response.status_code == 302
    moved = _events(w, pk=second.pk)[0]
    assert (moved.debut, moved.detachee, moved.occurrence_de) == (at(2026, 1, 9, 10), True, datetime.date(2026, 1, 8))
    others = [e for e in _occurrences(w, serie) if e.pk != second.pk]
    assert all(timezone_hour(e) == 9 for e in others)


def timezone_hour(ev):
    from django.utils import timezone

    return timezone.localtime(ev.debut).hour


def test_edit_the_whole_series_from_an_occurrence(agenda, serie, client):
    w = agenda
    first = _occurrences(w, serie)[0]
    data = _post_data(w, titre="Classe UE", jeunes=[w.jeune1.pk], site=None, date="2026-01-06", heure_debut="09:00",
                      heure_fin="11:30", portee="toutes")  # fmt: skip
    assert client.post(reverse("agendas:evenement_modifier", args=[first.pk]), data).status_code == 302
    titles = {e.titre for e in _occurrences(w, serie)}
    assert titles == {"Classe UE"}


def test_cancel_one_occurrence(agenda, serie, client):
    w = agenda
    third = _occurrences(w, serie)[2]
    assert client.post(reverse("agendas:evenement_annuler", args=[third.pk])).status_code == 302
    statuses = [e.statut for e in _occurrences(w, serie)]
    assert statuses.count(StatutEvenement.ANNULE) == 1 and _events(w, pk=third.pk)[0].statut == "annule"


def test_occurrence_form_asks_the_scope(agenda, serie, client):
    first = _occurrences(agenda, serie)[0]
    html = client.get(reverse("agendas:evenement_modifier", args=[first.pk])).content.decode()
    assert "Cet événement et les suivants" in html and "Toute la série" in html
