"""The plan (PPA in force, objectives in plain words with the week's events, no SERAFIN code, drafts never shown)
and the shared journal (validated, partageable_famille, naming only this youth)."""

from django.urls import reverse
from django.utils import timezone

from core.enums import Visibilite
from core.tenancy import tenant_context
from ppa.models import LienObjectif, Objectif, Ppa, PpaVersion
from tests.fixtures import login
from tests.portail_famille.helpers_base import evenement, transmission_partagee


def version(pw, dossier, statut="valide", numero=1):
    with tenant_context(dossier.organisme_id):
        ppa, _ = Ppa.objects.get_or_create(dossier=dossier, defaults={"organisme_id": dossier.organisme_id})
        return PpaVersion.objects.create(
            organisme_id=dossier.organisme_id, ppa=ppa, numero=numero, statut=statut,
            valide_le=timezone.localdate() if statut != "en_elaboration" else None,
            attentes_famille="Se faire des amis", attentes_jeune="Faire du foot",
        )  # fmt: skip


def objectif(v, titre, **kwargs):
    with tenant_context(v.organisme_id):
        return Objectif.objects.create(
            organisme_id=v.organisme_id, version=v, titre=titre, besoin_code="1.1.1", **kwargs
        )


def test_plan_shows_objectives_in_plain_words_with_the_week_events(client, pw):
    v = version(pw, pw.dossier_a)
    o1 = objectif(v, "Travailler la gestion des émotions", phrase_falc="Je sais dire quand je suis en colère.")
    objectif(v, "Scolarité", ordre=2)
    ev = evenement(pw, [pw.jeune_a], jour=2, heure=14, nature="seance_soin")
    with tenant_context(pw.organisme.pk):
        LienObjectif.objects.create(organisme=pw.organisme, objectif=o1, evenement=ev)
    login(client, pw.pere)
    body = client.get(reverse("portail:plan", args=[pw.jeune_a.pk])).content.decode()
    assert "Je sais dire quand je suis en colère." in body
    assert "Travailler la gestion des émotions" not in body  # the FALC sentence replaces the title
    assert "Scolarité" in body
    assert "Séance de soin" in body
    assert "fonctions mentales" in body and "1.1.1" not in body
    assert "Se faire des amis" in body


def test_plan_in_elaboration_is_not_shown(client, pw):
    v = version(pw, pw.dossier_a, statut="en_elaboration")
    objectif(v, "Objectif en cours d'écriture")
    login(client, pw.mere)
    body = client.get(reverse("portail:plan", args=[pw.jeune_a.pk])).content.decode()
    assert "Objectif en cours d'écriture" not in body and "pas encore validé" in body


def test_plan_of_another_youth_not_shown(client, pw):
    v = version(pw, pw.dossier_b)
    objectif(v, "Objectif de B")
    login(client, pw.mere)
    assert "Objectif de B" not in client.get(reverse("portail:plan", args=[pw.jeune_a.pk])).content.decode()
    assert client.get(reverse("portail:plan", args=[pw.jeune_b.pk])).status_code == 404


def test_plan_pdf_of_another_youth_or_draft_404(client, pw):
    v_b = version(pw, pw.dossier_b)
    draft = version(pw, pw.dossier_a, statut="en_elaboration")
    login(client, pw.mere)
    for jeune, v in ((pw.jeune_a, v_b), (pw.jeune_b, v_b), (pw.jeune_a, draft)):
        for variante in ("complet", "facile"):
            assert client.get(reverse("portail:plan_pdf", args=[jeune.pk, v.pk, variante])).status_code == 404


def test_journal_shows_shared_transmissions_of_this_youth_only(client, pw):
    transmission_partagee(pw, [pw.jeune_a], texte="Léo a réussi son exposé.")
    transmission_partagee(pw, [pw.jeune_a], texte="Note interne", visibilite=Visibilite.EQUIPE)
    transmission_partagee(pw, [pw.jeune_a, pw.jeune_b], texte="Sortie de groupe")
    transmission_partagee(pw, [pw.jeune_b], texte="Nouvelle de B")
    for user in (pw.mere, pw.ado):
        login(client, user)
        body = client.get(reverse("portail:journal", args=[pw.jeune_a.pk])).content.decode()
        assert "Léo a réussi son exposé." in body
        assert "Note interne" not in body and "Sortie de groupe" not in body and "Nouvelle de B" not in body
        assert pw.educateur.last_name not in body


def test_journal_paginated(client, pw):
    for i in range(22):
        transmission_partagee(pw, [pw.jeune_a], texte=f"Nouvelle numéro {i:02d}")
    login(client, pw.mere)
    first = client.get(reverse("portail:journal", args=[pw.jeune_a.pk])).content.decode()
    assert "Nouvelle numéro 21" in first and "Nouvelle numéro 01" not in first
    second = client.get(reverse("portail:journal", args=[pw.jeune_a.pk]) + "?page=2").content.decode()
    assert "Nouvelle numéro 01" in second


def test_plan_pdfs_served_to_the_family_and_audited(client, pw):
    from core.models import AuditEntry

    v = version(pw, pw.dossier_a)
    objectif(v, "Objectif", phrase_falc="Je vais à l'école le matin.")
    login(client, pw.mere)
    for variante in ("complet", "facile"):
        response = client.get(reverse("portail:plan_pdf", args=[pw.jeune_a.pk, v.pk, variante]))
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    with tenant_context(pw.organisme.pk):
        assert AuditEntry.objects.filter(actor=pw.mere, action="export", record_id=str(v.pk)).count() == 2
