"""Who may read and write agenda content (DOMAIN §3, §5).

- An event (and its participations, minutes, series) is read by the professionals of its dispositif with clinical
  access (the rule of ``dossiers.perms``: admin_organisme sees no clinical content) and written by the
  contributeurs of the dispositif (direction always).
- A youth's events (their agenda, their participations) only if the user may read one of the youth's dossiers in
  that dispositif (restricted dossiers stay restricted in the agenda).
- Natures, resources and closures are configuration of the dispositif: read by its professionals, written by its
  contributeurs (direction, chefs de service in practice; the screens decide who sees the forms).
"""

from core import perms as core_perms
from core.tenancy import Access
from dossiers.perms import _is_clinical_reader, readable_dossiers


def can_read_dispositif_agenda(access: Access, dispositif_id: int) -> bool:
    return _is_clinical_reader(access) and access.can_read_dispositif(dispositif_id)


def can_write_dispositif_agenda(access: Access, dispositif_id: int) -> bool:
    return can_read_dispositif_agenda(access, dispositif_id) and access.can_write_dispositif(dispositif_id)


def can_read_jeune_agenda(access: Access, jeune, dispositif_id: int | None = None) -> bool:
    """The youth's agenda (in one dispositif, or in any): a readable dossier of the youth there."""
    from dossiers.models import Dossier

    qs = Dossier.objects.filter(jeune_id=getattr(jeune, "pk", jeune))
    if dispositif_id is not None:
        qs = qs.filter(dispositif_id=dispositif_id)
    return readable_dossiers(access, qs).exists()


def readable_jeune_ids(access: Access, jeune_ids, dispositif_id: int | None = None) -> set[int]:
    """Among ``jeune_ids``, the youths whose dossier (in the dispositif) the user may read (one query)."""
    from dossiers.models import Dossier

    qs = Dossier.objects.filter(jeune_id__in=set(jeune_ids))
    if dispositif_id is not None:
        qs = qs.filter(dispositif_id=dispositif_id)
    return set(readable_dossiers(access, qs).values_list("jeune_id", flat=True))


def can_read_evenement(access: Access, evenement) -> bool:
    return can_read_dispositif_agenda(access, evenement.dispositif_id)


def can_write_evenement(access: Access, evenement) -> bool:
    return can_write_dispositif_agenda(access, evenement.dispositif_id)


def can_read_participation(access: Access, participation) -> bool:
    dispositif_id = participation.evenement.dispositif_id
    return can_read_dispositif_agenda(access, dispositif_id) and can_read_jeune_agenda(
        access, participation.jeune_id, dispositif_id
    )


def can_write_participation(access: Access, participation) -> bool:
    return can_read_participation(access, participation) and can_write_dispositif_agenda(
        access, participation.evenement.dispositif_id
    )


def _register():
    from agendas import models as m

    core_perms.register(m.Evenement, read=can_read_evenement, write=can_write_evenement)
    core_perms.register(m.Serie, read=can_read_evenement, write=can_write_evenement)
    core_perms.register(m.ParticipationJeune, read=can_read_participation, write=can_write_participation)
    for model in (m.ParticipationProfessionnel, m.ParticipationIntervenant, m.ReservationRessource, m.CompteRendu):
        core_perms.register(
            model,
            read=lambda a, o: can_read_evenement(a, o.evenement),
            write=lambda a, o: can_write_evenement(a, o.evenement),
        )
    for model in (m.Nature, m.Ressource, m.Fermeture):
        core_perms.register(
            model,
            read=lambda a, o: a.is_professionnel and a.can_read_dispositif(o.dispositif_id),
            write=lambda a, o: a.is_professionnel and a.can_write_dispositif(o.dispositif_id),
        )
    core_perms.register(
        m.Absence,
        read=lambda a, o: (
            can_read_dispositif_agenda(a, o.dispositif_id) and can_read_jeune_agenda(a, o.jeune_id, o.dispositif_id)
        ),
        write=lambda a, o: (
            can_write_dispositif_agenda(a, o.dispositif_id) and can_read_jeune_agenda(a, o.jeune_id, o.dispositif_id)
        ),
    )
    core_perms.register(
        m.AbonnementCalendrier,
        read=lambda a, o: a.is_professionnel and (o.user_id == a.user.pk or (o.jeune_id and a.is_direction)),
        write=lambda a, o: a.is_professionnel and (o.user_id == a.user.pk or (o.jeune_id and a.is_direction)),
    )


_register()
