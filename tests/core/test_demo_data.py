"""``demo_data``: deterministic, idempotent, written through the services, with working demo logins and youths at
every stage of the parcours."""

import datetime
import time
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from core.demo import (
    DEMO_FAMILLE_JEUNE_REF,
    DEMO_FINESS_JURIDIQUE,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    JEUNES_PER_SCALE,
    METIER_WEIGHTS,
    build_demo_document,
    build_demo_plan,
)
from core.echange import validate_document
from core.enums import AccountKind, AuditAction, Metier
from core.models import Affectation, AuditEntry, Dispositif, DispositifAnnee, Site, User
from core.services.organisation import find_organisme_id_by_finess
from core.tenancy import Access, tenant_context
from dossiers.enums import StatutParcours
from dossiers.models import (
    BrisDeGlace,
    Dossier,
    Jeune,
    NotificationMdph,
    Parcours,
    Partenaire,
    PeriodeScolaire,
    Proche,
    SituationComplexe,
)
from dossiers.perms import readable_dossiers

pytestmark = pytest.mark.django_db


def snapshot(organisme_id) -> dict:
    with tenant_context(organisme_id):
        return {
            "dispositifs": sorted(Dispositif.objects.values_list("finess", "nom")),
            "annees": DispositifAnnee.objects.count(),
            "sites": sorted(Site.objects.values_list("finess", "nom")),
            "users": sorted(User.objects.values_list("ref", "email", "kind", "first_name", "last_name")),
            "affectations": sorted(Affectation.objects.values_list("user__ref", "dispositif__finess", "metier")),
            "partenaires": Partenaire.objects.count(),
            "jeunes": sorted(Jeune.objects.values_list("ref", "prenom", "nom_naissance", "date_naissance")),
            "dossiers": sorted(Dossier.objects.values_list("jeune__ref", "statut", "archived_at")),
            "parcours": Parcours.objects.count(),
            "proches": Proche.objects.count(),
        }


def test_document_is_deterministic_and_valid():
    first, second = build_demo_document(1), build_demo_document(1)
    assert first == second
    assert build_demo_document(2) != first
    assert validate_document(first, create_organisme=True).errors == []
    pros = first["professionnels"]
    assert len(pros) == sum(METIER_WEIGHTS.values()) == 50
    assert len({p["email"] for p in pros}) == len(pros)
    assert Counter(p["metier"] for p in pros) == {m.value: w for m, w in METIER_WEIGHTS.items()}
    assert len(build_demo_document(3)["professionnels"]) == 150
    assert len(first["dispositifs"]) == 2
    assert sum(len(d["sites"]) for d in first["dispositifs"]) == 4
    assert len(first["partenaires"]) >= 12


def test_demo_data_loads_once_and_is_idempotent():
    started = time.perf_counter()
    out = StringIO()
    call_command("demo_data", stdout=out)
    elapsed = time.perf_counter() - started
    assert elapsed < 60, f"demo_data --scale 1 took {elapsed:.1f}s"

    organisme_id = find_organisme_id_by_finess(DEMO_FINESS_JURIDIQUE)
    assert organisme_id is not None
    assert "Import réussi pour l'organisme « Association Les Chemins »" in out.getvalue()
    assert "educateur@demo.ditep.fr" in out.getvalue()
    state = snapshot(organisme_id)
    assert len(state["dispositifs"]) == 2 and len(state["sites"]) == 4 and state["partenaires"] == 13
    assert state["annees"] == 2
    kinds = Counter(kind for _, _, kind, _, _ in state["users"])
    # The demo logins famille@ and jeune@, plus families invited to the portal (pending, no password).
    assert kinds[AccountKind.PROFESSIONNEL] == 50 and kinds[AccountKind.JEUNE] == 1
    assert kinds[AccountKind.PROCHE] > 1 and set(kinds) == {
        AccountKind.PROFESSIONNEL,
        AccountKind.PROCHE,
        AccountKind.JEUNE,
    }
    assert len(state["jeunes"]) == JEUNES_PER_SCALE + 1
    assert len(state["affectations"]) == 50
    # The data is the generator's document: deterministic from the seed.
    document = build_demo_document(1)
    assert {(p["ref"], p["email"]) for p in document["professionnels"]} <= {(r, e) for r, e, *_ in state["users"]}
    with tenant_context(organisme_id):
        # One import of the organisme's document (the logbook's history adds its own "reprise" row).
        assert AuditEntry.objects.filter(action=AuditAction.IMPORT, record_type="core.organisme").count() == 1
        journal_rows = AuditEntry.objects.count()

    again = StringIO()
    call_command("demo_data", "--scale", "2", stdout=again)
    assert "existe déjà" in again.getvalue()
    assert snapshot(organisme_id) == state
    with tenant_context(organisme_id):
        assert AuditEntry.objects.count() == journal_rows  # the second run wrote nothing


def test_demo_logins_work_and_only_they_have_a_password(rf):
    call_command("demo_data", stdout=StringIO())
    organisme_id = find_organisme_id_by_finess(DEMO_FINESS_JURIDIQUE)
    emails = [email for email, _ in DEMO_LOGINS]
    assert len(emails) == len(Metier) + 2
    assert {"educateur@demo.ditep.fr", "direction@demo.ditep.fr", "admin_organisme@demo.ditep.fr"} <= set(emails)
    assert {"famille@demo.ditep.fr", "jeune@demo.ditep.fr"} <= set(emails)
    for email in emails:
        with tenant_context(None):
            user = authenticate(rf.post("/connexion/"), username=email, password=DEMO_PASSWORD)
        assert user is not None, email
    with tenant_context(organisme_id):
        assert User.objects.get(email="famille@demo.ditep.fr").kind == AccountKind.PROCHE
        assert User.objects.get(email="jeune@demo.ditep.fr").kind == AccountKind.JEUNE
        for metier in Metier:
            affectation = Affectation.objects.get(user__email=f"{metier.value}@demo.ditep.fr")
            assert affectation.metier == metier
        others = User.objects.exclude(email__in=emails)
        assert others.filter(kind=AccountKind.PROFESSIONNEL).count() == 50 - len(Metier)
        assert not any(user.has_usable_password() for user in others)  # invited portal accounts included


def test_scale_must_be_positive():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("demo_data", "--scale", "0")


D = datetime.date


def test_plan_is_deterministic_for_a_given_day():
    day = D(2026, 1, 5)
    first = build_demo_plan(1, today=day)
    assert first == build_demo_plan(1, today=day)
    assert build_demo_plan(1, today=D(2026, 3, 1)) != first  # dates follow the day of loading
    jeunes = first.document["jeunes"]
    assert len(jeunes) == JEUNES_PER_SCALE + 1
    assert len(build_demo_plan(2, today=day).document["jeunes"]) == 2 * JEUNES_PER_SCALE + 1
    assert len({j["ref"] for j in jeunes}) == len(jeunes)
    assert Counter(j["dispositif"] for j in jeunes) == {"310790029": 71, "310790052": 50}
    assert all(1 <= len(first.proches[j["ref"]]) <= 3 for j in jeunes)
    # The professionals did not move when the youths arrived (their own random generator).
    assert first.document["professionnels"] == build_demo_document(1, today=day)["professionnels"]


def test_demo_youths_at_every_stage_with_families_and_access_cases():
    day = datetime.date.today()
    started = time.perf_counter()
    call_command("demo_data", stdout=StringIO())
    elapsed = time.perf_counter() - started
    assert elapsed < 60, f"demo_data --scale 1 took {elapsed:.1f}s"
    organisme_id = find_organisme_id_by_finess(DEMO_FINESS_JURIDIQUE)
    plan = build_demo_plan(1)
    with tenant_context(organisme_id):
        dossiers = list(Dossier.objects.select_related("jeune", "dispositif", "referent"))
        # Deterministic: the loaded youths are those of the plan for the day.
        loaded = sorted((d.jeune.ref, d.jeune.prenom, d.jeune.date_naissance.isoformat()) for d in dossiers)
        planned = sorted((j["ref"], j["prenom"], j["date_naissance"]) for j in plan.document["jeunes"])
        assert loaded == planned

        statuts = Counter(d.statut for d in dossiers if not d.is_archived)
        for statut in StatutParcours.values:
            assert statuts[statut] >= 2, statut
        assert sum(d.is_archived for d in dossiers) >= 5
        assert Parcours.objects.filter(issue__in=["refus", "abandon"]).count() >= 3
        assert Parcours.objects.exclude(motif_sortie="").values("motif_sortie").distinct().count() >= 4
        waiting = [d for d in dossiers if d.statut == StatutParcours.PRE_ADMISSION]
        assert {"normale", "haute"} <= {d.priorite for d in waiting}
        assert all(d.date_orientation and d.modalites_demandees for d in waiting)
        accompagnes = [d for d in dossiers if d.statut == StatutParcours.ACCOMPAGNE]
        assert {m for d in accompagnes for m in d.modalites} == {"internat", "accueil_de_jour", "ambulatoire"}
        assert any(len(d.modalites) >= 2 for d in accompagnes)
        ages = [d.jeune.age_on(day) for d in accompagnes]
        assert min(ages) >= 6 and max(ages) >= 20  # Creton
        assert NotificationMdph.objects.filter(creton=True).exists()
        assert Counter(d.jeune.deficience_principale for d in dossiers).most_common(1)[0][0] == "comportement"
        assert sum(d.jeune.mesure_ase for d in dossiers) >= 10
        # Référents among the educators of the dossier's dispositif.
        educateurs = set(Affectation.objects.filter(metier=Metier.EDUCATEUR).values_list("user_id", "dispositif_id"))
        assert all((d.referent_id, d.dispositif_id) in educateurs for d in dossiers if d.referent_id)
        assert sum(d.referent_id is not None for d in accompagnes) == len(accompagnes)

        # Families: 1 to 3 proches, separated parents both représentants légaux, ASE référents.
        per_jeune = Counter(Proche.objects.values_list("jeune_id", flat=True))
        assert len(per_jeune) == len(dossiers) and set(per_jeune.values()) <= {1, 2, 3}
        assert Proche.objects.filter(lien="ASE").exists()
        separated = Proche.objects.filter(lien="FTH", representant_legal=True, commentaire__contains="séparés")
        assert separated.exists()
        assert PeriodeScolaire.objects.count() >= 100
        soon = NotificationMdph.objects.filter(date_fin__gte=day, date_fin__lte=day + datetime.timedelta(days=92))
        assert soon.count() >= 5
        assert SituationComplexe.objects.count() >= 5

        # Portal accounts: famille@ is a représentant légal of Léo, jeune@ is Léo (12 or older).
        famille = Proche.objects.select_related("jeune").get(compte__email="famille@demo.ditep.fr")
        assert famille.representant_legal and famille.jeune.ref == DEMO_FAMILLE_JEUNE_REF
        leo = Jeune.objects.get(compte__email="jeune@demo.ditep.fr")
        assert leo.ref == DEMO_FAMILLE_JEUNE_REF and leo.age_on(day) >= 12
        leo_dossier = leo.dossiers.select_related("referent").get()
        assert leo_dossier.referent.email == "educateur@demo.ditep.fr"

        # One restricted dossier: hidden from the demo educator, visible to the direction; one break-the-glass,
        # in the audit journal for the direction.
        restreint = Dossier.objects.get(est_restreint=True)
        educateur = User.objects.get(email="educateur@demo.ditep.fr")
        direction = User.objects.get(email="direction@demo.ditep.fr")
        assert restreint not in readable_dossiers(Access.for_user(educateur))
        assert restreint in readable_dossiers(Access.for_user(direction))
        bris = BrisDeGlace.objects.get()
        assert bris.dossier == restreint and bris.motif
        assert AuditEntry.objects.filter(action=AuditAction.BREAK_GLASS, record_id=str(restreint.pk)).exists()
