"""Document storage: the type is read from the content, not from the name."""

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditEntry
from dossiers.services.documents import document_create
from tests import factories

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_pdf_is_stored_with_its_hash_and_audited(world, tenant_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dossier = factories.dossier_accompagne(world.dispositif)
    doc = document_create(
        dossier=dossier, content=PDF, nom_fichier="bilan.pdf", type="bilan", titre="Bilan", actor=world.educateur
    )
    assert doc.content_type == "application/pdf"
    assert doc.taille == len(PDF)
    with doc.fichier.open("rb") as stored:
        assert stored.read() == PDF
    assert "bilan" not in doc.fichier.name  # random name on disk
    assert AuditEntry.objects.filter(record_type="dossiers.document", record_id=str(doc.pk)).exists()


def test_executable_renamed_pdf_is_refused(world, tenant_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dossier = factories.dossier_accompagne(world.dispositif)
    with pytest.raises(ValidationError, match="type de fichier n'est pas accepté"):
        document_create(
            dossier=dossier, content=b"MZ\x90\x00" + b"\0" * 60, nom_fichier="faux.pdf", type="bilan", titre="x",
            actor=world.educateur,
        )  # fmt: skip
    assert dossier.documents.count() == 0
    assert list(tmp_path.rglob("*")) == [] or all(p.is_dir() for p in tmp_path.rglob("*"))
