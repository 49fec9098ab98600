"""Famille tab: proches (legal role, own rights) and schooling periods — services, personas, audit, queries."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from core.tenancy import tenant_context
from dossiers.models import PeriodeScolaire, Proche
from dossiers.services import famille as svc
from tests import factories
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db
D = datetime.date


def _dossier(world, **kwargs):
    return factories.dossier_accompagne(world.dispositif, **kwargs)


def _proche(dossier, **fields):
    values = {"nom": "Martin", "prenom": "Claire", "lien": "MTH", "representant_legal": True}
    values.update(fields)
    with tenant_context(dossier.organisme_id):
        return Proche.objects.create(organisme_id=dossier.organisme_id, jeune=dossier.jeune, **values)


def _url(name, dossier, *args):
    return reverse(f"dossiers:{name}", args=[dossier.pk, *args])


# --- Services -----------------------------------------------------------------------------------------------------


def test_last_representant_of_a_minor_cannot_be_removed(world, tenant_a):
    dossier = _dossier(world)
    mere = _proche(dossier)
    with pytest.raises(ValidationError, match="dernier représentant légal"):
        svc.proche_delete(proche=mere, actor=world.educateur)
    assert Proche.objects.filter(pk=mere.pk).exists()
    # Nor lose the quality by an edit.
    mere.representant_legal = False
    with pytest.raises(ValidationError, match="dernier représentant légal"):
        svc.proche_save(proche=mere, actor=world.educateur)
    mere.refresh_from_db()
    assert mere.representant_legal
    # With the other parent recorded, removal is allowed and audited.
    pere = svc.proche_save(
        proche=Proche(organisme=world.organisme, jeune=dossier.jeune, nom="Martin", prenom="Paul", lien="FTH",
                      representant_legal=True),
        actor=world.educateur,
    )  # fmt: skip
    assert pere.role == "GUARD"
    mere_pk = mere.pk
    svc.proche_delete(proche=mere, actor=world.educateur)
    assert not Proche.objects.filter(pk=mere_pk).exists()
    entry = AuditEntry.objects.get(action="delete", record_type="dossiers.proche", record_id=str(mere_pk))
    assert entry.details["lien"] == "MTH"


def test_representant_of_an_adult_can_be_removed(world, tenant_a):
    jeune = factories.JeuneFactory(organisme=world.organisme, date_naissance=D(2000, 1, 1))
    dossier = _dossier(world, jeune=jeune)
    mere = _proche(dossier)
    svc.proche_delete(proche=mere, actor=world.educateur)
    assert not Proche.objects.filter(jeune=jeune).exists()


def test_archived_jeune_is_read_only(world, tenant_a):
    dossier = factories.dossier_en_pre_admission(world.dispositif)
    from dossiers.services.parcours import dossier_archive, dossier_close_pre_admission

    dossier_close_pre_admission(dossier=dossier, date=D(2025, 9, 20), issue="refus", actor=world.educateur)
    dossier_archive(dossier=dossier, actor=world.educateur)
    with pytest.raises(ValidationError, match="archivé"):
        svc.proche_save(
            proche=Proche(organisme=world.organisme, jeune=dossier.jeune, nom="X", lien="MTH"), actor=world.educateur
        )


def test_schooling_period_checks(world, tenant_a):
    dossier = _dossier(world)
    hopital = factories.PartenaireFactory(organisme=world.organisme, type="sanitaire")
    periode = PeriodeScolaire(organisme=world.organisme, jeune=dossier.jeune, debut=D(2025, 9, 1), fin=D(2025, 8, 1))
    with pytest.raises(ValidationError, match="précéder le début"):
        svc.periode_scolaire_save(periode=periode, actor=world.educateur)
    periode.fin, periode.etablissement = None, hopital
    with pytest.raises(ValidationError, match="Éducation nationale"):
        svc.periode_scolaire_save(periode=periode, actor=world.educateur)
    periode.etablissement = factories.PartenaireFactory(organisme=world.organisme)
    svc.periode_scolaire_save(periode=periode, actor=world.educateur)
    svc.periode_scolaire_end(periode=periode, fin=D(2026, 1, 31), actor=world.educateur)
    with pytest.raises(ValidationError, match="déjà terminée"):
        svc.periode_scolaire_end(periode=periode, fin=D(2026, 2, 1), actor=world.educateur)
    assert AuditEntry.objects.filter(record_type="dossiers.periodescolaire", record_id=str(periode.pk)).count() == 2


# --- Views --------------------------------------------------------------------------------------------------------


def test_famille_tab_lists_proches_and_schooling_and_audits(world, login_as):
    dossier = _dossier(world)
    _proche(dossier, prenom="Claire", mesure_protection="Placement ASE")
    with tenant_context(world.organisme.pk):
        ecole = factories.PartenaireFactory(organisme=world.organisme, nom="École Jean Jaurès")
        PeriodeScolaire.objects.create(
            organisme=world.organisme, jeune=dossier.jeune, debut=D(2025, 9, 1), etablissement=ecole,
            type_enseignement="2", demi_journees=4,
        )  # fmt: skip
    response = login_as(world.educateur).get(_url("famille", dossier))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Claire" in html and "Placement ASE" in html and "Représentant légal" in html
    assert "École Jean Jaurès" in html and "ULIS école" in html
    assert 'aria-current="page">Famille et scolarité' in html
    with tenant_context(world.organisme.pk):
        assert AuditEntry.objects.filter(action="read", record_type="dossiers.dossier",
                                         record_id=str(dossier.pk)).count() == 1  # fmt: skip


def test_famille_tab_personas(world, client, login_as):
    dossier = _dossier(world)
    url = _url("famille", dossier)
    assert login_as(world.lecteur).get(url).status_code == 200
    assert login_as(world.psychologue).get(url).status_code == 200
    assert login_as(world.admin).get(url).status_code == 403  # no clinical content
    assert login_as(world.autre_educateur).get(url).status_code == 404
    assert login_as(world.proche).get(url).status_code == 404
    assert login_as(world.jeune).get(url).status_code == 404


def test_restricted_dossier_hidden_from_colleagues(world, login_as):
    dossier = _dossier(world)
    with tenant_context(world.organisme.pk):
        dossier.est_restreint = True
        dossier.save(update_fields=["est_restreint"])
    response = login_as(world.educateur).get(_url("famille", dossier))
    assert response.status_code == 403
    assert "accès restreint" in response.content.decode()


def test_writer_adds_edits_and_removes_a_proche(world, login_as):
    dossier = _dossier(world)
    client = login_as(world.educateur)
    assert client.get(_url("proche_create", dossier)).status_code == 200
    data = {"nom": "Martin", "prenom": "Claire", "lien": "MTH", "role": "", "representant_legal": "on",
            "autorite_parentale": "on", "ordre_appel": 1, "acces_portail": "on"}  # fmt: skip
    response = client.post(_url("proche_create", dossier), data)
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        mere = Proche.objects.get(jeune=dossier.jeune)
        assert mere.role == "GUARD" and mere.acces_portail and not mere.recoit_documents
        assert AuditEntry.objects.filter(action="create", record_type="dossiers.proche").count() == 1
    response = client.post(_url("proche_edit", dossier, mere.pk), {**data, "telephone": "0601020304"})
    assert response.status_code == 302
    # Last représentant légal of a minor: refused, French message, nothing removed.
    response = client.post(_url("proche_delete", dossier, mere.pk))
    assert response.status_code == 200
    assert "dernier représentant légal" in response.content.decode()
    with tenant_context(world.organisme.pk):
        assert Proche.objects.filter(pk=mere.pk, telephone="0601020304").exists()
    tante = _proche(dossier, prenom="Lucie", lien="AUNT", representant_legal=False)
    assert client.get(_url("proche_delete", dossier, tante.pk)).status_code == 200
    assert client.post(_url("proche_delete", dossier, tante.pk)).status_code == 302
    with tenant_context(world.organisme.pk):
        assert not Proche.objects.filter(pk=tante.pk).exists()


def test_writes_refused_to_readers_and_strangers(world, login_as):
    dossier = _dossier(world)
    mere = _proche(dossier)
    data = {"nom": "X", "lien": "FTH", "ordre_appel": 1}
    for user, status in ((world.lecteur, 403), (world.admin, 403), (world.autre_educateur, 404), (world.proche, 404)):
        client = login_as(user)
        assert client.post(_url("proche_create", dossier), data).status_code == status
        assert client.post(_url("proche_delete", dossier, mere.pk)).status_code == status
        assert client.get(_url("scolarite_create", dossier)).status_code == status
    with tenant_context(world.organisme.pk):
        assert Proche.objects.filter(jeune=dossier.jeune).count() == 1


def test_proche_of_another_jeune_is_404(world, login_as):
    dossier, autre = _dossier(world), _dossier(world)
    proche = _proche(autre)
    assert login_as(world.educateur).get(_url("proche_edit", dossier, proche.pk)).status_code == 404


def test_schooling_views(world, login_as):
    dossier = _dossier(world)
    with tenant_context(world.organisme.pk):
        ecole = factories.PartenaireFactory(organisme=world.organisme, nom="Collège Rosa Parks")
        ase = factories.PartenaireFactory(organisme=world.organisme, type="protection_enfance")
    client = login_as(world.educateur)
    data = {"debut": "2025-09-01", "etablissement": ase.pk, "type_enseignement": "3", "demi_journees": 6}
    response = client.post(_url("scolarite_create", dossier), data)
    assert response.status_code == 200  # not a school: not among the choices
    response = client.post(_url("scolarite_create", dossier), {**data, "etablissement": ecole.pk,
                                                               "demi_journees": 15})  # fmt: skip
    assert response.status_code == 200
    assert client.post(_url("scolarite_create", dossier), {**data, "etablissement": ecole.pk}).status_code == 302
    with tenant_context(world.organisme.pk):
        periode = PeriodeScolaire.objects.get(jeune=dossier.jeune)
    response = client.post(_url("scolarite_end", dossier, periode.pk), {"fin": "2025-08-01"})
    assert "La fin ne peut pas précéder le début." in response.content.decode()
    assert client.post(_url("scolarite_end", dossier, periode.pk), {"fin": "2026-02-13"}).status_code == 302
    with tenant_context(world.organisme.pk):
        periode.refresh_from_db()
        assert periode.fin == D(2026, 2, 13)


def test_archived_dossier_writes_are_refused(world, login_as):
    dossier = _dossier(world)
    with tenant_context(world.organisme.pk):
        dossier.archived_at = timezone.now()
        dossier.save(update_fields=["archived_at"])
    client = login_as(world.educateur)
    assert client.get(_url("famille", dossier)).status_code == 200
    assert client.post(_url("proche_create", dossier), {"nom": "X", "lien": "FTH"}).status_code == 403


def test_famille_tab_constant_queries(world, login_as):
    dossier = _dossier(world)
    client = login_as(world.educateur)
    url = _url("famille", dossier)

    def add_rows(n):
        with tenant_context(world.organisme.pk):
            ecole = factories.PartenaireFactory(organisme=world.organisme)
            for i in range(n):
                Proche.objects.create(organisme=world.organisme, jeune=dossier.jeune, nom=f"N{i}", lien="FRND")
                PeriodeScolaire.objects.create(organisme=world.organisme, jeune=dossier.jeune, debut=D(2020, 1, 1),
                                               etablissement=ecole)  # fmt: skip

    assert_constant_queries(lambda: client.get(url), add_rows)
