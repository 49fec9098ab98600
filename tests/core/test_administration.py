"""Administration in the product (Foundation item 6): personas on every view, audited writes, invalid input that
writes nothing, constant query counts on lists, invitation email on commit."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.enums import AccountKind, AuditAction, Metier, Modalite, Role
from core.models import Affectation, AuditEntry, Dispositif, DispositifAnnee, Organisme, Site, User
from core.tenancy import tenant_context
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def objs(world):
    """Objects of organisme A the views act on, and their twins in organisme B (which A's admin must not reach)."""
    admin_b = factories.professionnel(world.dispositif_b, Metier.ADMIN_ORGANISME, email="admin@b.org")
    site_b = factories.SiteFactory(dispositif=world.dispositif_b)
    with tenant_context(world.organisme.pk):
        annee = DispositifAnnee.objects.create(organisme=world.organisme, dispositif=world.dispositif, annee=2025)
        affectation = Affectation.objects.get(user=world.educateur)
    with tenant_context(world.organisme_b.pk):
        annee_b = DispositifAnnee.objects.create(
            organisme=world.organisme_b, dispositif=world.dispositif_b, annee=2025
        )
        affectation_b = Affectation.objects.get(user=world.autre_educateur)
    return {
        "a": {
            "dispositif": world.dispositif.pk,
            "annee": annee.pk,
            "site": world.site.pk,
            "user": world.educateur.pk,
            "affectation": affectation.pk,
        },
        "b": {
            "dispositif": world.dispositif_b.pk,
            "annee": annee_b.pk,
            "site": site_b.pk,
            "user": world.autre_educateur.pk,
            "affectation": affectation_b.pk,
        },
        "admin_b": admin_b,
    }


# (method, url name, kind of object in the URL or None)
VIEWS = [
    ("get", "core:admin_home", None),
    ("get", "core:admin_organisme", None),
    ("post", "core:admin_organisme", None),
    ("get", "core:admin_dispositif_list", None),
    ("get", "core:admin_dispositif_create", None),
    ("post", "core:admin_dispositif_create", None),
    ("get", "core:admin_dispositif_detail", "dispositif"),
    ("get", "core:admin_dispositif_edit", "dispositif"),
    ("post", "core:admin_dispositif_edit", "dispositif"),
    ("get", "core:admin_annee_create", "dispositif"),
    ("post", "core:admin_annee_create", "dispositif"),
    ("get", "core:admin_annee_edit", "annee"),
    ("post", "core:admin_annee_edit", "annee"),
    ("get", "core:admin_site_list", None),
    ("get", "core:admin_site_create", None),
    ("post", "core:admin_site_create", None),
    ("get", "core:admin_site_edit", "site"),
    ("post", "core:admin_site_edit", "site"),
    ("post", "core:admin_site_deactivate", "site"),
    ("post", "core:admin_site_reactivate", "site"),
    ("get", "core:admin_professionnel_list", None),
    ("get", "core:admin_professionnel_invite", None),
    ("post", "core:admin_professionnel_invite", None),
    ("get", "core:admin_professionnel_detail", "user"),
    ("get", "core:admin_professionnel_edit", "user"),
    ("post", "core:admin_professionnel_edit", "user"),
    ("post", "core:admin_professionnel_deactivate", "user"),
    ("post", "core:admin_professionnel_reactivate", "user"),
    ("post", "core:admin_professionnel_resend_invitation", "user"),
    ("get", "core:admin_affectation_create", "user"),
    ("post", "core:admin_affectation_create", "user"),
    ("post", "core:admin_affectation_end", "affectation"),
]
OBJECT_VIEWS = [v for v in VIEWS if v[2]]
ACTION_VIEWS = {name for method, name, _ in VIEWS if method == "post"} - {
    name for method, name, _ in VIEWS if method == "get"
}


def _url(objs, name, kind, side="a"):
    return reverse(name, kwargs={"pk": objs[side][kind]}) if kind else reverse(name)


def _audit_count():
    return AuditEntry.objects.exclude(action__in=[AuditAction.LOGIN, AuditAction.SECURITY]).count()


@pytest.mark.parametrize(("method", "name", "kind"), VIEWS)
@pytest.mark.parametrize("persona", ["educateur", "lecteur", "psychologue", "direction"])
def test_other_professionals_get_403_and_write_nothing(client, world, objs, login_as, persona, method, name, kind):
    login_as(getattr(world, persona))
    with tenant_context(world.organisme.pk):
        before = AuditEntry.objects.count()
    response = getattr(client, method)(_url(objs, name, kind))
    assert response.status_code == 403
    with tenant_context(world.organisme.pk):
        assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(("method", "name", "kind"), VIEWS)
@pytest.mark.parametrize("persona", ["proche", "jeune"])
def test_family_and_youth_accounts_get_404(client, world, objs, login_as, persona, method, name, kind):
    login_as(getattr(world, persona))
    assert getattr(client, method)(_url(objs, name, kind)).status_code == 404


@pytest.mark.parametrize(("method", "name", "kind"), VIEWS)
def test_anonymous_is_sent_to_login(client, objs, method, name, kind):
    response = getattr(client, method)(_url(objs, name, kind))
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:login"))


@pytest.mark.parametrize(("method", "name", "kind"), OBJECT_VIEWS)
def test_admin_gets_404_on_another_organismes_objects(client, world, objs, login_as, method, name, kind):
    login_as(world.admin)
    with tenant_context(world.organisme.pk):
        before = AuditEntry.objects.count()
    assert getattr(client, method)(_url(objs, name, kind, side="b")).status_code == 404
    with tenant_context(world.organisme.pk):
        assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(("method", "name", "kind"), OBJECT_VIEWS)
def test_admin_of_b_gets_404_on_organisme_a(client, world, objs, login_as, method, name, kind):
    login_as(objs["admin_b"])
    assert getattr(client, method)(_url(objs, name, kind)).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "core:admin_professionnel_detail",
        "core:admin_professionnel_edit",
        "core:admin_affectation_create",
    ],
)
@pytest.mark.parametrize("persona", ["proche", "jeune"])
def test_family_accounts_are_not_administered_here(client, world, login_as, name, persona):
    login_as(world.admin)
    assert client.get(reverse(name, kwargs={"pk": getattr(world, persona).pk})).status_code == 404


@pytest.mark.parametrize("name", sorted(ACTION_VIEWS))
def test_action_views_refuse_get(client, world, objs, login_as, name):
    login_as(world.admin)
    kind = next(k for m, n, k in VIEWS if n == name)
    assert client.get(_url(objs, name, kind)).status_code == 405


@pytest.mark.parametrize(("method", "name", "kind"), [v for v in VIEWS if v[0] == "get"])
def test_admin_reads_every_page(client, world, objs, login_as, method, name, kind):
    login_as(world.admin)
    response = client.get(_url(objs, name, kind))
    assert response.status_code == 200
    assert "INVALID_TEMPLATE_VARIABLE" not in response.content.decode()


# --- Writes ------------------------------------------------------------------------------------------------------


def _last_audit(record_type):
    return AuditEntry.objects.filter(record_type=record_type).order_by("-at", "-id").first()


def test_admin_edits_the_organisme_parameters(client, world, login_as):
    login_as(world.admin)
    response = client.post(
        reverse("core:admin_organisme"), {"nom": "Association Les Pins", "duree_conservation_annees": 25}
    )
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        assert Organisme.objects.get(pk=world.organisme.pk).duree_conservation_annees == 25
        entry = _last_audit("core.organisme")
        assert entry.action == AuditAction.UPDATE
        assert entry.actor_id == world.admin.pk
        assert entry.details == {"champs": ["duree_conservation_annees"]}


def test_admin_creates_and_edits_a_dispositif(client, world, login_as):
    login_as(world.admin)
    response = client.post(reverse("core:admin_dispositif_create"), {"nom": "DITEP Le Lac", "finess": "310000123"})
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        dispositif = Dispositif.objects.get(nom="DITEP Le Lac")
        assert dispositif.organisme_id == world.organisme.pk
        assert _last_audit("core.dispositif").action == AuditAction.CREATE
    response = client.post(
        reverse("core:admin_dispositif_edit", kwargs={"pk": dispositif.pk}),
        {"nom": "DITEP du Lac", "finess": "2A0000123"},
    )
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        dispositif.refresh_from_db()
        assert (dispositif.nom, dispositif.finess) == ("DITEP du Lac", "2A0000123")
        entry = _last_audit("core.dispositif")
        assert entry.action == AuditAction.UPDATE
        assert entry.details == {"champs": ["finess", "nom"]} or set(entry.details["champs"]) == {"finess", "nom"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"nom": "X", "finess": "12345"}, "Le numéro FINESS comporte 9 caractères"),
        ({"nom": "X", "finess": "31000012A"}, "Le numéro FINESS comporte 9 caractères"),
        ({"nom": "", "finess": "310000123"}, "Ce champ est obligatoire."),
        ("duplicate", "Un autre dispositif de l&#x27;organisme a déjà ce FINESS."),
    ],
)
def test_invalid_dispositif_writes_nothing(client, world, login_as, data, message):
    if data == "duplicate":
        data = {"nom": "Doublon", "finess": world.autre_dispositif.finess}
    login_as(world.admin)
    with tenant_context(world.organisme.pk):
        before = (Dispositif.objects.count(), _audit_count())
    response = client.post(reverse("core:admin_dispositif_create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    with tenant_context(world.organisme.pk):
        assert (Dispositif.objects.count(), _audit_count()) == before


def test_same_finess_in_another_organisme_is_allowed(client, world, login_as):
    login_as(world.admin)
    response = client.post(
        reverse("core:admin_dispositif_create"), {"nom": "Homonyme", "finess": world.dispositif_b.finess}
    )
    assert response.status_code == 302


def test_admin_creates_and_edits_yearly_parameters(client, world, login_as):
    login_as(world.admin)
    url = reverse("core:admin_annee_create", kwargs={"pk": world.dispositif.pk})
    data = {
        "annee": 2026,
        "places_internat": 12,
        "places_accueil_de_jour": 30,
        "places_ambulatoire": 45,
        "jours_ouverture": 210,
    }
    assert client.post(url, data).status_code == 302
    with tenant_context(world.organisme.pk):
        annee = DispositifAnnee.objects.get(dispositif=world.dispositif, annee=2026)
        assert (annee.places_internat, annee.jours_ouverture) == (12, 210)
        assert _last_audit("core.dispositifannee").action == AuditAction.CREATE
    # The year is not edited (disabled field): a posted year is ignored.
    response = client.post(
        reverse("core:admin_annee_edit", kwargs={"pk": annee.pk}), {**data, "annee": 2030, "places_internat": 14}
    )
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        annee.refresh_from_db()
        assert (annee.annee, annee.places_internat) == (2026, 14)
        entry = _last_audit("core.dispositifannee")
        assert (entry.action, entry.details) == (AuditAction.UPDATE, {"champs": ["places_internat"]})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"jours_ouverture": 367}, "Une année compte au plus 366 jours."),
        ({"places_internat": -1}, "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        ({"annee": 1990}, "L&#x27;année doit être comprise entre 2000 et 2100."),
        ({"annee": 2025}, "Les paramètres de 2025 existent déjà pour ce dispositif"),
    ],
)
def test_invalid_yearly_parameters_write_nothing(client, world, objs, login_as, change, message):
    login_as(world.admin)
    data = {
        "annee": 2027,
        "places_internat": 1,
        "places_accueil_de_jour": 1,
        "places_ambulatoire": 1,
        "jours_ouverture": 200,
        **change,
    }
    with tenant_context(world.organisme.pk):
        before = (DispositifAnnee.objects.count(), _audit_count())
    response = client.post(reverse("core:admin_annee_create", kwargs={"pk": world.dispositif.pk}), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    with tenant_context(world.organisme.pk):
        assert (DispositifAnnee.objects.count(), _audit_count()) == before


def test_admin_creates_edits_deactivates_and_reactivates_a_site(client, world, login_as):
    login_as(world.admin)
    data = {
        "dispositif": world.autre_dispositif.pk,
        "nom": "Site de Colomiers",
        "finess": "310000999",
        "modalites": [Modalite.AMBULATOIRE, Modalite.ACCUEIL_DE_JOUR],
        "adresse": "1 rue des Écoles",
    }
    assert client.post(reverse("core:admin_site_create"), data).status_code == 302
    with tenant_context(world.organisme.pk):
        site = Site.objects.get(nom="Site de Colomiers")
        assert site.dispositif_id == world.autre_dispositif.pk
        assert sorted(site.modalites) == ["accueil_de_jour", "ambulatoire"]
        assert _last_audit("core.site").action == AuditAction.CREATE
    # The dispositif of an existing site is fixed (disabled field).
    response = client.post(
        reverse("core:admin_site_edit", kwargs={"pk": site.pk}),
        {**data, "dispositif": world.dispositif.pk, "modalites": [Modalite.INTERNAT]},
    )
    assert response.status_code == 302
    client.post(reverse("core:admin_site_deactivate", kwargs={"pk": site.pk}))
    with tenant_context(world.organisme.pk):
        site.refresh_from_db()
        assert (site.dispositif_id, site.modalites, site.is_active) == (world.autre_dispositif.pk, ["internat"], False)
        assert _last_audit("core.site").details == {"champs": ["is_active"]}
    client.post(reverse("core:admin_site_reactivate", kwargs={"pk": site.pk}))
    with tenant_context(world.organisme.pk):
        site.refresh_from_db()
        assert site.is_active
        assert AuditEntry.objects.filter(record_type="core.site", record_id=str(site.pk)).count() == 4


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"modalites": []}, "Cochez au moins une modalité."),
        ({"finess": "abc"}, "Le numéro FINESS comporte 9 caractères"),
        ("duplicate", "Un autre site de l&#x27;organisme a déjà ce FINESS."),
        ("other_org", "Sélectionnez un choix valide."),
    ],
)
def test_invalid_site_writes_nothing(client, world, login_as, change, message):
    login_as(world.admin)
    if change == "duplicate":
        change = {"finess": world.site.finess}
    elif change == "other_org":
        change = {"dispositif": world.dispositif_b.pk}
    data = {"dispositif": world.dispositif.pk, "nom": "Nouveau", "finess": "", "modalites": ["internat"], **change}
    with tenant_context(world.organisme.pk):
        before = (Site.objects.count(), _audit_count())
    response = client.post(reverse("core:admin_site_create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    with tenant_context(world.organisme.pk):
        assert (Site.objects.count(), _audit_count()) == before


def _invitation(world, **change):
    return {
        "first_name": "Camille",
        "last_name": "Durand",
        "email": "Camille.Durand@a.org",
        "dispositif": world.dispositif.pk,
        "site": world.site.pk,
        "metier": Metier.ENSEIGNANT,
        "role": Role.CONTRIBUTEUR,
        "debut": "2026-01-05",
        **change,
    }


def test_invitation_creates_account_and_affectation_and_mails_on_commit(
    client, world, login_as, django_capture_on_commit_callbacks, mailoutbox
):
    login_as(world.admin)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("core:admin_professionnel_invite"), _invitation(world))
    assert response.status_code == 302
    assert len(callbacks) == 1
    with tenant_context(world.organisme.pk):
        user = User.objects.get(email="camille.durand@a.org")
        assert response.url == reverse("core:admin_professionnel_detail", kwargs={"pk": user.pk})
        assert user.kind == AccountKind.PROFESSIONNEL
        assert not user.has_usable_password()
        affectation = user.affectations.get()
        assert (affectation.dispositif_id, affectation.site_id, affectation.metier) == (
            world.dispositif.pk,
            world.site.pk,
            Metier.ENSEIGNANT,
        )
        assert affectation.debut == datetime.date(2026, 1, 5)
        actions = set(AuditEntry.objects.filter(actor=world.admin).values_list("record_type", "action").distinct())
        assert {
            ("core.user", AuditAction.CREATE),
            ("core.affectation", AuditAction.CREATE),
            ("core.user", AuditAction.SECURITY),
        } <= actions
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["camille.durand@a.org"]
    assert "/mot-de-passe/nouveau/" in mail.body


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "educ@a.org"}, "Cette adresse électronique est déjà utilisée par un compte."),
        ({"email": "educ@b.org"}, "Cette adresse électronique est déjà utilisée par un compte."),
        ({"email": "pas-une-adresse"}, "Saisissez une adresse e-mail valide."),
        ("site_of_other_dispositif", "Ce site n&#x27;appartient pas au dispositif choisi."),
        ({"metier": ""}, "Ce champ est obligatoire."),
        ({"dispositif": "other_org"}, "Sélectionnez un choix valide."),
    ],
)
def test_invalid_invitation_writes_and_sends_nothing(
    client, world, login_as, django_capture_on_commit_callbacks, mailoutbox, change, message
):
    if change == "site_of_other_dispositif":
        change = {"dispositif": world.autre_dispositif.pk}
    elif change.get("dispositif") == "other_org":
        change = {"dispositif": world.dispositif_b.pk}
    login_as(world.admin)
    with tenant_context(world.organisme.pk):
        before = (User.objects.count(), Affectation.objects.count(), _audit_count())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:admin_professionnel_invite"), _invitation(world, **change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert mailoutbox == []
    with tenant_context(world.organisme.pk):
        assert (User.objects.count(), Affectation.objects.count(), _audit_count()) == before


def test_resend_invitation_only_for_pending_accounts(
    client, world, login_as, django_capture_on_commit_callbacks, mailoutbox
):
    login_as(world.admin)
    with tenant_context(world.organisme.pk):
        pending = factories.professionnel(world.dispositif, email="nouveau@a.org", password=None)
        User.objects.filter(pk=pending.pk).update(password="!unusable")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:admin_professionnel_resend_invitation", kwargs={"pk": pending.pk}))
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["nouveau@a.org"]]
    # An account that already chose its password gets no invitation (it uses "forgotten password").
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:admin_professionnel_resend_invitation", kwargs={"pk": world.educateur.pk}))
    assert len(mailoutbox) == 1
    with tenant_context(world.organisme.pk):
        assert not AuditEntry.objects.filter(record_id=str(world.educateur.pk), action=AuditAction.SECURITY).exists()


def test_admin_edits_identity(client, world, login_as):
    login_as(world.admin)
    url = reverse("core:admin_professionnel_edit", kwargs={"pk": world.educateur.pk})
    response = client.post(url, {"first_name": "Jean", "last_name": "Martin", "email": "JEAN.martin@a.org"})
    assert response.status_code == 302
    with tenant_context(world.organisme.pk):
        user = User.objects.get(pk=world.educateur.pk)
        assert (user.first_name, user.last_name, user.email) == ("Jean", "Martin", "jean.martin@a.org")
        entry = _last_audit("core.user")
        assert (entry.action, entry.details) == (AuditAction.UPDATE, {"champs": ["email", "first_name", "last_name"]})


@pytest.mark.parametrize("email", ["lecteur@a.org", "educ@b.org"])
def test_identity_with_an_email_in_use_writes_nothing(client, world, login_as, email):
    login_as(world.admin)
    with tenant_context(world.organisme.pk):
        before = _audit_count()
    url = reverse("core:admin_professionnel_edit", kwargs={"pk": world.educateur.pk})
    response = client.post(url, {"first_name": "Jean", "last_name": "Martin", "email": email})
    assert response.status_code == 200
    assert "Cette adresse électronique est déjà utilisée par un compte." in response.content.decode()
    with tenant_context(world.organisme.pk):
        assert User.objects.get(pk=world.educateur.pk).email == "educ@a.org"
        assert _audit_count() == before


def test_deactivate_and_reactivate_an_account(client, world, login_as):
    login_as(world.admin)
    client.post(reverse("core:admin_professionnel_deactivate", kwargs={"pk": world.educateur.pk}))
    with tenant_context(world.organisme.pk):
        assert not User.objects.get(pk=world.educateur.pk).is_active
        assert _last_audit("core.user").details == {"is_active": False}
    client.post(reverse("core:admin_professionnel_reactivate", kwargs={"pk": world.educateur.pk}))
    with tenant_context(world.organisme.pk):
        assert User.objects.get(pk=world.educateur.pk).is_active
        assert _last_audit("core.user").details == {"is_active": True}


def test_admin_cannot_deactivate_own_account(client, world, login_as):
    login_as(world.admin)
    response = client.post(reverse("core:admin_professionnel_deactivate", kwargs={"pk": world.admin.pk}), follow=True)
    assert "Vous ne pouvez pas désactiver votre propre compte." in response.content.decode()
    with tenant_context(world.organisme.pk):
        assert User.objects.get(pk=world.admin.pk).is_active


def test_admin_adds_and_ends_an_affectation(client, world, login_as):
    login_as(world.admin)
    url = reverse("core:admin_affectation_create", kwargs={"pk": world.educateur.pk})
    data = {
        "dispositif": world.autre_dispositif.pk,
        "site": "",
        "metier": Metier.EDUCATEUR_NUIT,
        "role": Role.LECTEUR,
        "debut": "2026-02-01",
        "fin": "",
    }
    assert client.post(url, data).status_code == 302
    with tenant_context(world.organisme.pk):
        affectation = Affectation.objects.get(user=world.educateur, dispositif=world.autre_dispositif)
        assert (affectation.metier, affectation.role, affectation.fin) == (Metier.EDUCATEUR_NUIT, Role.LECTEUR, None)
        assert _last_audit("core.affectation").action == AuditAction.CREATE
    end_url = reverse("core:admin_affectation_end", kwargs={"pk": affectation.pk})
    assert client.post(end_url, {f"a{affectation.pk}-fin": "2026-06-30"}).status_code == 302
    with tenant_context(world.organisme.pk):
        affectation.refresh_from_db()
        assert affectation.fin == datetime.date(2026, 6, 30)
        entry = _last_audit("core.affectation")
        assert (entry.action, entry.details) == (AuditAction.UPDATE, {"champs": ["fin"]})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"fin": "2026-01-01"}, "La fin ne peut pas précéder le début."),
        ({"site": "site_of_other_dispositif"}, "Ce site n&#x27;appartient pas au dispositif choisi."),
        ({"metier": "astronaute"}, "Sélectionnez un choix valide."),
    ],
)
def test_invalid_affectation_writes_nothing(client, world, login_as, change, message):
    login_as(world.admin)
    if change.get("site") == "site_of_other_dispositif":
        change = {"site": world.site.pk}
    data = {
        "dispositif": world.autre_dispositif.pk,
        "site": "",
        "metier": Metier.EDUCATEUR,
        "role": Role.CONTRIBUTEUR,
        "debut": "2026-02-01",
        "fin": "",
        **change,
    }
    with tenant_context(world.organisme.pk):
        before = (Affectation.objects.count(), _audit_count())
    response = client.post(reverse("core:admin_affectation_create", kwargs={"pk": world.educateur.pk}), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    with tenant_context(world.organisme.pk):
        assert (Affectation.objects.count(), _audit_count()) == before


def test_ending_an_affectation_before_its_start_writes_nothing(client, world, objs, login_as):
    login_as(world.admin)
    pk = objs["a"]["affectation"]
    with tenant_context(world.organisme.pk):
        debut = Affectation.objects.get(pk=pk).debut
        before = _audit_count()
    response = client.post(
        reverse("core:admin_affectation_end", kwargs={"pk": pk}),
        {f"a{pk}-fin": (debut - datetime.timedelta(days=1)).isoformat()},
        follow=True,
    )
    assert "La fin ne peut pas précéder le début de l&#x27;affectation" in response.content.decode()
    with tenant_context(world.organisme.pk):
        assert Affectation.objects.get(pk=pk).fin is None
        assert _audit_count() == before


def test_admin_cannot_end_own_admin_affectation(client, world, login_as):
    login_as(world.admin)
    with tenant_context(world.organisme.pk):
        affectation = Affectation.objects.get(user=world.admin)
    response = client.post(
        reverse("core:admin_affectation_end", kwargs={"pk": affectation.pk}),
        {f"a{affectation.pk}-fin": timezone.localdate().isoformat()},
        follow=True,
    )
    assert (
        "Vous ne pouvez pas mettre fin à votre propre affectation d&#x27;administrateur." in response.content.decode()
    )
    with tenant_context(world.organisme.pk):
        assert Affectation.objects.get(pk=affectation.pk).fin is None


# --- Lists: search, filters, HTMX partial, query counts --------------------------------------------------------


def test_professional_list_search_and_filters(client, world, login_as):
    login_as(world.admin)
    url = reverse("core:admin_professionnel_list")
    body = client.get(url, {"q": "psy@"}).content.decode()
    assert "psy@a.org" in body and "educ@a.org" not in body
    body = client.get(url, {"metier": Metier.DIRECTION}).content.decode()
    assert "direction@a.org" in body and "educ@a.org" not in body
    body = client.get(url, {"dispositif": world.autre_dispositif.pk}).content.decode()
    assert "Aucun professionnel ne correspond" in body
    # Family accounts and other organismes never show.
    body = client.get(url, {"actif": "tous"}).content.decode()
    assert "parent@a.org" not in body and "educ@b.org" not in body
    with tenant_context(world.organisme.pk):
        User.objects.filter(pk=world.lecteur.pk).update(is_active=False)
    assert "lecteur@a.org" not in client.get(url).content.decode()
    assert "lecteur@a.org" in client.get(url, {"actif": "non"}).content.decode()


def test_professional_list_serves_the_htmx_partial_on_the_same_url(client, world, login_as):
    login_as(world.admin)
    response = client.get(reverse("core:admin_professionnel_list"), {"q": "educ"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "educ@a.org" in body
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def _add_professionnels(world, n):
    for _ in range(n):
        user = factories.professionnel(world.dispositif, Metier.EDUCATEUR)
        with tenant_context(world.organisme.pk):
            Affectation.objects.create(
                organisme=world.organisme, user=user, dispositif=world.autre_dispositif, site=None, metier="enseignant"
            )


def _add_dispositifs(world, n):
    for _ in range(n):
        dispositif = factories.DispositifFactory(organisme=world.organisme)
        factories.SiteFactory(dispositif=dispositif)
        with tenant_context(world.organisme.pk):
            DispositifAnnee.objects.create(
                organisme=world.organisme, dispositif=dispositif, annee=timezone.localdate().year
            )


def _add_sites(world, n):
    for _ in range(n):
        factories.SiteFactory(dispositif=world.dispositif)


def _add_annees(world, n):
    with tenant_context(world.organisme.pk):
        start = 2000 + DispositifAnnee.objects.filter(dispositif=world.dispositif).count()
        for year in range(start, start + n):
            DispositifAnnee.objects.create(organisme=world.organisme, dispositif=world.dispositif, annee=year)
    _add_sites(world, n)


def _add_affectations(world, n):
    with tenant_context(world.organisme.pk):
        for _ in range(n):
            Affectation.objects.create(
                organisme=world.organisme, user=world.educateur, dispositif=world.autre_dispositif, metier="enseignant"
            )


# Every page runs 11 framework queries (session, savepoint and its release, tenant setting read/set/restore, user,
# OTP device, access affectations, organisme name and unread count for the menu); then its own, listed per case.
@pytest.mark.parametrize(
    ("name", "kind", "add_rows", "expected"),
    [
        # count, page of users, prefetch of current affectations with dispositif and site, dispositifs of the filter
        ("core:admin_professionnel_list", None, _add_professionnels, 15),
        # dispositifs with site and professional counts, prefetch of this year's parameters
        ("core:admin_dispositif_list", None, _add_dispositifs, 13),
        # dispositifs of the filter, sites with their dispositif
        ("core:admin_site_list", None, _add_sites, 13),
        # dispositif, its years, its sites
        ("core:admin_dispositif_detail", "dispositif", _add_annees, 14),
        # professional, affectations with dispositif and site
        ("core:admin_professionnel_detail", "user", _add_affectations, 13),
    ],
)
@pytest.mark.parametrize("rows", [1, 20])
def test_list_query_counts_do_not_grow_with_rows(
    client, world, login_as, django_assert_num_queries, name, kind, add_rows, expected, rows
):
    add_rows(world, rows)
    login_as(world.admin)
    pk = {"dispositif": world.dispositif.pk, "user": world.educateur.pk}.get(kind)
    url = reverse(name, kwargs={"pk": pk}) if pk else reverse(name)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
