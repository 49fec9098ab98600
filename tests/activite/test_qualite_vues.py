"""Quality indicators pages: figures, drill-down lists, constant query counts (personas: test_tbp_vues.py)."""

import pytest
from django.urls import reverse

from core.tenancy import tenant_context
from dossiers.models import Dossier, EvenementIndesirable
from ppa.models import Ppa, PpaVersion
from tests.activite.conftest import D, at
from tests.fixtures import login
from tests.helpers import assert_constant_queries
from transmissions.models import Categorie, Transmission, TransmissionJeune

pytestmark = pytest.mark.django_db
PERIODE = {"debut": "2026-01-01", "fin": "2026-06-30"}


def _peupler(w, n):
    """n youths admitted in the period (one PPA up to date, contracts), an adverse event and a transmission each."""
    sc = w.sc
    categorie, _ = Categorie.objects.get_or_create(organisme=sc.organisme, code="vq", defaults={"libelle": "VQ"})
    for i in range(n):
        j = sc.accompagne(D(2026, 1, 10))
        Dossier.objects.filter(pk=j.dossier.pk).update(contrat_remis_le=D(2026, 1, 20), contrat_signe_le=None)
        if i % 2:
            ppa = Ppa.objects.create(organisme=sc.organisme, dossier=j.dossier)
            PpaVersion.objects.create(organisme=sc.organisme, ppa=ppa, numero=1, statut="valide",
                                      valide_le=D(2026, 3, 1))  # fmt: skip
        EvenementIndesirable.objects.create(
            organisme=sc.organisme, dispositif=sc.dispositif, dossier=j.dossier, survenu_le=at(2026, 2, 1),
            faits="…", gravite="mineure", declare_par=w.direction, declare_le=at(2026, 2, 1),
            statut="clos", cloture_le=at(2026, 2, 3), cloture_par=w.direction,
        )  # fmt: skip
        t = Transmission.objects.create(
            organisme=sc.organisme, auteur=w.educateur, dispositif=sc.dispositif, survenue_le=at(2026, 2, 2),
            categorie=categorie, texte="…",
        )  # fmt: skip
        TransmissionJeune.objects.create(organisme=sc.organisme, transmission=t, jeune=j)
        Transmission.objects.filter(pk=t.pk).update(statut="validee", validee_le=at(2026, 2, 2))


def test_page_et_listes(activite, client):
    w = activite
    _peupler(w, 3)
    login(client, w.chef)
    r = client.get(reverse("activite:qualite"), {"dispositif": w.dispositif.pk, **PERIODE})
    assert r.status_code == 200
    i = r.context["i"]
    assert i["ppa"]["jeunes_accompagnes"] == 3 and i["ppa"]["a_jour"] == 3  # within 6 months or PPA validated
    assert i["contrats"] == {"admissions": 3, "remis_sous_15_jours": 3, "signes_sous_un_mois": 0,
                             "part_remis_sous_15_jours": 100.0, "part_signes_sous_un_mois": 0.0}  # fmt: skip
    assert i["evenements_indesirables"]["delai_cloture_median_jours"] == 2.0
    assert i["transmissions"]["transmissions"] == 3
    attendus = {"ppa": 3, "ppa_pas_a_jour": 0, "contrats_signes_en_retard": 3, "contrats_remis_en_retard": 0,
                "ei_clos": 3, "ei_en_cours": 0, "transmissions": 3}  # fmt: skip
    for indicateur, n in attendus.items():
        r = client.get(reverse("activite:qualite_detail"), {"dispositif": w.dispositif.pk, "indicateur": indicateur,
                                                            **PERIODE})  # fmt: skip
        assert r.status_code == 200, indicateur
        assert len(r.context["lignes"]) == n, indicateur
    r = client.get(reverse("activite:qualite_detail"), {"dispositif": w.dispositif.pk, "indicateur": "x"})
    assert r.status_code == 404


def test_periode_par_defaut_et_invalide(activite, client):
    w = activite
    login(client, w.direction)
    r = client.get(reverse("activite:qualite"), {"dispositif": w.dispositif.pk})
    assert r.status_code == 200 and (r.context["fin"] - r.context["debut"]).days in (364, 365)
    r = client.get(reverse("activite:qualite"), {"dispositif": w.dispositif.pk, "debut": "2026-06-30",
                                                 "fin": "2026-01-01"})  # fmt: skip
    assert r.status_code == 404


@pytest.mark.parametrize("url, indicateur", [("activite:qualite", ""), ("activite:qualite_detail", "ppa"),
                                             ("activite:qualite_detail", "ei_clos"),
                                             ("activite:qualite_detail", "transmissions")])  # fmt: skip
def test_requetes_constantes(activite, client, url, indicateur):
    w = activite
    login(client, w.direction)
    params = {"dispositif": w.dispositif.pk, **PERIODE}
    if indicateur:
        params["indicateur"] = indicateur

    def add(n):
        with tenant_context(w.organisme.pk):
            _peupler(w, n)

    client.get(reverse(url), params)
    assert_constant_queries(lambda: client.get(reverse(url), params), add, few=1, many=6)
