"""Complaints and suggestions: filing on the portal, the direction's register, CVS members, notifications."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditEntry, Notification
from core.tenancy import tenant_context
from portail_famille.models import MembreCvs, Reclamation
from portail_famille.services import reclamations as services
from tests.fixtures import login
from tests.helpers import assert_constant_queries
from tests.portail_famille.echanges_helpers import chef_de_service

pytestmark = pytest.mark.django_db

SECRET = "Mon fils a été puni injustement par M. Dupont"


def _reclamation(pw, user, acces, *, type="reclamation", objet="Repas", texte=SECRET, au_sujet_du_jeune=True):
    with tenant_context(pw.organisme.pk):
        return services.reclamation_deposer(
            actor=user, acces=acces, type=type, objet=objet, texte=texte, au_sujet_du_jeune=au_sujet_du_jeune
        )


def test_deposer_notifie_la_direction_sans_contenu(pw, django_capture_on_commit_callbacks, mailoutbox):
    chef = chef_de_service(pw.dispositif)
    with django_capture_on_commit_callbacks(execute=True):
        r = _reclamation(pw, pw.mere, pw.acces_mere)
    with tenant_context(pw.organisme.pk):
        assert (r.statut, r.espace, r.jeune_id, r.dispositif_id) == (
            "recue",
            "famille",
            pw.jeune_a.pk,
            pw.dispositif.pk,
        )
        assert {n.recipient_id for n in Notification.objects.all()} == {pw.direction.pk, chef.pk}
        assert AuditEntry.objects.filter(record_type="portail_famille.reclamation", record_id=str(r.pk)).exists()
    assert mailoutbox and all(SECRET not in m.body and "Repas" not in m.body for m in mailoutbox)


def test_deposer_valide_en_francais(pw):
    with pytest.raises(ValidationError) as exc:
        _reclamation(pw, pw.mere, pw.acces_mere, objet="", texte="")
    assert exc.value.message_dict == {
        "objet": ["Indiquez l'objet en quelques mots."],
        "texte": ["Décrivez votre demande."],
    }
    with pytest.raises(ValidationError):
        _reclamation(pw, pw.suspendu, pw.acces_suspendu)
    with pytest.raises(ValidationError):
        _reclamation(pw, pw.pere, pw.acces_mere)
    with tenant_context(pw.organisme.pk):
        assert not Reclamation.objects.exists()


def test_cycle_de_vie_et_reponse_notifiee(pw, django_capture_on_commit_callbacks, mailoutbox):
    r = _reclamation(pw, pw.mere, pw.acces_mere)
    with tenant_context(pw.organisme.pk):
        with pytest.raises(ValidationError, match="Répondez"):
            services.reclamation_clore(actor=pw.direction, reclamation=r)
        with pytest.raises(ValidationError, match="Seule la direction"):
            services.reclamation_prendre_en_charge(actor=pw.educateur, reclamation=r)
        services.reclamation_prendre_en_charge(actor=pw.direction, reclamation=r)
        with pytest.raises(ValidationError) as exc:
            services.reclamation_repondre(actor=pw.direction, reclamation=r, reponse=" ")
        assert exc.value.message_dict == {"reponse": ["Écrivez la réponse."]}
    with django_capture_on_commit_callbacks(execute=True), tenant_context(pw.organisme.pk):
        services.reclamation_repondre(actor=pw.direction, reclamation=r, reponse="Nous avons revu la sanction.")
    assert [m.to for m in mailoutbox] == [["mere@a.org"]]
    assert "sanction" not in mailoutbox[0].body
    with tenant_context(pw.organisme.pk):
        services.reclamation_clore(actor=pw.direction, reclamation=r)
        r.refresh_from_db()
        assert r.statut == "close" and r.prise_en_charge_le and r.repondue_le and r.close_le
        assert r.prise_en_charge_par == pw.direction == r.repondue_par
        assert Notification.objects.get(recipient=pw.mere).titre == "Vous avez reçu une réponse"


def test_portail_deposer_et_lire_sa_reponse(pw, client):
    login(client, pw.mere)
    page = client.get(reverse("portail:reclamations")).content.decode()
    assert "L&#x27;établissement en général<" in page
    response = client.post(
        reverse("portail:reclamations"),
        {"type": "suggestion", "sujet": f"g{pw.jeune_a.pk}", "objet": "Potager", "texte": "Un potager au foyer ?"},
    )
    assert response.status_code == 302
    with tenant_context(pw.organisme.pk):
        r = Reclamation.objects.get()
        assert r.jeune_id is None and r.type == "suggestion" and r.auteur == pw.mere
        services.reclamation_repondre(actor=pw.direction, reclamation=r, reponse="Bonne idée, au printemps.")
    page = client.get(reverse("portail:reclamations")).content.decode()
    assert "Potager" in page and "Bonne idée, au printemps." in page and "Réponse envoyée" in page
    response = client.post(reverse("portail:reclamations"), {"type": "suggestion", "sujet": f"j{pw.jeune_b.pk}"})
    assert response.status_code == 400
    response = client.post(
        reverse("portail:reclamations"),
        {"type": "reclamation", "sujet": f"j{pw.jeune_a.pk}", "objet": "", "texte": ""},
    )
    assert response.status_code == 400 and "Ce champ est obligatoire." in response.content.decode()


def test_registre_direction_prise_en_charge_reponse_cloture(pw, client):
    r = _reclamation(pw, pw.ado, pw.acces_ado, objet="Wifi")
    login(client, pw.direction)
    page = client.get(reverse("familles:reclamations")).content.decode()
    assert "Wifi" in page and "(jeune)" in page
    assert client.post(reverse("familles:reclamation_prendre_en_charge", args=[r.pk])).status_code == 302
    response = client.post(reverse("familles:reclamation", args=[r.pk]), {"reponse": "Le wifi sera réparé."})
    assert response.status_code == 302
    assert client.post(reverse("familles:reclamation_clore", args=[r.pk])).status_code == 302
    page = client.get(reverse("familles:reclamations"), {"statut": "close"}).content.decode()
    assert "Wifi" in page and "(0 j)" in page
    assert "Wifi" not in client.get(reverse("familles:reclamations"), {"statut": "recue"}).content.decode()
    assert "Wifi" not in client.get(reverse("familles:reclamations"), {"type": "suggestion"}).content.decode()


def test_chef_lit_educateur_refuse_autre_organisme_404_portail_404(pw, client):
    r = _reclamation(pw, pw.mere, pw.acces_mere, objet="Repas froid")
    chef = chef_de_service(pw.dispositif)
    login(client, chef)
    page = client.get(reverse("familles:reclamations")).content.decode()
    assert "Repas froid" in page and "Sophie Martin" in page and "Membres du conseil" not in page
    assert client.get(reverse("familles:reclamation", args=[r.pk])).status_code == 200
    assert client.post(reverse("familles:reclamation_prendre_en_charge", args=[r.pk])).status_code == 403
    assert client.post(reverse("familles:reclamation", args=[r.pk]), {"reponse": "Non"}).status_code == 403
    client.logout()
    login(client, pw.educateur)
    assert client.get(reverse("familles:reclamations")).status_code == 403
    assert client.get(reverse("familles:reclamation", args=[r.pk])).status_code == 403
    client.logout()
    login(client, pw.autre_educateur)
    assert client.get(reverse("familles:reclamation", args=[r.pk])).status_code == 404
    client.logout()
    login(client, pw.mere)
    assert client.get(reverse("familles:reclamations")).status_code == 404
    assert client.get(reverse("familles:reclamation", args=[r.pk])).status_code == 404
    with tenant_context(pw.organisme.pk):
        r.refresh_from_db()
        assert r.statut == "recue"


def test_membres_cvs_professionnel_et_portail(pw, client):
    _reclamation(pw, pw.mere, pw.acces_mere, objet="Repas froid")
    login(client, pw.direction)
    for email in ("educ@a.org", "parent.b@a.org"):
        response = client.post(reverse("familles:cvs_ajouter"), {"dispositif": pw.dispositif.pk, "email": email})
        assert response.status_code == 302
    client.post(reverse("familles:cvs_ajouter"), {"dispositif": pw.dispositif.pk, "email": "parent.c@b.org"})
    with tenant_context(pw.organisme.pk):
        assert set(MembreCvs.objects.values_list("user__email", flat=True)) == {"educ@a.org", "parent.b@a.org"}
    client.logout()
    # A professional CVS member reads the register without identities.
    login(client, pw.educateur)
    page = client.get(reverse("familles:reclamations")).content.decode()
    assert "Repas froid" in page and "Sophie" not in page and pw.jeune_a.prenom not in page
    client.logout()
    # A portal CVS member reads the portal register: no author, no youth.
    login(client, pw.parent_b)
    assert reverse("portail:registre_cvs") in client.get(reverse("portail:reclamations")).content.decode()
    page = client.get(reverse("portail:registre_cvs")).content.decode()
    assert "Repas froid" in page and "Sophie" not in page and "Martin" not in page
    assert pw.jeune_a.prenom not in page and SECRET not in page
    client.logout()
    login(client, pw.mere)  # not a member
    assert client.get(reverse("portail:registre_cvs")).status_code == 404
    client.logout()
    login(client, pw.direction)
    with tenant_context(pw.organisme.pk):
        membre = MembreCvs.objects.get(user=pw.parent_b)
    assert client.post(reverse("familles:cvs_retirer", args=[membre.pk])).status_code == 302
    client.logout()
    login(client, pw.parent_b)
    assert client.get(reverse("portail:registre_cvs")).status_code == 404


def test_registres_requetes_constantes(pw, client):
    with tenant_context(pw.organisme.pk):
        MembreCvs.objects.create(organisme=pw.organisme, dispositif=pw.dispositif, user=pw.parent_b)
    accounts = [(pw.mere, pw.acces_mere), (pw.ado, pw.acces_ado), (pw.parent_b, pw.acces_b)]
    n = {"i": 0}

    def add_rows(count):
        for _ in range(count):
            n["i"] += 1
            user, acces = accounts[n["i"] % 3]
            r = _reclamation(pw, user, acces, objet=f"Objet {n['i']}")
            if n["i"] % 2:
                with tenant_context(pw.organisme.pk):
                    services.reclamation_repondre(actor=pw.direction, reclamation=r, reponse="Réponse")

    login(client, pw.direction)
    assert_constant_queries(lambda: client.get(reverse("familles:reclamations")), add_rows, few=1, many=6)
    client.logout()
    login(client, pw.parent_b)
    assert_constant_queries(lambda: client.get(reverse("portail:registre_cvs")), add_rows, few=1, many=6)
    assert_constant_queries(lambda: client.get(reverse("portail:reclamations")), add_rows, few=1, many=6)
