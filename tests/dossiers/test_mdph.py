"""MDPH tab: notifications, changes of modalité (agreement, refusal, fiche de liaison PDF, sending to the MDPH),
and the list of notifications coming to their end."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.enums import Metier
from core.models import AuditEntry
from core.tenancy import tenant_context
from dossiers.models import ChangementModalite, Document, NotificationMdph, Proche
from dossiers.services import mdph as svc
from tests import factories
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db
D = datetime.date


def _dossier(world, dispositif=None, **kwargs):
    return factories.dossier_accompagne(dispositif or world.dispositif, **kwargs)


def _url(name, dossier, *args):
    return reverse(f"dossiers:{name}", args=[dossier.pk, *args])


def _notification(dossier, date_fin, **fields):
    with tenant_context(dossier.organisme_id):
        return NotificationMdph.objects.create(
            organisme_id=dossier.organisme_id, jeune=dossier.jeune, dossier=dossier, date_decision=D(2024, 6, 1),
            date_debut=D(2024, 9, 1), date_fin=date_fin, **fields,
        )  # fmt: skip


def _mere(dossier):
    with tenant_context(dossier.organisme_id):
        return Proche.objects.create(organisme_id=dossier.organisme_id, jeune=dossier.jeune, nom="Martin",
                                     prenom="Claire", lien="MTH", representant_legal=True)  # fmt: skip


def _record(dossier, actor, **kwargs):
    values = {"date": D(2025, 11, 3), "modalites_apres": ["internat"], "accord_de": "Claire Martin (Mère)",
              "accord_le": D(2025, 10, 28), "accord_mode": "ecrit"}  # fmt: skip
    values.update(kwargs)
    return svc.changement_modalite_record(dossier=dossier, actor=actor, **values)


# --- Changes of modalité ------------------------------------------------------------------------------------------


def test_change_is_applied_and_audited(world, tenant_a):
    dossier = _dossier(world, modalites=["accueil_de_jour"])
    changement = _record(dossier, world.educateur, modalites_apres=["ambulatoire", "internat"])
    dossier.refresh_from_db()
    assert dossier.modalites == ["internat", "ambulatoire"]
    assert changement.modalites_avant == ["accueil_de_jour"]
    assert changement.created_by == world.educateur
    created = AuditEntry.objects.get(action="create", record_type="dossiers.changementmodalite")
    assert created.details["applique"] is True
    update = AuditEntry.objects.filter(action="update", record_type="dossiers.dossier", record_id=str(dossier.pk))
    assert update.get(details__changement_modalite=changement.pk).details["apres"] == ["internat", "ambulatoire"]


def test_refusal_is_recorded_but_not_applied(world, tenant_a):
    dossier = _dossier(world, modalites=["accueil_de_jour"])
    changement = _record(dossier, world.educateur, accord_mode="refus")
    dossier.refresh_from_db()
    assert dossier.modalites == ["accueil_de_jour"]
    assert changement.accord_mode == "refus"
    with pytest.raises(ValidationError, match="refusé"):
        svc.fiche_liaison_generate(changement=changement, actor=world.educateur)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"accord_de": ""}, "accord du représentant légal"),
        ({"accord_le": None}, "accord du représentant légal"),
        ({"accord_mode": ""}, "accord du représentant légal"),
        ({"modalites_apres": ["accueil_de_jour"]}, "identiques"),
        ({"modalites_apres": []}, "au moins une modalité"),
        ({"accord_le": D(2025, 11, 10)}, "au plus tard"),
    ],
)
def test_change_refused_without_agreement(world, tenant_a, kwargs, message):
    dossier = _dossier(world, modalites=["accueil_de_jour"])
    with pytest.raises(ValidationError, match=message):
        _record(dossier, world.educateur, **kwargs)
    dossier.refresh_from_db()
    assert dossier.modalites == ["accueil_de_jour"]
    assert not ChangementModalite.objects.exists()


def test_change_needs_an_accompanied_dossier(world, tenant_a):
    dossier = factories.dossier_en_pre_admission(world.dispositif)
    with pytest.raises(ValidationError, match="accompagné"):
        _record(dossier, world.educateur)


def test_fiche_de_liaison_pdf_and_sending(world, tenant_a):
    dossier = _dossier(world, modalites=["accueil_de_jour"])
    _mere(dossier)
    _notification(dossier, D(2027, 8, 31))
    changement = _record(dossier, world.educateur)
    with pytest.raises(ValidationError, match="fiche de liaison"):
        svc.changement_envoi_mdph_record(changement=changement, date=D(2025, 11, 4), actor=world.educateur)
    document = svc.fiche_liaison_generate(changement=changement, actor=world.educateur)
    assert document.type == "fiche_liaison" and document.source == "genere"
    assert document.content_type == "application/pdf"
    changement.refresh_from_db()
    assert changement.fiche_liaison == document
    with pytest.raises(ValidationError, match="précéder"):
        svc.changement_envoi_mdph_record(changement=changement, date=D(2025, 11, 1), actor=world.educateur)
    svc.changement_envoi_mdph_record(changement=changement, date=D(2025, 11, 4), actor=world.educateur)
    changement.refresh_from_db()
    assert changement.envoye_mdph_le == D(2025, 11, 4)
    assert AuditEntry.objects.filter(record_type="dossiers.changementmodalite", action="update").count() == 2


def test_notification_dates_checked(world, tenant_a):
    from dossiers.services.famille import notification_mdph_save

    dossier = _dossier(world)
    notification = NotificationMdph(organisme=world.organisme, jeune=dossier.jeune, date_decision=D(2025, 6, 1),
                                    date_debut=D(2025, 9, 1), date_fin=D(2025, 8, 1))  # fmt: skip
    with pytest.raises(ValidationError, match="fin de validité ne peut pas précéder"):
        notification_mdph_save(notification=notification, actor=world.educateur)


# --- Views --------------------------------------------------------------------------------------------------------


def test_mdph_tab_personas_and_audit(world, login_as):
    dossier = _dossier(world)
    _notification(dossier, D(2027, 8, 31), creton=True)
    url = _url("mdph", dossier)
    response = login_as(world.educateur).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Orientation vers le dispositif ITEP" in html and "Amendement Creton" in html
    with tenant_context(world.organisme.pk):
        assert AuditEntry.objects.filter(action="read", record_id=str(dossier.pk)).count() == 1
    assert login_as(world.lecteur).get(url).status_code == 200
    assert login_as(world.admin).get(url).status_code == 403
    assert login_as(world.autre_educateur).get(url).status_code == 404
    assert login_as(world.proche).get(url).status_code == 404
    assert login_as(world.jeune).get(url).status_code == 404


def test_notification_create_and_edit(world, login_as):
    dossier = _dossier(world)
    client = login_as(world.educateur)
    data = {"date_decision": "2025-06-01", "date_debut": "2025-09-01", "date_fin": "2025-08-31", "type_droit": "7.7",
            "modalites_entree": ["accueil_de_jour", "internat"], "temporalite": "02"}  # fmt: skip
    response = client.post(_url("notification_mdph_create", dossier), data)
    assert "La fin de validité ne peut pas précéder le début de validité." in response.content.decode()
    response = client.post(_url("notification_mdph_create", dossier), {**data, "date_fin": "2028-08-31"})
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        notification = NotificationMdph.objects.get(jeune=dossier.jeune)
        assert notification.modalites_entree == ["internat", "accueil_de_jour"]
        assert notification.dossier_id == dossier.pk
    response = client.post(
        _url("notification_mdph_edit", dossier, notification.pk), {**data, "date_fin": "2029-08-31"}
    )
    assert response.status_code == 302
    for user, status in ((world.lecteur, 403), (world.autre_educateur, 404)):
        assert login_as(user).post(_url("notification_mdph_create", dossier), data).status_code == status


def test_changement_view_records_agreement_and_fiche(world, login_as):
    dossier = _dossier(world, modalites=["accueil_de_jour"])
    _mere(dossier)
    client = login_as(world.educateur)
    response = client.get(_url("changement_modalite_create", dossier))
    html = response.content.decode()
    assert "Claire Martin (Mère)" in html and "Modalités en cours : Accueil de jour." in html
    today = timezone.localdate().isoformat()
    data = {"date": today, "modalites_apres": ["internat"], "accord_de": "Personne inconnue", "accord_le": today,
            "accord_mode": "oral"}  # fmt: skip
    response = client.post(_url("changement_modalite_create", dossier), data)
    assert response.status_code == 200  # only a représentant légal (or the adult jeune) may agree
    response = client.post(_url("changement_modalite_create", dossier), {**data, "accord_de": "Claire Martin (Mère)"})
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        changement = ChangementModalite.objects.get(dossier=dossier)
        dossier.refresh_from_db()
        assert dossier.modalites == ["internat"]
    assert login_as(world.lecteur).post(_url("fiche_liaison_generate", dossier, changement.pk)).status_code == 403
    client = login_as(world.educateur)  # the test client is shared: log the writer back in
    assert client.get(_url("fiche_liaison_generate", dossier, changement.pk)).status_code == 405
    response = client.post(_url("fiche_liaison_generate", dossier, changement.pk))
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        document = Document.objects.get(dossier=dossier, type="fiche_liaison")
        assert document.content_type == "application/pdf"
    response = client.post(_url("changement_envoi_mdph", dossier, changement.pk), {"envoye_mdph_le": today})
    assert response.status_code == 302
    html = client.get(_url("mdph", dossier)).content.decode()
    assert "Fiche de liaison" in html and "Accord oral" in html


def test_adult_jeune_may_agree_himself(world, login_as):
    jeune = factories.JeuneFactory(organisme=world.organisme, prenom="Yanis", date_naissance=D(2000, 1, 1))
    dossier = _dossier(world, jeune=jeune)
    html = login_as(world.educateur).get(_url("changement_modalite_create", dossier)).content.decode()
    assert "(le jeune, majeur)" in html


# --- Échéances MDPH -----------------------------------------------------------------------------------------------


def test_echeances_list(world, login_as):
    today = timezone.localdate()
    proche = _dossier(world, jeune=factories.JeuneFactory(organisme=world.organisme, prenom="Proche"))
    lointaine = _dossier(world, jeune=factories.JeuneFactory(organisme=world.organisme, prenom="Lointaine"))
    renouvelee = _dossier(world, jeune=factories.JeuneFactory(organisme=world.organisme, prenom="Renouvelee"))
    ailleurs = _dossier(world, world.autre_dispositif,
                        jeune=factories.JeuneFactory(organisme=world.organisme, prenom="Ailleurs"))  # fmt: skip
    bientot = _dossier(world, jeune=factories.JeuneFactory(organisme=world.organisme, prenom="Bientot"))
    _notification(proche, today + datetime.timedelta(days=60))
    _notification(bientot, today + datetime.timedelta(days=10))
    _notification(lointaine, today + datetime.timedelta(days=200))
    _notification(renouvelee, today + datetime.timedelta(days=20))
    _notification(renouvelee, today + datetime.timedelta(days=900))
    _notification(ailleurs, today + datetime.timedelta(days=30))
    url = reverse("dossiers:mdph_echeances")
    html = login_as(world.educateur).get(url).content.decode()
    assert "Bientot" in html and "Proche" in html
    assert html.index("Bientot") < html.index("Proche")  # sorted by end date
    assert "Lointaine" not in html and "Renouvelee" not in html
    assert "Ailleurs" not in html  # another dispositif
    assert "Échéances MDPH" in html  # page title
    assert "Ailleurs" in login_as(world.direction).get(url).content.decode()
    assert login_as(world.admin).get(url).status_code == 403
    assert login_as(world.proche).get(url).status_code == 404
    assert "Bientot" not in login_as(world.autre_educateur).get(url).content.decode()


def test_echeances_constant_queries(world, login_as):
    client = login_as(world.educateur)
    url = reverse("dossiers:mdph_echeances")
    today = timezone.localdate()

    def add_rows(n):
        for i in range(n):
            dossier = _dossier(world)
            _notification(dossier, today + datetime.timedelta(days=i + 1))

    assert_constant_queries(lambda: client.get(url), add_rows)


def test_chef_de_service_sees_menu_entries(world, login_as):
    chef = factories.professionnel(world.dispositif, Metier.CHEF_DE_SERVICE)
    html = login_as(chef).get(reverse("dossiers:mdph_echeances")).content.decode()
    assert 'href="/gestion/"' in html  # partners, MDPH and PPA deadlines are on the « Gestion » page
    gestion = login_as(chef).get(reverse("core:gestion")).content.decode()
    assert "Partenaires" in gestion and "Échéances MDPH" in gestion
