"""Scenario builders of the activity tests (shared by the facts/AIRe, TBP/quality and dashboard/report tests).

``Scenario`` wraps one dispositif of organisme A and creates, in a few readable calls:

- youths with a dossier and the parcours periods you give (rows written directly: any dates, even years back),
  ``sc.jeune(("accompagne", date(2025, 9, 1), None))``;
- events through the agenda services (``evenement_create``: the change feed is upserted as in production),
  ``sc.evenement("activite_educative", at(2026, 1, 5, 9), at(2026, 1, 5, 11), jeunes=[j], modalite="ambulatoire")``
  — realised by default, youths present by default for direct natures; ``absents={j: "absent_imprevu"}``;
- professionals (``sc.pro()``), partners (``sc.partenaire("sanitaire")``), situations complexes.

Fixtures: ``activite`` (the world + a Scenario of dispositif A1, running inside tenant A), and the plain
function ``make_scenario(world)`` for tests that build several (hypothesis bodies call it inside their own
``tenant_context``). ``recompute(sc)`` recomputes every fact of the scenario's dispositif.
"""

import datetime
import itertools
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest

from core.enums import Metier, Modalite, Role
from core.tenancy import tenant_context
from tests import factories

PARIS = ZoneInfo("Europe/Paris")
D = datetime.date
_counter = itertools.count(1)


def at(y, m, d, h=9, mi=0):
    """An aware Europe/Paris datetime."""
    return datetime.datetime(y, m, d, h, mi, tzinfo=PARIS)


# Default modalité of the default natures when none is given (direct natures need one).
_MODALITE_PAR_NATURE = {"nuitee": Modalite.INTERNAT, "classe_ue": Modalite.ACCUEIL_DE_JOUR}


@dataclass
class Scenario:
    organisme: object
    dispositif: object
    actor: object
    natures: dict = field(default_factory=dict)

    # --- people ---------------------------------------------------------------------------------------------

    def jeune(self, *periodes, jeune=None, **jeune_fields):
        """A youth with a dossier in the dispositif and the given parcours periods ``(statut, debut, fin)``
        (written directly, no overlap check beyond the database's). Returns the Jeune (``.dossier`` set)."""
        from dossiers.models import Dossier, Parcours

        jeune = jeune or factories.JeuneFactory(organisme=self.organisme, **jeune_fields)
        dossier, _ = Dossier.objects.get_or_create(organisme=self.organisme, jeune=jeune, dispositif=self.dispositif)
        for statut, debut, fin in periodes:
            Parcours.objects.create(organisme=self.organisme, dossier=dossier, statut=statut, debut=debut, fin=fin)
        if periodes:
            dossier.statut = periodes[-1][0]
            dossier.save(update_fields=["statut"])
        jeune.dossier = dossier
        return jeune

    def accompagne(self, debut=None, fin=None, **kwargs):
        """Shortcut: a youth accompanied from ``debut`` (default 1 September 2025)."""
        return self.jeune(("accompagne", debut or D(2025, 9, 1), fin), **kwargs)

    def pro(self, metier=Metier.EDUCATEUR, role=Role.CONTRIBUTEUR):
        n = next(_counter)
        return factories.professionnel(self.dispositif, metier, role, email=f"pro{n}-{self.dispositif.pk}@act.org")

    def partenaire(self, type="education_nationale", **kwargs):
        return factories.PartenaireFactory(organisme=self.organisme, type=type, **kwargs)

    def situation_complexe(self, jeune, debut, fin=None):
        from dossiers.models import SituationComplexe

        return SituationComplexe.objects.create(organisme=self.organisme, dossier=jeune.dossier, debut=debut, fin=fin)

    # --- events ---------------------------------------------------------------------------------------------

    def evenement(
        self, nature, debut, fin, *, jeunes=(), professionnels=None, modalite=None, statut="realise",
        absents=None, hors_prestation=None, partenaire=None, ref="", **kwargs,
    ):  # fmt: skip
        """An event through ``evenement_create`` (realised by default; direct youths present unless listed in
        ``absents`` = {jeune: "absent_prevu" | "absent_imprevu"}). ``professionnels`` defaults to [actor]."""
        from agendas.enums import Cadre
        from agendas.services.evenements import evenement_create

        nature_obj = self.natures[nature] if isinstance(nature, str) else nature
        if modalite is None and nature_obj.cadre == Cadre.DIRECT:
            modalite = _MODALITE_PAR_NATURE.get(nature_obj.code, Modalite.AMBULATOIRE)
        presences = {}
        for j, presence in (absents or {}).items():
            presences[getattr(j, "pk", j)] = (presence, "")
        if nature_obj.cadre == Cadre.APPUI_RESSOURCES and partenaire is None:
            partenaire = self.partenaire()
        return evenement_create(
            dispositif=self.dispositif, nature=nature_obj, debut=debut, fin=fin, actor=self.actor,
            jeunes=list(jeunes), professionnels=[self.actor] if professionnels is None else list(professionnels),
            modalite=modalite or "", statut=statut, presences=presences, hors_prestation=hors_prestation,
            partenaire=partenaire, ref=ref, **kwargs,
        )  # fmt: skip

    def nature(self, code, cadre, *, libelle=None, hors_prestation=False):
        """An extra nature of the dispositif (e.g. a second direct nature)."""
        from agendas.models import Nature

        n = Nature.objects.create(
            organisme=self.organisme, dispositif=self.dispositif, code=code, libelle=libelle or code, cadre=cadre,
            serafin_code="2.2.2", hors_prestation=hors_prestation,
        )  # fmt: skip
        self.natures[code] = n
        return n


def make_scenario(world, dispositif=None, actor=None) -> Scenario:
    """A Scenario of ``dispositif`` (default A1) with its default natures. Call inside tenant A."""
    from agendas.models import Nature
    from agendas.services.natures import natures_par_defaut

    dispositif = dispositif or world.dispositif
    actor = actor or world.direction
    if not Nature.objects.filter(dispositif=dispositif).exists():
        natures_par_defaut(dispositif=dispositif)
    natures = {n.code: n for n in Nature.objects.filter(dispositif=dispositif)}
    return Scenario(organisme=dispositif.organisme, dispositif=dispositif, actor=actor, natures=natures)


def recompute(sc: Scenario):
    """Recompute every fact of the scenario's dispositif (and drop the change feed): the nightly path."""
    from activite.services.faits import faits_recalculer_dispositif

    return faits_recalculer_dispositif(sc.dispositif)


@pytest.fixture
def activite(world):
    """The world + ``world.sc`` (a Scenario of A1) + ``world.chef`` (chef de service of A1) + ``world.chef_autre``
    (chef de service of A2); the test body runs in tenant A."""
    world.chef = factories.professionnel(world.dispositif, Metier.CHEF_DE_SERVICE, email="chef@a.org")
    world.chef_autre = factories.professionnel(world.autre_dispositif, Metier.CHEF_DE_SERVICE, email="chef2@a.org")
    with tenant_context(world.organisme.pk):
        world.sc = make_scenario(world)
        yield world
