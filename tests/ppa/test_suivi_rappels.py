"""PPA reminders by the beat job, with frozen time: late and due PPAs notified to the référent and the chefs de
service once per (PPA, deadline, kind); re-running sends nothing new; a new deadline sends again."""

import datetime

import time_machine

from core.models import Notification
from core.tenancy import tenant_context
from ppa.enums import StatutPpa, TypeRappel
from ppa.models import Ppa, PpaVersion, RappelPpa
from ppa.tasks import rappels_ppa_all, rappels_ppa_organisme
from tests.ppa.conftest_suivi import make_version, sw_fixture  # noqa: F401

D = datetime.date


def _at(day):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 6, 20), tick=False)


def _sent(sw):
    with tenant_context(sw.organisme.pk):
        return sorted(Notification.objects.values_list("recipient__email", "titre", "lien"))


def test_reminders_once_per_deadline_and_kind(sw, client, login_as):
    # dossier: admitted 2025-10-01, no PPA (first one due 2026-04-01); dossier2: validated 2026-01-15, no référent.
    version2 = make_version(sw.dossier2, valide_le=D(2026, 1, 15))
    with _at(D(2026, 12, 20)):
        assert rappels_ppa_organisme.delay(organisme_id=sw.organisme.pk).get() == 3
        sent = _sent(sw)
        nom = f"{sw.jeune.prenom} {sw.jeune.nom}"
        assert [(email, titre) for email, titre, _ in sent] == sorted([
            ("chef@a.org", f"Premier PPA à valider pour {nom} : échéance le 01/04/2026 (en retard)"),
            ("educ@a.org", f"Premier PPA à valider pour {nom} : échéance le 01/04/2026 (en retard)"),
            ("chef@a.org", f"PPA à réviser pour {sw.jeune2.prenom} {sw.jeune2.nom} : échéance le 15/01/2027"),
        ])  # fmt: skip
        assert {lien for *_, lien in sent} == {f"/ppa/dossier/{sw.dossier.pk}/", f"/ppa/dossier/{sw.dossier2.pk}/"}
        with tenant_context(sw.organisme.pk):
            # The dossier without PPA got an (empty) Ppa row carrying its deadline and reminder.
            ppa = Ppa.objects.get(dossier=sw.dossier)
            assert ppa.prochaine_echeance == D(2026, 4, 1) and not ppa.versions.exists()
            assert sorted(RappelPpa.objects.values_list("ppa__dossier_id", "type")) == sorted(
                [(sw.dossier.pk, TypeRappel.EN_RETARD), (sw.dossier2.pk, TypeRappel.A_ECHEANCE)]
            )
            assert RappelPpa.objects.get(ppa=ppa).destinataires.count() == 2
        # Re-running the same day (or the beat fan-out) sends nothing new.
        assert rappels_ppa_organisme.delay(organisme_id=sw.organisme.pk).get() == 0
        rappels_ppa_all.delay()
        assert len(_sent(sw)) == 3
    with _at(D(2027, 1, 16)):
        # dossier2's review is now late: a new kind for the same deadline; dossier: same deadline, nothing.
        assert rappels_ppa_organisme.delay(organisme_id=sw.organisme.pk).get() == 1
        # A new deadline (the first PPA validated, review planned on 2027-02-01) sends again.
        version = make_version(sw.dossier, valide_le=D(2027, 1, 10), date_revision=D(2027, 2, 1))
        assert rappels_ppa_organisme.delay(organisme_id=sw.organisme.pk).get() == 2
        assert rappels_ppa_organisme.delay(organisme_id=sw.organisme.pk).get() == 0
        with tenant_context(sw.organisme.pk):
            assert Ppa.objects.get(pk=version.ppa_id).prochaine_echeance == D(2027, 2, 1)
            assert RappelPpa.objects.count() == 4
    with tenant_context(sw.organisme.pk):
        assert PpaVersion.objects.filter(pk=version2.pk, statut=StatutPpa.VALIDE).exists()


def test_late_ppas_appear_in_the_list_with_frozen_time(sw, client, login_as):
    make_version(sw.dossier2, valide_le=D(2026, 1, 15))
    with _at(D(2026, 12, 1)):
        login_as(sw.chef)  # sessions expire: log in at the frozen date
        lignes = client.get("/ppa/echeances/").context["lignes"]
        assert [(x.dossier.pk, x.etat) for x in lignes] == [(sw.dossier.pk, "en_retard"), (sw.dossier2.pk, "a_jour")]
    with _at(D(2027, 1, 1)):
        login_as(sw.chef)
        lignes = client.get("/ppa/echeances/").context["lignes"]
        assert [(x.dossier.pk, x.etat) for x in lignes] == [
            (sw.dossier.pk, "en_retard"),
            (sw.dossier2.pk, "a_echeance"),
        ]
    with _at(D(2027, 2, 1)):
        login_as(sw.chef)
        lignes = client.get("/ppa/echeances/").context["lignes"]
        assert [x.etat for x in lignes] == ["en_retard", "en_retard"]
        assert [x.dossier.pk for x in lignes] == [sw.dossier.pk, sw.dossier2.pk]  # the oldest deadline first


def test_task_needs_an_organisme():
    import pytest

    with pytest.raises(TypeError, match="organisme_id"):
        rappels_ppa_organisme.delay()
