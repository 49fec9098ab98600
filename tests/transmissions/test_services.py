import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEntry, Notification
from core.tenancy import tenant_context
from transmissions.models import Lecture, Transmission
from transmissions.services import (
    addendum_create,
    categories_par_defaut,
    lecture_marquer,
    prise_de_poste,
    transmission_create_draft,
    transmission_discard_draft,
    transmission_update_draft,
    transmission_validate,
    transmission_write,
)


def test_categories_par_defaut_idempotent(tw):
    with tenant_context(tw.organisme.pk):
        first = categories_par_defaut(organisme_id=tw.organisme.pk)
        second = categories_par_defaut(organisme_id=tw.organisme.pk)
    assert [c.pk for c in first] == [c.pk for c in second]
    assert {c.code for c in first} >= {"sante", "comportement", "incident"}


def test_draft_update_validate(tw):
    with tenant_context(tw.organisme.pk):
        draft = transmission_create_draft(
            auteur=tw.educateur, dispositif=tw.dispositif, categorie=tw.categories["comportement"], jeunes=[tw.jeune]
        )
        assert draft.statut == "brouillon"
        with pytest.raises(PermissionDenied):
            transmission_update_draft(transmission=draft, by=tw.lecteur, texte="x")
        with pytest.raises(ValidationError):
            transmission_validate(transmission=draft, by=tw.educateur)
        transmission_update_draft(transmission=draft, by=tw.educateur, donnees="L'élève a refusé d'aller en classe")
        t = transmission_validate(transmission=draft, by=tw.educateur)
        t.refresh_from_db()
        assert t.statut == "validee" and t.validee_le is not None and t.recherche
        with pytest.raises(ValidationError):
            transmission_update_draft(transmission=t, by=tw.educateur, texte="modifié")
        with pytest.raises(ValidationError):
            transmission_discard_draft(transmission=t, by=tw.educateur)
        assert AuditEntry.objects.filter(record_type="transmissions.transmission", record_id=str(t.pk)).count() == 2


def test_write_with_mentions_notifies_readers_only(tw):
    with tenant_context(tw.organisme.pk):
        t = transmission_write(
            auteur=tw.educateur,
            dispositif=tw.dispositif,
            categorie=tw.categories["sante"],
            jeunes=[tw.jeune],
            texte="Fièvre ce matin",
            visibilite="confidentiel_soin",
            mentions=[tw.lecteur, tw.psychologue],
        )
        assert t.est_validee
        assert set(Notification.objects.values_list("recipient_id", flat=True)) == {tw.psychologue.pk}


def test_mention_outside_dispositif_refused(tw):
    from tests import factories

    other = factories.professionnel(tw.autre_dispositif)
    with tenant_context(tw.organisme.pk), pytest.raises(ValidationError):
        transmission_write(
            auteur=tw.educateur,
            dispositif=tw.dispositif,
            categorie=tw.categories["sante"],
            texte="x",
            mentions=[other],
        )


def test_reader_cannot_write(tw):
    with tenant_context(tw.organisme.pk), pytest.raises(PermissionDenied):
        transmission_write(auteur=tw.lecteur, dispositif=tw.dispositif, categorie=tw.categories["sante"], texte="x")


def test_youth_without_dossier_in_dispositif_refused(tw):
    from tests import factories

    autre = factories.dossier_accompagne(tw.autre_dispositif)
    with tenant_context(tw.organisme.pk), pytest.raises(ValidationError):
        transmission_write(
            auteur=tw.direction,
            dispositif=tw.dispositif,
            categorie=tw.categories["sante"],
            jeunes=[autre.jeune],
            texte="x",
        )


def test_future_date_refused(tw):
    import datetime

    from django.utils import timezone

    with tenant_context(tw.organisme.pk), pytest.raises(ValidationError):
        transmission_write(
            auteur=tw.educateur,
            dispositif=tw.dispositif,
            categorie=tw.categories["sante"],
            texte="x",
            survenue_le=timezone.now() + datetime.timedelta(hours=2),
        )


def test_addendum_and_lectures(tw):
    with tenant_context(tw.organisme.pk):
        t = transmission_write(
            auteur=tw.educateur,
            dispositif=tw.dispositif,
            categorie=tw.categories["incident"],
            jeunes=[tw.jeune, tw.jeune2],
            texte="Bagarre dans la cour",
            importance="importante",
        )
        add = addendum_create(original=t, by=tw.psychologue, texte="Correction : pas de blessure.")
        assert add.addendum_de_id == t.pk and add.est_validee
        assert set(add.jeunes.values_list("pk", flat=True)) == {tw.jeune.pk, tw.jeune2.pk}
        # An addendum to an addendum points to the first original.
        add2 = addendum_create(original=add, by=tw.educateur, texte="Complément.")
        assert add2.addendum_de_id == t.pk
        assert Notification.objects.filter(recipient=tw.educateur).count() == 1
        assert lecture_marquer(transmissions=[t, add], user=tw.lecteur) == 2
        assert lecture_marquer(transmissions=[t, add], user=tw.lecteur) == 0
        assert Lecture.objects.filter(user=tw.lecteur).count() == 2
        with pytest.raises(ValidationError):
            addendum_create(original=t, by=tw.educateur, texte="  ")
        with pytest.raises(PermissionDenied):
            addendum_create(original=t, by=tw.lecteur, texte="x")


def test_prise_de_poste(tw):
    with tenant_context(tw.organisme.pk):
        p = prise_de_poste(user=tw.educateur)
        assert p.user_id == tw.educateur.pk
        assert Transmission.objects.count() == 0
