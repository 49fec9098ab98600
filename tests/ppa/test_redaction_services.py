"""PPA drafting services (ppa/services/redaction.py): validation errors in French and nothing written, audit,
frozen versions, agreements, validation, avenants."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEntry
from core.tenancy import tenant_context
from dossiers.models import Document
from ppa.enums import StatutPpa, TypeVersion
from ppa.models import Accord, Action, Objectif, Ppa, PpaVersion
from ppa.services import redaction as s
from tests.ppa.conftest import accords_complets, brouillon, signature_points

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


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


# --- More rules -------------------------------------------------------------------------------------------------


def test_version_update_content_and_errors(pw):
    version = brouillon(pw, objectifs=0)
    with tenant_context(pw.organisme.pk):
        s.version_update(version=version, actor=pw.educateur, attentes_jeune=" Aller au collège ",
                         attentes_famille="Qu'il dorme mieux", besoins=["1.3.3.1", "1.1.1", "1.3.3.1"])  # fmt: skip
        version.refresh_from_db()
        assert version.attentes_jeune == "Aller au collège" and version.besoins == ["1.3.3.1", "1.1.1"]
        assert AuditEntry.objects.filter(record_id=str(version.pk), action="update").count() == 1
        for fields, words in (
            ({"besoins": ["2.1.1"]}, "inconnu"),
            ({"besoins": ["1"]}, "inconnu"),  # the root is not a besoin one can choose
            ({"date_debut": datetime.date(2026, 3, 1), "date_fin": datetime.date(2026, 2, 1)}, "précéder"),
            ({"date_debut": datetime.date(2026, 3, 1), "date_revision": datetime.date(2026, 2, 1)}, "révision"),
        ):
            with pytest.raises(ValidationError) as exc:
                s.version_update(version=version, actor=pw.educateur, synthese="ne doit pas rester", **fields)
            assert words in _messages(exc)
        version.refresh_from_db()
        assert version.synthese == "" and version.besoins == ["1.3.3.1", "1.1.1"]


def test_objectif_end_within_ppa_and_update_delete_reorder(pw):
    version = brouillon(pw, objectifs=3)
    with tenant_context(pw.organisme.pk):
        s.version_update(version=version, actor=pw.educateur, date_fin=datetime.date(2026, 12, 31))
        o1, o2, o3 = version.objectifs.order_by("ordre")
        with pytest.raises(ValidationError) as exc:
            s.objectif_update(objectif=o1, actor=pw.educateur, date_fin=datetime.date(2027, 6, 1))
        assert "dépasse la fin prévue du PPA" in _messages(exc)
        s.objectif_update(objectif=o1, actor=pw.educateur, titre="Premier", prestations=["2.3.3.1"])
        o1.refresh_from_db()
        assert o1.titre == "Premier" and o1.prestations == ["2.3.3.1"]
        assert s.objectif_deplacer(objectif=o1, actor=pw.educateur, sens="bas") is True
        assert list(version.objectifs.order_by("ordre").values_list("pk", flat=True)) == [o2.pk, o1.pk, o3.pk]
        assert s.objectif_deplacer(objectif=o2, actor=pw.educateur, sens="haut") is False
        s.objectifs_reordonner(version=version, actor=pw.educateur, ordre=[o3.pk, o2.pk, o1.pk])
        assert list(version.objectifs.order_by("ordre").values_list("pk", flat=True)) == [o3.pk, o2.pk, o1.pk]
        with pytest.raises(ValidationError):
            s.objectifs_reordonner(version=version, actor=pw.educateur, ordre=[o3.pk, o2.pk])
        s.objectif_delete(objectif=o2, actor=pw.educateur)
        assert list(version.objectifs.order_by("ordre").values_list("pk", "ordre")) == [(o3.pk, 1), (o1.pk, 2)]
        assert "delete" in _audits(o2)


def test_actions(pw):
    version = brouillon(pw)
    with tenant_context(pw.organisme.pk):
        objectif = version.objectifs.get()
        with pytest.raises(ValidationError) as exc:
            s.action_create(objectif=objectif, actor=pw.educateur, libelle=" ")
        assert "Décrivez l'action" in _messages(exc)
        with pytest.raises(ValidationError):
            s.action_create(objectif=objectif, actor=pw.educateur, libelle="X", responsable=pw.proche)
        assert not Action.objects.exists()
        a1 = s.action_create(objectif=objectif, actor=pw.educateur, libelle="Atelier", responsable=pw.chef)
        a2 = s.action_create(objectif=objectif, actor=pw.educateur, libelle="Entretien", frequence="1 fois par mois")
        assert (a1.ordre, a2.ordre) == (1, 2) and _audits(a1) == ["create"]
        s.action_deplacer(action=a2, actor=pw.educateur, sens="haut")
        assert list(objectif.actions.order_by("ordre").values_list("pk", flat=True)) == [a2.pk, a1.pk]
        s.action_update(action=a1, actor=pw.educateur, moyens="Salle 2")
        s.action_delete(action=a2, actor=pw.educateur)
        assert list(objectif.actions.values_list("libelle", "ordre", "moyens")) == [("Atelier", 1, "Salle 2")]


def test_accord_rules(pw):
    version = brouillon(pw)
    today = datetime.date.today()
    with tenant_context(pw.organisme.pk):
        cases = [
            (dict(signataire="representant_legal", proche=pw.grand_mere, mode="oral"), "pas représentant légal"),
            (dict(signataire="representant_legal", proche=pw.autre_proche, mode="oral"), "pas représentant légal"),
            (dict(signataire="representant_legal", mode="oral"), "Choisissez le représentant légal"),
            (dict(signataire="jeune", mode="refus"), "motif du refus"),
            (dict(signataire="jeune", mode="signature_tablette"), "signer"),
            (dict(signataire="jeune", mode="signature_tablette", signature="M1 1 L2 2"), "trop courte"),
            (dict(signataire="jeune", mode="signature_scannee"), "numérisée"),
            (dict(signataire="jeune", mode="signature_scannee", fichier=b"<html>hello</html>"), "type de fichier"),
            (dict(signataire="jeune", mode="oral", date=today + datetime.timedelta(days=1)), "futur"),
            (dict(signataire="autre", mode="oral"), "Indiquez qui"),
        ]
        for kwargs, words in cases:
            with pytest.raises(ValidationError) as exc:
                s.accord_enregistrer(version=version, actor=pw.educateur, **kwargs)
            assert words in _messages(exc), kwargs
        assert not Accord.objects.exists()
        assert not Document.objects.filter(dossier=pw.dossier).exists()
        accord = s.accord_enregistrer(version=version, actor=pw.educateur, signataire="jeune",
                                      mode="signature_tablette", signature=signature_points())  # fmt: skip
        assert accord.signature.startswith("<svg") and accord.nom_signataire == str(pw.dossier.jeune.prenom) + " " + (
            pw.dossier.jeune.nom
        )
        assert s.signature_path(accord.signature) == s.signature_nettoyer(signature_points())
        # Recording again replaces (the youth changed their mind).
        refus = s.accord_enregistrer(version=version, actor=pw.educateur, signataire="jeune", mode="refus",
                                     commentaire="Je ne veux pas de l'internat.")  # fmt: skip
        assert list(Accord.objects.values_list("pk", flat=True)) == [refus.pk]
        assert "delete" in _audits(accord)
        scan = s.accord_enregistrer(
            version=version, actor=pw.educateur, signataire="representant_legal", proche=pw.mere,
            mode="signature_scannee", fichier=PNG, nom_fichier="s.png",
        )  # fmt: skip
        assert scan.document.dossier_id == pw.dossier.pk and scan.document.content_type == "image/png"
        s.accord_supprimer(accord=scan, actor=pw.educateur)
        assert not Accord.objects.filter(pk=scan.pk).exists()
        assert Document.objects.filter(pk=scan.document_id).exists()


def test_signature_path_refuses_tampered_markup():
    assert s.signature_path('<svg><path d="M1 1 L2 2"/><script>x</script></svg>') == ""
    assert s.signature_path("<svg onload=alert(1)>") == ""


def test_validation_sets_deadline_and_state_changes(pw):
    version = brouillon(pw)
    accords_complets(pw, version)
    today = datetime.date.today()
    with tenant_context(pw.organisme.pk):
        s.version_update(version=version, actor=pw.educateur, date_debut=today + datetime.timedelta(days=10))
        with pytest.raises(ValidationError) as exc:
            s.version_demarrer(version=version, actor=pw.educateur)
        assert "validée" in _messages(exc)
        with pytest.raises(ValidationError):
            s.version_clore(version=version, actor=pw.educateur)
        s.version_valider(version=version, actor=pw.educateur)
        ppa = Ppa.objects.get(dossier=pw.dossier)
        assert ppa.prochaine_echeance == today.replace(year=today.year + 1) or ppa.prochaine_echeance is not None
        with pytest.raises(ValidationError) as exc:
            s.version_demarrer(version=version, actor=pw.educateur)
        assert "à partir du" in _messages(exc)
        PpaVersion.objects.filter(pk=version.pk).update(date_debut=None)
        s.version_demarrer(version=version, actor=pw.educateur)
        version.refresh_from_db()
        assert version.statut == StatutPpa.EN_COURS and version.date_debut == today
        with pytest.raises(ValidationError):
            s.version_valider(version=version, actor=pw.educateur)
        with pytest.raises(ValidationError) as exc:
            s.version_clore(version=version, actor=pw.educateur, date=today + datetime.timedelta(days=1))
        assert "futur" in _messages(exc)
        s.version_clore(version=version, actor=pw.educateur)
        version.refresh_from_db()
        assert version.statut == StatutPpa.CLOS and version.clos_le == today
        with pytest.raises(ValidationError) as exc:
            s.avenant_create(version=version, actor=pw.educateur, motif="x")
        assert "version validée ou en cours" in _messages(exc)


def test_avenant_rules_and_copy(pw):
    version = brouillon(pw, objectifs=2)
    with tenant_context(pw.organisme.pk):
        o1 = version.objectifs.order_by("ordre").first()
        s.action_create(objectif=o1, actor=pw.educateur, libelle="Atelier", responsable=pw.chef)
        s.version_update(version=version, actor=pw.educateur, attentes_jeune="Mots du jeune", besoins=["1.1.1"])
    accords_complets(pw, version)
    with tenant_context(pw.organisme.pk):
        with pytest.raises(ValidationError):
            s.avenant_create(version=version, actor=pw.educateur, motif="x")  # still a draft
        s.version_valider(version=version, actor=pw.educateur)
        with pytest.raises(ValidationError) as exc:
            s.avenant_create(version=version, actor=pw.educateur, motif="  ")
        assert "motif" in _messages(exc)
        avenant = s.avenant_create(version=version, actor=pw.educateur, motif="Changement de modalité")
        with pytest.raises(ValidationError) as exc:
            s.avenant_create(version=version, actor=pw.educateur, motif="encore")
        assert "déjà en cours d'élaboration" in _messages(exc)
        assert avenant.type == TypeVersion.AVENANT and avenant.attentes_jeune == "Mots du jeune"
        assert avenant.besoins == ["1.1.1"] and avenant.valide_le is None
        copie = avenant.objectifs.get(cle=o1.cle)
        assert copie.pk != o1.pk and list(copie.actions.values_list("libelle", "responsable")) == [
            ("Atelier", pw.chef.pk)
        ]
        with pytest.raises(ValidationError) as exc:
            s.version_update(version=avenant, actor=pw.educateur, motif="")
        assert "motif" in _messages(exc)
        # Validating the avenant: agreements again.
        with pytest.raises(ValidationError) as exc:
            s.version_valider(version=avenant, actor=pw.educateur)
        assert "le jeune" in _messages(exc)
        version.refresh_from_db()
        assert version.statut == StatutPpa.VALIDE
        s.version_brouillon_supprimer(version=avenant, actor=pw.educateur)
        assert not PpaVersion.objects.filter(pk=avenant.pk).exists()
        with pytest.raises(ValidationError):
            s.version_brouillon_supprimer(version=version, actor=pw.educateur)


def test_avenant_validation_carries_series_links(pw):
    from ppa.models import LienObjectif
    from tests.ppa.conftest_suivi import make_serie

    version = brouillon(pw)
    accords_complets(pw, version)
    serie = make_serie(pw.dispositif, [pw.dossier.jeune])
    with tenant_context(pw.organisme.pk):
        s.version_valider(version=version, actor=pw.educateur)
        objectif = version.objectifs.get()
        LienObjectif.objects.create(organisme_id=pw.organisme.pk, objectif=objectif, serie=serie)
        avenant = s.avenant_create(version=version, actor=pw.educateur, motif="x")
    accords_complets(pw, avenant)
    with tenant_context(pw.organisme.pk):
        s.version_valider(version=avenant, actor=pw.educateur)
        assert LienObjectif.objects.filter(objectif__version=avenant, objectif__cle=objectif.cle, serie=serie).exists()


def test_frozen_version_refuses_every_change(pw):
    version = brouillon(pw)
    with tenant_context(pw.organisme.pk):
        objectif = version.objectifs.get()
        action = s.action_create(objectif=objectif, actor=pw.educateur, libelle="Atelier")
    accords_complets(pw, version)
    with tenant_context(pw.organisme.pk):
        accord = version.accords.first()
        s.version_valider(version=version, actor=pw.educateur)
        calls = [
            lambda: s.version_update(version=version, actor=pw.educateur, synthese="x"),
            lambda: s.objectif_create(version=version, actor=pw.educateur, titre="x", besoin_code="1.1.1"),
            lambda: s.objectif_update(objectif=objectif, actor=pw.educateur, titre="x"),
            lambda: s.objectif_delete(objectif=objectif, actor=pw.educateur),
            lambda: s.objectif_deplacer(objectif=objectif, actor=pw.educateur, sens="bas"),
            lambda: s.objectifs_reordonner(version=version, actor=pw.educateur, ordre=[objectif.pk]),
            lambda: s.action_create(objectif=objectif, actor=pw.educateur, libelle="x"),
            lambda: s.action_update(action=action, actor=pw.educateur, libelle="x"),
            lambda: s.action_delete(action=action, actor=pw.educateur),
            lambda: s.accord_enregistrer(version=version, actor=pw.educateur, signataire="jeune", mode="oral"),
            lambda: s.accord_supprimer(accord=accord, actor=pw.educateur),
            lambda: s.version_valider(version=version, actor=pw.educateur),
            lambda: s.version_brouillon_supprimer(version=version, actor=pw.educateur),
        ]
        for call in calls:
            with pytest.raises(ValidationError) as exc:
                call()
            assert "créez un avenant" in _messages(exc)
        objectif.refresh_from_db()
        assert objectif.titre == "Objectif 1" and Action.objects.filter(pk=action.pk).exists()


def test_other_organisme_cannot_write(pw):
    version = brouillon(pw)
    with tenant_context(pw.organisme.pk), pytest.raises(PermissionDenied):
        s.objectif_create(version=version, actor=pw.autre_educateur, titre="X", besoin_code="1.1.1")
    with tenant_context(pw.organisme.pk), pytest.raises(PermissionDenied):
        s.ppa_version_create(dossier=pw.dossier_restreint, actor=pw.educateur)


def test_diff(pw):
    from ppa import selectors

    assert selectors.diff_texte("Aller au collège", "Aller au collège à vélo") == [
        ("egal", "Aller au collège"), ("ajoute", " à vélo")
    ]  # fmt: skip
    assert selectors.diff_texte("un deux trois", "un trois") == [("egal", "un "), ("supprime", "deux "),
                                                                 ("egal", "trois")]  # fmt: skip
    version = brouillon(pw, objectifs=2)
    accords_complets(pw, version)
    with tenant_context(pw.organisme.pk):
        s.version_valider(version=version, actor=pw.educateur)
        avenant = s.avenant_create(version=version, actor=pw.educateur, motif="Avenant")
        o1, o2 = avenant.objectifs.order_by("ordre")
        s.objectif_update(objectif=o1, actor=pw.educateur, prestations=["2.1.1.1", "2.3.3.1"])
        s.objectif_delete(objectif=o2, actor=pw.educateur)
        s.objectif_create(version=avenant, actor=pw.educateur, titre="Nouveau", besoin_code="1.2.1.1")
        diff = selectors.comparer(selectors.version_detail(version.pk), selectors.version_detail(avenant.pk))
    etats = {o.titre: o.etat for o in diff["objectifs"]}
    assert etats == {"Objectif 1": "modifie", "Objectif 2": "supprime", "Nouveau": "ajoute"}
    modifie = next(o for o in diff["objectifs"] if o.etat == "modifie")
    assert [c.champ for c in modifie.changements] == ["prestations"]
    assert ("ajoute", "2.3.3.1 — Accompagnements pour mener sa vie d'élève, d'étudiant ou d'apprenti\n") in (
        modifie.changements[0].segments
    )
    assert [c.champ for c in diff["contenu"]] == ["motif"]
    assert diff["nb_changements"] == 4


def test_serafin_search(db):
    from ppa import selectors

    found = [c.code for c in selectors.serafin_rechercher("sante", "besoin")]
    assert "1.1" in found and "1.1.10" in found and all(c.startswith("1.") for c in found)
    assert [c.code for c in selectors.serafin_rechercher("1.3.3", "besoin")][:2] == ["1.3.3", "1.3.3.1"]
    assert all(c.code.startswith("2.") for c in selectors.serafin_rechercher("", "prestation"))
    assert selectors.serafin_rechercher("SCOLAIRE étudiante", "besoin")[0].code == "1.3.3.1"
    assert selectors.serafin_rechercher("sante", "prestation") == [] or all(
        c.code.startswith("2.") for c in selectors.serafin_rechercher("sante", "prestation")
    )
