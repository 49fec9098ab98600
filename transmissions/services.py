"""Transmissions services: drafts (autosaved by their author), validation (the transmission becomes immutable —
a database trigger refuses UPDATE and DELETE of validated rows and of their youth links), addenda, mentions, read
receipts and shifts.

Audit: creating a draft, validating, adding an addendum and discarding a draft each write one audit row; the
autosave of a draft (every few seconds while typing, visible to its author only) does not — the validated content
is what the journal keeps. Reads of a youth's transmissions are audited by the views.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Value
from django.urls import reverse
from django.utils import timezone

from core.enums import AuditAction, Visibilite
from core.models import Affectation, Dispositif, Site, User
from core.services.audit import audit_record
from core.services.notifications import notify
from core.tenancy import Access
from dossiers.models import Dossier, Jeune, fold
from dossiers.perms import can_write_dossier
from transmissions import perms
from transmissions.enums import CATEGORIES_PAR_DEFAUT, Importance, StatutTransmission
from transmissions.models import Categorie, Lecture, Mention, PriseDePoste, Transmission, TransmissionJeune

# Fields a draft's author may change (autosave and the quick form).
DRAFT_FIELDS = (
    "categorie",
    "site",
    "survenue_le",
    "cible",
    "donnees",
    "actions",
    "resultats",
    "texte",
    "visibilite",
    "importance",
)
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)


@transaction.atomic
def categories_par_defaut(*, organisme_id: int) -> list[Categorie]:
    """Create the default catégories of an organisme that are missing (idempotent); return all of its catégories."""
    existing = set(Categorie.objects.filter(organisme_id=organisme_id).values_list("code", flat=True))
    Categorie.objects.bulk_create(
        [
            Categorie(organisme_id=organisme_id, code=code, libelle=libelle, ordre=(index + 1) * 10)
            for index, (code, libelle) in enumerate(CATEGORIES_PAR_DEFAUT.items())
            if code not in existing
        ]
    )
    return list(Categorie.objects.filter(organisme_id=organisme_id))


# --- Checks shared by drafts and validation ---------------------------------------------------------------------


def _access(user) -> Access:
    return Access.for_user(user)


def _check_writer(access: Access, dispositif: Dispositif) -> None:
    if not perms.can_write_in(access, dispositif.pk):
        raise PermissionDenied("Vous ne pouvez pas écrire de transmission dans ce dispositif.")


def _check_categorie(categorie: Categorie, dispositif: Dispositif) -> None:
    if categorie is None:
        raise ValidationError({"categorie": "Choisissez une catégorie."})
    if categorie.organisme_id != dispositif.organisme_id or not categorie.is_active:
        raise ValidationError({"categorie": "Cette catégorie n'est pas disponible."})


def _check_site(site: Site | None, dispositif: Dispositif) -> None:
    if site is not None and site.dispositif_id != dispositif.pk:
        raise ValidationError({"site": "Ce site n'appartient pas au dispositif de la transmission."})


def _check_survenue(survenue_le) -> None:
    if survenue_le is not None and survenue_le > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({"survenue_le": "La date d'une transmission ne peut pas être dans le futur."})


def _dossiers_for(access: Access, dispositif: Dispositif, jeunes: Iterable[Jeune]) -> list[Dossier]:
    """The youths' dossiers in the dispositif, each one writable by the author."""
    jeune_ids = {j.pk if isinstance(j, Jeune) else int(j) for j in jeunes}
    if not jeune_ids:
        return []
    dossiers = list(Dossier.objects.filter(dispositif_id=dispositif.pk, jeune_id__in=jeune_ids))
    if len(dossiers) != len(jeune_ids):
        raise ValidationError({"jeunes": "Un des jeunes choisis n'a pas de dossier dans ce dispositif."})
    for dossier in dossiers:
        if not can_write_dossier(access, dossier):
            raise ValidationError({"jeunes": "Vous ne pouvez pas écrire dans le dossier d'un des jeunes choisis."})
    return dossiers


def mention_candidates(dispositif_id, organisme_id: int):
    """Colleagues who may be mentioned: active professionals working (today) in the dispositif (one id or several),
    or the direction."""
    from core.enums import AccountKind, Metier

    dispositif_ids = [dispositif_id] if isinstance(dispositif_id, int) else list(dispositif_id)
    affectations = (
        Affectation.objects.filter(organisme_id=organisme_id)
        .active_on_today()
        .filter(Q(dispositif_id__in=dispositif_ids) | Q(metier=Metier.DIRECTION))
        .exclude(metier=Metier.ADMIN_ORGANISME)
    )
    return User.objects.filter(
        organisme_id=organisme_id,
        is_active=True,
        kind=AccountKind.PROFESSIONNEL,
        pk__in=affectations.values("user_id"),
    ).order_by("last_name", "first_name")


def _check_mentions(mentions, dispositif: Dispositif, auteur) -> list[User]:
    ids = {u.pk if isinstance(u, User) else int(u) for u in mentions or ()} - {auteur.pk}
    if not ids:
        return []
    users = list(mention_candidates(dispositif.pk, dispositif.organisme_id).filter(pk__in=ids))
    if len(users) != len(ids):
        raise ValidationError({"mentions": "Vous ne pouvez mentionner que des collègues du dispositif."})
    return users


def _default_site(access: Access, dispositif: Dispositif, dossiers: list[Dossier]) -> int | None:
    """The unit of the transmission when none is chosen: the youths' common site, else the author's site."""
    sites = {d.site_id for d in dossiers}
    if dossiers and len(sites) == 1:
        return sites.pop()
    author_sites = {a.site_id for a in access.affectations if a.dispositif_id == dispositif.pk and a.site_id}
    return author_sites.pop() if len(author_sites) == 1 else None


def _set_jeunes(transmission: Transmission, dossiers: list[Dossier]) -> None:
    wanted = {d.jeune_id for d in dossiers}
    current = set(transmission.liens_jeunes.values_list("jeune_id", flat=True))
    if current - wanted:
        TransmissionJeune.objects.filter(transmission=transmission, jeune_id__in=current - wanted).delete()
    TransmissionJeune.objects.bulk_create(
        [
            TransmissionJeune(organisme_id=transmission.organisme_id, transmission=transmission, jeune_id=jeune_id)
            for jeune_id in sorted(wanted - current)
        ]
    )


def _set_mentions(transmission: Transmission, users: list[User]) -> None:
    wanted = {u.pk for u in users}
    current = set(transmission.liens_mentions.values_list("user_id", flat=True))
    if current - wanted:
        Mention.objects.filter(transmission=transmission, user_id__in=current - wanted).delete()
    Mention.objects.bulk_create(
        [
            Mention(organisme_id=transmission.organisme_id, transmission=transmission, user_id=user_id)
            for user_id in sorted(wanted - current)
        ]
    )


# --- Drafts -----------------------------------------------------------------------------------------------------


@transaction.atomic
def transmission_create_draft(
    *,
    auteur,
    dispositif: Dispositif,
    categorie: Categorie,
    jeunes: Iterable[Jeune] = (),
    site: Site | None = None,
    survenue_le: datetime.datetime | None = None,
    cible: str = "",
    donnees: str = "",
    actions: str = "",
    resultats: str = "",
    texte: str = "",
    visibilite: str = Visibilite.EQUIPE,
    importance: str = Importance.NORMALE,
    mentions: Iterable[User] = (),
    request=None,
) -> Transmission:
    """Start a draft (visible to its author only) about zero (a note to the unit), one or several youths."""
    access = _access(auteur)
    _check_writer(access, dispositif)
    _check_categorie(categorie, dispositif)
    _check_site(site, dispositif)
    _check_survenue(survenue_le)
    dossiers = _dossiers_for(access, dispositif, jeunes)
    mentioned = _check_mentions(mentions, dispositif, auteur)
    now = timezone.now()
    transmission = Transmission(
        organisme_id=dispositif.organisme_id,
        auteur=auteur,
        dispositif=dispositif,
        site_id=site.pk if site is not None else _default_site(access, dispositif, dossiers),
        survenue_le=survenue_le or now,
        categorie=categorie,
        cible=cible.strip(),
        donnees=donnees.strip(),
        actions=actions.strip(),
        resultats=resultats.strip(),
        texte=texte.strip(),
        visibilite=visibilite,
        importance=importance,
        statut=StatutTransmission.BROUILLON,
        created_at=now,
        updated_at=now,
    )
    transmission.full_clean()
    transmission.save()
    _set_jeunes(transmission, dossiers)
    _set_mentions(transmission, mentioned)
    audit_record(
        actor=auteur,
        action=AuditAction.CREATE,
        record=transmission,
        request=request,
        details={"statut": "brouillon", "jeunes": sorted(d.jeune_id for d in dossiers)},
    )
    return transmission


def _check_draft_author(transmission: Transmission, by) -> None:
    if transmission.auteur_id != by.pk:
        raise PermissionDenied("Seul l'auteur d'un brouillon peut le modifier.")
    if transmission.statut != StatutTransmission.BROUILLON:
        raise ValidationError("Une transmission validée ne peut plus être modifiée : ajoutez un addendum.")


@transaction.atomic
def transmission_update_draft(*, transmission: Transmission, by, jeunes=None, mentions=None, **fields) -> Transmission:
    """Change a draft (the autosave and the quick form): its author only, drafts only. ``jeunes`` and ``mentions``
    (when given) replace the current ones."""
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"transmission_update_draft() got unexpected fields: {sorted(unknown)}")
    transmission = Transmission.objects.select_for_update().get(pk=transmission.pk)
    _check_draft_author(transmission, by)
    access = _access(by)
    dispositif = transmission.dispositif
    _check_writer(access, dispositif)
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        if name == "survenue_le" and value is None:
            continue
        setattr(transmission, name, value)
    if "categorie" in fields:
        _check_categorie(transmission.categorie, dispositif)
    if "site" in fields:
        _check_site(transmission.site, dispositif)
    if "survenue_le" in fields:
        _check_survenue(transmission.survenue_le)
    transmission.updated_at = timezone.now()
    transmission.full_clean()
    transmission.save()
    if jeunes is not None:
        _set_jeunes(transmission, _dossiers_for(access, dispositif, jeunes))
    if mentions is not None:
        _set_mentions(transmission, _check_mentions(mentions, dispositif, by))
    return transmission


@transaction.atomic
def transmission_discard_draft(*, transmission: Transmission, by, request=None) -> None:
    """Delete a draft (its author only); a validated transmission is never deleted."""
    transmission = Transmission.objects.select_for_update().get(pk=transmission.pk)
    _check_draft_author(transmission, by)
    audit_record(actor=by, action=AuditAction.DELETE, record=transmission, request=request)
    transmission.delete()


# --- Validation ---------------------------------------------------------------------------------------------------


def search_document(*, categorie: str, cible: str, donnees: str, actions: str, resultats: str, texte: str):
    """The search vector of a transmission: accents folded in Python (the embedded PostgreSQL has no unaccent), the
    catégorie and the cible weigh more than the body. Queries fold the user's words the same way
    (``selectors.search_query``)."""
    from django.contrib.postgres.search import SearchVector

    head = fold(f"{categorie} {cible}")
    body = fold(" ".join(part for part in (donnees, actions, resultats, texte) if part))
    return SearchVector(Value(head), config="french", weight="A") + SearchVector(
        Value(body), config="french", weight="B"
    )


def _has_content(transmission: Transmission) -> bool:
    return any(
        (value or "").strip()
        for value in (transmission.donnees, transmission.actions, transmission.resultats, transmission.texte)
    )


def _lien(transmission: Transmission) -> str:
    return reverse("transmissions:detail", kwargs={"pk": transmission.pk})


@transaction.atomic
def transmission_validate(*, transmission: Transmission, by, request=None) -> Transmission:
    """Validate a draft: from now on the database refuses any change to it. Content is required (Données /
    Actions / Résultats or the free text). The status, the validation time and the search vector are written in
    one UPDATE; mentioned colleagues are notified (in the product; their emails leave after commit)."""
    transmission = Transmission.objects.select_for_update().select_related("categorie").get(pk=transmission.pk)
    _check_draft_author(transmission, by)
    access = _access(by)
    _check_writer(access, transmission.dispositif)
    if not _has_content(transmission):
        raise ValidationError({"texte": "Écrivez la transmission : Données, Actions ou Résultats, ou le texte libre."})
    _check_survenue(transmission.survenue_le)
    # Youths whose dossier became unwritable since the draft was started (archived, restricted) block validation.
    _dossiers_for(access, transmission.dispositif, transmission.liens_jeunes.values_list("jeune_id", flat=True))
    now = timezone.now()
    Transmission.objects.filter(pk=transmission.pk, statut=StatutTransmission.BROUILLON).update(
        statut=StatutTransmission.VALIDEE,
        validee_le=now,
        updated_at=now,
        recherche=search_document(
            categorie=transmission.categorie.libelle,
            cible=transmission.cible,
            donnees=transmission.donnees,
            actions=transmission.actions,
            resultats=transmission.resultats,
            texte=transmission.texte,
        ),
    )
    transmission.statut = StatutTransmission.VALIDEE
    transmission.validee_le = now
    transmission.updated_at = now
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        record=transmission,
        request=request,
        details={"statut": "validee", "importance": transmission.importance, "visibilite": transmission.visibilite},
    )
    mentioned = list(User.objects.filter(pk__in=transmission.liens_mentions.values("user_id")))
    if mentioned:
        _notify_mentions(transmission, by, mentioned)
    return transmission


def _notify_mentions(transmission: Transmission, by, users: list[User]) -> None:
    """Only the colleagues who may read the transmission are notified (a confidential one: care métiers)."""
    readers = [user for user in users if perms.can_read_transmission(_access(user), transmission)]
    if readers:
        notify(
            recipients=readers,
            titre=f"{by.get_full_name()} vous a mentionné dans une transmission ({transmission.categorie})",
            lien=_lien(transmission),
            categorie="transmission",
        )


@transaction.atomic
def transmission_write(
    *,
    auteur,
    dispositif: Dispositif,
    categorie: Categorie,
    request=None,
    **fields,
) -> Transmission:
    """Create and validate in one call (the quick form's « Valider » and the API)."""
    draft = transmission_create_draft(
        auteur=auteur, dispositif=dispositif, categorie=categorie, request=request, **fields
    )
    return transmission_validate(transmission=draft, by=auteur, request=request)


@transaction.atomic
def addendum_create(*, original: Transmission, by, texte: str, request=None) -> Transmission:
    """Add a correction or a complement to a validated transmission: itself a validated transmission linked by
    ``addendum_de`` (to the first original when ``original`` is already an addendum), with the same youths,
    dispositif, site, catégorie and visibility."""
    if original.addendum_de_id:
        original = original.addendum_de
    if original.statut != StatutTransmission.VALIDEE:
        raise ValidationError("On ne peut ajouter un addendum qu'à une transmission validée.")
    access = _access(by)
    if not perms.can_read_transmission(access, original):
        raise PermissionDenied("Vous ne pouvez pas lire cette transmission.")
    _check_writer(access, original.dispositif)
    if not (texte or "").strip():
        raise ValidationError({"texte": "Écrivez le texte de l'addendum."})
    jeune_ids = list(original.liens_jeunes.values_list("jeune_id", flat=True))
    now = timezone.now()
    addendum = Transmission(
        organisme_id=original.organisme_id,
        auteur=by,
        dispositif_id=original.dispositif_id,
        site_id=original.site_id,
        survenue_le=now,
        categorie_id=original.categorie_id,
        texte=texte.strip(),
        visibilite=original.visibilite,
        importance=Importance.NORMALE,
        statut=StatutTransmission.BROUILLON,
        addendum_de=original,
        created_at=now,
        updated_at=now,
    )
    addendum.full_clean()
    addendum.save()
    TransmissionJeune.objects.bulk_create(
        [TransmissionJeune(organisme_id=original.organisme_id, transmission=addendum, jeune_id=j) for j in jeune_ids]
    )
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        record=addendum,
        request=request,
        details={"addendum_de": original.pk},
    )
    Transmission.objects.filter(pk=addendum.pk).update(
        statut=StatutTransmission.VALIDEE,
        validee_le=now,
        recherche=search_document(
            categorie=str(original.categorie), cible=original.cible, donnees="", actions="", resultats="", texte=texte
        ),
    )
    addendum.statut = StatutTransmission.VALIDEE
    addendum.validee_le = now
    if original.auteur_id != by.pk:
        author = original.auteur
        if author.is_active and perms.can_read_transmission(_access(author), addendum):
            notify(
                recipients=[author],
                titre=f"{by.get_full_name()} a ajouté un addendum à votre transmission ({original.categorie})",
                lien=_lien(original),
                categorie="transmission",
            )
    return addendum


# --- Read receipts and shifts -------------------------------------------------------------------------------------


@transaction.atomic
def lecture_marquer(*, transmissions: Iterable[Transmission] | Iterable[int], user) -> int:
    """Mark validated transmissions as read by ``user`` (bulk, idempotent); return how many became read.

    The caller passes transmissions the user may read (``selectors.readable``); not audited (the user's own
    reading state; reading the content is audited by the views)."""
    ids = {t.pk if isinstance(t, Transmission) else int(t) for t in transmissions}
    if not ids:
        return 0
    ids = set(
        Transmission.objects.filter(pk__in=ids, statut=StatutTransmission.VALIDEE)
        .exclude(lectures__user_id=user.pk)
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    created = Lecture.objects.bulk_create(
        [Lecture(organisme_id=user.organisme_id, transmission_id=pk, user=user, lu_le=now) for pk in sorted(ids)],
        ignore_conflicts=True,
    )
    return len(created)


@transaction.atomic
def prise_de_poste(*, user, at: datetime.datetime | None = None) -> PriseDePoste:
    """Record that ``user`` takes their shift: the handover view then shows what is written from now on."""
    if not _access(user).is_professionnel:
        raise PermissionDenied("Seuls les professionnels prennent leur poste.")
    at = at or timezone.now()
    _check_survenue(at)
    return PriseDePoste.objects.create(organisme_id=user.organisme_id, user=user, at=at)
