"""PPA drafting pages: personas on every view (writer, read-only, other organisme, family and youth accounts,
restricted dossier, admin_organisme), the flows through the forms (content, SERAFIN codes, objectives, actions,
agreements with a drawn signature or a scanned paper, validation, avenant, comparison), audit rows and the constant
query count of the PPA tab."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.enums import AuditAction
from core.models import AuditEntry
from core.tenancy import tenant_context
from dossiers.models import Document
from ppa.enums import StatutPpa
from ppa.models import Accord, Action, Objectif, Ppa, PpaVersion
from ppa.services import redaction as s
from tests.helpers import assert_constant_queries
from tests.ppa.conftest import accords_complets, brouillon, signature_points

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def url(name, *args):
    return reverse(f"ppa:{name}", args=args)


class Scene:
    """v1 validated (two objectives with an action each), v2 an avenant in draft with an agreement."""

    def __init__(self, pw):
        self.pw = pw
        self.v1 = brouillon(pw, objectifs=2)
        with tenant_context(pw.organisme.pk):
            for objectif in self.v1.objectifs.all():
                s.action_create(objectif=objectif, actor=pw.educateur, libelle="Atelier", frequence="le lundi")
        accords_complets(pw, self.v1)
        with tenant_context(pw.organisme.pk):
            s.version_valider(version=self.v1, actor=pw.educateur)
            self.v2 = s.avenant_create(version=self.v1, actor=pw.educateur, motif="Changement de modalité")
            self.objectif = self.v2.objectifs.order_by("ordre").first()
            self.action = self.objectif.actions.first()
            self.accord = s.accord_enregistrer(version=self.v2, actor=pw.educateur, signataire="jeune", mode="oral")

    def reads(self):
        d = self.pw.dossier.pk
        return [url("dossier_ppa", d), url("dossier_ppa", d) + f"?version={self.v1.pk}", url("comparer", d)]

    def write_pages(self):
        return [
            url("version_modifier", self.v2.pk),
            url("objectif_ajouter", self.v2.pk),
            url("objectif_modifier", self.objectif.pk),
            url("action_ajouter", self.objectif.pk),
            url("action_modifier", self.action.pk),
            url("accord", self.v2.pk),
            url("clore", self.v1.pk),
        ]

    def write_posts(self):
        return [
            (url("creer", self.pw.dossier.pk), {}),
            (url("version_modifier", self.v2.pk), {"motif": "x", "synthese": "changée"}),
            (url("objectif_ajouter", self.v2.pk), {"titre": "Nouveau", "besoin_code": "1.1.1"}),
            (url("objectif_modifier", self.objectif.pk), {"titre": "Changé", "besoin_code": "1.1.1"}),
            (url("objectif_deplacer", self.objectif.pk), {"sens": "bas"}),
            (url("objectif_supprimer", self.objectif.pk), {}),
            (url("action_ajouter", self.objectif.pk), {"libelle": "Nouvelle"}),
            (url("action_modifier", self.action.pk), {"libelle": "Changée"}),
            (url("action_deplacer", self.action.pk), {"sens": "bas"}),
            (url("action_supprimer", self.action.pk), {}),
            (
                url("accord", self.v2.pk),
                {"signataire": "jeune", "mode": "refus", "date": "2026-01-01", "commentaire": "non"},
            ),  # fmt: skip
            (url("accord_supprimer", self.accord.pk), {}),
            (url("valider", self.v2.pk), {}),
            (url("demarrer", self.v1.pk), {}),
            (url("clore", self.v1.pk), {"date": "2026-01-01"}),
            (url("avenant", self.v1.pk), {"motif": "x"}),
            (url("brouillon_supprimer", self.v2.pk), {}),
        ]

    def snapshot(self):
        with tenant_context(self.pw.organisme.pk):
            return (
                list(PpaVersion.objects.order_by("pk").values_list("pk", "statut", "synthese", "updated_at")),
                list(Objectif.objects.order_by("pk").values_list("pk", "titre", "ordre")),
                list(Action.objects.order_by("pk").values_list("pk", "libelle", "ordre")),
                list(Accord.objects.order_by("pk").values_list("pk", "mode")),
            )


@pytest.fixture
def scene(pw):
    return Scene(pw)


# --- Personas ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["educateur", "direction"])
def test_writers_open_every_page(client, pw, scene, login_as, persona):
    login_as(getattr(pw, persona))
    for page in scene.reads() + scene.write_pages():
        response = client.get(page)
        assert response.status_code == 200, page
    avenant_page = client.get(url("avenant", scene.v1.pk))
    assert avenant_page.status_code == 200


def test_lecteur_reads_but_cannot_write(client, pw, scene, login_as):
    login_as(pw.lecteur)
    for page in scene.reads():
        response = client.get(page)
        assert response.status_code == 200, page
    tab = client.get(scene.reads()[0]).content.decode()
    assert "Version 2" in tab and "Modifier le contenu" not in tab and "Valider le PPA" not in tab
    for page in scene.write_pages():
        assert client.get(page).status_code == 403, page
    before = scene.snapshot()
    for page, data in scene.write_posts():
        assert client.post(page, data).status_code == 403, page
    assert scene.snapshot() == before


@pytest.mark.parametrize("persona", ["autre_educateur", "proche", "jeune"])
def test_other_organisme_and_portal_accounts_get_404(client, pw, scene, login_as, persona):
    login_as(getattr(pw, persona))
    for page in scene.reads() + scene.write_pages():
        assert client.get(page).status_code == 404, page
    before = scene.snapshot()
    for page, data in scene.write_posts():
        assert client.post(page, data).status_code == 404, page
    assert scene.snapshot() == before


def test_admin_organisme_sees_no_ppa(client, pw, scene, login_as):
    login_as(pw.admin)
    for page in scene.reads() + scene.write_pages():
        assert client.get(page).status_code == 403, page


def test_restricted_dossier_closed_like_the_dossier(client, pw, login_as):
    with tenant_context(pw.organisme.pk):
        version = s.ppa_version_create(dossier=pw.dossier_restreint, actor=pw.chef)
        objectif = s.objectif_create(version=version, actor=pw.chef, titre="Secret", besoin_code="1.1.1")
    login_as(pw.educateur)
    dossier_page = client.get(reverse("dossiers:dossier", args=[pw.dossier_restreint.pk]))
    for page in (url("dossier_ppa", pw.dossier_restreint.pk), url("version_modifier", version.pk),
                 url("objectif_modifier", objectif.pk), url("comparer", pw.dossier_restreint.pk)):  # fmt: skip
        response = client.get(page)
        assert response.status_code == dossier_page.status_code == 403, page
        assert "Secret" not in response.content.decode()
    assert client.post(url("objectif_supprimer", objectif.pk)).status_code == 403
    with tenant_context(pw.organisme.pk):
        assert Objectif.objects.filter(pk=objectif.pk).exists()
    # Its référent opens it.
    client.logout()
    login_as(pw.chef)
    assert client.get(url("dossier_ppa", pw.dossier_restreint.pk)).status_code == 200


def test_tab_is_listed_and_reading_is_audited(client, pw, scene, login_as):
    login_as(pw.educateur)
    page = client.get(reverse("dossiers:dossier", args=[pw.dossier.pk])).content.decode()
    assert url("dossier_ppa", pw.dossier.pk) in page
    client.get(url("dossier_ppa", pw.dossier.pk))
    with tenant_context(pw.organisme.pk):
        assert AuditEntry.objects.filter(action=AuditAction.READ, record_type="ppa.ppaversion",
                                         record_id=str(scene.v2.pk), actor=pw.educateur).exists()  # fmt: skip


# --- Flows ---------------------------------------------------------------------------------------------------------


def test_open_and_draft_through_the_forms(client, pw, login_as):
    login_as(pw.educateur)
    page = client.get(url("dossier_ppa", pw.dossier.pk)).content.decode()
    assert "Commencer le PPA" in page
    response = client.post(url("creer", pw.dossier.pk))
    with tenant_context(pw.organisme.pk):
        version = PpaVersion.objects.get(ppa__dossier=pw.dossier)
    assert response.status_code == 302 and response.url == url("version_modifier", version.pk)
    response = client.post(url("version_modifier", version.pk), {
        "attentes_jeune": "Aller au collège", "attentes_famille": "Qu'il ait des amis",
        "besoins": ["1.3.3.1", "1.1.1"],
        "synthese": "", "date_debut": "2026-02-01", "date_fin": "2026-01-01", "date_revision": "",
    })  # fmt: skip
    assert response.status_code == 422 and "ne peut pas précéder" in response.content.decode()
    response = client.post(url("version_modifier", version.pk), {
        "attentes_jeune": "Aller au collège", "attentes_famille": "Qu'il ait des amis",
        "besoins": ["1.3.3.1", "1.1.1"],
        "synthese": "", "date_debut": "2026-02-01", "date_fin": "2027-01-31", "date_revision": "",
    })  # fmt: skip
    assert response.status_code == 302
    response = client.post(url("objectif_ajouter", version.pk), {"titre": "Lire", "besoin_code": "2.1.1"})
    assert response.status_code == 422  # not a besoin: refused by the form's choices
    with tenant_context(pw.organisme.pk):
        assert not Objectif.objects.filter(version=version).exists()
    response = client.post(url("objectif_ajouter", version.pk), {
        "titre": "Reprendre le chemin du collège", "besoin_code": "1.3.3.1", "prestations": ["2.3.3.1", "2.1.1.1"],
        "referent": pw.educateur.pk, "date_debut": "2026-02-01", "date_fin": "2026-12-31",
        "phrase_falc": "Je vais au collège le matin.",
    })  # fmt: skip
    assert response.status_code == 302
    tab = client.get(url("dossier_ppa", pw.dossier.pk)).content.decode()
    assert "Reprendre le chemin du collège" in tab and "1.3.3.1" in tab
    assert "Besoins en lien avec la vie scolaire et étudiante" in tab  # code + label
    assert "Il manque" in tab or "il manque" in tab
    with tenant_context(pw.organisme.pk):
        version.refresh_from_db()
        assert version.besoins == ["1.3.3.1", "1.1.1"] and version.attentes_famille == "Qu'il ait des amis"


def test_agreements_signature_scan_refusal_then_validate(client, pw, login_as):
    version = brouillon(pw)
    login_as(pw.educateur)
    page = url("accord", version.pk)
    assert "data-signature-pad" in client.get(page).content.decode()
    today = datetime.date.today().isoformat()
    # A drawn signature that is not path data is refused, nothing stored.
    response = client.post(page, {"signataire": "jeune", "mode": "signature_tablette", "date": today,
                                  "signature": '<script>alert(1)</script>'})  # fmt: skip
    assert response.status_code == 422 and "signez à nouveau" in response.content.decode()
    response = client.post(page, {"signataire": "jeune", "mode": "signature_tablette", "date": today,
                                  "signature": signature_points(), "continuer": "1"})  # fmt: skip
    assert response.status_code == 302 and response.url.endswith(f"?pour=proche-{pw.mere.pk}")
    # Scanned paper: checked by content.
    bad = SimpleUploadedFile("scan.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(page, {"signataire": f"proche-{pw.mere.pk}", "mode": "signature_scannee", "date": today,
                                  "fichier": bad})  # fmt: skip
    assert response.status_code == 422 and "type de fichier" in response.content.decode()
    scan = SimpleUploadedFile("scan.png", PNG, content_type="image/png")
    response = client.post(page, {"signataire": f"proche-{pw.mere.pk}", "mode": "signature_scannee", "date": today,
                                  "fichier": scan})  # fmt: skip
    assert response.status_code == 302
    # Refusal needs a comment.
    response = client.post(page, {"signataire": f"proche-{pw.pere.pk}", "mode": "refus", "date": today})
    assert response.status_code == 422 and "motif du refus" in response.content.decode()
    # The grandmother is not a représentant légal: not offered.
    response = client.post(page, {"signataire": f"proche-{pw.grand_mere.pk}", "mode": "oral", "date": today})
    assert response.status_code == 422
    # Validation names who is missing.
    response = client.post(url("valider", version.pk), follow=True)
    assert "Marc Durand" in response.content.decode()
    client.post(page, {"signataire": f"proche-{pw.pere.pk}", "mode": "refus", "date": today,
                       "commentaire": "Je ne suis pas d'accord avec l'internat."})  # fmt: skip
    tab = client.get(url("dossier_ppa", pw.dossier.pk)).content.decode()
    assert "<svg" in tab and "<script" not in tab.split("</main>")[0].split("<main")[1].replace(
        'src="/static', ""
    )  # the drawn signature shows as SVG; nothing injected
    response = client.post(url("valider", version.pk))
    assert response.status_code == 302
    with tenant_context(pw.organisme.pk):
        version.refresh_from_db()
        assert version.statut == StatutPpa.VALIDE
        accords = {a.signataire + str(a.proche_id or ""): a for a in version.accords.all()}
        assert accords["jeune"].signature.startswith("<svg") and "script" not in accords["jeune"].signature
        scan_doc = accords[f"representant_legal{pw.mere.pk}"].document
        assert scan_doc is not None and Document.objects.filter(pk=scan_doc.pk, dossier=pw.dossier).exists()
    # Frozen: the forms send back to the tab.
    response = client.get(url("version_modifier", version.pk))
    assert response.status_code == 302


def test_avenant_and_comparison(client, pw, scene, login_as):
    login_as(pw.educateur)
    with tenant_context(pw.organisme.pk):
        s.version_update(version=scene.v2, actor=pw.educateur, attentes_jeune="Je veux aller au collège à vélo")
        s.objectif_update(objectif=scene.objectif, actor=pw.educateur, titre="Objectif un, revu")
        s.objectif_create(version=scene.v2, actor=pw.educateur, titre="Objectif nouveau", besoin_code="1.2.1.2")
    response = client.get(url("comparer", pw.dossier.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<ins>" in html and "vélo" in html
    assert "Objectif nouveau" in html and "Ajouté" in html and "Modifié" in html
    assert '<del><span class="sr-only">[supprimé : </span>1<span class="sr-only">]</span></del>' in html
    bad = client.get(url("comparer", pw.dossier.pk) + "?de=999999&a=1")
    assert bad.status_code == 200 and "<ins>" not in bad.content.decode()


def test_avenant_form(client, pw, scene, login_as):
    login_as(pw.educateur)
    with tenant_context(pw.organisme.pk):
        s.version_brouillon_supprimer(version=scene.v2, actor=pw.educateur)
    response = client.post(url("avenant", scene.v1.pk), {"motif": ""})
    assert response.status_code == 422
    response = client.post(url("avenant", scene.v1.pk), {"motif": "Demande de la famille"})
    with tenant_context(pw.organisme.pk):
        avenant = PpaVersion.objects.get(ppa__dossier=pw.dossier, statut=StatutPpa.EN_ELABORATION)
    assert response.status_code == 302 and f"version={avenant.pk}" in response.url
    assert avenant.numero == 2 and avenant.motif == "Demande de la famille"


# --- Queries -------------------------------------------------------------------------------------------------------


def test_ppa_tab_constant_queries(client, pw, login_as):
    version = brouillon(pw, objectifs=0)
    login_as(pw.educateur)
    counter = {"n": 0}

    def add_rows(n):
        with tenant_context(pw.organisme.pk):
            for _ in range(n):
                counter["n"] += 1
                objectif = s.objectif_create(
                    version=version, actor=pw.educateur, titre=f"O{counter['n']}", besoin_code="1.1.1",
                    prestations=["2.1.1.1"], referent=pw.lecteur,
                )  # fmt: skip
                for j in range(2):
                    s.action_create(objectif=objectif, actor=pw.educateur, libelle=f"A{j}", responsable=pw.chef)
            # More versions in the history too.
            ppa = Ppa.objects.get(dossier=pw.dossier)
            numero = ppa.versions.order_by("-numero").first().numero
            for i in range(n):
                PpaVersion.objects.create(organisme_id=pw.organisme.pk, ppa=ppa, numero=numero + i + 1,
                                          statut=StatutPpa.CLOS, valide_le=datetime.date(2025, 1, 1))  # fmt: skip

    page = url("dossier_ppa", pw.dossier.pk)
    count = assert_constant_queries(lambda: client.get(page), add_rows, few=1, many=8)
    assert count < 40
