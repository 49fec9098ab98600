"""Import of the exchange format v1: the spec's example, idempotence, every error with its path, all or nothing,
the management command and the API endpoint with its personas."""

import datetime
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.echange import EchangeInvalide, ImportContext, import_document
from core.enums import AccountKind, AuditAction, Metier
from core.models import Affectation, AuditEntry, Dispositif, DispositifAnnee, Site, User
from core.services.organisation import find_organisme_id_by_finess
from core.tenancy import tenant_context
from dossiers.models import Partenaire
from tests import factories

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data" / "echange"
EXEMPLE = DATA / "exemple.json"
STRUCTURE = DATA / "structure.json"


def exemple() -> dict:
    """The example document of format-echange-v1.md, verbatim (with its jeunes and evenements)."""
    return json.loads(EXEMPLE.read_text(encoding="utf-8"))


def structure() -> dict:
    """The example without the sections whose handlers come with later issues (jeunes, evenements)."""
    doc = exemple()
    del doc["jeunes"], doc["evenements"]
    return doc


def row_counts(organisme_id) -> dict:
    with tenant_context(organisme_id):
        return {
            model.__name__: model.objects.count()
            for model in (Dispositif, DispositifAnnee, Site, User, Affectation, Partenaire)
        }


def errors_of(doc, **kwargs) -> list[dict]:
    with pytest.raises(EchangeInvalide) as exc_info:
        import_document(doc, **kwargs)
    return exc_info.value.errors


def test_structure_file_is_the_example_without_pending_sections():
    assert json.loads(STRUCTURE.read_text(encoding="utf-8")) == structure()


def test_example_with_its_youth_and_events_imports_fully():
    # ``jeunes`` is imported by the dossiers app, ``evenements`` by the agendas app (tests/agendas/test_import.py).
    result = import_document(exemple(), create_organisme=True)
    assert result.counts["jeunes"]["crees"] == 1
    assert result.counts["evenements"]["crees"] == 1


def test_empty_pending_sections_are_accepted():
    doc = structure() | {"jeunes": [], "evenements": [], "natures": []}
    result = import_document(doc, create_organisme=True)
    assert result.counts["dispositifs"]["crees"] == 1


def test_example_imports(mailoutbox):
    result = import_document(structure(), create_organisme=True)

    organisme = result.organisme
    assert organisme.nom == "Association Exemple"
    assert organisme.pk == find_organisme_id_by_finess("310000019")
    assert {name: dict(c) for name, c in result.counts.items()} == {
        "organisme": {"crees": 1},
        "dispositifs": {"crees": 1},
        "parametres_annuels": {"crees": 1},
        "sites": {"crees": 1},
        "professionnels": {"crees": 1},
        "affectations": {"crees": 1},
        "partenaires": {"crees": 1},
        "natures": {"crees": 13},  # the default natures of the new dispositif (agendas app)
    }
    with tenant_context(organisme.pk):
        dispositif = Dispositif.objects.get()
        assert (dispositif.finess, dispositif.nom) == ("310000027", "DITEP Les Pins")
        # No events in the document: the yearly parameters apply to the current year.
        annee = DispositifAnnee.objects.get()
        assert annee.annee == timezone.localdate().year
        assert (annee.places_internat, annee.places_accueil_de_jour, annee.places_ambulatoire) == (12, 24, 40)
        assert annee.jours_ouverture == 210
        site = Site.objects.get()
        assert (site.finess, site.dispositif, site.modalites) == (
            "310000035",
            dispositif,
            ["internat", "accueil_de_jour"],
        )
        user = User.objects.get()
        assert (user.ref, user.kind, user.email) == ("p1", AccountKind.PROFESSIONNEL, "lucie.martin@example.org")
        assert (user.first_name, user.last_name) == ("Lucie", "Martin")
        assert not user.has_usable_password()
        affectation = Affectation.objects.get()
        assert (affectation.user, affectation.dispositif, affectation.metier) == (user, dispositif, Metier.EDUCATEUR)
        partenaire = Partenaire.objects.get()
        assert (partenaire.ref, partenaire.nom, partenaire.type) == (
            "ecole-jaures",
            "École Jean Jaurès",
            "education_nationale",
        )
        audit = AuditEntry.objects.get(action=AuditAction.IMPORT)
        assert audit.details["comptes"]["professionnels"] == {"crees": 1}
    assert mailoutbox == []  # professionals are invited later, never on import


def test_reimport_is_idempotent():
    first = import_document(structure(), create_organisme=True)
    before = row_counts(first.organisme.pk)
    with tenant_context(first.organisme.pk):
        audit_before = AuditEntry.objects.count()

    second = import_document(structure(), create_organisme=True)

    assert second.organisme.pk == first.organisme.pk
    assert row_counts(first.organisme.pk) == before
    assert all(set(counter) == {"inchanges"} for counter in second.counts.values())
    with tenant_context(first.organisme.pk):
        # Nothing changed: only the import's own summary row is added to the journal.
        assert AuditEntry.objects.count() == audit_before + 1


def test_reimport_updates_what_changed():
    first = import_document(structure(), create_organisme=True)
    doc = structure()
    doc["organisme"]["nom"] = "Association Exemple (renommée)"
    doc["dispositifs"][0]["nom"] = "DITEP Les Grands Pins"
    doc["dispositifs"][0]["places"]["internat"] = 10
    doc["dispositifs"][0]["sites"][0]["modalites"] = ["internat"]
    doc["professionnels"][0]["email"] = "l.martin@example.org"
    doc["partenaires"][0]["type"] = "autre"

    second = import_document(doc)

    counts = {name: dict(c) for name, c in second.counts.items()}
    assert counts["organisme"] == {"modifies": 1}
    assert counts["dispositifs"] == {"modifies": 1}
    assert counts["parametres_annuels"] == {"modifies": 1}
    assert counts["sites"] == {"modifies": 1}
    assert counts["professionnels"] == {"modifies": 1}
    assert counts["affectations"] == {"inchanges": 1}
    assert counts["partenaires"] == {"modifies": 1}
    assert row_counts(first.organisme.pk) == {
        "Dispositif": 1,
        "DispositifAnnee": 1,
        "Site": 1,
        "User": 1,
        "Affectation": 1,
        "Partenaire": 1,
    }
    with tenant_context(first.organisme.pk):
        assert User.objects.get().email == "l.martin@example.org"
        assert DispositifAnnee.objects.get().places_internat == 10
        assert Site.objects.get().modalites == ["internat"]


def test_new_metier_ends_the_previous_affectation_and_keeps_its_history():
    first = import_document(structure(), create_organisme=True)
    last_month = timezone.localdate() - datetime.timedelta(days=30)
    with tenant_context(first.organisme.pk):
        Affectation.objects.update(debut=last_month)
    doc = structure()
    doc["professionnels"][0]["metier"] = "coordinateur_parcours"

    result = import_document(doc)

    assert dict(result.counts["affectations"]) == {"modifies": 1}
    with tenant_context(first.organisme.pk):
        old, new = Affectation.objects.order_by("debut")
        assert (old.metier, old.fin) == (Metier.EDUCATEUR, timezone.localdate() - datetime.timedelta(days=1))
        assert (new.metier, new.debut, new.fin) == (Metier.COORDINATEUR_PARCOURS, timezone.localdate(), None)


def test_invalid_document_reports_every_error_with_its_path_and_writes_nothing():
    doc = structure()
    doc["version"] = 2
    doc["organisme"]["finess_juridique"] = "31000001X"
    doc["dispositifs"][0]["places"]["internat"] = -1
    doc["dispositifs"][0]["jours_ouverture"] = 400
    doc["dispositifs"][0]["sites"][0]["modalites"] = ["internat", "sessad"]
    doc["dispositifs"].append({"finess": "310000027", "nom": ""})
    doc["professionnels"] += [
        {"ref": "p2", "nom": "Bernard", "prenom": "Paul", "email": "paul.bernard@example.org", "metier": "cuisinier",
         "dispositif": "310000027"},
        {"ref": "p1", "nom": "Petit", "prenom": "Anne", "email": "pas-une-adresse", "metier": "educateur",
         "dispositif": "999999999"},
    ]  # fmt: skip
    doc["partenaires"][0]["type"] = "mairie"
    doc["professionels"] = []

    errors = errors_of(doc, create_organisme=True)

    assert sorted(e["chemin"] for e in errors) == sorted(
        [
            "version",
            "professionels",
            "organisme.finess_juridique",
            "dispositifs[0].places.internat",
            "dispositifs[0].jours_ouverture",
            "dispositifs[0].sites[0].modalites[1]",
            "dispositifs[1].finess",
            "dispositifs[1].nom",
            "professionnels[1].metier",
            "professionnels[2].ref",
            "professionnels[2].email",
            "professionnels[2].dispositif",
            "partenaires[0].type",
        ]
    )
    messages = {e["chemin"]: e["message"] for e in errors}
    assert "Métier inconnu(e) « cuisinier »" in messages["professionnels[1].metier"]
    assert "en double" in messages["professionnels[2].ref"]
    assert "en double" in messages["dispositifs[1].finess"]
    assert "FINESS invalide" in messages["organisme.finess_juridique"]
    assert "Section inconnue" in messages["professionels"]
    assert find_organisme_id_by_finess("310000019") is None


def test_every_error_of_a_valid_organisme_is_reported_and_nothing_is_written(world):
    import_document(structure(), create_organisme=True)
    organisme_id = find_organisme_id_by_finess("310000019")
    before = row_counts(organisme_id)
    doc = structure()
    doc["dispositifs"][0]["nom"] = "Nouveau nom"  # valid change, must not be written
    doc["professionnels"].append(
        {"ref": "p9", "nom": "Autre", "prenom": "Zoé", "email": "EDUC@b.org", "metier": "educateur",
         "dispositif": "310000027", "telephone": "0600000000"}
    )  # fmt: skip
    doc["partenaires"].append({"ref": "ecole-jaures", "nom": "Doublon", "type": "sanitaire"})

    errors = errors_of(doc)

    assert {e["chemin"]: e["message"] for e in errors} == {
        # Another organisme's account: the message does not say which organisme.
        "professionnels[1].email": "Cette adresse électronique est déjà utilisée par un autre compte.",
        "professionnels[1].telephone": (
            "Champ inconnu « telephone ». Champs possibles : dispositif, email, metier, nom, prenom, ref."
        ),
        "partenaires[1].ref": (
            "Référence de partenaire « ecole-jaures » en double : déjà utilisé(e) en partenaires[0].ref."
        ),
    }
    assert row_counts(organisme_id) == before
    with tenant_context(organisme_id):
        assert Dispositif.objects.get().nom == "DITEP Les Pins"


def test_structure_errors_are_reported():
    errors = errors_of([1, 2])
    assert errors == [{"chemin": "", "message": "Le document doit être un objet JSON."}]
    errors = errors_of(
        {"format": "autre", "version": True, "dispositifs": {"finess": "310000027"}, "partenaires": [3]}
    )
    assert {e["chemin"] for e in errors} == {"format", "version", "organisme", "dispositifs", "partenaires[0]"}


def test_unknown_organisme_is_an_error_unless_creation_is_allowed():
    errors = errors_of(structure())
    assert errors == [
        {"chemin": "organisme.finess_juridique", "message": "Aucun organisme n'a le FINESS juridique « 310000019 »."}
    ]


def test_professional_may_reference_an_existing_dispositif(world):
    doc = {
        "format": "ditep-echange",
        "version": 1,
        "organisme": {"nom": world.organisme.nom, "finess_juridique": world.organisme.finess_juridique},
        "professionnels": [
            {"ref": "x1", "nom": "Roux", "prenom": "Inès", "email": "ines.roux@a.org", "metier": "infirmier",
             "dispositif": world.autre_dispositif.finess},
        ],
    }  # fmt: skip
    result = import_document(doc)
    assert dict(result.counts["affectations"]) == {"crees": 1}
    with tenant_context(world.organisme.pk):
        assert Affectation.objects.get(user__ref="x1").dispositif == world.autre_dispositif


def test_date_helpers_require_iso_dates_and_offsets():
    ctx = ImportContext(document={})
    item = {"debut": "2026-01-05T09:00:00", "fin": "2026-01-05T11:30:00+01:00", "jour": "05/01/2026"}
    assert ctx.iso_datetime(item, "debut", "evenements[0]") is None
    assert ctx.iso_datetime(item, "fin", "evenements[0]").utcoffset() == datetime.timedelta(hours=1)
    assert ctx.iso_date(item, "jour", "jeunes[0]") is None
    assert [e["chemin"] for e in ctx.errors] == ["evenements[0].debut", "jeunes[0].jour"]
    assert "sans décalage horaire" in ctx.errors[0]["message"]


def test_yearly_parameters_follow_the_years_of_the_events():
    from core.echange.context import document_years

    doc = {"evenements": [{"debut": "2024-12-31T20:00:00+01:00", "fin": "2025-01-01T08:00:00+01:00"},
                          {"debut": "2026-03-01T09:00:00+01:00", "fin": "bad"}]}  # fmt: skip
    assert document_years(doc) == [2024, 2025, 2026]
    assert document_years({}) == [timezone.localdate().year]


# --- management command ----------------------------------------------------------------------------------------


def test_command_imports_and_prints_a_summary(tmp_path):
    out = StringIO()
    call_command("import_echange", str(STRUCTURE), stdout=out)
    text = out.getvalue()
    assert "Import réussi pour l'organisme « Association Exemple »" in text
    assert "- professionnels : 1 créé(s), 0 modifié(s), 0 inchangé(s)" in text
    organisme_id = find_organisme_id_by_finess("310000019")
    assert row_counts(organisme_id)["Site"] == 1


def test_command_exits_1_with_every_error_on_stderr(tmp_path):
    path = tmp_path / "doc.json"
    doc = exemple()
    doc["evenements"][0]["fin"] = doc["evenements"][0]["debut"]
    path.write_text(json.dumps(doc), encoding="utf-8")
    err = StringIO()
    with pytest.raises(SystemExit) as exc_info:
        call_command("import_echange", str(path), stderr=err)
    assert exc_info.value.code == 1
    lines = err.getvalue().splitlines()
    assert lines[0] == "Import refusé, rien n'a été écrit (1 erreur(s)) :"
    assert lines[1] == "evenements[0].fin: La fin doit être postérieure au début."
    assert find_organisme_id_by_finess("310000019") is None


@pytest.mark.parametrize("content", ["{pas du json", None])
def test_command_exits_1_on_unreadable_file(tmp_path, content):
    path = tmp_path / "doc.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    err = StringIO()
    with pytest.raises(SystemExit) as exc_info:
        call_command("import_echange", str(path), stderr=err)
    assert exc_info.value.code == 1
    assert "(document): " in err.getvalue()


# --- API --------------------------------------------------------------------------------------------------------

URL = "/api/v1/import/"


def document_for(organisme) -> dict:
    doc = structure()
    doc["organisme"] = {"nom": organisme.nom, "finess_juridique": organisme.finess_juridique}
    return doc


def post(client, doc):
    return client.post(URL, data=json.dumps(doc), content_type="application/json")


def test_url_is_registered():
    assert reverse("import_echange") == URL


@pytest.mark.parametrize("persona", ["admin", "direction"])
def test_admin_and_direction_import_into_their_organisme(world, login_as, persona):
    response = post(login_as(getattr(world, persona)), document_for(world.organisme))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["organisme"]["id"] == world.organisme.pk
    assert body["comptes"]["professionnels"] == {"crees": 1}
    assert body["resume"].startswith("Import réussi")
    with tenant_context(world.organisme.pk):
        audit = AuditEntry.objects.get(action=AuditAction.IMPORT)
        assert audit.actor == getattr(world, persona)
        assert Site.objects.filter(finess="310000035").exists()


def test_invalid_document_gives_400_with_every_error(world, login_as):
    client = login_as(world.admin)
    doc = document_for(world.organisme)
    doc["professionnels"][0]["metier"] = "cuisinier"
    doc["partenaires"][0]["type"] = "mairie"
    before = row_counts(world.organisme.pk)
    response = post(client, doc)
    assert response.status_code == 400
    assert [e["chemin"] for e in response.json()["erreurs"]] == ["professionnels[0].metier", "partenaires[0].type"]
    assert row_counts(world.organisme.pk) == before


def test_document_of_another_organisme_is_forbidden(world, login_as):
    client = login_as(world.admin)
    before = row_counts(world.organisme_b.pk)
    response = post(client, document_for(world.organisme_b))
    assert response.status_code == 403
    assert response.json()["erreurs"][0]["chemin"] == "organisme.finess_juridique"
    assert row_counts(world.organisme_b.pk) == before
    # An unknown FINESS is refused the same way (no organisme is created through the API).
    doc = structure()
    response = post(client, doc)
    assert response.status_code == 403
    assert find_organisme_id_by_finess("310000019") is None


def test_educateur_gets_403(world, login_as):
    response = post(login_as(world.educateur), document_for(world.organisme))
    assert response.status_code == 403
    assert row_counts(world.organisme.pk)["Site"] == 1


@pytest.mark.parametrize("persona", ["proche", "jeune"])
def test_family_and_youth_accounts_get_404(world, login_as, persona):
    response = post(login_as(getattr(world, persona)), document_for(world.organisme))
    assert response.status_code == 404


def test_anonymous_is_refused(client, world):
    assert post(client, document_for(world.organisme)).status_code in (401, 403)


def test_direction_without_verified_totp_is_refused(client, world):
    with tenant_context(world.organisme.pk):
        client.force_login(world.direction)
    response = post(client, document_for(world.organisme))
    assert response.status_code == 403
    assert "second facteur" in response.json()["detail"]


def test_other_organisme_member_cannot_import_into_a(world, login_as):
    factories.professionnel(world.dispositif_b, Metier.ADMIN_ORGANISME, email="admin@b.org")
    with tenant_context(world.organisme_b.pk):
        admin_b = User.objects.get(email="admin@b.org")
    response = post(login_as(admin_b), document_for(world.organisme))
    assert response.status_code == 403
    assert row_counts(world.organisme.pk)["Site"] == 1
