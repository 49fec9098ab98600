"""PPA drafting services (ppa/services/redaction.py): validation errors in French and nothing written, audit,
frozen versions, agreements, validation, avenants."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEntry
from core.tenancy import tenant_context
from ppa.enums import StatutPpa, TypeVersion
from ppa.models import Accord, Action, Objectif, Ppa, PpaVersion
from ppa.services import redaction as s
from tests.ppa.conftest import accords_complets, brouillon, signature_points


def _messages(exc) -> str:
    return " ".join(exc.value.messages)


def _audits(record) -> list[str]:
    return list(
        AuditEntry.objects.filter(record_type=record._meta.label_lower, record_id=str(record.pk)).values_list(
            "action", flat=True
        )
    )


# --- Opening ---------------------------------------------------------------------------------------------------


def test_ppa_version_create(pw):
    with tenant_context(pw.organisme.pk):
        version = s.ppa_version_create(dossier=pw.dossier, actor=pw.educateur)
        assert version.numero == 1 and version.statut == StatutPpa.EN_ELABORATION
        assert version.type == TypeVersion.INITIAL and version.ppa.dossier == pw.dossier
        assert _audits(version) == ["create"] and _audits(version.ppa) == ["create"]
        with pytest.raises(ValidationError) as exc:
            s.ppa_version_create(dossier=pw.dossier, actor=pw.educateur)
        assert "déjà un PPA" in _messages(exc)
        assert PpaVersion.objects.filter(ppa__dossier=pw.dossier).count() == 1


def test_ppa_version_create_refused_before_admission(pw):
    with tenant_context(pw.organisme.pk):
        with pytest.raises(ValidationError) as exc:
            s.ppa_version_create(dossier=pw.dossier_pre, actor=pw.educateur)
        assert "accompagné" in _messages(exc)
        assert not Ppa.objects.filter(dossier=pw.dossier_pre).exists()


def test_reader_cannot_write(pw):
    with tenant_context(pw.organisme.pk), pytest.raises(PermissionDenied):
        s.ppa_version_create(dossier=pw.dossier, actor=pw.lecteur)
    version = brouillon(pw)
    with tenant_context(pw.organisme.pk), pytest.raises(PermissionDenied):
        s.objectif_create(version=version, actor=pw.lecteur, titre="X", besoin_code="1.1.1")


# --- Objectives ------------------------------------------------------------------------------------------------


def test_objectif_codes_validated(pw):
    version = brouillon(pw, objectifs=0)
    with tenant_context(pw.organisme.pk):
        with pytest.raises(ValidationError) as exc:
            s.objectif_create(version=version, actor=pw.educateur, titre="Lire", besoin_code="2.1.1")
        assert "SERAFIN-PH inconnu" in _messages(exc) and "2.1.1" in _messages(exc)
        with pytest.raises(ValidationError) as exc:
            s.objectif_create(version=version, actor=pw.educateur, titre="Lire", besoin_code="1.3.3.1",
                              prestations=["2.1.1.1", "1.1.1", "9.9"])  # fmt: skip
        assert "1.1.1, 9.9" in _messages(exc)
        with pytest.raises(ValidationError) as exc:
            s.objectif_create(version=version, actor=pw.educateur, titre="", besoin_code="1.3.3.1")
        assert "titre" in _messages(exc)
        with pytest.raises(ValidationError) as exc:
            s.objectif_create(version=version, actor=pw.educateur, titre="Lire", besoin_code="1.3.3.1",
                              date_debut=datetime.date(2026, 3, 1), date_fin=datetime.date(2026, 1, 1))  # fmt: skip
        assert "précéder" in _messages(exc)
        with pytest.raises(ValidationError) as exc:
            s.objectif_create(version=version, actor=pw.educateur, titre="Lire", besoin_code="1.3.3.1",
                              referent=pw.autre_educateur)  # fmt: skip
        assert "professionnel" in _messages(exc)
        assert not Objectif.objects.filter(version=version).exists()
        objectif = s.objectif_create(version=version, actor=pw.educateur, titre=" Lire ", besoin_code="1.3.3.1",
                                     prestations=["2.3.3.1", "2.3.3.1"], referent=pw.educateur)  # fmt: skip
        assert objectif.titre == "Lire" and objectif.prestations == ["2.3.3.1"] and objectif.serafin_version == "2023"
        assert _audits(objectif) == ["create"]


# --- Validation ------------------------------------------------------------------------------------------------


def test_validation_requires_objective_and_agreements(pw):
    version = brouillon(pw, objectifs=0)
    with tenant_context(pw.organisme.pk):
        with pytest.raises(ValidationError) as exc:
            s.version_valider(version=version, actor=pw.educateur)
        message = _messages(exc)
        assert "au moins un objectif" in message
        assert "le jeune" in message and "Claire Martin" in message and "Marc Durand" in message
        assert "Josette" not in message
        version.refresh_from_db()
        assert version.statut == StatutPpa.EN_ELABORATION


def test_validation_freezes_and_avenant_keeps_cles(pw):
    version = brouillon(pw, objectifs=2)
    accords_complets(pw, version)
    with tenant_context(pw.organisme.pk):
        s.version_valider(version=version, actor=pw.educateur)
        version.refresh_from_db()
        assert version.statut == StatutPpa.VALIDE and version.valide_par == pw.educateur
        with pytest.raises(ValidationError) as exc:
            s.version_update(version=version, actor=pw.educateur, synthese="change")
        assert "créez un avenant" in _messages(exc)
        with pytest.raises(ValidationError):
            s.objectif_create(version=version, actor=pw.educateur, titre="X", besoin_code="1.1.1")
        avenant = s.avenant_create(version=version, actor=pw.educateur, motif="Nouvelle orientation scolaire")
        assert avenant.numero == 2 and avenant.precedente == version and avenant.statut == StatutPpa.EN_ELABORATION
        old = sorted(Objectif.objects.filter(version=version).values_list("cle", flat=True))
        new = sorted(Objectif.objects.filter(version=avenant).values_list("cle", flat=True))
        assert old == new and len(new) == 2
        assert not Accord.objects.filter(version=avenant).exists()
        accords_complets(pw, avenant)
        s.version_valider(version=avenant, actor=pw.educateur)
        version.refresh_from_db()
        assert version.statut == StatutPpa.CLOS and version.clos_le == datetime.date.today()


def test_signature_sanitized(pw):
    assert s.signature_nettoyer(signature_points()).startswith("M20 100 L35 110")
    for bad in ("", "M10 10", '"><script>alert(1)</script>', "M10 10 L20 20 Z", "M10 10 L700 20 L1 1 L1 1 L1 1 L1 1",
                signature_points() + " onload=x"):  # fmt: skip
        with pytest.raises(ValidationError):
            s.signature_nettoyer(bad)
    assert Action is not None
