"""Exchange-format section ``jeunes``: identity, dossier, parcours periods and situations complexes; all or nothing,
idempotent on ``ref``, every faulty value reported with its JSON path."""

import copy
import datetime
import json
from pathlib import Path

import pytest
from django.urls import reverse

from core.echange import EchangeInvalide, import_document
from core.enums import AuditAction
from core.models import AuditEntry
from core.services.organisation import find_organisme_id_by_finess
from core.tenancy import tenant_context
from dossiers.enums import StatutParcours
from dossiers.models import Dossier, Jeune, Parcours, SituationComplexe
from dossiers.services import parcours as parcours_svc
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date
DATA = Path(__file__).resolve().parent.parent / "data" / "echange"


def exemple() -> dict:
    return json.loads((DATA / "exemple.json").read_text(encoding="utf-8"))


def with_jeunes() -> dict:
    """The spec example without its events (the agenda section comes with the Agendas issue)."""
    doc = exemple()
    del doc["evenements"]
    return doc


def errors_of(doc, **kwargs) -> list[dict]:
    with pytest.raises(EchangeInvalide) as exc_info:
        import_document(doc, **kwargs)
    return exc_info.value.errors


def paths(doc, **kwargs) -> list[str]:
    return [e["chemin"] for e in errors_of(doc, **kwargs)]


def state(organisme_id) -> dict:
    with tenant_context(organisme_id):
        return {
            "jeunes": sorted(Jeune.objects.values_list("ref", "nom_naissance", "prenom", "date_naissance")),
            "dossiers": sorted(Dossier.objects.values_list("jeune__ref", "dispositif__finess", "statut")),
            "parcours": sorted(
                Parcours.objects.values_list("dossier__jeune__ref", "statut", "debut", "fin", "motif_sortie", "issue")
            ),
            "situations": sorted(SituationComplexe.objects.values_list("dossier__jeune__ref", "debut", "fin")),
            "audit": AuditEntry.objects.exclude(action=AuditAction.IMPORT).count(),
        }


def test_spec_example_imports_its_youth_with_parcours_and_situation():
    result = import_document(with_jeunes(), create_organisme=True)
    organisme_id = result.organisme.pk
    assert result.counts["jeunes"]["crees"] == 1
    assert result.counts["dossiers"]["crees"] == 1
    assert result.counts["parcours"]["crees"] == 1
    assert result.counts["situations_complexes"]["crees"] == 1
    with tenant_context(organisme_id):
        jeune = Jeune.objects.get(ref="j1")
        assert (jeune.nom_naissance, jeune.prenom, jeune.date_naissance, jeune.sexe) == (
            "Durand", "Léo", D(2013, 5, 2), "M",
        )  # fmt: skip
        assert jeune.nom_recherche == "leo durand"
        dossier = jeune.dossiers.get()
        assert dossier.dispositif.finess == "310000027"
        assert dossier.statut == StatutParcours.SUIVI_POST_SORTIE
        assert list(dossier.parcours.values_list("statut", "debut", "fin", "issue", "motif_sortie")) == [
            ("pre_admission", D(2025, 9, 1), D(2025, 9, 30), "admis", ""),
            ("accompagne", D(2025, 10, 1), D(2026, 2, 13), "", "retour_milieu_ordinaire"),
            ("suivi_post_sortie", D(2026, 2, 14), None, "", ""),
        ]
        situation = dossier.situations_complexes.get()
        assert (situation.debut, situation.fin) == (D(2026, 1, 5), D(2026, 3, 1))
        assert "motif non renseigné" in situation.motif
        # Written through the services: one audit row per write, plus the import summary.
        assert AuditEntry.objects.filter(record_type="dossiers.jeune", action=AuditAction.CREATE).count() == 1
        assert AuditEntry.objects.filter(record_type="dossiers.dossier", details__etape="reprise_parcours").exists()
    assert "jeunes : 1 créé(s)" in result.summary()


def test_example_with_events_imports_its_youth_and_events():
    result = import_document(exemple(), create_organisme=True)
    assert result.counts["jeunes"]["crees"] == 1
    assert result.counts["evenements"]["crees"] == 1


def test_reimport_changes_nothing_and_never_duplicates():
    organisme_id = import_document(with_jeunes(), create_organisme=True).organisme.pk
    before = state(organisme_id)
    result = import_document(with_jeunes())
    assert dict(result.counts["jeunes"]) == {"inchanges": 1}
    assert dict(result.counts["dossiers"]) == {"inchanges": 1}
    assert dict(result.counts["parcours"]) == {"inchanges": 1}
    assert dict(result.counts["situations_complexes"]) == {"inchanges": 1}
    assert state(organisme_id) == before


def test_reimport_updates_identity_and_replaces_periods_that_differ():
    organisme_id = import_document(with_jeunes(), create_organisme=True).organisme.pk
    doc = with_jeunes()
    jeune = doc["jeunes"][0]
    jeune["prenom"] = "Léon"
    jeune["parcours"][2]["fin"] = "2026-06-30"
    jeune["situations_complexes"][0]["motif"] = "Déscolarisation et ruptures de placement."
    result = import_document(doc)
    assert dict(result.counts["jeunes"]) == {"modifies": 1}
    assert dict(result.counts["parcours"]) == {"modifies": 1}
    assert dict(result.counts["situations_complexes"]) == {"modifies": 1}
    after = state(organisme_id)
    assert [j[2] for j in after["jeunes"]] == ["Léon"]
    assert len(after["parcours"]) == 3 and after["parcours"][2][3] == D(2026, 6, 30)
    assert after["dossiers"] == [("j1", "310000027", "")]  # every period closed: no current statut
    assert len(after["situations"]) == 1
    # A third run with the same document changes nothing.
    assert dict(import_document(doc).counts["parcours"]) == {"inchanges": 1}
    assert state(organisme_id) == after


def test_overlapping_periods_are_rejected_with_the_path_of_the_faulty_field():
    doc = with_jeunes()
    doc["jeunes"][0]["parcours"][2]["debut"] = "2026-02-01"  # inside the accompaniment
    errors = errors_of(doc, create_organisme=True)
    assert [e["chemin"] for e in errors] == ["jeunes[0].parcours[2].debut"]
    assert "chevauche" in errors[0]["message"]
    assert find_organisme_id_by_finess("310000019") is None  # nothing written


def test_open_period_before_another_overlaps():
    doc = with_jeunes()
    del doc["jeunes"][0]["parcours"][0]["fin"]
    assert paths(doc, create_organisme=True) == ["jeunes[0].parcours[1].debut"]


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        ({"fin": "2025-08-01"}, "jeunes[0].parcours[0].fin", "précéder"),
        ({"statut": "hospitalise"}, "jeunes[0].parcours[0].statut", "Statut inconnu"),
        ({"debut": "01/09/2025"}, "jeunes[0].parcours[0].debut", "AAAA-MM-JJ"),
        ({"origine": "telephone"}, "jeunes[0].parcours[0].origine", "Valeur inconnue"),
        ({"motif_sortie": "autre"}, "jeunes[0].parcours[0].motif_sortie", "Seule une période"),
        ({"couleur": "bleu"}, "jeunes[0].parcours[0].couleur", "Champ inconnu"),
    ],
)
def test_invalid_period_values_are_reported_with_their_path(change, path, words):
    doc = with_jeunes()
    doc["jeunes"][0]["parcours"][0].update(change)
    errors = errors_of(doc, create_organisme=True)
    assert [e["chemin"] for e in errors] == [path]
    assert words in errors[0]["message"]


def test_unknown_legacy_exit_motif_is_rejected_not_mapped():
    doc = with_jeunes()
    doc["jeunes"][0]["parcours"][1]["motif_sortie"] = "fin_de_prise_en_charge"
    errors = errors_of(doc, create_organisme=True)
    assert [e["chemin"] for e in errors] == ["jeunes[0].parcours[1].motif_sortie"]
    assert "retour_milieu_ordinaire" in errors[0]["message"]


def test_closed_accompaniment_needs_an_exit_motif():
    doc = with_jeunes()
    del doc["jeunes"][0]["parcours"][1]["motif_sortie"]
    assert paths(doc, create_organisme=True) == ["jeunes[0].parcours[1].motif_sortie"]


def test_identity_and_references_are_checked():
    doc = with_jeunes()
    jeune = doc["jeunes"][0]
    jeune.update(
        sexe="X", date_naissance="2013-02-30", dispositif="310000999", referent="p404",
        deficiences_associees=["psychique", "lunaire"], mesure_ase="oui", parcours=[],
    )  # fmt: skip
    del jeune["prenom"]
    doc["jeunes"].append(copy.deepcopy(doc["jeunes"][0]) | {"prenom": "Zoé"})
    assert sorted(set(paths(doc, create_organisme=True))) == sorted(
        {
            "jeunes[0].prenom",
            "jeunes[0].date_naissance",
            "jeunes[0].sexe",
            "jeunes[0].deficiences_associees[1]",
            "jeunes[0].mesure_ase",
            "jeunes[0].dispositif",
            "jeunes[0].referent",
            "jeunes[0].parcours",
            "jeunes[1].ref",
            "jeunes[1].date_naissance",
            "jeunes[1].sexe",
            "jeunes[1].deficiences_associees[1]",
            "jeunes[1].mesure_ase",
            "jeunes[1].dispositif",
            "jeunes[1].referent",
            "jeunes[1].parcours",
        }
    )


def test_dossier_fields_referent_site_and_modalites():
    doc = with_jeunes()
    jeune = doc["jeunes"][0]
    jeune["parcours"] = [{"statut": "accompagne", "debut": "2024-09-02"}]
    del jeune["situations_complexes"]
    jeune.update(
        referent="p1", site="310000035", modalites=["internat", "accueil_de_jour"], deficience_principale="psychique",
        deficiences_associees=["comportement"], mesure_ase=True, mesure_ase_type="Placement ASE",
    )  # fmt: skip
    organisme_id = import_document(doc, create_organisme=True).organisme.pk
    with tenant_context(organisme_id):
        dossier = Dossier.objects.select_related("referent", "site", "jeune").get()
        assert dossier.referent.email == "lucie.martin@example.org"
        assert dossier.site.finess == "310000035"
        assert dossier.modalites == ["internat", "accueil_de_jour"]
        assert dossier.statut == StatutParcours.ACCOMPAGNE
        assert dossier.jeune.deficiences_associees == ["comportement"] and dossier.jeune.mesure_ase
    assert dict(import_document(doc).counts["dossiers"]) == {"inchanges": 1}

    jeune["modalites"] = ["ambulatoire"]
    assert dict(import_document(doc).counts["dossiers"]) == {"modifies": 1}


def test_site_of_another_dispositif_and_modalites_without_open_accompaniment():
    doc = with_jeunes()
    doc["jeunes"][0].update(site="310000043", modalites=["internat"])
    assert paths(doc, create_organisme=True) == ["jeunes[0].site", "jeunes[0].modalites"]


def test_one_invalid_youth_rejects_the_whole_document():
    doc = with_jeunes()
    second = copy.deepcopy(doc["jeunes"][0]) | {"ref": "j2", "prenom": "Zoé", "sexe": "F"}
    second["parcours"][1]["fin"] = "2025-09-01"
    doc["jeunes"].append(second)
    assert paths(doc, create_organisme=True) == ["jeunes[1].parcours[1].fin"]
    assert find_organisme_id_by_finess("310000019") is None


def test_archive_and_archived_dossier_is_read_only():
    doc = with_jeunes()
    doc["jeunes"][0]["parcours"][2]["fin"] = "2026-06-30"
    doc["jeunes"][0]["archive"] = True
    organisme_id = import_document(doc, create_organisme=True).organisme.pk
    with tenant_context(organisme_id):
        assert Dossier.objects.get().is_archived
    assert dict(import_document(doc).counts["dossiers"]) == {"inchanges": 1}
    before = state(organisme_id)

    doc["jeunes"][0]["parcours"][2]["fin"] = "2026-07-31"
    errors = errors_of(doc)
    assert errors == [{"chemin": "jeunes[0].parcours", "message": "Ce dossier est archivé : il est en lecture seule."}]
    assert state(organisme_id) == before  # all or nothing, even when a service refuses at write time

    doc["jeunes"][0]["archive"] = False
    assert "jeunes[0].archive" in paths(doc)


def test_archive_needs_closed_periods():
    doc = with_jeunes()
    doc["jeunes"][0]["archive"] = True
    assert paths(doc, create_organisme=True) == ["jeunes[0].archive"]


def test_import_takes_over_a_dossier_created_in_the_application(world):
    """A youth created by the team (no ref) and one imported with the ref of an existing youth."""
    with tenant_context(world.organisme.pk):
        jeune = factories.JeuneFactory(organisme=world.organisme, ref="j1")
    dossier = factories.dossier_en_pre_admission(world.dispositif, jeune=jeune, debut=D(2025, 9, 1))
    doc = with_jeunes()
    doc["organisme"]["finess_juridique"] = world.organisme.finess_juridique
    doc["dispositifs"][0]["finess"] = world.dispositif.finess
    doc["professionnels"][0]["dispositif"] = world.dispositif.finess
    doc["jeunes"][0]["dispositif"] = world.dispositif.finess
    result = import_document(doc, expected_organisme_id=world.organisme.pk, actor=world.direction)
    assert dict(result.counts["dossiers"]) == {"modifies": 1}
    with tenant_context(world.organisme.pk):
        dossier.refresh_from_db()
        assert dossier.parcours.count() == 3
        assert dossier.statut == StatutParcours.SUIVI_POST_SORTIE
        assert Jeune.objects.get().prenom == "Léo"

    doc["jeunes"][0]["dispositif"] = world.autre_dispositif.finess
    assert paths(doc, expected_organisme_id=world.organisme.pk) == ["jeunes[0].dispositif"]


def test_import_api_accepts_jeunes_for_the_direction(client, world, login_as):
    doc = with_jeunes()
    doc["organisme"]["finess_juridique"] = world.organisme.finess_juridique
    login_as(world.direction)
    response = client.post(reverse("import_echange"), doc, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["comptes"]["jeunes"] == {"crees": 1}
    doc["jeunes"][0]["parcours"][2]["debut"] = "2026-02-13"
    response = client.post(reverse("import_echange"), doc, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["erreurs"][0]["chemin"] == "jeunes[0].parcours[2].debut"
    with tenant_context(world.organisme.pk):
        assert AuditEntry.objects.filter(actor=world.direction, record_type="dossiers.jeune").count() == 1


def test_services_and_import_agree_on_period_rules(world, tenant_a):
    """An imported parcours can go on with the lifecycle services."""
    doc = with_jeunes()
    doc["organisme"]["finess_juridique"] = world.organisme.finess_juridique
    doc["jeunes"][0]["parcours"] = [{"statut": "pre_admission", "debut": "2025-09-01", "origine": "viatrajectoire"}]
    import_document(doc, expected_organisme_id=world.organisme.pk)
    dossier = Dossier.objects.get(jeune__ref="j1")
    parcours_svc.dossier_admit(
        dossier=dossier, date_admission=D(2025, 10, 6), modalites=["ambulatoire"], actor=world.educateur
    )
    dossier.refresh_from_db()
    assert dossier.statut == StatutParcours.ACCOMPAGNE
