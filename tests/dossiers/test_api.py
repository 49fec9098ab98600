"""The dossiers API with personas: writer, read-only colleague (403 on writes), other organisme (404), family and
youth accounts (404), admin_organisme (no clinical data), restricted dossiers and confidentiel soin documents;
lifecycle actions through the services; audited reads; constant query counts from 1 to 50 rows."""

import datetime

import pytest
from django.urls import reverse

from core.enums import AuditAction
from core.models import AuditEntry
from core.tenancy import tenant_context
from dossiers.models import Dossier, Jeune, Proche
from dossiers.services.documents import document_create
from dossiers.services.famille import proche_save
from dossiers.services.parcours import dossier_update
from tests import factories
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db
D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

LISTS = ["jeune-list", "dossier-list", "parcours-list", "proche-list", "document-list", "partenaire-list"]


def _ids(response):
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


@pytest.fixture
def dossiers(world):
    """One dossier per situation: accompanied in A1, in A2 (other dispositif), restricted in A1, in organisme B."""
    a1 = factories.dossier_accompagne(world.dispositif)
    a2 = factories.dossier_accompagne(world.autre_dispositif)
    restreint = factories.dossier_en_pre_admission(world.dispositif)
    with tenant_context(world.organisme.pk):
        dossier_update(dossier=restreint, est_restreint=True, actor=world.direction)
    b = factories.dossier_accompagne(world.dispositif_b)
    return {"a1": a1, "a2": a2, "restreint": restreint, "b": b}


def add_proche(dossier, **kwargs):
    with tenant_context(dossier.organisme_id):
        return proche_save(
            proche=Proche(organisme_id=dossier.organisme_id, jeune=dossier.jeune, nom="Durand", lien="MTH", **kwargs),
            actor=None,
        )


def add_document(dossier, author, visibilite="equipe"):
    with tenant_context(dossier.organisme_id):
        return document_create(
            dossier=dossier, content=PDF, nom_fichier="bilan.pdf", type="bilan", titre="Bilan", actor=author,
            visibilite=visibilite,
        )  # fmt: skip


# --- scope of the lists ------------------------------------------------------------------------------------------


def test_educateur_lists_the_dossiers_of_their_dispositif_without_restricted_ones(client, world, login_as, dossiers):
    login_as(world.educateur)
    assert _ids(client.get(reverse("dossier-list"))) == [dossiers["a1"].pk]
    assert _ids(client.get(reverse("jeune-list"))) == [dossiers["a1"].jeune_id]
    assert client.get(reverse("dossier-detail", args=[dossiers["restreint"].pk])).status_code == 403
    assert client.get(reverse("dossier-detail", args=[dossiers["a2"].pk])).status_code == 403
    assert client.get(reverse("dossier-detail", args=[dossiers["b"].pk])).status_code == 404
    assert client.get(reverse("jeune-detail", args=[dossiers["restreint"].jeune_id])).status_code == 403
    assert client.get(reverse("jeune-detail", args=[dossiers["b"].jeune_id])).status_code == 404


def test_direction_sees_every_dispositif_and_restricted_dossiers(client, world, login_as, dossiers):
    login_as(world.direction)
    expected = sorted(dossiers[k].pk for k in ("a1", "a2", "restreint"))
    assert _ids(client.get(reverse("dossier-list"))) == expected


def test_referent_of_a_restricted_dossier_sees_it(client, world, login_as, dossiers):
    with tenant_context(world.organisme.pk):
        dossier_update(dossier=dossiers["restreint"], referent=world.educateur, actor=world.direction)
    login_as(world.educateur)
    assert _ids(client.get(reverse("dossier-list"))) == sorted([dossiers["a1"].pk, dossiers["restreint"].pk])


def test_admin_organisme_sees_no_clinical_data(client, world, login_as, dossiers):
    add_proche(dossiers["a1"])
    add_document(dossiers["a1"], world.educateur)
    login_as(world.admin)
    for name in ("jeune-list", "dossier-list", "parcours-list", "proche-list", "document-list"):
        assert _ids(client.get(reverse(name))) == [], name
    assert client.get(reverse("dossier-detail", args=[dossiers["a1"].pk])).status_code == 403
    assert client.get(reverse("jeune-detail", args=[dossiers["a1"].jeune_id])).status_code == 403
    # The partner directory is not clinical.
    factories.PartenaireFactory(organisme=world.organisme)
    assert len(_ids(client.get(reverse("partenaire-list")))) == 1


@pytest.mark.parametrize("persona", ["proche", "jeune"])
@pytest.mark.parametrize("url_name", LISTS)
def test_family_and_youth_accounts_get_404(client, world, login_as, dossiers, persona, url_name):
    login_as(getattr(world, persona))
    assert client.get(reverse(url_name)).status_code == 404
    assert client.get(reverse("dossier-detail", args=[dossiers["a1"].pk])).status_code == 404


def test_other_organisme_gets_404_everywhere(client, world, login_as, dossiers):
    proche = add_proche(dossiers["a1"])
    document = add_document(dossiers["a1"], world.educateur)
    login_as(world.autre_educateur)
    assert _ids(client.get(reverse("dossier-list"))) == [dossiers["b"].pk]
    for name, pk in [
        ("dossier-detail", dossiers["a1"].pk),
        ("jeune-detail", dossiers["a1"].jeune_id),
        ("proche-detail", proche.pk),
        ("document-detail", document.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    url = reverse("dossier-admettre", args=[dossiers["a1"].pk])
    assert client.post(url, {}, content_type="application/json").status_code == 404


def test_filters_dispositif_statut_archives(client, world, login_as, dossiers):
    pre = factories.dossier_en_pre_admission(world.dispositif)
    archived = factories.dossier_en_pre_admission(world.dispositif)
    login_as(world.direction)
    client.post(
        reverse("dossier-cloturer-pre-admission", args=[archived.pk]), {"date": "2025-09-20", "issue": "abandon"},
        content_type="application/json",
    )  # fmt: skip
    assert client.post(reverse("dossier-archiver", args=[archived.pk])).status_code == 200
    url = reverse("dossier-list")
    assert _ids(client.get(url, {"dispositif": world.autre_dispositif.pk})) == [dossiers["a2"].pk]
    assert _ids(client.get(url, {"statut": "pre_admission"})) == sorted([pre.pk, dossiers["restreint"].pk])
    assert _ids(client.get(url, {"archives": "seuls"})) == [archived.pk]
    assert archived.pk in _ids(client.get(url, {"archives": "inclus"}))
    assert archived.pk not in _ids(client.get(url))
    response = client.get(url, {"statut": "inconnu"})
    assert response.status_code == 400 and "statut" in response.json()


# --- detail is audited --------------------------------------------------------------------------------------------


def test_dossier_detail_is_audited(client, world, login_as, dossiers):
    login_as(world.educateur)
    response = client.get(reverse("dossier-detail", args=[dossiers["a1"].pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["statut"] == "accompagne" and body["jeune"]["id"] == dossiers["a1"].jeune_id
    with tenant_context(world.organisme.pk):
        reads = AuditEntry.objects.filter(
            action=AuditAction.READ, record_type="dossiers.dossier", record_id=str(dossiers["a1"].pk)
        )
        assert list(reads.values_list("actor", flat=True)) == [world.educateur.pk]
    client.get(reverse("dossier-list"))
    with tenant_context(world.organisme.pk):
        assert reads.count() == 1  # lists are not per-dossier reads


# --- writes -----------------------------------------------------------------------------------------------------

NEW_JEUNE = {
    "nom_naissance": "Lefèvre", "prenom": "Inès", "date_naissance": "2014-03-12", "sexe": "F",
    "debut": "2026-09-01", "origine": "orientation_mdph", "modalites_demandees": ["ambulatoire"], "priorite": "haute",
}  # fmt: skip


def test_writer_creates_a_youth_in_pre_admission_then_runs_the_lifecycle(client, world, login_as):
    login_as(world.educateur)
    response = client.post(
        reverse("jeune-list"), NEW_JEUNE | {"dispositif": world.dispositif.pk}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    jeune = response.json()
    [dossier] = jeune["dossiers"]
    assert dossier["statut"] == "pre_admission" and dossier["dispositif"] == world.dispositif.pk
    pk = dossier["id"]

    def post(name, data=None):
        return client.post(reverse(name, args=[pk]), data or {}, content_type="application/json")

    response = post("dossier-admettre", {"date_admission": "2026-10-05", "modalites": ["ambulatoire", "internat"]})
    assert response.status_code == 200, response.content
    assert response.json()["statut"] == "accompagne"
    assert response.json()["modalites"] == ["internat", "ambulatoire"]
    response = post("dossier-sortie", {"date_sortie": "2026-11-01", "motif_sortie": "demenagement"})
    assert response.json()["statut"] == "suivi_post_sortie"
    assert post("dossier-fin-suivi", {"date": "2026-11-20"}).json()["statut"] == ""
    assert post("dossier-archiver").json()["archived_at"] is not None
    # Archived: read-only.
    assert post("dossier-ponctuel", {"debut": "2026-12-01"}).status_code == 403
    periods = client.get(reverse("parcours-list"), {"dossier": pk}).json()["results"]
    assert [(p["statut"], p["debut"], p["fin"]) for p in periods] == [
        ("pre_admission", "2026-09-01", "2026-10-04"),
        ("accompagne", "2026-10-05", "2026-11-01"),
        ("suivi_post_sortie", "2026-11-02", "2026-11-20"),
    ]
    with tenant_context(world.organisme.pk):
        steps = list(
            AuditEntry.objects.filter(record_type="dossiers.dossier", record_id=str(pk))
            .order_by("at", "id")
            .values_list("details__etape", flat=True)
        )
        assert steps == ["pre_admission", "admission", "sortie", "fin_suivi", "archivage"]
        assert AuditEntry.objects.filter(record_type="dossiers.jeune", action=AuditAction.CREATE).count() == 1


def test_service_refusals_are_french_400(client, world, login_as, dossiers):
    login_as(world.educateur)
    url = reverse("dossier-admettre", args=[dossiers["a1"].pk])
    response = client.post(url, {"date_admission": "2026-01-05", "modalites": ["internat"]}, "application/json")
    assert response.status_code == 400
    assert "déjà en période « Accompagné »" in str(response.json())
    url = reverse("dossier-sortie", args=[dossiers["a1"].pk])
    response = client.post(url, {"date_sortie": "2025-01-01", "motif_sortie": "autre"}, "application/json")
    assert response.status_code == 400
    assert response.json() == {"date_sortie": ["La sortie ne peut pas précéder l'admission."]}
    response = client.post(url, {"date_sortie": "2026-01-01", "motif_sortie": "inconnu"}, "application/json")
    assert response.status_code == 400 and "motif_sortie" in response.json()


def test_open_pre_admission_for_a_known_youth_in_another_dispositif(client, world, login_as, dossiers):
    login_as(world.direction)
    data = {"jeune": dossiers["a1"].jeune_id, "dispositif": world.autre_dispositif.pk, "debut": "2026-09-01"}
    response = client.post(reverse("dossier-list"), data, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["statut"] == "pre_admission"
    response = client.post(reverse("dossier-list"), data, content_type="application/json")
    assert response.status_code == 400
    assert "déjà un dossier dans ce dispositif" in str(response.json())


def test_writer_cannot_create_in_a_dispositif_they_do_not_work_in(client, world, login_as, dossiers):
    login_as(world.educateur)
    response = client.post(
        reverse("jeune-list"), NEW_JEUNE | {"dispositif": world.autre_dispositif.pk}, content_type="application/json"
    )
    assert response.status_code == 403
    response = client.post(
        reverse("jeune-list"), NEW_JEUNE | {"dispositif": world.dispositif_b.pk}, content_type="application/json"
    )
    assert response.status_code == 400  # another organisme's dispositif does not exist here
    data = {"jeune": dossiers["b"].jeune_id, "dispositif": world.dispositif.pk, "debut": "2026-09-01"}
    assert client.post(reverse("dossier-list"), data, content_type="application/json").status_code == 400
    with tenant_context(world.organisme.pk):
        assert not Jeune.objects.filter(prenom="Inès").exists()


@pytest.mark.parametrize("persona", ["lecteur", "admin"])
def test_read_only_colleague_and_admin_get_403_on_writes(client, world, login_as, dossiers, persona):
    login_as(getattr(world, persona))
    pk = dossiers["a1"].pk
    response = client.post(
        reverse("jeune-list"), NEW_JEUNE | {"dispositif": world.dispositif.pk}, content_type="application/json"
    )
    assert response.status_code == 403
    assert client.post(
        reverse("dossier-sortie", args=[pk]), {"date_sortie": "2026-01-01", "motif_sortie": "autre"},
        content_type="application/json",
    ).status_code == 403  # fmt: skip
    assert client.post(reverse("dossier-archiver", args=[pk])).status_code == 403
    assert client.patch(
        reverse("dossier-detail", args=[pk]), {"priorite": "haute"}, content_type="application/json"
    ).status_code == 403  # fmt: skip
    assert client.patch(
        reverse("jeune-detail", args=[dossiers["a1"].jeune_id]), {"prenom": "X"}, content_type="application/json"
    ).status_code == 403  # fmt: skip
    with tenant_context(world.organisme.pk):
        assert Dossier.objects.get(pk=pk).statut == "accompagne"


def test_patch_dossier_and_jeune(client, world, login_as, dossiers):
    login_as(world.educateur)
    url = reverse("dossier-detail", args=[dossiers["a1"].pk])
    response = client.patch(
        url, {"referent": world.educateur.pk, "priorite": "urgente", "statut": "ponctuel"}, "application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["referent_nom"] == world.educateur.get_full_name()
    assert response.json()["statut"] == "accompagne"  # the statut follows the parcours only
    response = client.patch(url, {"referent": world.autre_educateur.pk}, "application/json")
    assert response.status_code == 400  # a professional of another organisme does not exist here
    response = client.patch(
        reverse("jeune-detail", args=[dossiers["a1"].jeune_id]), {"nom_usage": "Martín"}, "application/json"
    )
    assert response.status_code == 200
    assert response.json()["nom"] == "Martín"
    with tenant_context(world.organisme.pk):
        assert Jeune.objects.get(pk=dossiers["a1"].jeune_id).nom_recherche.endswith("martin")
    response = client.get(reverse("jeune-list"), {"q": "MARTIN"})
    assert _ids(response) == [dossiers["a1"].jeune_id]


# --- proches, documents, partenaires ---------------------------------------------------------------------------


def test_proches_of_readable_youths(client, world, login_as, dossiers):
    visible = add_proche(dossiers["a1"], prenom="Nadia", representant_legal=True)
    add_proche(dossiers["restreint"])
    add_proche(dossiers["b"])
    login_as(world.lecteur)
    rows = client.get(reverse("proche-list")).json()["results"]
    assert [(r["id"], r["role"], r["a_un_compte"]) for r in rows] == [(visible.pk, "GUARD", False)]
    assert _ids(client.get(reverse("proche-list"), {"jeune": dossiers["a2"].jeune_id})) == []


def test_confidential_documents_hidden_from_non_care_metiers_except_their_uploader(client, world, login_as, dossiers):
    equipe = add_document(dossiers["a1"], world.psychologue)
    soin = add_document(dossiers["a1"], world.psychologue, visibilite="confidentiel_soin")
    mine = add_document(dossiers["a1"], world.educateur, visibilite="confidentiel_soin")
    add_document(dossiers["restreint"], world.psychologue)
    login_as(world.educateur)
    assert _ids(client.get(reverse("document-list"))) == sorted([equipe.pk, mine.pk])
    assert client.get(reverse("document-detail", args=[soin.pk])).status_code == 403
    row = client.get(reverse("document-detail", args=[equipe.pk])).json()
    assert row["taille"] == len(PDF) and "fichier" not in row and "sha256" not in row
    client.logout()
    login_as(world.psychologue)
    assert _ids(client.get(reverse("document-list"))) == sorted([equipe.pk, soin.pk, mine.pk])


def test_document_download_link_points_to_the_checked_view(client, world, login_as, dossiers):
    from django.urls import NoReverseMatch

    document = add_document(dossiers["a1"], world.educateur)
    login_as(world.educateur)
    link = client.get(reverse("document-detail", args=[document.pk])).json()["telechargement"]
    try:
        expected = reverse("dossiers:document_download", kwargs={"pk": document.pk})
    except NoReverseMatch:
        assert link is None
    else:
        assert link.endswith(expected)


def test_partenaires_directory(client, world, login_as):
    ecole = factories.PartenaireFactory(organisme=world.organisme, type="education_nationale")
    factories.PartenaireFactory(organisme=world.organisme, type="sanitaire")
    factories.PartenaireFactory(organisme=world.organisme_b)
    login_as(world.lecteur)
    assert len(_ids(client.get(reverse("partenaire-list")))) == 2
    assert _ids(client.get(reverse("partenaire-list"), {"type": "education_nationale"})) == [ecole.pk]
    assert client.post(reverse("partenaire-list"), {"nom": "X"}).status_code == 403  # writes: test_api_ecriture.py


# --- constant query counts ---------------------------------------------------------------------------------------


def _add_dossiers(world, n):
    for _ in range(n):
        dossier = factories.dossier_accompagne(world.dispositif)
        with tenant_context(world.organisme.pk):
            dossier_update(dossier=dossier, referent=world.educateur, site=world.site, actor=None)
        add_proche(dossier)
        add_document(dossier, world.educateur)


@pytest.mark.parametrize("persona", ["educateur", "direction"])
def test_list_query_counts_are_constant_from_1_to_50_rows(client, world, login_as, persona, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login_as(getattr(world, persona))

    def add_rows(n):
        _add_dossiers(world, n)
        for _ in range(n):
            partenaire = factories.PartenaireFactory(organisme=world.organisme)
            with tenant_context(world.organisme.pk):
                partenaire.intervenants.create(organisme=world.organisme, nom="Martin")

    def measure():
        counts = {name: count_queries(lambda name=name: client.get(reverse(name))) for name in LISTS}
        sizes = {name: client.get(reverse(name)).json()["count"] for name in LISTS}
        return counts, sizes

    # Per list: tenant setting, session, user, (TOTP device), access (affectations), restricted-dossier grants
    # (2, not for the direction), count, page, prefetches (readable dossiers of the youths, intervenants).
    add_rows(1)
    few, few_sizes = measure()
    add_rows(49)
    many, many_sizes = measure()
    assert many == few
    assert many_sizes["dossier-list"] == few_sizes["dossier-list"] + 49 == 50
    assert many_sizes["partenaire-list"] == 50


def test_list_rows_for_query_count_are_really_listed(client, world, login_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _add_dossiers(world, 3)
    login_as(world.educateur)
    for name in ("jeune-list", "dossier-list", "proche-list", "document-list"):
        assert len(_ids(client.get(reverse(name)))) == 3, name
    assert len(_ids(client.get(reverse("parcours-list")))) == 6


def test_openapi_schema_lists_the_dossiers_endpoints(client, world, login_as):
    login_as(world.educateur)
    response = client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/dossiers/{id}/admettre/" in paths
    assert "/api/v1/jeunes/" in paths and "/api/v1/partenaires/" in paths
