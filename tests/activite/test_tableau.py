"""Dashboard of the activity: figures = table_aire, series per month add up, drill-down lists the right youths and
events, personas, constant number of queries."""

from django.urls import reverse

from activite.services.aire import table_aire
from activite.services.tableau import journees_financees_du_mois, series_mensuelles, trimestre_precedent
from core.models import DispositifAnnee
from tests.activite.conftest import D, at, recompute
from tests.helpers import assert_constant_queries, count_queries

T1 = (D(2026, 1, 1), D(2026, 3, 31))
URL = reverse("activite:tableau")
Q = "?dispositif={}&annee=2026&trimestre=1"


def _scenario(w):
    """a: accueil de jour + ambulatoire in January, a nuitée in February; b: ambulatoire in January and March, an
    indirect-only week; an appui-ressources intervention with the Éducation nationale; c: event outside any
    parcours (anomaly)."""
    sc = w.sc
    a = sc.accompagne(nom_naissance="ALPHA", prenom="Anna")
    b = sc.accompagne(nom_naissance="BRAVO", prenom="Basile")
    sc.evenement("classe_ue", at(2026, 1, 6, 9), at(2026, 1, 6, 16), jeunes=[a])
    sc.evenement("entretien_jeune", at(2026, 1, 7, 10), at(2026, 1, 7, 11), jeunes=[a, b])
    sc.evenement("nuitee", at(2026, 2, 10, 20), at(2026, 2, 11, 8), jeunes=[a])
    sc.evenement("entretien_jeune", at(2026, 3, 3, 14), at(2026, 3, 3, 15, 30), jeunes=[b])
    sc.evenement("entretien_famille", at(2026, 3, 17, 17), at(2026, 3, 17, 18), jeunes=[b])
    sc.evenement("appui_ressources", at(2026, 2, 3, 14), at(2026, 2, 3, 16), partenaire=sc.partenaire())
    sc.situation_complexe(b, D(2026, 2, 1))
    recompute(sc)
    return a, b


def test_series_add_up_to_the_table(activite):
    w = activite
    a, b = _scenario(w)
    DispositifAnnee.objects.create(organisme=w.organisme, dispositif=w.dispositif, annee=2026, places_internat=10,
                                   places_accueil_de_jour=20, jours_ouverture=200)  # fmt: skip
    table = table_aire(w.dispositif, *T1)
    series = series_mensuelles(w.dispositif, *T1)
    assert series["etiquettes"] == ["janv. 2026", "févr. 2026", "mars 2026"]
    assert sum(series["semaines"]) == table["semaines_jeune"]["total"]
    for k, v in table["semaines_jeune"]["par_combinaison"].items():
        assert sum(series["par_combinaison"].get(k, [0])) == v, k
    assert sum(series["journees_realisees"]) == table["volumes"]["journees"]
    assert sum(series["actes_ambulatoires"]) == table["volumes"]["actes_ambulatoires"]
    assert sum(series["nuitees"]) == table["volumes"]["nuitees"] == 1
    assert series["file_active"] == [2, 1, 1]
    # 30 places × 200 days = 6000 a year, January = 31/365 of it.
    assert series["journees_financees"][0] == round(6000 * 31 / 365, 1)
    assert journees_financees_du_mois(None, D(2026, 1, 1), *T1) == 0.0


def test_trimestre_precedent():
    assert trimestre_precedent(D(2026, 1, 1)) == (2025, 4)
    assert trimestre_precedent(D(2026, 5, 20)) == (2026, 1)


def test_dashboard_shows_the_aire_table(activite, client, login_as):
    w = activite
    _scenario(w)
    login_as(w.direction)
    r = client.get(URL + Q.format(w.dispositif.pk))
    assert r.status_code == 200
    table = table_aire(w.dispositif, *T1)
    assert r.context["aire"] == table
    html = r.content.decode()
    assert "Tableau AIRe du trimestre précédent — PDF" in html and "Tableau AIRe du trimestre précédent — XLSX" in html
    assert 'role="img"' in html and "style=" not in html.split("<main", 1)[1]
    assert "1er trimestre 2026" in html
    chiffres = {c["libelle"]: c["valeur"] for c in r.context["chiffres"]}
    assert chiffres["File active"] == table["file_active"]["total"] == 2
    assert chiffres["Situations complexes"] == 1 and chiffres["Appui-ressources"] == 1
    # Every combinaison figure links to its drill-down.
    lien = next(ligne["lien"] for ligne in r.context["combinaisons"] if ligne["code"] == "AJ+A")
    assert "indicateur=combinaison" in lien and "valeur=AJ%2BA" in lien


def test_drill_down_lists_the_youths_weeks_and_events(activite, client, login_as):
    w = activite
    a, b = _scenario(w)
    login_as(w.direction)
    base = f"{reverse('activite:detail')}?dispositif={w.dispositif.pk}&debut=2026-01-01&fin=2026-03-31"
    table = table_aire(w.dispositif, *T1)
    for code, n in table["semaines_jeune"]["par_combinaison"].items():
        r = client.get(base + f"&indicateur=combinaison&valeur={code.replace('+', '%2B')}")
        assert r.status_code == 200
        assert r.context["page"].paginator.count == n, code
    for bande, n in table["semaines_jeune"]["par_intensite"].items():
        r = client.get(base + f"&indicateur=intensite&valeur={bande}")
        assert r.context["page"].paginator.count == n, bande
    r = client.get(base + "&indicateur=combinaison&valeur=AJ%2BA")
    assert [ligne["jeune"].pk for ligne in r.context["lignes"]] == [a.pk]
    assert "ALPHA" in r.content.decode() and "BRAVO" not in r.content.decode()
    r = client.get(base + "&indicateur=file_active&valeur=total")
    assert [j.pk for j in r.context["lignes"]] == [a.pk, b.pk]
    r = client.get(base + "&indicateur=situations_complexes")
    assert [j.pk for j in r.context["lignes"]] == [b.pk]
    r = client.get(base + "&indicateur=multi_modalites")
    assert r.context["page"].paginator.count == table["jeunes_multi_modalites"]
    r = client.get(base + "&indicateur=mois&valeur=2026-02")
    assert [j.pk for j in r.context["lignes"]] == [a.pk]
    r = client.get(base + "&indicateur=appui&valeur=education_nationale")
    assert len(r.context["lignes"]) == 1
    r = client.get(base + "&indicateur=appui&valeur=sanitaire")
    assert r.context["lignes"] == []
    r = client.get(base + "&indicateur=semaines")
    assert r.context["page"].paginator.count == table["semaines_jeune"]["total"]
    r = client.get(base + "&indicateur=volume&valeur=nuitees")
    assert [ligne["jeune"].pk for ligne in r.context["lignes"]] == [a.pk]
    # A youth-week lists its counted events (audited read).
    from core.models import AuditEntry

    r = client.get(reverse("activite:semaine", args=[w.dispositif.pk, a.pk, "2026-01-05"]))
    assert r.status_code == 200
    assert len(r.context["evenements"]) == 2
    assert AuditEntry.objects.filter(action="read", record_id=str(a.dossier.pk)).exists()
    assert client.get(reverse("activite:semaine", args=[w.dispositif.pk, a.pk, "2026-01-06"])).status_code == 404
    assert client.get(base + "&indicateur=inconnu").status_code == 404


def test_personas(activite, client, login_as):
    w = activite
    a, _b = _scenario(w)
    pages = [
        URL + Q.format(w.dispositif.pk),
        f"{reverse('activite:detail')}?dispositif={w.dispositif.pk}&debut=2026-01-01&fin=2026-03-31"
        "&indicateur=file_active",
        reverse("activite:semaine", args=[w.dispositif.pk, a.pk, "2026-01-05"]),
    ]
    from core.enums import Metier, Role
    from tests import factories

    chef_lecteur = factories.professionnel(w.dispositif, Metier.CHEF_DE_SERVICE, Role.LECTEUR, email="cl@a.org")
    for user, attendu in ((w.direction, 200), (w.chef, 200), (chef_lecteur, 200), (w.chef_autre, 403),
                          (w.educateur, 403), (w.lecteur, 403), (w.proche, 404), (w.jeune, 404)):  # fmt: skip
        client.logout()
        login_as(user)
        for url in pages:
            assert client.get(url).status_code == attendu, (user, url)
    # The chef de service of another dispositif sees his own; another organisme's dispositif is a 404.
    client.logout()
    login_as(w.chef_autre)
    assert client.get(URL).context["dispositif"] == w.autre_dispositif
    assert client.get(URL + Q.format(w.dispositif_b.pk)).status_code == 404
    client.logout()
    login_as(w.direction)
    assert client.get(URL + Q.format(w.dispositif_b.pk)).status_code == 404


def test_menu_entry(activite, client, login_as):
    login_as(activite.direction)
    assert 'href="/activite/"' in client.get(reverse("core:home"), follow=True).content.decode()
    client.logout()
    login_as(activite.educateur)
    assert 'href="/activite/"' not in client.get(reverse("core:home"), follow=True).content.decode()


def test_constant_queries(activite, client, login_as):
    w = activite
    sc = w.sc
    login_as(w.direction)
    url = URL + Q.format(w.dispositif.pk)
    detail = (f"{reverse('activite:detail')}?dispositif={w.dispositif.pk}&debut=2026-01-01&fin=2026-03-31"
              "&indicateur=file_active")  # fmt: skip
    semaines = detail.replace("file_active", "combinaison&valeur=A")

    def add(n):
        for i in range(n):
            j = sc.accompagne()
            sc.evenement("entretien_jeune", at(2026, 1 + i % 3, 5 + i % 20, 10), at(2026, 1 + i % 3, 5 + i % 20, 11),
                         jeunes=[j])  # fmt: skip
            sc.evenement("appui_ressources", at(2026, 2, 3 + i % 20, 14), at(2026, 2, 3 + i % 20, 15),
                         partenaire=sc.partenaire("sanitaire"))  # fmt: skip
        recompute(sc)

    client.get(url)  # warm the parameters (created on first use)
    n = assert_constant_queries(lambda: client.get(url), add, few=1, many=6)
    assert count_queries(lambda: client.get(detail)) == count_queries(lambda: client.get(detail))
    add(3)
    n_detail = count_queries(lambda: client.get(detail))
    n_semaines = count_queries(lambda: client.get(semaines))
    add(5)
    assert count_queries(lambda: client.get(detail)) == n_detail
    assert count_queries(lambda: client.get(semaines)) == n_semaines
    assert n < 40, n
