"""Builders for the portal tests (accounts and reading part): events of this week, shared documents, uploads,
shared transmissions — all written through the apps' services."""

import datetime

from django.utils import timezone

from agendas.services.evenements import evenement_create
from core.enums import Visibilite
from core.tenancy import tenant_context
from dossiers.services.documents import document_create

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def lundi() -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday())


def moment(day_offset: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = lundi() + datetime.timedelta(days=day_offset)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


def evenement(pw, jeunes, *, jour=1, heure=10, nature="activite_educative", professionnels=None, **kwargs):
    kwargs.setdefault("modalite", "accueil_de_jour")
    organisme_id = jeunes[0].organisme_id
    dispositif = pw.dispositif if organisme_id == pw.organisme.pk else pw.dispositif_b
    actor = pw.educateur if organisme_id == pw.organisme.pk else pw.autre_educateur
    with tenant_context(organisme_id):
        return evenement_create(
            dispositif=dispositif, nature=nature, debut=moment(jour, heure), fin=moment(jour, heure + 1), actor=actor,
            jeunes=jeunes, professionnels=professionnels if professionnels is not None else [actor], **kwargs,
        )  # fmt: skip


def document_partage(pw, dossier, titre="Emploi du temps", visibilite=Visibilite.PARTAGEABLE_FAMILLE, **kwargs):
    with tenant_context(dossier.organisme_id):
        return document_create(
            dossier=dossier, content=PDF, nom_fichier=f"{titre}.pdf", type="courrier", titre=titre,
            actor=pw.educateur if dossier.organisme_id == pw.organisme.pk else pw.autre_educateur,
            visibilite=visibilite, **kwargs,
        )  # fmt: skip


def transmission_partagee(pw, jeunes, texte="Belle journée au poney.", visibilite=Visibilite.PARTAGEABLE_FAMILLE):
    from transmissions.services import categories_par_defaut, transmission_write

    with tenant_context(pw.organisme.pk):
        categorie = categories_par_defaut(organisme_id=pw.organisme.pk)[0]
        return transmission_write(
            auteur=pw.educateur, dispositif=pw.dispositif, categorie=categorie, texte=texte, jeunes=jeunes,
            visibilite=visibilite,
        )  # fmt: skip
