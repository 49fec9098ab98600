"""Helpers of the PPA follow-up tests (deadlines, reminders, realisation, reviews, PDFs, API, demo).

Test modules import the fixture as ``from tests.ppa.conftest_suivi import sw_fixture  # noqa: F401`` (registered
under the name ``sw``) and the helpers they use.
The rows are written directly (the drafting services are PPA-A's and tested there): a version "validated" here is
a row with ``statut=valide`` and ``valide_le``; what these tests check is the follow-up.
"""

import datetime
import zoneinfo

import pytest

from agendas.enums import Cadre, Presence, StatutEvenement
from agendas.models import Evenement, Nature, ParticipationJeune, Serie, SerieJeune
from core.tenancy import tenant_context
from ppa.enums import StatutPpa
from ppa.models import Objectif, Ppa, PpaVersion
from tests import factories

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


class SWorld:
    """The persona world plus a chef de service of dispositif A1 and two youths accompanied there (admitted on
    2025-10-01): ``dossier`` (référent: the educateur) and ``dossier2``."""

    def __init__(self, world):
        self.__dict__.update(world.__dict__)
        self.w = world
        from core.enums import Metier

        # Assigned long before the dates of the tests (frozen time travels forward).
        self.chef = factories.UserFactory(organisme=world.organisme, email="chef@a.org")
        factories.AffectationFactory(
            dispositif=world.dispositif, user=self.chef, metier=Metier.CHEF_DE_SERVICE, debut=datetime.date(2020, 1, 1)
        )
        self.dossier = factories.dossier_accompagne(world.dispositif, admission=datetime.date(2025, 10, 1))
        self.dossier2 = factories.dossier_accompagne(world.dispositif, admission=datetime.date(2025, 10, 1))
        with tenant_context(world.organisme.pk):
            type(self.dossier).objects.filter(pk=self.dossier.pk).update(referent=world.educateur)
            self.dossier.refresh_from_db()
            self.jeune = self.dossier.jeune
            self.jeune2 = self.dossier2.jeune


@pytest.fixture(name="sw")
def sw_fixture(world):
    return SWorld(world)


def make_version(dossier, *, statut=StatutPpa.VALIDE, numero=None, valide_le=None, objectifs=("Objectif 1",),
                 date_debut=None, date_revision=None, precedente=None, **fields):  # fmt: skip
    """A version of ``dossier``'s PPA (created if needed) with its objectives (rows written directly)."""
    with tenant_context(dossier.organisme_id):
        ppa, _ = Ppa.objects.get_or_create(dossier=dossier, defaults={"organisme_id": dossier.organisme_id})
        if numero is None:
            numero = (ppa.versions.order_by("-numero").values_list("numero", flat=True).first() or 0) + 1
        if statut != StatutPpa.EN_ELABORATION and valide_le is None:
            valide_le = datetime.date(2026, 1, 15)
        version = PpaVersion.objects.create(
            organisme_id=dossier.organisme_id, ppa=ppa, numero=numero, statut=statut, valide_le=valide_le,
            date_debut=date_debut or valide_le, date_revision=date_revision, precedente=precedente,
            attentes_jeune="Je veux aller au collège.", attentes_famille="Qu'il se fasse des amis.",
            besoins=["1.3.3.1", "1.2.1.2"], **fields,
        )  # fmt: skip
        for i, titre in enumerate(objectifs, start=1):
            Objectif.objects.create(
                organisme_id=dossier.organisme_id, version=version, ordre=i, titre=titre, besoin_code="1.3.3.1",
                prestations=["2.3.3.1"], date_debut=version.date_debut,
            )  # fmt: skip
        return version


def nature(dispositif, code="activite_educative", cadre=Cadre.DIRECT, serafin="2.2.2"):
    with tenant_context(dispositif.organisme_id):
        obj, _ = Nature.objects.get_or_create(
            organisme_id=dispositif.organisme_id, dispositif=dispositif, code=code,
            defaults={"libelle": code.replace("_", " ").capitalize(), "cadre": cadre, "serafin_code": serafin},
        )  # fmt: skip
        return obj


def make_evenement(dispositif, jeunes, *, debut, heures=1, statut=StatutEvenement.REALISE, cadre=Cadre.DIRECT,
                   presence=Presence.PRESENT, serie=None, titre="Atelier"):  # fmt: skip
    """An event of ``dispositif`` with ``jeunes`` (rows written directly: presence and statut as given)."""
    nat = nature(dispositif, "activite_educative" if cadre == Cadre.DIRECT else "reunion_synthese", cadre)
    if isinstance(debut, datetime.date) and not isinstance(debut, datetime.datetime):
        debut = datetime.datetime.combine(debut, datetime.time(10), tzinfo=PARIS)
    with tenant_context(dispositif.organisme_id):
        ev = Evenement.objects.create(
            organisme_id=dispositif.organisme_id, dispositif=dispositif, nature=nat, titre=titre, debut=debut,
            fin=debut + datetime.timedelta(hours=heures), statut=statut, cadre=cadre,
            serafin_code=nat.serafin_code, serafin_version="2023", serie=serie,
            occurrence_de=debut.date() if serie else None,
        )  # fmt: skip
        for jeune in jeunes:
            ParticipationJeune.objects.create(
                organisme_id=dispositif.organisme_id, evenement=ev, jeune=jeune,
                presence=presence if cadre == Cadre.DIRECT else "",
            )  # fmt: skip
        return ev


def make_serie(dispositif, jeunes, *, debut=datetime.date(2026, 1, 5), titre="Atelier du lundi"):
    nat = nature(dispositif)
    with tenant_context(dispositif.organisme_id):
        serie = Serie.objects.create(
            organisme_id=dispositif.organisme_id, dispositif=dispositif, nature=nat, titre=titre,
            rrule="FREQ=WEEKLY;BYDAY=MO", debut=datetime.datetime.combine(debut, datetime.time(14), tzinfo=PARIS),
            duree=datetime.timedelta(hours=2),
        )  # fmt: skip
        for jeune in jeunes:
            SerieJeune.objects.create(organisme_id=dispositif.organisme_id, serie=serie, jeune=jeune)
        return serie
