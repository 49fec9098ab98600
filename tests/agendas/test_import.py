"""Exchange-format sections ``natures`` and ``evenements``: all or nothing, idempotent on ``ref``, every faulty
value reported with its JSON path."""

import copy
import datetime
import json
from pathlib import Path

import pytest

from agendas.models import Evenement, Nature, ParticipationJeune, SemaineAInvalider
from core.echange import EchangeInvalide, import_document
from core.services.organisation import find_organisme_id_by_finess
from core.tenancy import tenant_context

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent.parent / "data" / "echange"


def exemple() -> dict:
    return json.loads((DATA / "exemple.json").read_text(encoding="utf-8"))


def errors_of(doc, **kwargs) -> list[dict]:
    with pytest.raises(EchangeInvalide) as exc_info:
        import_document(doc, **kwargs)
    return exc_info.value.errors


def rich() -> dict:
    """The spec example plus a custom nature, an indirect meeting, an appui-ressources intervention and an absence."""
    doc = exemple()
    doc["natures"] = [{"code": "atelier_cuisine", "libelle": "Atelier cuisine", "cadre": "direct", "serafin": "2.2.2"}]
    doc["evenements"] += [
        {"ref": "e2", "dispositif": "310000027", "debut": "2026-01-06T14:00:00+01:00",
         "fin": "2026-01-06T15:00:00+01:00", "nature": "reunion_synthese", "cadre": "indirect", "statut": "realise",
         "jeunes": [{"ref": "j1", "presence": None}], "professionnels": ["p1"]},
        {"ref": "e3", "dispositif": "310000027", "debut": "2026-01-07T10:00:00+01:00",
         "fin": "2026-01-07T11:00:00+01:00", "nature": "appui_ressources", "statut": "realise",
         "partenaire": "ecole-jaures", "professionnels": ["p1"]},
        {"ref": "e4", "dispositif": "310000027", "debut": "2026-01-08T10:00:00+01:00",
         "fin": "2026-01-08T12:00:00+01:00", "nature": "atelier_cuisine", "modalite": "accueil_de_jour",
         "statut": "realise", "jeunes": [{"ref": "j1", "presence": "absent_prevu", "motif": "maladie"}]},
    ]  # fmt: skip
    return doc


def state(organisme_id):
    with tenant_context(organisme_id):
        return {
            "evenements": sorted(
                Evenement.objects.values_list(
                    "ref",
                    "debut",
                    "fin",
                    "statut",
                    "cadre",
                    "serafin_code",
                    "modalite",
                    "visible_famille",
                    "hors_prestation",
                    "partenaire__ref",
                )
            ),  # fmt: skip
            "presences": sorted(
                ParticipationJeune.objects.values_list("evenement__ref", "jeune__ref", "presence", "motif_absence")
            ),
            "natures": Nature.objects.count(),
        }


def test_spec_example_imports_fully():
    result = import_document(exemple(), create_organisme=True)
    assert result.counts["evenements"]["crees"] == 1
    assert result.counts["natures"]["crees"] == 13  # the default natures of the dispositif
    with tenant_context(result.organisme.pk):
        ev = Evenement.objects.get(ref="e1")
        assert ev.debut == datetime.datetime.fromisoformat("2026-01-05T09:00:00+01:00")
        assert (ev.cadre, ev.serafin_code, ev.modalite, ev.statut) == ("direct", "2.2.2", "accueil_de_jour", "realise")
        assert list(ev.participations_jeunes.values_list("jeune__ref", "presence")) == [("j1", "present")]
        assert list(ev.professionnels.values_list("ref", flat=True)) == ["p1"]
        assert SemaineAInvalider.objects.filter(jeune__ref="j1", lundi=datetime.date(2026, 1, 5)).exists()
    assert "événements d'agenda : 1 créé(s)" in result.summary()


def test_rich_document_and_reimport_is_idempotent():
    organisme_id = import_document(rich(), create_organisme=True).organisme.pk
    before = state(organisme_id)
    assert ("e4", "j1", "absent_prevu", "maladie") in before["presences"]
    assert ("e2", "j1", "", "") in before["presences"]
    assert before["natures"] == 14
    result = import_document(rich())
    assert result.counts["evenements"] == {"inchanges": 4}
    assert result.counts["natures"] == {"inchanges": 1}
    assert state(organisme_id) == before


def test_reimport_updates_what_changed():
    organisme_id = import_document(rich(), create_organisme=True).organisme.pk
    doc = rich()
    doc["evenements"][0]["fin"] = "2026-01-05T12:00:00+01:00"
    doc["evenements"][0]["jeunes"][0]["presence"] = "absent_imprevu"
    doc["evenements"][3]["statut"] = "annule"
    result = import_document(doc)
    assert result.counts["evenements"] == {"modifies": 2, "inchanges": 2}
    with tenant_context(organisme_id):
        e1 = Evenement.objects.get(ref="e1")
        assert e1.fin == datetime.datetime.fromisoformat("2026-01-05T12:00:00+01:00")
        assert e1.participations_jeunes.get().presence == "absent_imprevu"
        assert Evenement.objects.get(ref="e4").statut == "annule"
        assert Evenement.objects.count() == 4


def test_every_error_with_its_path_and_nothing_written():
    doc = rich()
    e1 = doc["evenements"][0]
    e1["debut"] = "2026-01-05T09:00:00"  # no offset
    doc["evenements"][1]["fin"] = "2026-01-06T13:00:00+01:00"  # before debut
    doc["evenements"][1]["jeunes"][0]["presence"] = "present"  # presence on an indirect event
    doc["evenements"][2]["partenaire"] = None  # appui-ressources without partner
    doc["evenements"][3]["modalite"] = None  # direct without modalite
    doc["evenements"][3]["serafin"] = "9.9.9"
    doc["evenements"].append(copy.deepcopy(doc["evenements"][0]) | {"nature": "inconnue", "cadre": "indirect"})
    doc["natures"][0]["serafin"] = "0.0"
    errors = errors_of(doc, create_organisme=True)
    assert {e["chemin"] for e in errors} == {
        "evenements[0].debut", "evenements[1].fin", "evenements[1].jeunes[0].presence", "evenements[2].partenaire",
        "evenements[3].modalite", "evenements[3].serafin", "evenements[4].ref", "evenements[4].debut",
        "evenements[4].nature", "evenements[4].jeunes[0].presence", "natures[0].serafin",
    }  # fmt: skip
    assert all(e["message"] for e in errors)
    assert find_organisme_id_by_finess("310000019") is None


def test_youth_without_dossier_in_dispositif_and_wrong_cadre():
    doc = rich()
    doc["evenements"][0]["jeunes"] = [{"ref": "inconnu", "presence": "present"}]
    doc["evenements"][1]["cadre"] = "direct"
    errors = errors_of(doc, create_organisme=True)
    assert {e["chemin"] for e in errors} == {"evenements[0].jeunes[0].ref", "evenements[1].cadre"}


def test_service_refusal_rolls_back_everything():
    organisme_id = import_document(rich(), create_organisme=True).organisme.pk
    before = state(organisme_id)
    doc = rich()
    doc["evenements"][0]["titre"] = "Modifié"
    # Discreet nature made visible only in the write phase: the service refuses, nothing is kept.
    doc["evenements"][1]["visible_famille"] = True
    errors = errors_of(doc)
    assert errors[0]["chemin"].startswith("evenements[1]")
    assert state(organisme_id) == before
