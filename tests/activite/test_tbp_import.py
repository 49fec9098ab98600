"""A hand-computed TBP scenario imported with ``import_echange`` (tests/data/echange/activite_tbp_2026.json): the
``tbp_indicateurs`` command prints exactly the expected JSON (activite_tbp_2026_attendu.json, computed by hand — the
reasoning is in the docstring of ``test_scenario_calcule_a_la_main``), the API returns the same, the other formats
are written through the exports; bad arguments are refused in French."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.enums import Metier
from core.services.organisation import find_organisme_id_by_finess
from core.tenancy import tenant_context
from tests import factories
from tests.fixtures import login

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent.parent / "data" / "echange"
SCENARIO = DATA / "activite_tbp_2026.json"
ATTENDU = DATA / "activite_tbp_2026_attendu.json"
FINESS = "339900026"


@pytest.fixture
def importe():
    call_command("import_echange", str(SCENARIO), stdout=StringIO())
    return find_organisme_id_by_finess("339900000")


def tbp_indicateurs(*args) -> str:
    out = StringIO()
    call_command("tbp_indicateurs", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_scenario_calcule_a_la_main(importe):
    """Year 2026 of « DITEP Les Chênes » (places internat 2 + accueil de jour 3, 200 days: 1,000 journées financées).

    Parcours (``accompagne`` periods of the dispositif overlapping 2026):
    - j1 F, 12 on 31/12, psychique, ASE: since 01/09/2025 → effectif.
    - j2 M, born 31/12/2006 → 20 on 31/12: since 2023 → effectif, Creton.
    - j3 M, 14, psychique: 05/01/2026 → 31/12/2026 (retour en milieu ordinaire) → entrée, sortie on 31/12 (not
      effectif), 360 days.
    - j4 F, 16, langage: 01/09/2024 → 15/03/2026 (orientation ESMS) → sortie, 560 days.
    - j5 M, 7, autisme, ASE: → 28/02/2026 (déménagement, 423 days), follow-up, re-admitted 01/10/2026 → sortie,
      entrée, effectif: two rows of the file active.
    - j6 sexe I, 18, en cours de diagnostic: since 01/06/2026 → entrée, effectif (in neither F nor M).
    - j7, j8: pre-admission only (not in the file active).
    Effectif 4 (j1 j2 j5 j6), entrées 3 (j3 j5 j6), sorties 3 (j3 j4 j5), file active 7; mean duration
    (360 + 560 + 423) / 3 = 447.7; sexe F 2 (j1 j4), M 4 (j2 j3 j5 ×2); ages 6_10 2 (j5 ×2), 11_15 2 (j1 j3), 16_17 1
    (j4), 18_19 1 (j6), 20_plus 1 (j2); ASE 3 / 7 = 42.9 %.

    Events (half-days cut at 13:00):
    - e1 30/12/2025: 2025. e2 + e3 05/01: j1 morning + afternoon = 1; j3 morning 0.5 (absent in the afternoon, but
      present that date: no day of absence).
    - e4 06/01 internat 9–16 h: j2 1; e5 nuitée: excluded.
    - e6 07/01 ambulatoire: 1 acte (j4); e7, e8 j4 absent (prévu, imprévu) on two dates: 2 days of absence.
    - e9 29/03 (change of time) 9–14 h: j1 1. e10 25/10 (change of time) 10–12 h: j5 0.5. e11 15/07: j5 in
      follow-up (counted) 0.5. e12 10/02: j7 in pre-admission (counted) 0.5.
    - e13 02/04: j8 without a covering period (anomaly): not counted. e14 indirect, e15 hors prestation, e16 cancelled:
      nothing.
    - e17 31/12 20:00 → 01/01/2027 01:00 internat: j2 afternoon of 31/12 + morning of 01/01 (with its pair) = 1.
    - e18 02/06 ambulatoire: 1 acte (j6); e19 + e20 03/06 j6 absent twice the same date: 1 day.
    Journées 1 + 0.5 + 1 + 1 + 0.5 + 0.5 + 0.5 + 1 = 6.0; taux 100 × 6 / 1,000 = 0.6; actes 2; absence (2 + 1) / 2
    youths = 1.5.
    """
    out = tbp_indicateurs("--dispositif", FINESS, "--annee", "2026", "--format", "json")
    attendu = json.loads(ATTENDU.read_text(encoding="utf-8"))
    assert json.loads(out) == attendu
    assert out.strip() == json.dumps(attendu, ensure_ascii=False)  # same keys, same order, same number types


def test_import_idempotent_et_autres_annees(importe):
    call_command("import_echange", str(SCENARIO), stdout=StringIO())  # a re-import changes nothing
    assert json.loads(tbp_indicateurs("--dispositif", FINESS, "--annee", "2026")) == json.loads(
        ATTENDU.read_text(encoding="utf-8")
    )
    an_2025 = json.loads(tbp_indicateurs("--dispositif", FINESS, "--annee", "2025"))
    assert an_2025["journees_realisees"] == 1.0  # e1
    assert an_2025["journees_financees"] == 1000  # the document's places apply to every year of its events
    assert (an_2025["effectif_31_12"], an_2025["entrees"], an_2025["sorties_definitives"]) == (4, 2, 0)


def test_api_meme_json(importe, client):
    with tenant_context(importe):
        from core.models import Dispositif

        dispositif = Dispositif.objects.get(finess=FINESS)
        direction = factories.professionnel(dispositif, Metier.DIRECTION, email="direction@tbp.example.org")
    login(client, direction)
    response = client.get("/api/v1/activite/tbp/", {"dispositif": FINESS, "annee": 2026})
    assert response.status_code == 200
    assert list(response.json()) == list(json.loads(ATTENDU.read_text(encoding="utf-8")))
    assert response.json() == json.loads(ATTENDU.read_text(encoding="utf-8"))


@pytest.mark.parametrize("fmt, magic", [("csv", b"\xef\xbb\xbf"), ("xlsx", b"PK"), ("pdf", b"%PDF"), ("json", b"{")])
def test_autres_formats(importe, tmp_path, fmt, magic):
    output = tmp_path / f"tbp.{fmt}"
    tbp_indicateurs("--dispositif", FINESS, "--annee", "2026", "--format", fmt, "--output", str(output))
    contenu = output.read_bytes()
    assert contenu.startswith(magic)
    if fmt == "json":
        assert json.loads(contenu) == json.loads(ATTENDU.read_text(encoding="utf-8"))
    if fmt == "csv":
        assert "Journées réalisées" in contenu.decode("utf-8-sig")


def test_erreurs_en_francais(importe):
    with pytest.raises(CommandError, match="Aucun dispositif n'a le FINESS « 999999999 »"):
        tbp_indicateurs("--dispositif", "999999999", "--annee", "2026")
    with pytest.raises(CommandError, match="Année invalide"):
        tbp_indicateurs("--dispositif", FINESS, "--annee", "deux mille")
    with pytest.raises(CommandError, match="indiquez --output"):
        tbp_indicateurs("--dispositif", FINESS, "--annee", "2026", "--format", "pdf")
