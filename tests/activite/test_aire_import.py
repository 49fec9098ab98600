"""A hand-computed scenario imported with ``import_echange`` (tests/data/echange/activite_t1_2026.json): the
``aire_table`` command prints exactly the expected JSON (activite_t1_2026_aire_attendu.json, computed by hand —
the reasoning is in the docstring of ``test_scenario_calcule_a_la_main``), the API returns the same, the other
formats are written through the exports; unknown or ambiguous FINESS are refused in French."""

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
SCENARIO = DATA / "activite_t1_2026.json"
ATTENDU = DATA / "activite_t1_2026_aire_attendu.json"
FINESS = "319900018"


@pytest.fixture
def importe():
    call_command("import_echange", str(SCENARIO), stdout=StringIO())
    return find_organisme_id_by_finess("319900000")


def aire_table(*args) -> str:
    out = StringIO()
    call_command("aire_table", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_scenario_calcule_a_la_main(importe):
    """Q1 2026 = the 13 weeks whose Thursday is in January–March: Monday 29 December 2025 … Monday 23 March 2026.

    - j1: pre-admission until 13 January, accompagné from the 14th (+ a situation complexe from 1 February):
      W29/12 e1 AJ 2 h (pre_admission, 1 morning); W12/01 e4 AJ 9–17 h = 8 h (accompagne, 2 half-days);
      W19/01 e5 synthesis 1 h (indirect).
    - j2: follow-up since 1 July 2025 (within 3 years): W19/01 e5 indirect 1 h; W02/02 e6 A 1 h 30 (1 acte).
    - j3: accompagné: W29/12 e1 AJ 2 h (1 morning); W05/01 e2 A 2 h 30 (1 acte); W12/01 e3 nuitée only (e4 absent)
      → I, 0 h; W19/01 e16 I 3 h (1 morning) + e17 A 1 h (1 acte) → I+A 4 h; W23/03 e13 I Saturday 20:00 →
      Sunday 10:00 across the March change = 13 h (2 half-days). e9 cancelled, e10 hors prestation, e14 (Tuesday
      31 March) belongs to Q2's week.
    - j4: follow-up since 1 September 2022, beyond 3 years on 3 March 2026: e12 is the only anomaly.
    - Youth-weeks 10: I 2, AJ 3, A 2, I+A 1, indirect 2; bands of the 8 direct ones: <1 h 1, 1–3 h 4, 3–6 h 1,
      6–12 h 1, ≥12 h 1. File active 3 (pre-admission j1, accompagné j1 j3, follow-up j2).
    - Volumes: 1 nuitée; 7 half-days = 3.5 journées; 3 actes; direct 10 + 1.5 + 21.5 = 33 h; indirect 2 h;
      professionals: e1 2 h×2 + e2 2.5 + e3 12 + e4 8 + e5 1 h×3 + e6 1.5 + e16 3 h×2 + e17 1 + e13 13 = 51 h.
    - Appui-ressources: e7 (school, 1 h × 2), e8 (ASE), e15 (CMP): 3 interventions, 4 h, 3 partners.
    - Situations complexes: j1 (j4 is not in the file active). Multi-modalités: j3 (AJ, A, I).
    """
    out = aire_table("--dispositif", FINESS, "--debut", "2026-01-01", "--fin", "2026-03-31", "--format", "json")
    attendu = json.loads(ATTENDU.read_text(encoding="utf-8"))
    assert json.loads(out) == attendu
    assert out.strip() == json.dumps(attendu, ensure_ascii=False)  # same keys, same order, same number types


def test_import_idempotent_et_annee(importe):
    call_command("import_echange", str(SCENARIO), stdout=StringIO())  # a re-import changes nothing
    t1 = json.loads(aire_table("--dispositif", FINESS, "--debut", "2026-01-01", "--fin", "2026-03-31"))
    assert t1 == json.loads(ATTENDU.read_text(encoding="utf-8"))
    q2 = json.loads(aire_table("--dispositif", FINESS, "--debut", "2026-04-01", "--fin", "2026-06-30"))
    assert q2["semaines_jeune"]["total"] == 1 and q2["volumes"]["heures_directes"] == 3.0  # e14


def test_api_renvoie_le_meme_json(importe, client):
    with tenant_context(importe):
        from core.models import Dispositif

        direction = factories.professionnel(Dispositif.objects.get(finess=FINESS), Metier.DIRECTION,
                                            email="dir@activite.test")  # fmt: skip
    login(client, direction)
    response = client.get("/api/v1/activite/aire/", {"dispositif": FINESS, "debut": "2026-01-01", "fin": "2026-03-31"})
    assert response.status_code == 200
    assert response.json() == json.loads(ATTENDU.read_text(encoding="utf-8"))
    assert list(response.json()) == list(json.loads(ATTENDU.read_text(encoding="utf-8")))


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_autres_formats(importe, tmp_path, fmt):
    path = tmp_path / f"aire.{fmt}"
    aire_table("--dispositif", FINESS, "--debut", "2026-01-01", "--fin", "2026-03-31", "--format", fmt,
               "--output", str(path))  # fmt: skip
    data = path.read_bytes()
    assert data.startswith({"csv": b"\xef\xbb\xbf", "xlsx": b"PK", "pdf": b"%PDF"}[fmt])


def test_json_dans_un_fichier(importe, tmp_path):
    path = tmp_path / "aire.json"
    aire_table("--dispositif", FINESS, "--debut", "2026-01-01", "--fin", "2026-03-31", "--output", str(path))
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(ATTENDU.read_text(encoding="utf-8"))


def test_erreurs_en_francais(importe):
    with pytest.raises(CommandError, match="Aucun dispositif n'a le FINESS « 999999999 »"):
        aire_table("--dispositif", "999999999", "--debut", "2026-01-01", "--fin", "2026-03-31")
    with pytest.raises(CommandError, match="Date invalide pour --debut"):
        aire_table("--dispositif", FINESS, "--debut", "01/01/2026", "--fin", "2026-03-31")
    with pytest.raises(CommandError, match="précède son début"):
        aire_table("--dispositif", FINESS, "--debut", "2026-03-31", "--fin", "2026-01-01")
    with pytest.raises(CommandError, match="indiquez --output"):
        aire_table("--dispositif", FINESS, "--debut", "2026-01-01", "--fin", "2026-03-31", "--format", "pdf")
    # The same FINESS in another organisme: ambiguous until --organisme picks one.
    autre = factories.OrganismeFactory(nom="Autre", finess_juridique="319900099")
    with tenant_context(autre.pk):
        factories.DispositifFactory(organisme=autre, finess=FINESS)
    with pytest.raises(CommandError, match="Plusieurs organismes"):
        aire_table("--dispositif", FINESS, "--debut", "2026-01-01", "--fin", "2026-03-31")
    out = aire_table(
        "--dispositif", FINESS, "--organisme", "319900000", "--debut", "2026-01-01", "--fin", "2026-03-31"
    )
    assert json.loads(out)["file_active"]["total"] == 3
    out = aire_table(
        "--dispositif", FINESS, "--organisme", "319900099", "--debut", "2026-01-01", "--fin", "2026-03-31"
    )
    assert json.loads(out)["file_active"]["total"] == 0
