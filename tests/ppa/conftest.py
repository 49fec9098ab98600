"""Fixtures of the PPA drafting tests (and usable by the follow-up tests).

``pw``: the persona world (``tests.fixtures.world``: ``educateur`` writer of dispositif A1, ``lecteur`` read-only,
``direction``, ``autre_educateur`` of organisme B, ``proche``/``jeune`` portal accounts) plus:
- ``dossier``: a youth accompanied in A1 since 2025-10-01, référent the educateur, with two représentants légaux
  (``mere``, ``pere``) and a grandmother who is not one (``grand_mere``);
- ``dossier_restreint``: another youth of A1 whose dossier is restricted (the educateur and the lecteur cannot
  open it);
- ``dossier_pre``: a youth in pre-admission (no PPA yet).
Helpers: ``brouillon(pw)`` a draft version 1 with one objective; ``signature_points()`` valid path data.
"""

import datetime

import pytest

from core.enums import Metier
from core.tenancy import tenant_context
from dossiers.models import Dossier, Proche
from tests import factories


class PWorld:
    def __init__(self, world):
        self.__dict__.update(world.__dict__)
        self.w = world
        self.chef = factories.professionnel(world.dispositif, Metier.CHEF_DE_SERVICE, email="chef.ppa@a.org")
        self.dossier = factories.dossier_accompagne(world.dispositif, admission=datetime.date(2025, 10, 1))
        self.dossier_restreint = factories.dossier_accompagne(world.dispositif, admission=datetime.date(2025, 10, 1))
        self.dossier_pre = factories.dossier_en_pre_admission(world.dispositif)
        org = world.organisme.pk
        with tenant_context(org):
            Dossier.objects.filter(pk=self.dossier.pk).update(referent=world.educateur)
            Dossier.objects.filter(pk=self.dossier_restreint.pk).update(est_restreint=True, referent=self.chef)
            self.dossier.refresh_from_db()
            self.dossier_restreint.refresh_from_db()
            self.jeune_dossier = self.dossier.jeune
            self.mere = Proche.objects.create(
                organisme_id=org, jeune=self.dossier.jeune, nom="Martin", prenom="Claire", lien="MTH",
                representant_legal=True, autorite_parentale=True, ordre_appel=1,
            )  # fmt: skip
            self.pere = Proche.objects.create(
                organisme_id=org, jeune=self.dossier.jeune, nom="Durand", prenom="Marc", lien="FTH",
                representant_legal=True, autorite_parentale=True, ordre_appel=2,
            )  # fmt: skip
            self.grand_mere = Proche.objects.create(
                organisme_id=org, jeune=self.dossier.jeune, nom="Durand", prenom="Josette", lien="GRMTH",
                representant_legal=False, ordre_appel=3,
            )  # fmt: skip
            self.autre_proche = Proche.objects.create(
                organisme_id=org, jeune=self.dossier_restreint.jeune, nom="Petit", prenom="Anne", lien="MTH",
                representant_legal=True, ordre_appel=1,
            )  # fmt: skip


@pytest.fixture
def pw(world):
    return PWorld(world)


def signature_points(n: int = 12) -> str:
    """Valid drawn-signature path data (one stroke of ``n`` points in the 600×200 box)."""
    points = [f"{20 + i * 15} {100 + (i % 3) * 10}" for i in range(n)]
    return "M" + points[0] + " " + " ".join("L" + p for p in points[1:])


def brouillon(pw, *, objectifs=1, actor=None):
    """A draft version 1 of ``pw.dossier`` with ``objectifs`` objectives (through the services)."""
    from ppa.services.redaction import objectif_create, ppa_version_create

    actor = actor or pw.educateur
    with tenant_context(pw.organisme.pk):
        version = ppa_version_create(dossier=pw.dossier, actor=actor)
        for i in range(objectifs):
            objectif_create(
                version=version, actor=actor, titre=f"Objectif {i + 1}", besoin_code="1.1.1",
                prestations=["2.1.1.1"],
            )  # fmt: skip
        return version


def accords_complets(pw, version, actor=None):
    """The youth's, the mother's and the father's agreements (oral) on ``version``."""
    from ppa.services.redaction import accord_enregistrer

    actor = actor or pw.educateur
    with tenant_context(pw.organisme.pk):
        accord_enregistrer(version=version, actor=actor, signataire="jeune", mode="oral")
        for proche in (pw.mere, pw.pere):
            accord_enregistrer(version=version, actor=actor, signataire="representant_legal", proche=proche,
                               mode="oral")  # fmt: skip
