"""The dossier page keeps a constant number of queries, tab by tab, whatever the number of related rows: proches,
schooling periods, parcours periods, MDPH notifications, changes of modalité, situations complexes, documents,
partners and cercle members, adverse events, access grants, break-the-glass and access-log rows. Measured for the
educator (writer of the dispositif) and the direction, with 1 and with 50 rows of each."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.enums import AuditAction, Metier
from core.services.audit import audit_record
from core.tenancy import tenant_context
from dossiers.models import (
    AccesDelegue,
    BrisDeGlace,
    ChangementModalite,
    DossierPartenaire,
    EvenementIndesirable,
    Intervenant,
    MembreCercle,
    NotificationMdph,
    Parcours,
    PeriodeScolaire,
    Proche,
    SituationComplexe,
)
from dossiers.services.documents import document_create
from tests import factories
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
D = datetime.date

TABS = ["dossier", "parcours", "famille", "mdph", "cercle", "documents", "signalements", "acces"]
# The Accès tab is for the direction and the chefs de service only.
TABS_BY_PERSONA = {"educateur": [t for t in TABS if t != "acces"], "direction": TABS}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


class Rows:
    """Adds ``n`` rows of every kind around one dossier (``self.added`` counts them, for unique dates)."""

    def __init__(self, world, dossier):
        self.world, self.dossier, self.added = world, dossier, 0

    def add(self, n):
        world, dossier = self.world, self.dossier
        org = world.organisme
        today = timezone.localdate()
        for _ in range(n):
            i = self.added
            self.added += 1
            pro = factories.professionnel(world.dispositif, Metier.EDUCATEUR, email=f"pro{i}@a.org")
            partenaire = factories.PartenaireFactory(organisme=org)
            with tenant_context(org.pk):
                jeune = dossier.jeune
                Proche.objects.create(organisme=org, jeune=jeune, nom=f"Proche{i}", lien="MTH",
                                      representant_legal=i == 0)  # fmt: skip
                PeriodeScolaire.objects.create(organisme=org, jeune=jeune, debut=D(2000, 1, 1) + datetime.timedelta(i),
                                               etablissement=partenaire, demi_journees=4)  # fmt: skip
                # One-day ponctuel periods in 2010, before the pre-admission (no overlap).
                day = D(2010, 1, 1) + datetime.timedelta(days=2 * i)
                Parcours.objects.create(organisme=org, dossier=dossier, statut="ponctuel", debut=day, fin=day)
                NotificationMdph.objects.create(
                    organisme=org, jeune=jeune, dossier=dossier, date_decision=D(2025, 1, 1),
                    date_debut=D(2025, 2, 1), date_fin=D(2027, 1, 1) + datetime.timedelta(i),
                    modalites_entree=["internat"],
                )  # fmt: skip
                document = document_create(dossier=dossier, content=PDF, nom_fichier=f"d{i}.pdf", type="bilan",
                                           titre=f"Bilan {i}", actor=pro,
                                           visibilite="confidentiel_soin" if i % 2 else "equipe")  # fmt: skip
                ChangementModalite.objects.create(
                    organisme=org, dossier=dossier, date=D(2025, 11, 1), modalites_avant=["accueil_de_jour"],
                    modalites_apres=["internat"], accord_de="Les parents", accord_le=D(2025, 10, 20),
                    accord_mode="ecrit", fiche_liaison=document, created_by=pro,
                )  # fmt: skip
                SituationComplexe.objects.create(organisme=org, dossier=dossier, debut=D(2025, 11, 2), motif="Rupture",
                                                 created_by=pro)  # fmt: skip
                intervenant = Intervenant.objects.create(organisme=org, partenaire=partenaire, nom=f"Inter{i}")
                DossierPartenaire.objects.create(organisme=org, dossier=dossier, partenaire=partenaire,
                                                 intervenant=intervenant, role="Enseignant")  # fmt: skip
                MembreCercle.objects.create(organisme=org, dossier=dossier, professionnel=pro, role="Éducateur")
                EvenementIndesirable.objects.create(
                    organisme=org, dispositif=world.dispositif, dossier=dossier, survenu_le=timezone.now(),
                    faits="Fugue", gravite="moderee", declare_par=pro, personnes_impliquees="Un autre jeune",
                )  # fmt: skip
                AccesDelegue.objects.create(organisme=org, dossier=dossier, user=pro, motif="Remplacement",
                                            debut=today, accorde_par=world.direction)  # fmt: skip
                AccesDelegue.objects.create(organisme=org, dossier=dossier, user=pro, motif="Ancien",
                                            debut=D(2024, 1, 1), fin=D(2024, 2, 1),
                                            accorde_par=world.direction)  # fmt: skip
                BrisDeGlace.objects.create(organisme=org, dossier=dossier, user=pro, motif="Urgence la nuit",
                                           expire_le=timezone.now() + datetime.timedelta(hours=1))  # fmt: skip
                audit_record(actor=pro, action=AuditAction.READ, record=dossier)
                audit_record(actor=pro, action=AuditAction.READ, record=document)


@pytest.mark.parametrize("persona", ["educateur", "direction"])
def test_every_tab_runs_the_same_queries_with_1_and_50_rows(client, world, login_as, persona):
    dossier = factories.dossier_accompagne(world.dispositif)
    rows = Rows(world, dossier)
    login_as(getattr(world, persona))
    tabs = TABS_BY_PERSONA[persona]

    def measure():
        counts = {}
        for tab in tabs:
            url = reverse(f"dossiers:{tab}", kwargs={"pk": dossier.pk})
            response = client.get(url)
            assert response.status_code == 200, (tab, response.status_code)
            counts[tab] = count_queries(lambda url=url: client.get(url))
        return counts

    rows.add(1)
    few = measure()
    rows.add(49)
    many = measure()
    grown = {tab: (few[tab], many[tab]) for tab in tabs if few[tab] != many[tab]}
    assert not grown, f"queries grow with rows (1 row, 50 rows): {grown}"


def test_rows_are_really_shown(client, world, login_as):
    """The rows of the measure are on the pages (the counts above are not measured on empty tabs)."""
    dossier = factories.dossier_accompagne(world.dispositif)
    Rows(world, dossier).add(3)
    login_as(world.direction)

    def page(tab):
        return client.get(reverse(f"dossiers:{tab}", kwargs={"pk": dossier.pk})).content.decode()

    assert page("famille").count("Proche") >= 3
    assert "Bilan 2" in page("documents")
    assert "Inter1" in page("cercle")
    assert "Rupture" in page("signalements")
    assert "Remplacement" in page("acces")
