"""Transmissions services beyond the logbook itself: the catégories of the organisme, attachments of a draft, the
adverse-event declaration opened from a validated transmission, and the PDF report of a youth's transmissions.

Same rules as ``transmissions.services``: keyword-only, ``@transaction.atomic``, ``full_clean()``, one audit row
per write, French ``ValidationError`` messages, nothing written on error.
"""

import datetime
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import slugify

from core.enums import AuditAction, Visibilite
from core.models import Organisme
from core.services.audit import audit_record, save_audited
from core.tenancy import Access
from dossiers.models import Dossier, EvenementIndesirable, Jeune, fold
from dossiers.perms import readable_dossiers
from dossiers.services.documents import check_content
from dossiers.services.signalements import evenement_indesirable_declare
from transmissions import perms, selectors
from transmissions.enums import StatutTransmission
from transmissions.models import Categorie, PieceJointe, SignalementTransmission, Transmission

# --- Catégories --------------------------------------------------------------------------------------------------

CATEGORIE_MANAGERS = frozenset({"direction", "chef_de_service", "admin_organisme"})


def can_manage_categories(access: Access) -> bool:
    """The catégories of the organisme are configured by the direction, the chefs de service and the organisme's
    administrators."""
    return access.is_professionnel and bool(access.metiers & CATEGORIE_MANAGERS)


def _check_manager(actor) -> None:
    if not can_manage_categories(Access.for_user(actor)):
        raise PermissionDenied("Seuls la direction, les chefs de service et l'administrateur gèrent les catégories.")


def _check_libelle(organisme_id: int, libelle: str, exclude_pk: int | None = None) -> str:
    libelle = (libelle or "").strip()
    if not libelle:
        raise ValidationError({"libelle": "Indiquez le libellé de la catégorie."})
    same = Categorie.objects.filter(organisme_id=organisme_id, libelle__iexact=libelle)
    if exclude_pk:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise ValidationError({"libelle": "Une catégorie porte déjà ce libellé."})
    return libelle


def _new_code(organisme_id: int, libelle: str) -> str:
    base = slugify(fold(libelle)).replace("-", "_")[:40] or "categorie"
    taken = set(
        Categorie.objects.filter(organisme_id=organisme_id, code__startswith=base).values_list("code", flat=True)
    )
    code, n = base, 2
    while code in taken:
        code, n = f"{base}_{n}", n + 1
    return code


@transaction.atomic
def categorie_create(*, organisme_id: int, libelle: str, actor, ordre: int | None = None, request=None) -> Categorie:
    """A new catégorie, at the end of the list unless ``ordre`` is given; its code is derived from the libellé."""
    _check_manager(actor)
    libelle = _check_libelle(organisme_id, libelle)
    if ordre is None:
        last = Categorie.objects.filter(organisme_id=organisme_id).aggregate(m=Max("ordre"))["m"] or 0
        ordre = last + 10
    categorie = Categorie(organisme_id=organisme_id, code=_new_code(organisme_id, libelle), libelle=libelle,
                          ordre=ordre)  # fmt: skip
    return save_audited(categorie, actor=actor, request=request)


@transaction.atomic
def categorie_update(
    *, categorie: Categorie, actor, libelle: str | None = None, ordre: int | None = None,
    is_active: bool | None = None, request=None,
) -> Categorie:  # fmt: skip
    """Rename, reorder or (de)activate a catégorie. Its code never changes (imports and the API use it); a
    deactivated catégorie is no longer offered for new transmissions, the past ones keep it."""
    _check_manager(actor)
    changed = set()
    if libelle is not None and libelle.strip() != categorie.libelle:
        categorie.libelle = _check_libelle(categorie.organisme_id, libelle, exclude_pk=categorie.pk)
        changed.add("libelle")
    if ordre is not None and ordre != categorie.ordre:
        categorie.ordre, changed = ordre, changed | {"ordre"}
    if is_active is not None and is_active != categorie.is_active:
        if not is_active:
            others = Categorie.objects.filter(organisme_id=categorie.organisme_id, is_active=True)
            if not others.exclude(pk=categorie.pk).exists():
                raise ValidationError({"is_active": "Au moins une catégorie doit rester active."})
        categorie.is_active, changed = is_active, changed | {"is_active"}
    if not changed:
        return categorie
    return save_audited(categorie, actor=actor, request=request, changed=changed)


@transaction.atomic
def categorie_deplacer(*, categorie: Categorie, actor, vers: str, request=None) -> Categorie:
    """Move a catégorie one place up (``vers="haut"``) or down (``"bas"``) in the list; the list is renumbered
    10, 20, 30... so that the order stays explicit."""
    _check_manager(actor)
    if vers not in ("haut", "bas"):
        raise ValidationError("Sens de déplacement inconnu.")
    items = list(Categorie.objects.filter(organisme_id=categorie.organisme_id).select_for_update())
    index = next(i for i, c in enumerate(items) if c.pk == categorie.pk)
    other = index - 1 if vers == "haut" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    changed = []
    for position, item in enumerate(items, start=1):
        if item.ordre != position * 10:
            item.ordre = position * 10
            changed.append(item)
    Categorie.objects.bulk_update(changed, ["ordre"])
    audit_record(actor=actor, action=AuditAction.UPDATE, record=categorie, request=request,
                 details={"champs": ["ordre"], "vers": vers})  # fmt: skip
    return next(c for c in items if c.pk == categorie.pk)


# --- Attachments -------------------------------------------------------------------------------------------------

MAX_PIECES = 10


@transaction.atomic
def piece_jointe_add(*, transmission: Transmission, content: bytes, nom_fichier: str, by, request=None) -> PieceJointe:
    """Attach a file to a draft (its author only): type checked by content like the dossiers' documents, stored
    through Django's storage. Once the transmission is validated its attachments are fixed (a trigger refuses
    any change)."""
    transmission = Transmission.objects.select_for_update().get(pk=transmission.pk)
    if not perms.can_write_transmission(Access.for_user(by), transmission):
        if transmission.statut == StatutTransmission.VALIDEE:
            raise ValidationError("Une transmission validée ne peut plus recevoir de pièce jointe.")
        raise PermissionDenied("Seul l'auteur d'un brouillon peut y joindre un fichier.")
    if transmission.pieces_jointes.count() >= MAX_PIECES:
        raise ValidationError({"fichier": f"Une transmission ne peut pas avoir plus de {MAX_PIECES} pièces jointes."})
    mime = check_content(content)
    piece = PieceJointe(
        organisme_id=transmission.organisme_id,
        transmission=transmission,
        nom_fichier=(nom_fichier or "piece-jointe")[:255],
        content_type=mime,
        taille=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    piece.fichier.save("piece-jointe", ContentFile(content), save=False)
    try:
        piece.full_clean()
        piece.save()
    except Exception:
        piece.fichier.delete(save=False)  # no orphan file when the row is refused
        raise
    audit_record(actor=by, action=AuditAction.CREATE, record=piece, request=request,
                 details={"transmission": transmission.pk, "taille": len(content), "type": mime})  # fmt: skip
    return piece


@transaction.atomic
def piece_jointe_remove(*, piece: PieceJointe, by, request=None) -> None:
    """Remove an attachment from a draft (its author only); the stored file is deleted after commit."""
    transmission = Transmission.objects.select_for_update().get(pk=piece.transmission_id)
    if not perms.can_write_transmission(Access.for_user(by), transmission):
        if transmission.statut == StatutTransmission.VALIDEE:
            raise ValidationError("Les pièces jointes d'une transmission validée ne peuvent plus être retirées.")
        raise PermissionDenied("Seul l'auteur d'un brouillon peut en retirer une pièce jointe.")
    audit_record(actor=by, action=AuditAction.DELETE, record=piece, request=request,
                 details={"transmission": transmission.pk})  # fmt: skip
    fichier = piece.fichier
    piece.delete()
    transaction.on_commit(lambda: fichier.delete(save=False))


# --- Adverse event --------------------------------------------------------------------------------------------


def evenement_initial(transmission: Transmission) -> dict:
    """The adverse-event declaration pre-filled from a validated transmission: its dispositif, the dossier of its
    (first) youth in that dispositif, its date-time, place, facts (cible, Données or the free text) and the actions
    taken (Actions / Résultats)."""
    jeune_ids = [link.jeune_id for link in transmission.liens_jeunes.all()]
    dossier = (
        Dossier.objects.filter(dispositif_id=transmission.dispositif_id, jeune_id__in=jeune_ids)
        .order_by("jeune__nom_naissance", "jeune__prenom")
        .first()
        if jeune_ids
        else None
    )
    faits = [f"Cible : {transmission.cible}"] if transmission.cible else []
    faits += [part for part in (transmission.donnees, transmission.texte) if part]
    mesures = [f"{label} : {value}" for label, value in (("Actions", transmission.actions),
                                                         ("Résultats", transmission.resultats)) if value]  # fmt: skip
    autres = []
    if len(jeune_ids) > 1:
        names = Jeune.objects.filter(pk__in=jeune_ids).order_by("nom_naissance", "prenom")
        autres = [f"{j.prenom} {j.nom}" for j in names]
    return {
        "dispositif": transmission.dispositif_id,
        "dossier": dossier.pk if dossier else None,
        "survenu_le": timezone.localtime(transmission.survenue_le).replace(second=0, microsecond=0),
        "lieu": transmission.site.nom if transmission.site_id else "",
        "faits": "\n\n".join(faits),
        "mesures_immediates": "\n".join(mesures),
        "personnes_impliquees": ("Jeunes concernés : " + ", ".join(autres)) if autres else "",
    }


@transaction.atomic
def transmission_signaler(*, transmission: Transmission, actor, request=None, **declaration) -> EvenementIndesirable:
    """Declare an adverse event from a validated transmission (``declaration``: the keywords of
    ``evenement_indesirable_declare``) and link it to the transmission. One declaration per transmission."""
    access = Access.for_user(actor)
    if transmission.statut != StatutTransmission.VALIDEE:
        raise ValidationError("Seule une transmission validée peut être signalée comme événement indésirable.")
    if not perms.can_read_transmission(access, transmission) or not perms.can_write_in(
        access, transmission.dispositif_id
    ):
        raise PermissionDenied("Vous ne pouvez pas signaler cette transmission.")
    existing = SignalementTransmission.objects.filter(transmission_id=transmission.pk).first()
    if existing is not None:
        raise ValidationError("Cette transmission a déjà été signalée comme événement indésirable.")
    evenement = evenement_indesirable_declare(actor=actor, request=request, **declaration)
    lien = SignalementTransmission(
        organisme_id=transmission.organisme_id, transmission=transmission, evenement_indesirable=evenement,
        signale_par=actor,
    )  # fmt: skip
    lien.full_clean()
    lien.save()
    audit_record(actor=actor, action=AuditAction.CREATE, record=lien, request=request,
                 details={"transmission": transmission.pk, "evenement_indesirable": evenement.pk})  # fmt: skip
    return evenement


# --- PDF report --------------------------------------------------------------------------------------------------

RAPPORT_MAX = 3000


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def rapport_transmissions(access: Access, *, jeune: Jeune, debut: datetime.date, fin: datetime.date) -> list:
    """The youth's validated transmissions of the period that ``access`` may read (``confidentiel_soin`` only for
    the care métiers and their author), oldest first, each original with its addenda (an addendum written in the
    period brings its original, even an older one). Constant number of queries."""
    period = selectors.readable(access).filter(
        statut=StatutTransmission.VALIDEE,
        liens_jeunes__jeune_id=jeune.pk,
        survenue_le__gte=_day_start(debut),
        survenue_le__lt=_day_start(fin + datetime.timedelta(days=1)),
    )
    original_ids = period.values("addendum_de_id")
    originals = (
        selectors.readable(access)
        .filter(statut=StatutTransmission.VALIDEE, addendum_de__isnull=True)
        .filter(Q(pk__in=period.filter(addendum_de__isnull=True).values("pk")) | Q(pk__in=original_ids))
        .order_by("survenue_le", "pk")
    )
    return list(selectors.with_display(originals, access.user)[:RAPPORT_MAX])


def rapport_pdf(*, access: Access, jeune: Jeune, debut: datetime.date, fin: datetime.date, request=None) -> bytes:
    """The PDF of a youth's transmissions over a period (synthesis meeting, PPA review), built in memory, for
    the reader's own visibility; written to the audit journal as an export of the youth's transmissions."""
    from dossiers.pdf import render_pdf

    if fin < debut:
        raise ValidationError({"fin": "La fin de la période précède son début."})
    dossiers = list(
        readable_dossiers(access, Dossier.objects.filter(jeune_id=jeune.pk)).select_related("dispositif", "site")
    )
    if not dossiers:
        raise PermissionDenied
    transmissions = rapport_transmissions(access, jeune=jeune, debut=debut, fin=fin)
    dossier = max(dossiers, key=lambda d: (d.archived_at is None, d.created_at))
    confidentiel = any(
        t.visibilite == Visibilite.CONFIDENTIEL_SOIN or any(a.visibilite == Visibilite.CONFIDENTIEL_SOIN
                                                            for a in t.addenda.all())
        for t in transmissions
    )  # fmt: skip
    context = {
        "titre": f"Transmissions — {jeune.prenom} {jeune.nom}",
        "organisme": Organisme.objects.get(pk=access.organisme_id),
        "dispositif": dossier.dispositif,
        "jeune": jeune,
        "dossier": dossier,
        "debut": debut,
        "fin": fin,
        "transmissions": transmissions,
        "tronque": len(transmissions) >= RAPPORT_MAX,
        "nb_addenda": sum(len(t.addenda.all()) for t in transmissions),
        "confidentiel": confidentiel,
        "edite_par": access.user,
        "edite_le": timezone.localtime(),
    }
    pdf = render_pdf("transmissions/pdf/rapport.html", context)
    audit_record(
        actor=access.user,
        action=AuditAction.EXPORT,
        record_type="transmissions.transmission",
        record_id=jeune.pk,
        record_label=f"Rapport des transmissions de {jeune.prenom} {jeune.nom}"[:300],
        organisme_id=access.organisme_id,
        request=request,
        details={
            "jeune": jeune.pk,
            "debut": debut.isoformat(),
            "fin": fin.isoformat(),
            "transmissions": [t.pk for t in transmissions][:500],
            "nombre": len(transmissions),
        },
    )
    return pdf


# --- History in bulk (demo data, reprise of a paper or legacy logbook) ------------------------------------------


def _search_sql_parts(categorie: str, cible: str, donnees: str, actions: str, resultats: str, texte: str):
    """The folded head and body of ``transmissions.services.search_document``, for a set-based UPDATE."""
    head = fold(f"{categorie} {cible}")
    body = fold(" ".join(part for part in (donnees, actions, resultats, texte) if part))
    return head, body


# An addendum keeps its original's youths, catégorie, dispositif, site and visibility.
ADDENDUM_INHERITS = ("jeune_ids", "categorie_id", "visibilite", "dispositif_id", "site_id")
ADDENDUM_DEFAULTS = {
    "cible": "", "donnees": "", "actions": "", "resultats": "", "importance": "normale", "lecteurs": (),
}  # fmt: skip


@transaction.atomic
def transmissions_reprise(*, organisme_id: int, items: list[dict], actor=None, request=None) -> list[int]:
    """Write validated transmissions of the past in bulk (the demo's year of logbook, the reprise of a legacy
    logbook): a constant number of queries per batch instead of a dozen per transmission.

    Each item: ``auteur_id``, ``dispositif_id``, ``categorie_id``, ``survenue_le`` and the content (``cible``,
    ``donnees``, ``actions``, ``resultats``, ``texte``), optionally ``site_id``, ``visibilite``, ``importance``,
    ``jeune_ids``, ``validee_le``, ``lecteurs`` (``[(user_id, lu_le)]``) and ``addendum_de`` (the index of an
    earlier item: an addendum keeps its original's youths, catégorie and visibility). The same rules as the
    one-by-one services are checked once for the batch (author writing in the dispositif, youths with a dossier
    there, active catégorie of the organisme, content, no future date); one audit row (import) for the batch.
    Returns the ids, in the order of ``items``."""
    from core.models import User
    from transmissions.models import Lecture, TransmissionJeune

    if not items:
        return []
    now = timezone.now()
    categories = {c.pk: c for c in Categorie.objects.filter(organisme_id=organisme_id)}
    authors = {u.pk: u for u in User.objects.filter(pk__in={i["auteur_id"] for i in items})}
    accesses = {pk: Access.for_user(user) for pk, user in authors.items()}
    dossiers = set(
        Dossier.objects.filter(
            organisme_id=organisme_id, dispositif_id__in={i["dispositif_id"] for i in items if "dispositif_id" in i}
        ).values_list("dispositif_id", "jeune_id")
    )
    rows, errors = [], []
    for index, item in enumerate(items):
        original = item.get("addendum_de")
        if original is not None:
            if not 0 <= original < index or items[original].get("addendum_de") is not None:
                errors.append(f"élément {index} : l'addendum doit suivre sa transmission d'origine.")
                continue
            base = items[original]
            inherited = {k: v for k, v in base.items() if k in ADDENDUM_INHERITS}
            item = {**ADDENDUM_DEFAULTS, **{k: v for k, v in item.items() if k not in ADDENDUM_INHERITS}, **inherited}
            if item["survenue_le"] < base["survenue_le"]:
                errors.append(f"élément {index} : un addendum ne peut pas précéder sa transmission.")
        access = accesses.get(item["auteur_id"])
        categorie = categories.get(item["categorie_id"])
        if (
            access is None
            or access.organisme_id != organisme_id
            or not perms.can_write_in(access, item["dispositif_id"])
        ):
            errors.append(f"élément {index} : l'auteur ne peut pas écrire dans ce dispositif.")
        elif categorie is None:
            errors.append(f"élément {index} : catégorie inconnue.")
        elif any((item["dispositif_id"], j) not in dossiers for j in item.get("jeune_ids", ())):
            errors.append(f"élément {index} : un des jeunes n'a pas de dossier dans ce dispositif.")
        elif not any(item.get(k, "").strip() for k in ("donnees", "actions", "resultats", "texte")):
            errors.append(f"élément {index} : la transmission est vide.")
        elif item["survenue_le"] > now:
            errors.append(f"élément {index} : la date est dans le futur.")
        rows.append((item, original))
    if errors:
        raise ValidationError(errors[:20])

    def build(item, original_id=None):
        t = Transmission(
            organisme_id=organisme_id, auteur_id=item["auteur_id"], dispositif_id=item["dispositif_id"],
            site_id=item.get("site_id"), survenue_le=item["survenue_le"], categorie_id=item["categorie_id"],
            cible=item.get("cible", "").strip(), donnees=item.get("donnees", "").strip(),
            actions=item.get("actions", "").strip(), resultats=item.get("resultats", "").strip(),
            texte=item.get("texte", "").strip(), visibilite=item.get("visibilite", Visibilite.EQUIPE),
            importance=item.get("importance", "normale"), statut=StatutTransmission.BROUILLON,
            addendum_de_id=original_id, created_at=item["survenue_le"], updated_at=item["survenue_le"],
        )  # fmt: skip
        t.full_clean(exclude=["auteur", "dispositif", "site", "categorie", "addendum_de", "evenement_indesirable",
                              "organisme"], validate_unique=False, validate_constraints=False)  # fmt: skip
        return t

    # Drafts first (the youth links may only be inserted while the parent is a draft), then one UPDATE validates
    # the batch and writes the search vectors.
    ids: list[int | None] = [None] * len(rows)
    for pass_addenda in (False, True):
        batch = [
            (i, item, original) for i, (item, original) in enumerate(rows) if (original is not None) == pass_addenda
        ]
        created = Transmission.objects.bulk_create(
            [build(item, ids[original] if original is not None else None) for _, item, original in batch],
            batch_size=1000,
        )
        for (i, _, _), t in zip(batch, created, strict=True):
            ids[i] = t.pk
        TransmissionJeune.objects.bulk_create(
            [
                TransmissionJeune(organisme_id=organisme_id, transmission_id=ids[i], jeune_id=jeune_id)
                for i, item, _ in batch
                for jeune_id in sorted(set(item.get("jeune_ids", ())))
            ],
            batch_size=2000,
        )
    heads, bodies, validees = [], [], []
    for item, _ in rows:
        head, body = _search_sql_parts(
            categories[item["categorie_id"]].libelle, item.get("cible", ""), item.get("donnees", ""),
            item.get("actions", ""), item.get("resultats", ""), item.get("texte", ""),
        )  # fmt: skip
        heads.append(head)
        bodies.append(body)
        validees.append(item.get("validee_le") or item["survenue_le"])
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE transmissions_transmission t SET statut = 'validee', validee_le = v.validee_le,"
            " updated_at = v.validee_le,"
            " recherche = setweight(to_tsvector('french'::regconfig, v.head), 'A')"
            " || setweight(to_tsvector('french'::regconfig, v.body), 'B')"
            " FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::timestamptz[]) AS v(id, head, body, validee_le)"
            " WHERE t.id = v.id AND t.statut = 'brouillon'",
            [ids, heads, bodies, validees],
        )
    Lecture.objects.bulk_create(
        [
            Lecture(organisme_id=organisme_id, transmission_id=ids[i], user_id=user_id, lu_le=lu_le)
            for i, (item, _) in enumerate(rows)
            for user_id, lu_le in item.get("lecteurs", ())
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    audit_record(actor=actor, action=AuditAction.IMPORT, record_type="transmissions.transmission",
                 record_label="Reprise de transmissions", organisme_id=organisme_id, request=request,
                 details={"nombre": len(ids)})  # fmt: skip
    return ids
