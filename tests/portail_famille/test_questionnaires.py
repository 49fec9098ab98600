"""Satisfaction questionnaires: building (direction), answering once on the portal, anonymous results."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.enums import AuditAction
from core.models import AuditEntry
from core.tenancy import tenant_context
from portail_famille.models import Participation, Questionnaire, Reponse, ReponseQuestion
from portail_famille.services import questionnaires as services
from tests.fixtures import login
from tests.helpers import assert_constant_queries
from tests.portail_famille.echanges_helpers import chef_de_service

pytestmark = pytest.mark.django_db


def _questionnaire(pw, *, public="tous", seuil=2, ouvrir=True, dispositif=None):
    with tenant_context(pw.organisme.pk):
        q = services.questionnaire_creer(
            actor=pw.direction, dispositif=dispositif or pw.dispositif, titre="Satisfaction 2025",
            introduction="Votre avis compte.", public=public, seuil_anonymat=seuil,
        )  # fmt: skip
        pw.q_echelle = services.question_ajouter(
            actor=pw.direction, questionnaire=q, libelle="Êtes-vous satisfait de l'accueil ?", type="echelle",
            echelle_max=4, libelle_min="Pas du tout", libelle_max="Tout à fait", obligatoire=True,
        )  # fmt: skip
        pw.q_choix = services.question_ajouter(
            actor=pw.direction, questionnaire=q, libelle="Le transport convient-il ?", type="choix",
            choix=["Oui", "Non", "Sans avis"],
        )  # fmt: skip
        pw.q_texte = services.question_ajouter(
            actor=pw.direction, questionnaire=q, libelle="Une remarque ?", type="texte"
        )
        if ouvrir:
            services.questionnaire_ouvrir(actor=pw.direction, questionnaire=q)
        q.refresh_from_db()
    return q


def _repondre(pw, user, acces_list, q, note="3", choix="Oui", texte=""):
    with tenant_context(pw.organisme.pk):
        return services.questionnaire_repondre(
            actor=user, acces_list=acces_list, questionnaire=q,
            valeurs={pw.q_echelle.pk: note, pw.q_choix.pk: choix, pw.q_texte.pk: texte},
        )  # fmt: skip


# --- Services ------------------------------------------------------------------------------------------------


def test_construction_validations_en_francais(pw):
    q = _questionnaire(pw, ouvrir=False)
    with tenant_context(pw.organisme.pk):
        cases = [
            (dict(libelle="", type="texte"), "libelle", "Écrivez la question."),
            (dict(libelle="Note", type="echelle", echelle_max=11), "echelle_max",
             "La note maximale est comprise entre 2 et 10."),
            (dict(libelle="Choix", type="choix", choix=["Oui"]), "choix",
             "Proposez au moins deux choix (un par ligne)."),
            (dict(libelle="Choix", type="choix", choix=["Oui", "Oui"]), "choix", "Deux choix sont identiques."),
        ]  # fmt: skip
        for kwargs, field, message in cases:
            with pytest.raises(ValidationError) as exc:
                services.question_ajouter(actor=pw.direction, questionnaire=q, **kwargs)
            assert exc.value.message_dict[field] == [message]
        assert q.questions.count() == 3
        with pytest.raises(ValidationError, match="Seule la direction"):
            services.question_ajouter(actor=pw.educateur, questionnaire=q, libelle="X", type="texte")
        with pytest.raises(ValidationError) as exc:
            services.questionnaire_creer(actor=pw.direction, dispositif=pw.dispositif, titre=" ", public="tous")
        assert exc.value.message_dict == {"titre": ["Donnez un titre au questionnaire."]}


def test_ouvrir_fige_les_questions_et_clore(pw):
    with tenant_context(pw.organisme.pk):
        vide = services.questionnaire_creer(actor=pw.direction, dispositif=pw.dispositif, titre="Vide", public="tous")
        with pytest.raises(ValidationError, match="au moins une question"):
            services.questionnaire_ouvrir(actor=pw.direction, questionnaire=vide)
    q = _questionnaire(pw)
    with tenant_context(pw.organisme.pk):
        assert q.statut == "ouvert" and q.ouvert_le is not None
        with pytest.raises(ValidationError, match="ne peuvent plus changer"):
            services.question_ajouter(actor=pw.direction, questionnaire=q, libelle="Encore", type="texte")
        with pytest.raises(ValidationError, match="ne peuvent plus changer"):
            services.question_supprimer(actor=pw.direction, question=pw.q_texte)
        services.questionnaire_clore(actor=pw.direction, questionnaire=q)
        q.refresh_from_db()
        assert q.statut == "clos" and q.clos_le is not None
        assert AuditEntry.objects.filter(record_type="portail_famille.questionnaire", record_id=str(q.pk)).count() == 3


def test_reponse_unique_et_anonyme(pw):
    q = _questionnaire(pw)
    reponse = _repondre(pw, pw.mere, [pw.acces_mere], q, note="4", texte="Très bien")
    with tenant_context(pw.organisme.pk):
        assert reponse.espace == "famille"
        assert Participation.objects.filter(questionnaire=q, user=pw.mere).count() == 1
        assert set(ReponseQuestion.objects.filter(reponse=reponse).values_list("note", "choix", "texte")) == {
            (4, "", ""), (None, "Oui", ""), (None, "", "Très bien"),
        }  # fmt: skip
        # The answer carries no account; the journal records the participation, not the answers.
        assert not any(f.name in ("user", "auteur", "compte") for f in Reponse._meta.get_fields())
        entry = AuditEntry.objects.get(record_type="portail_famille.participation")
        assert "Très bien" not in str(entry.details) and "4" not in str(entry.details.get("note", ""))
        with pytest.raises(ValidationError, match="déjà répondu"):
            _repondre(pw, pw.mere, [pw.acces_mere], q)
        assert Reponse.objects.filter(questionnaire=q).count() == 1


@pytest.mark.parametrize(
    ("note", "choix", "erreur"),
    [
        ("", "Oui", {"q_echelle": "Cette question demande une réponse."}),
        ("5", "Oui", {"q_echelle": "Choisissez une note entre 1 et 4."}),
        ("0", "Oui", {"q_echelle": "Choisissez une note entre 1 et 4."}),
        ("abc", "Oui", {"q_echelle": "Choisissez une note entre 1 et 4."}),
        ("2", "Peut-être", {"q_choix": "Choisissez une des réponses proposées."}),
    ],
)
def test_reponse_validee_rien_d_ecrit(pw, note, choix, erreur):
    q = _questionnaire(pw)
    with pytest.raises(ValidationError) as exc:
        _repondre(pw, pw.mere, [pw.acces_mere], q, note=note, choix=choix)
    expected = {f"q{getattr(pw, k).pk}": [v] for k, v in erreur.items()}
    assert exc.value.message_dict == expected
    with tenant_context(pw.organisme.pk):
        assert not Participation.objects.exists() and not Reponse.objects.exists()


def test_public_et_dispositif(pw):
    familles = _questionnaire(pw, public="familles")
    with pytest.raises(ValidationError, match="pas proposé"):
        _repondre(pw, pw.ado, [pw.acces_ado], familles)
    jeunes = _questionnaire(pw, public="jeunes")
    with pytest.raises(ValidationError, match="pas proposé"):
        _repondre(pw, pw.mere, [pw.acces_mere], jeunes)
    assert _repondre(pw, pw.ado, [pw.acces_ado], jeunes).espace == "jeune"
    ailleurs = _questionnaire(pw, dispositif=pw.autre_dispositif)
    with pytest.raises(ValidationError, match="pas proposé"):
        _repondre(pw, pw.mere, [pw.acces_mere], ailleurs)
    with pytest.raises(ValidationError, match="pas proposé"):
        _repondre(pw, pw.suspendu, [pw.acces_suspendu], familles)
    with tenant_context(pw.organisme.pk):
        services.questionnaire_clore(actor=pw.direction, questionnaire=familles)
    with pytest.raises(ValidationError, match="plus ouvert"):
        _repondre(pw, pw.mere, [pw.acces_mere], familles)


# --- Portal pages --------------------------------------------------------------------------------------------


def test_portail_liste_repondre_merci(pw, client):
    _questionnaire(pw, public="jeunes")  # not for a parent
    q = _questionnaire(pw)
    login(client, pw.mere)
    page = client.get(reverse("portail:questionnaires")).content.decode()
    assert page.count("Satisfaction 2025") == 1 and reverse("portail:questionnaire", args=[q.pk]) in page
    page = client.get(reverse("portail:questionnaire", args=[q.pk])).content.decode()
    assert "Êtes-vous satisfait de l&#x27;accueil ?" in page and "Pas du tout" in page
    response = client.post(reverse("portail:questionnaire", args=[q.pk]), {f"q{pw.q_choix.pk}": "Oui"})
    assert response.status_code == 400
    assert "Cette question demande une réponse." in response.content.decode()
    response = client.post(
        reverse("portail:questionnaire", args=[q.pk]),
        {f"q{pw.q_echelle.pk}": "2", f"q{pw.q_choix.pk}": "Non", f"q{pw.q_texte.pk}": "Plus de sorties"},
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert response.url == reverse("portail:questionnaire_merci", args=[q.pk])
    assert "Merci" in client.get(response.url).content.decode()
    assert "Vous avez répondu" in client.get(reverse("portail:questionnaires")).content.decode()
    # Answering again leads to the thank-you page, nothing more is written.
    response = client.post(reverse("portail:questionnaire", args=[q.pk]), {f"q{pw.q_echelle.pk}": "4"})
    assert response.status_code == 302
    with tenant_context(pw.organisme.pk):
        assert Reponse.objects.filter(questionnaire=q).count() == 1


def test_portail_questionnaire_non_propose_404(pw, client):
    jeunes = _questionnaire(pw, public="jeunes")
    brouillon = _questionnaire(pw, ouvrir=False)
    ailleurs = _questionnaire(pw, dispositif=pw.autre_dispositif)
    login(client, pw.mere)
    for q in (jeunes, brouillon, ailleurs):
        assert client.get(reverse("portail:questionnaire", args=[q.pk])).status_code == 404
    assert client.get(reverse("portail:questionnaire_merci", args=[jeunes.pk])).status_code == 404
    client.logout()
    login(client, pw.parent_c)  # other organisme
    assert client.get(reverse("portail:questionnaire", args=[ailleurs.pk])).status_code == 404
    client.logout()
    login(client, pw.suspendu)
    assert client.get(reverse("portail:questionnaire", args=[jeunes.pk])).status_code == 404


# --- Staff pages ---------------------------------------------------------------------------------------------


def test_direction_construit_ouvre_et_clot(pw, client):
    login(client, pw.direction)
    response = client.post(
        reverse("familles:questionnaires"),
        {"dispositif": pw.dispositif.pk, "titre": "Mon questionnaire", "introduction": "", "public": "familles",
         "seuil_anonymat": 3},
    )  # fmt: skip
    with tenant_context(pw.organisme.pk):
        q = Questionnaire.objects.get(titre="Mon questionnaire")
    assert response.status_code == 302 and response.url == reverse("familles:questionnaire", args=[q.pk])
    response = client.post(
        reverse("familles:questionnaire", args=[q.pk]),
        {
            "libelle": "Votre note",
            "type": "echelle",
            "echelle_max": 5,
            "libelle_min": "Mauvais",
            "libelle_max": "Bien",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("familles:questionnaire", args=[q.pk]), {"libelle": "Choix", "type": "choix", "choix": "A"}
    )
    assert response.status_code == 400
    assert "Proposez au moins deux choix (un par ligne)." in response.content.decode()
    assert client.post(reverse("familles:questionnaire_ouvrir", args=[q.pk])).status_code == 302
    assert client.post(reverse("familles:questionnaire_clore", args=[q.pk])).status_code == 302
    with tenant_context(pw.organisme.pk):
        q.refresh_from_db()
        assert q.statut == "clos" and q.questions.count() == 1


def test_resultats_masques_sous_le_seuil_puis_affiches_et_export(pw, client):
    from tests.portail_famille.conftest import acces_create, compte_portail

    q = _questionnaire(pw, seuil=3)
    _repondre(pw, pw.mere, [pw.acces_mere], q, note="4", choix="Oui", texte="Merci à l'équipe")
    _repondre(pw, pw.pere, [pw.acces_pere], q, note="2", choix="Non")
    login(client, pw.direction)
    page = client.get(reverse("familles:questionnaire_resultats", args=[q.pk])).content.decode()
    assert "Résultats masqués : moins de 3 réponses" in page
    assert "Merci à l" not in page and "moyenne" not in page
    assert client.get(reverse("familles:questionnaire_export", args=[q.pk])).status_code == 403
    _repondre(pw, pw.ado, [pw.acces_ado], q, note="3", choix="Oui")
    page = client.get(reverse("familles:questionnaire_resultats", args=[q.pk])).content.decode()
    assert "Résultats masqués" not in page
    assert "moyenne 3.0 / 4" in page or "moyenne 3,0 / 4" in page or "moyenne 3 / 4" in page
    assert "Merci à l&#x27;équipe" in page
    csv_text = client.get(reverse("familles:questionnaire_export", args=[q.pk])).content.decode("utf-8-sig")
    assert "Le transport convient-il ?;Choix unique;Oui;2;67;" in csv_text
    assert "Moyenne;3;;3" in csv_text
    with tenant_context(pw.organisme.pk):
        assert AuditEntry.objects.filter(action=AuditAction.EXPORT, record_id=str(q.pk)).exists()
    # Constant queries on the results page whatever the number of answers.
    n = {"i": 0}

    def add_rows(count):
        for _ in range(count):
            n["i"] += 1
            user = compte_portail(pw.organisme, email=f"p{n['i']}@a.org")
            acces = acces_create(user, pw.jeune_b, proche=None, invite_par=pw.educateur)
            _repondre(pw, user, [acces], q, note="1", texte=f"Avis {n['i']}")

    url = reverse("familles:questionnaire_resultats", args=[q.pk])
    assert_constant_queries(lambda: client.get(url), add_rows, few=1, many=5)


def test_chef_de_service_lit_sans_ecrire(pw, client):
    chef = chef_de_service(pw.dispositif)
    q = _questionnaire(pw, ouvrir=False)
    autre = _questionnaire(pw, ouvrir=False, dispositif=pw.autre_dispositif)
    login(client, chef)
    page = client.get(reverse("familles:questionnaires")).content.decode()
    assert "Nouveau questionnaire" not in page and reverse("familles:questionnaire", args=[q.pk]) in page
    assert reverse("familles:questionnaire", args=[autre.pk]) not in page
    assert client.get(reverse("familles:questionnaire", args=[q.pk])).status_code == 200
    assert client.get(reverse("familles:questionnaire", args=[autre.pk])).status_code == 403
    assert (
        client.post(reverse("familles:questionnaire", args=[q.pk]), {"libelle": "X", "type": "texte"}).status_code
        == 403
    )
    assert client.post(reverse("familles:questionnaire_ouvrir", args=[q.pk])).status_code == 403
    assert client.post(reverse("familles:questionnaires"), {"titre": "X"}).status_code == 403
    with tenant_context(pw.organisme.pk):
        assert q.questions.count() == 3 and Questionnaire.objects.count() == 2


def test_educateur_autre_organisme_et_portail(pw, client):
    q = _questionnaire(pw)
    login(client, pw.educateur)
    assert client.get(reverse("familles:questionnaires")).status_code == 403
    assert client.get(reverse("familles:questionnaire", args=[q.pk])).status_code == 403
    assert client.get(reverse("familles:questionnaire_resultats", args=[q.pk])).status_code == 403
    client.logout()
    login(client, pw.autre_educateur)
    assert client.get(reverse("familles:questionnaire", args=[q.pk])).status_code == 404
    assert client.post(reverse("familles:questionnaire_clore", args=[q.pk])).status_code == 404
    client.logout()
    login(client, pw.mere)
    assert client.get(reverse("familles:questionnaires")).status_code == 404
    assert client.get(reverse("familles:questionnaire_resultats", args=[q.pk])).status_code == 404


def test_liste_equipe_requetes_constantes(pw, client):
    login(client, pw.direction)

    def add_rows(n):
        for _ in range(n):
            _questionnaire(pw)

    assert_constant_queries(lambda: client.get(reverse("familles:questionnaires")), add_rows, few=1, many=5)
