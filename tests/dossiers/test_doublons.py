"""Duplicate warning on /dossiers/nouveau/: youths of the organisme born the same day with a similar name (accents
and typos tolerated) are shown before creating; open their dossier, open a dossier in the chosen dispositif for
the youth already known, or create anyway."""

import datetime

import pytest
from django.urls import reverse

from core.tenancy import tenant_context
from dossiers.doublons import similar_jeunes
from dossiers.models import Dossier, Jeune
from dossiers.services.acces import dossier_set_restreint
from tests import factories

pytestmark = pytest.mark.django_db
URL = reverse("dossiers:nouveau")
NAISSANCE = datetime.date(2013, 4, 12)


@pytest.fixture
def existant(world):
    """Inès Lefèvre, born 12/04/2013, accompanied in the other dispositif (A2)."""
    with tenant_context(world.organisme.pk):
        jeune = factories.JeuneFactory(organisme=world.organisme, prenom="Inès", nom_naissance="Lefèvre",
                                       date_naissance=NAISSANCE, sexe="F")  # fmt: skip
    return factories.dossier_accompagne(world.autre_dispositif, jeune=jeune)


def data(world, **kwargs):
    return {
        "nom_naissance": "Lefevre", "prenom": "Ines", "date_naissance": "2013-04-12", "sexe": "F",
        "dispositif": world.dispositif.pk, "origine": "orientation_mdph", "debut": "2026-09-01", "priorite": "normale",
    } | kwargs  # fmt: skip


def jeunes(world):
    with tenant_context(world.organisme.pk):
        return list(Jeune.objects.order_by("pk").values_list("prenom", "nom_naissance"))


def test_possible_duplicate_is_shown_before_creating(client, world, login_as, existant):
    login_as(world.educateur)
    response = client.post(URL, data(world, nom_naissance="Lefebvre"))  # typo, no accents
    assert response.status_code == 200
    text = response.text
    assert "Ce jeune existe peut-être déjà" in text
    assert "Inès Lefèvre" in text and "12/04/2013" in text
    # Educator of A1: the A2 dossier is not theirs to open; they may open a dossier in A1 for this youth.
    assert "Dossier dans DITEP La Source (vous n'y avez pas accès)" in text
    assert f'name="jeune_existant" value="{existant.jeune_id}"' in text
    assert "Créer quand même un nouveau jeune" in text
    assert jeunes(world) == [("Inès", "Lefèvre")]  # nothing created yet


def test_direction_gets_a_link_to_the_existing_dossier(client, world, login_as, existant):
    login_as(world.direction)
    response = client.post(URL, data(world))
    assert reverse("dossiers:dossier", kwargs={"pk": existant.pk}) in response.text


def test_open_a_dossier_for_the_existing_youth(client, world, login_as, existant):
    login_as(world.educateur)
    response = client.post(URL, data(world, jeune_existant=existant.jeune_id))
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        dossier = Dossier.objects.get(jeune_id=existant.jeune_id, dispositif=world.dispositif)
        assert dossier.statut == "pre_admission"
    assert response["Location"] == reverse("dossiers:dossier", kwargs={"pk": dossier.pk})
    assert jeunes(world) == [("Inès", "Lefèvre")]  # no second youth
    # Now the youth has a dossier here: no second one, the warning says so.
    response = client.post(URL, data(world))
    assert "Ce jeune a déjà un dossier dans DITEP Les Pins." in response.text
    assert 'name="jeune_existant"' not in response.text
    response = client.post(URL, data(world, jeune_existant=existant.jeune_id))
    assert response.status_code == 422
    assert "a déjà un dossier dans ce dispositif" in response.text


def test_create_anyway(client, world, login_as, existant):
    login_as(world.educateur)
    response = client.post(URL, data(world, confirmer_doublon="1"))
    assert response.status_code == 302
    assert jeunes(world) == [("Inès", "Lefèvre"), ("Ines", "Lefevre")]


def test_no_warning_without_a_match(client, world, login_as, existant):
    login_as(world.educateur)
    # Same name, another birth date; same birth date, another name.
    for values in ({"date_naissance": "2013-04-13"}, {"prenom": "Karim", "nom_naissance": "Benali"}):
        response = client.post(URL, data(world, **values))
        assert response.status_code == 302, values
    assert len(jeunes(world)) == 3


def test_an_arbitrary_youth_id_is_refused(client, world, login_as, existant):
    other = factories.dossier_accompagne(world.autre_dispositif)  # another name and birth date
    foreign = factories.dossier_accompagne(world.dispositif_b)
    login_as(world.educateur)
    for pk in (other.jeune_id, foreign.jeune_id):
        response = client.post(URL, data(world, jeune_existant=pk))
        assert response.status_code == 422
        assert "ne correspond pas à l&#x27;identité saisie" in response.text
    with tenant_context(world.organisme.pk):
        assert not Dossier.objects.filter(dispositif=world.dispositif).exists()


def test_other_organisme_youths_are_never_shown(client, world, login_as, existant):
    login_as(world.autre_educateur)
    response = client.post(URL, data(world, dispositif=world.dispositif_b.pk))
    assert response.status_code == 302
    assert "Lefèvre" not in response.content.decode()


def test_restricted_dossier_is_not_linked(client, world, login_as):
    with tenant_context(world.organisme.pk):
        jeune = factories.JeuneFactory(organisme=world.organisme, prenom="Inès", nom_naissance="Lefèvre",
                                       date_naissance=NAISSANCE)  # fmt: skip
    dossier = factories.dossier_accompagne(world.dispositif, jeune=jeune)
    with tenant_context(world.organisme.pk):
        dossier_set_restreint(dossier=dossier, est_restreint=True, actor=world.direction)
    login_as(world.educateur)
    response = client.post(URL, data(world))
    assert reverse("dossiers:dossier", kwargs={"pk": dossier.pk}) not in response.text
    assert "Ce jeune a déjà un dossier dans DITEP Les Pins." in response.text


def test_personas_on_the_page(client, world, login_as):
    login_as(world.lecteur)
    assert client.post(URL, data(world)).status_code == 403
    login_as(world.admin)
    assert client.get(URL).status_code == 403
    for persona in ("proche", "jeune"):
        login_as(getattr(world, persona))
        assert client.get(URL).status_code == 404


def test_similar_jeunes_ranks_and_limits(world, existant):
    from core.tenancy import Access

    with tenant_context(world.organisme.pk):
        factories.JeuneFactory(organisme=world.organisme, prenom="Inès", nom_naissance="Lefèvre-Martin",
                               date_naissance=NAISSANCE)  # fmt: skip
        access = Access.for_user(world.direction)
        found = similar_jeunes(access, prenom="Inès", nom_naissance="Lefèvre", date_naissance=NAISSANCE)
        assert [d.jeune.nom_naissance for d in found] == ["Lefèvre", "Lefèvre-Martin"]
        assert found[0].dossiers[0].lisible is True
        assert similar_jeunes(access, prenom="", nom_naissance="", date_naissance=NAISSANCE) == []
