"""Transmissions pages: personas (writer, read-only, care métier and confidentiality, direction, admin_organisme,
other organisme, family and youth accounts), drafts, autosave, picker, handover view, journal and search, timeline,
audit rows and constant query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.enums import AuditAction, Metier
from core.models import AuditEntry, Notification
from core.tenancy import tenant_context
from tests import factories
from tests.helpers import assert_constant_queries
from transmissions.models import Lecture, PriseDePoste, Transmission
from transmissions.services import prise_de_poste, transmission_create_draft, transmission_write


def write(tw, auteur=None, **kwargs):
    kwargs.setdefault("jeunes", [tw.jeune])
    kwargs.setdefault("texte", "Journée calme, a bien participé à l'atelier cuisine.")
    categorie = tw.categories[kwargs.pop("categorie", "vie_quotidienne")]
    with tenant_context(tw.organisme.pk):
        return transmission_write(
            auteur=auteur or tw.educateur, dispositif=tw.dispositif, categorie=categorie, **kwargs
        )


def url(name, *args):
    return reverse(f"transmissions:{name}", args=args)


# --- Personas ------------------------------------------------------------------------------------------------------


@pytest.fixture
def t(tw):
    return write(tw)


def _pages(tw, t):
    return [
        url("journal"),
        url("a_lire"),
        url("detail", t.pk),
        url("timeline", tw.dossier.pk),
        url("nouvelle"),
        url("jeunes") + "?q=leo",
    ]


@pytest.mark.parametrize("persona", ["educateur", "psychologue", "direction"])
def test_writers_open_every_page(client, tw, t, login_as, persona):
    login_as(getattr(tw, persona))
    for page in _pages(tw, t):
        assert client.get(page).status_code == 200, page


def test_lecteur_reads_but_cannot_write(client, tw, t, login_as):
    login_as(tw.lecteur)
    for page in _pages(tw, t)[:4]:
        assert client.get(page).status_code == 200, page
    assert client.get(url("nouvelle")).status_code == 403
    assert client.get(url("jeunes")).status_code == 403
    data = {"categorie": tw.categories["sante"].pk, "texte": "x", "visibilite": "equipe"}
    assert client.post(url("nouvelle"), data).status_code == 403
    assert client.post(url("brouillon"), data).status_code == 403
    assert client.post(url("addendum", t.pk), {"texte": "x"}).status_code == 403
    with tenant_context(tw.organisme.pk):
        assert Transmission.objects.count() == 1
    # Reading receipts are the reader's own state: allowed.
    assert client.post(url("marquer_lu", t.pk)).status_code == 302


def test_admin_organisme_sees_no_clinical_content(client, tw, t, login_as):
    login_as(tw.admin)
    for page in _pages(tw, t):
        assert client.get(page).status_code in (403,), page
    assert client.get(url("badge")).content == b""


def test_other_organisme_gets_404(client, tw, t, login_as):
    login_as(tw.autre_educateur)
    assert client.get(url("detail", t.pk)).status_code == 404
    assert client.get(url("timeline", tw.dossier.pk)).status_code == 404
    assert client.post(url("addendum", t.pk), {"texte": "x"}).status_code == 404
    assert client.post(url("marquer_lu", t.pk)).status_code == 404
    assert client.get(url("nouvelle") + f"?jeune={tw.dossier.pk}").status_code == 403
    assert "atelier cuisine" not in client.get(url("journal")).content.decode()


@pytest.mark.parametrize("persona", ["proche", "jeune"])
def test_family_and_youth_accounts_get_404(client, tw, t, login_as, persona):
    login_as(getattr(tw.w, persona))  # the accounts (tw.jeune is the youth)
    for page in [*_pages(tw, t), url("badge")]:
        assert client.get(page).status_code == 404, page
    assert client.post(url("nouvelle"), {}).status_code == 404


# --- Confidentiality, drafts, restricted dossiers ---------------------------------------------------------------


def test_confidentiel_soin_only_for_care_metiers_and_author(client, tw, login_as):
    secret = write(tw, tw.psychologue, visibilite="confidentiel_soin", texte="Angoisses nocturnes importantes.")
    infirmier = factories.professionnel(tw.dispositif, Metier.INFIRMIER)
    own = write(tw, tw.educateur, visibilite="confidentiel_soin", texte="Confidence de l'éducateur.")
    for user, readable in ((tw.psychologue, True), (infirmier, True), (tw.educateur, False), (tw.lecteur, False),
                           (tw.direction, False)):  # fmt: skip
        login_as(user)
        assert client.get(url("detail", secret.pk)).status_code == (200 if readable else 403), user
        pages = [url("journal"), url("journal") + "?q=angoisse", url("timeline", tw.dossier.pk)]
        if user != tw.psychologue:
            pages.append(url("a_lire"))  # the handover view shows what colleagues wrote
        for page in pages:
            assert ("Angoisses nocturnes" in client.get(page).content.decode()) is readable, (user, page)
    login_as(tw.educateur)
    assert client.get(url("detail", own.pk)).status_code == 200
    login_as(tw.lecteur)
    assert client.get(url("detail", own.pk)).status_code == 403


def test_draft_is_visible_to_its_author_only(client, tw, login_as):
    with tenant_context(tw.organisme.pk):
        draft = transmission_create_draft(
            auteur=tw.educateur, dispositif=tw.dispositif, categorie=tw.categories["sante"], texte="Brouillon secret"
        )
    login_as(tw.psychologue)
    assert client.get(url("detail", draft.pk)).status_code == 403
    assert "Brouillon secret" not in client.get(url("journal") + "?brouillons=on").content.decode()
    assert client.post(url("brouillon"), {"brouillon": draft.pk, "categorie": tw.categories["sante"].pk,
                                         "visibilite": "equipe"}).status_code == 403  # fmt: skip
    login_as(tw.educateur)
    assert "Brouillon secret" in client.get(url("journal") + "?brouillons=on").content.decode()
    assert "Brouillon secret" not in client.get(url("journal")).content.decode()
    assert client.get(url("nouvelle") + f"?brouillon={draft.pk}").status_code == 200


def test_restricted_dossier_hides_its_transmissions(client, tw, login_as):
    write(tw, tw.educateur, texte="Au sujet du dossier restreint.")
    with tenant_context(tw.organisme.pk):
        tw.dossier.est_restreint = True
        tw.dossier.save(update_fields=["est_restreint"])
    note = write(tw, tw.direction, jeunes=[], texte="Note pour toute la maison.")
    login_as(tw.psychologue)
    page = client.get(url("journal")).content.decode()
    assert "dossier restreint" not in page and "Note pour toute la maison" in page
    assert client.get(url("detail", note.pk)).status_code == 200
    login_as(tw.direction)
    assert "dossier restreint" in client.get(url("journal")).content.decode()


# --- Quick entry and autosave ----------------------------------------------------------------------------------


def test_quick_entry_budget_from_the_dossier(client, tw, login_as):
    """From the youth's dossier the youth is pre-selected: catégorie, text, « Valider » — 3 actions; the POST
    carries nothing else than what the page pre-fills (youth, visibility) and those three."""
    login_as(tw.educateur)
    page = client.get(url("nouvelle") + f"?jeune={tw.dossier.pk}&next=/dossiers/{tw.dossier.pk}/")
    html = page.content.decode()
    assert f'name="dossiers" value="{tw.dossier.pk}"' in html and 'value="equipe"' in html
    response = client.post(url("nouvelle"), {
        "dossiers": [tw.dossier.pk], "visibilite": "equipe", "next": f"/dossiers/{tw.dossier.pk}/",  # pre-filled
        "categorie": tw.categories["scolarite"].pk, "texte": "Bonne matinée en classe.",  # the user's 3 actions
    })  # fmt: skip
    assert response.status_code == 302 and response.url == f"/dossiers/{tw.dossier.pk}/"
    with tenant_context(tw.organisme.pk):
        t = Transmission.objects.get()
        assert t.est_validee and list(t.jeunes.all()) == [tw.jeune] and t.site_id == tw.dossier.site_id


def test_quick_entry_errors_in_french(client, tw, login_as):
    login_as(tw.educateur)
    response = client.post(url("nouvelle"), {"dossiers": [tw.dossier.pk], "visibilite": "equipe"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ce champ est obligatoire." in html and "Écrivez la transmission" in html
    autre = factories.dossier_accompagne(tw.autre_dispositif)
    response = client.post(url("nouvelle"), {"dossiers": [autre.pk], "categorie": tw.categories["sante"].pk,
                                             "texte": "x", "visibilite": "equipe"})  # fmt: skip
    assert response.status_code == 400
    futur = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url("nouvelle"), {"categorie": tw.categories["sante"].pk, "texte": "x",
                                             "visibilite": "equipe", "survenue_le": futur})  # fmt: skip
    assert "ne peut pas être dans le futur" in response.content.decode()
    with tenant_context(tw.organisme.pk):
        assert Transmission.objects.count() == 0


def test_autosave_creates_then_updates_the_draft_then_validates(client, tw, login_as):
    login_as(tw.educateur)
    response = client.post(url("brouillon"), {"dossiers": [tw.dossier.pk], "visibilite": "equipe", "texte": "Dé"})
    assert "Choisissez une catégorie" in response.content.decode()
    data = {"dossiers": [tw.dossier.pk], "visibilite": "equipe", "categorie": tw.categories["sante"].pk,
            "texte": "Début"}  # fmt: skip
    response = client.post(url("brouillon"), data, HTTP_HX_REQUEST="true")
    with tenant_context(tw.organisme.pk):
        draft = Transmission.objects.get()
    assert f'name="brouillon" value="{draft.pk}"' in response.content.decode()
    client.post(url("brouillon"), {**data, "brouillon": draft.pk, "texte": "Début de fièvre, 38,5"})
    with tenant_context(tw.organisme.pk):
        draft.refresh_from_db()
        assert draft.texte == "Début de fièvre, 38,5" and draft.statut == "brouillon"
        assert Transmission.objects.count() == 1
    response = client.post(url("nouvelle"), {**data, "brouillon": draft.pk, "texte": "Fièvre 38,5, médecin appelé"})
    assert response.status_code == 302
    with tenant_context(tw.organisme.pk):
        draft.refresh_from_db()
        assert draft.est_validee and draft.texte == "Fièvre 38,5, médecin appelé"
        assert Transmission.objects.count() == 1
    # Validated: the autosave can no longer touch it.
    assert client.post(url("brouillon"), {**data, "brouillon": draft.pk}).status_code == 403


def test_discard_draft(client, tw, login_as):
    with tenant_context(tw.organisme.pk):
        draft = transmission_create_draft(
            auteur=tw.educateur, dispositif=tw.dispositif, categorie=tw.categories["sante"], texte="à jeter"
        )
    login_as(tw.psychologue)
    assert client.post(url("brouillon_supprimer", draft.pk)).status_code == 403
    login_as(tw.educateur)
    assert client.post(url("brouillon_supprimer", draft.pk)).status_code == 302
    with tenant_context(tw.organisme.pk):
        assert not Transmission.objects.exists()


def test_youth_picker_searches_readable_writable_dossiers(client, tw, login_as):
    with tenant_context(tw.organisme.pk):
        tw.jeune.prenom, tw.jeune.nom_naissance = "Élodie", "Martin"
        tw.jeune.save()
    autre = factories.dossier_accompagne(tw.autre_dispositif)
    login_as(tw.educateur)
    html = client.get(url("jeunes") + "?q=elodie mar").content.decode()
    assert f"jeunes/{tw.dossier.pk}/" in html and f"jeunes/{tw.dossier2.pk}/" not in html
    html = client.get(url("jeunes") + "?q=leo").content.decode()
    assert f"jeunes/{autre.pk}/" not in html
    assert client.get(url("jeune_choisi", autre.pk)).status_code == 403
    html = client.get(url("jeune_choisi", tw.dossier.pk), HTTP_HX_REQUEST="true").content.decode()
    assert f'name="dossiers" value="{tw.dossier.pk}"' in html and 'hx-swap-oob="delete"' in html


def test_mention_notifies_the_colleague(client, tw, login_as):
    login_as(tw.educateur)
    client.post(url("nouvelle"), {"categorie": tw.categories["information"].pk, "texte": "Réunion déplacée",
                                  "visibilite": "equipe", "mentions": [tw.lecteur.pk]})  # fmt: skip
    with tenant_context(tw.organisme.pk):
        notification = Notification.objects.get(recipient=tw.lecteur)
        t = Transmission.objects.get()
    assert notification.lien == url("detail", t.pk)
    assert "Léo" not in notification.titre


# --- Addenda, handover view, read receipts ------------------------------------------------------------------------


def test_addendum_shown_with_its_original(client, tw, t, login_as):
    login_as(tw.psychologue)
    response = client.post(url("addendum", t.pk), {"texte": "Précision : atelier du matin."})
    assert response.status_code == 302
    with tenant_context(tw.organisme.pk):
        addendum = Transmission.objects.get(addendum_de=t)
    for page in (url("detail", addendum.pk), url("detail", t.pk), url("journal"), url("timeline", tw.dossier.pk)):
        html = client.get(page).content.decode()
        assert "atelier cuisine" in html and "atelier du matin" in html, page
    assert client.post(url("addendum", t.pk), {"texte": ""}).status_code == 400


def test_handover_since_last_shift_important_first_and_read_receipts(client, tw, login_as):
    with tenant_context(tw.organisme.pk):
        prise_de_poste(user=tw.lecteur, at=timezone.now() - datetime.timedelta(hours=8))
    old = write(tw, texte="Ancienne.")
    with tenant_context(tw.organisme.pk):
        prise_de_poste(user=tw.lecteur)
    normale = write(tw, texte="Normale récente.")
    importante = write(tw, tw.psychologue, texte="Importante récente.", importance="importante", categorie="sante")
    own = write(tw, tw.direction, texte="Par la direction.")
    login_as(tw.lecteur)
    html = client.get(url("a_lire")).content.decode()
    assert "Ancienne." not in html
    # Important first, then the most recent.
    assert html.index("Importante récente.") < html.index("Par la direction.") < html.index("Normale récente.")
    assert client.get(url("badge")).content.decode().count(">3<") == 1
    response = client.post(url("marquer_lu", importante.pk), HTTP_HX_REQUEST="true")
    assert response.content.decode() == '<span class="badge badge--neutre">Lu</span>'
    html = client.get(url("a_lire") + "?non_lues=1").content.decode()
    assert "Importante récente." not in html and "Normale récente." in html
    client.post(url("tout_lu"))
    assert client.get(url("badge")).content == b""
    with tenant_context(tw.organisme.pk):
        assert set(Lecture.objects.filter(user=tw.lecteur).values_list("transmission_id", flat=True)) == {
            importante.pk,
            normale.pk,
            own.pk,
        }
    # A chosen time shows older ones too.
    html = client.get(url("a_lire") + "?heures=24").content.decode()
    assert "Ancienne." in html
    assert old.pk
    # The author and the direction (chef de service role) see who has read the important one; a colleague does not.
    login_as(tw.psychologue)
    assert "Lue par" in client.get(url("detail", importante.pk)).content.decode()
    login_as(tw.direction)
    assert tw.lecteur.get_full_name() in client.get(url("detail", importante.pk)).content.decode()
    login_as(tw.educateur)
    assert "Lue par" not in client.get(url("detail", importante.pk)).content.decode()


def test_prise_de_poste_view(client, tw, login_as):
    login_as(tw.educateur)
    assert client.post(url("prise_de_poste")).status_code == 302
    with tenant_context(tw.organisme.pk):
        assert PriseDePoste.objects.filter(user=tw.educateur).count() == 1


def test_handover_scope_site_and_mentions(client, tw, login_as):
    other_site = factories.SiteFactory(dispositif=tw.dispositif, nom="Site de Seysses")
    with tenant_context(tw.organisme.pk):
        tw.dossier2.site = other_site
        tw.dossier2.save(update_fields=["site"])
    educ_site = factories.UserFactory(organisme=tw.organisme)
    factories.AffectationFactory(dispositif=tw.dispositif, user=educ_site, metier=Metier.EDUCATEUR, site=tw.site)
    write(tw, jeunes=[tw.jeune2], site=other_site, texte="Autre unité.")
    write(tw, jeunes=[tw.jeune2], site=other_site, texte="Autre unité, mentionné.", mentions=[educ_site])
    write(tw, jeunes=[], site=tw.site, texte="Mon unité.")
    login_as(educ_site)
    html = client.get(url("a_lire")).content.decode()
    assert "Mon unité." in html and "mentionné" in html and "Autre unité.<" not in html


# --- Journal and search ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("eleve", True),
        ("élève", True),
        ("ELEVES", True),
        ("comportement", True),
        ("comportements agressifs", True),
        ("Comportément", True),
        ('"refus d\'aller"', False),
        ("piscine", False),
        ("comportement -eleve", False),
        ("piscine or agressif", True),
    ],
)
def test_search_accents_and_plurals(client, tw, login_as, query, found):
    write(tw, texte="L'élève a eu des comportements agressifs en récréation.", categorie="comportement")
    write(tw, texte="Sortie au parc.", jeunes=[tw.jeune2])
    login_as(tw.educateur)
    html = client.get(url("journal"), {"q": query}).content.decode()
    assert ("comportements agressifs" in html) is found
    assert "Sortie au parc" not in html


def test_search_cible_and_dar(client, tw, login_as):
    write(tw, texte="", cible="Sommeil", donnees="Réveils nocturnes", actions="Tisane", resultats="Endormi à 22 h")
    login_as(tw.educateur)
    for query in ("sommeil", "reveil", "tisane", "endormi", "vie quotidienne"):
        assert "Réveils nocturnes" in client.get(url("journal"), {"q": query}).content.decode(), query


def test_journal_filters(client, tw, login_as):
    write(tw, texte="Alpha santé", categorie="sante", importance="importante")
    write(tw, tw.psychologue, texte="Beta scolarité", categorie="scolarite", jeunes=[tw.jeune2])
    login_as(tw.educateur)
    get = lambda **params: client.get(url("journal"), params).content.decode()  # noqa: E731
    assert "Alpha" in get(categorie=tw.categories["sante"].pk) and "Beta" not in get(
        categorie=tw.categories["sante"].pk
    )
    assert "Beta" in get(auteur=tw.psychologue.pk) and "Alpha" not in get(auteur=tw.psychologue.pk)
    assert "Alpha" in get(importance="importante") and "Beta" not in get(importance="importante")
    assert "Beta" in get(jeune=tw.jeune2.pk) and "Alpha" not in get(jeune=tw.jeune2.pk)
    demain = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert "Alpha" not in get(debut=demain)
    assert "Alpha" in get(fin=timezone.localdate().isoformat())
    partial = client.get(url("journal"), {"q": "alpha"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Alpha" in partial and "<html" not in partial


# --- Timeline -----------------------------------------------------------------------------------------------------


def test_timeline_interleaves_agenda_events_and_audits_one_row(client, tw, login_as):
    from agendas.models import Evenement, Nature, ParticipationJeune

    write(tw, texte="Transmission du fil.")
    with tenant_context(tw.organisme.pk):
        nature = Nature.objects.create(
            organisme=tw.organisme, dispositif=tw.dispositif, code="atelier", libelle="Atelier éducatif",
            cadre="direct", serafin_code="2.3.1.1",
        )  # fmt: skip
        debut = timezone.now() - datetime.timedelta(hours=2)
        evt = Evenement.objects.create(
            organisme=tw.organisme, dispositif=tw.dispositif, nature=nature, titre="Atelier poterie", debut=debut,
            fin=debut + datetime.timedelta(hours=1), cadre="direct", serafin_code="2.3.1.1", serafin_version="2023",
        )  # fmt: skip
        ParticipationJeune.objects.create(organisme=tw.organisme, evenement=evt, jeune=tw.jeune)
    login_as(tw.educateur)
    with tenant_context(tw.organisme.pk):
        before = AuditEntry.objects.count()
    html = client.get(url("timeline", tw.dossier.pk)).content.decode()
    assert "Transmission du fil." in html and "Atelier poterie" in html
    with tenant_context(tw.organisme.pk):
        rows = list(AuditEntry.objects.order_by("-pk")[: AuditEntry.objects.count() - before])
    assert len(rows) == 1
    assert rows[0].action == AuditAction.READ and rows[0].record_type == "dossiers.dossier"
    assert rows[0].details["onglet"] == "transmissions" and len(rows[0].details["transmissions"]) == 1
    html = client.get(url("timeline", tw.dossier.pk), {"evenements": "0"}).content.decode()
    assert "Atelier poterie" not in html
    assert "Transmission du fil." not in client.get(url("timeline", tw.dossier2.pk)).content.decode()


def test_dossier_shows_the_transmissions_tab(client, tw, login_as):
    login_as(tw.educateur)
    assert url("timeline", tw.dossier.pk) in client.get(f"/dossiers/{tw.dossier.pk}/").content.decode()


def test_reads_of_youths_transmissions_are_audited(client, tw, t, login_as):
    login_as(tw.lecteur)
    with tenant_context(tw.organisme.pk):
        before = AuditEntry.objects.filter(action=AuditAction.READ).count()
    client.get(url("journal"))
    client.get(url("a_lire"))
    client.get(url("detail", t.pk))
    with tenant_context(tw.organisme.pk):
        rows = list(AuditEntry.objects.filter(action=AuditAction.READ).order_by("pk")[before:])
    assert [r.details["vue"] for r in rows] == ["journal", "à lire", "détail"]
    assert all(r.details["transmissions"] == [t.pk] and r.details["jeunes"] == [tw.jeune.pk] for r in rows)


# --- Query counts -------------------------------------------------------------------------------------------------


def _adder(tw):
    counter = iter(range(10_000))

    def add(n):
        with tenant_context(tw.organisme.pk):
            for _ in range(n):
                i = next(counter)
                t = transmission_write(
                    auteur=tw.psychologue, dispositif=tw.dispositif, categorie=tw.categories["comportement"],
                    jeunes=[tw.jeune, tw.jeune2], texte=f"Comportement en classe numéro {i}",
                    importance="importante" if i % 3 == 0 else "normale",
                )  # fmt: skip
                if i % 4 == 0:
                    from transmissions.services import addendum_create, lecture_marquer

                    addendum_create(original=t, by=tw.educateur, texte=f"Addendum {i}")
                    lecture_marquer(transmissions=[t], user=tw.lecteur)

    return add


@pytest.mark.parametrize(
    "page",
    ["a_lire", "journal", "journal_q", "timeline", "journal_jeune"],
)
def test_query_counts_do_not_grow_with_rows(client, tw, login_as, page):
    login_as(tw.lecteur)
    target = {
        "a_lire": url("a_lire"),
        "journal": url("journal"),
        "journal_q": url("journal") + "?q=comportements+eleve+OR+classe",
        "journal_jeune": url("journal") + f"?jeune={tw.jeune.pk}&categorie={tw.categories['comportement'].pk}",
        "timeline": url("timeline", tw.dossier.pk),
    }[page]
    assert_constant_queries(lambda: client.get(target), _adder(tw), few=1, many=50)


def test_timeline_shows_the_most_recent_and_links_to_older(client, tw, login_as, monkeypatch):
    from transmissions import selectors

    monkeypatch.setattr(selectors, "TIMELINE_LIMIT", 2)
    for texte in ("Première du fil.", "Deuxième du fil.", "Troisième du fil."):
        write(tw, texte=texte)
    login_as(tw.educateur)
    html = client.get(url("timeline", tw.dossier.pk)).content.decode()
    assert "Troisième du fil." in html and "Deuxième du fil." in html and "Première du fil." not in html
    assert "Voir les plus anciennes" in html
