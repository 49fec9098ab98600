"""Follow-up services: links (rules, French errors, nothing written, audit), series links carried over to an
avenant by ``cle``, reviews."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.enums import AuditAction
from core.models import AuditEntry
from core.tenancy import tenant_context
from ppa.enums import MotifRevue, StatutPpa
from ppa.models import LienObjectif, Objectif, Revue
from ppa.services import suivi
from tests.ppa.conftest_suivi import make_evenement, make_serie, make_version, sw_fixture  # noqa: F401

D = datetime.date


def test_lien_rules(sw, world):
    version = make_version(sw.dossier)
    serie = make_serie(sw.dispositif, [sw.jeune])
    autre_serie = make_serie(sw.dispositif, [sw.jeune2])
    ev_b = make_evenement(world.dispositif_b, [], debut=D(2026, 3, 2))
    with tenant_context(sw.organisme.pk):
        objectif = version.objectifs.get()
        lien = suivi.lien_creer(objectif=objectif, serie=serie, actor=sw.educateur)
        assert AuditEntry.objects.filter(action=AuditAction.CREATE, record_type="ppa.lienobjectif").count() == 1
        with pytest.raises(ValidationError, match="déjà liée"):
            suivi.lien_creer(objectif=objectif, serie=serie, actor=sw.educateur)
        with pytest.raises(ValidationError, match="ne concerne pas"):
            suivi.lien_creer(objectif=objectif, serie=autre_serie, actor=sw.educateur)
        with pytest.raises(ValidationError, match="l'un ou l'autre"):
            suivi.lien_creer(objectif=objectif, actor=sw.educateur)
        with pytest.raises(PermissionDenied):
            suivi.lien_creer(objectif=objectif, serie=serie, actor=sw.lecteur)
        assert LienObjectif.objects.count() == 1
    with tenant_context(world.organisme_b.pk):
        ev_b.refresh_from_db()
    with tenant_context(sw.organisme.pk), pytest.raises(ValidationError, match="pas accessible"):
        suivi.lien_creer(objectif=objectif, evenement=ev_b, actor=sw.educateur)
    with tenant_context(sw.organisme.pk):
        version.statut, version.clos_le = StatutPpa.CLOS, D(2026, 6, 1)
        version.save()
        with pytest.raises(ValidationError, match="close"):
            suivi.lien_supprimer(lien=lien, actor=sw.educateur)


def test_liens_reporter_by_cle(sw):
    ancienne = make_version(sw.dossier, objectifs=("A", "B"))
    serie = make_serie(sw.dispositif, [sw.jeune])
    ev = make_evenement(sw.dispositif, [sw.jeune], debut=D(2026, 3, 2))
    nouvelle = make_version(sw.dossier, statut=StatutPpa.EN_ELABORATION, objectifs=(), precedente=ancienne)
    with tenant_context(sw.organisme.pk):
        a, b = ancienne.objectifs.order_by("ordre")
        suivi.lien_creer(objectif=a, serie=serie, actor=sw.educateur)
        suivi.lien_creer(objectif=b, evenement=ev, actor=sw.educateur)
        copie = Objectif.objects.create(organisme_id=sw.organisme.pk, version=nouvelle, cle=a.cle, titre="A bis",
                                        besoin_code="1.3.3.1")  # fmt: skip
        assert suivi.liens_reporter(ancienne, nouvelle) == 1
        assert suivi.liens_reporter(ancienne, nouvelle) == 0  # idempotent
        assert list(LienObjectif.objects.filter(objectif=copie).values_list("serie_id", "evenement_id")) == [
            (serie.pk, None)
        ]


def test_revue_rules(sw):
    version = make_version(sw.dossier, valide_le=D(2026, 1, 15))
    with tenant_context(sw.organisme.pk):
        with pytest.raises(ValidationError) as error:
            suivi.revue_create(version=version, actor=sw.educateur, date=D(2026, 6, 1), periode_debut=D(2026, 7, 1))
        assert "ne peut pas précéder" in str(error.value)
        assert not Revue.objects.exists()
        revue = suivi.revue_create(version=version, actor=sw.educateur, motif=MotifRevue.DEMANDE_JEUNE,
                                   date=D(2026, 12, 20))  # fmt: skip
        assert revue.periode_debut == D(2026, 1, 15) and revue.periode_fin == D(2026, 12, 20)
        version.ppa.refresh_from_db()
        assert version.ppa.prochaine_echeance == D(2026, 12, 20)  # the requested review sets the deadline
        with pytest.raises(ValidationError, match="déjà en cours"):
            suivi.revue_create(version=version, actor=sw.educateur)
        objectif = version.objectifs.get()
        with pytest.raises(ValidationError):
            suivi.revue_enregistrer(revue=revue, actor=sw.educateur, evaluations={objectif.pk: ("excellent", "")})
        assert not revue.evaluations.exists()
        with pytest.raises(PermissionDenied):
            suivi.revue_enregistrer(revue=revue, actor=sw.lecteur, synthese="x")
        suivi.revue_enregistrer(revue=revue, actor=sw.educateur, evaluations={objectif.pk: ("atteint", "Bien.")})
        suivi.revue_terminer(revue=revue, actor=sw.educateur)
        version.ppa.refresh_from_db()
        assert version.ppa.prochaine_echeance == D(2027, 12, 20)
        assert AuditEntry.objects.filter(record_type="ppa.revue", action=AuditAction.UPDATE).count() == 2
        with pytest.raises(ValidationError, match="terminée"):
            suivi.revue_enregistrer(revue=revue, actor=sw.educateur, synthese="après coup")
