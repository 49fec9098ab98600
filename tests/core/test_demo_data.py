"""``demo_data``: deterministic, idempotent, written through the services, with working demo logins."""

import time
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from core.demo import (
    DEMO_FINESS_JURIDIQUE,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    METIER_WEIGHTS,
    build_demo_document,
)
from core.echange import validate_document
from core.enums import AccountKind, AuditAction, Metier
from core.models import Affectation, AuditEntry, Dispositif, DispositifAnnee, Site, User
from core.services.organisation import find_organisme_id_by_finess
from core.tenancy import tenant_context
from dossiers.models import Partenaire

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
    assert elapsed < 20, f"demo_data --scale 1 took {elapsed:.1f}s"

    organisme_id = find_organisme_id_by_finess(DEMO_FINESS_JURIDIQUE)
    assert organisme_id is not None
    assert "Import réussi pour l'organisme « Association Les Chemins »" in out.getvalue()
    assert "educateur@demo.ditep.fr" in out.getvalue()
    state = snapshot(organisme_id)
    assert len(state["dispositifs"]) == 2 and len(state["sites"]) == 4 and state["partenaires"] == 13
    assert state["annees"] == 2
    kinds = Counter(kind for _, _, kind, _, _ in state["users"])
    assert kinds == {AccountKind.PROFESSIONNEL: 50, AccountKind.PROCHE: 1, AccountKind.JEUNE: 1}
    assert len(state["affectations"]) == 50
    # The data is the generator's document: deterministic from the seed.
    document = build_demo_document(1)
    assert {(p["ref"], p["email"]) for p in document["professionnels"]} <= {(r, e) for r, e, *_ in state["users"]}
    with tenant_context(organisme_id):
        assert AuditEntry.objects.filter(action=AuditAction.IMPORT).count() == 1

    again = StringIO()
    call_command("demo_data", "--scale", "2", stdout=again)
    assert "existe déjà" in again.getvalue()
    assert snapshot(organisme_id) == state


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
        assert others.count() == 50 - len(Metier)
        assert not any(user.has_usable_password() for user in others)


def test_scale_must_be_positive():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("demo_data", "--scale", "0")
