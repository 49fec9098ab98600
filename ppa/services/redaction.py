"""Drafting a PPA and getting it agreed (DOMAIN §7): versions, content, objectives, actions, agreements,
validation, start, closure, avenants.

Rules:
- A PPA is opened (``ppa_version_create``: the ``Ppa`` and its version 1) only for a dossier currently
  ``accompagne`` (admitted) or ``ponctuel`` (short accompaniment without admission): before admission there is no
  plan to agree, after the exit (``suivi_post_sortie``) no new plan is written. An archived dossier is read-only.
- Only a version ``en_elaboration`` (the draft) is changed; a validated version is frozen: every service changing
  content refuses it ("créez un avenant"). There is at most one draft per PPA.
- Agreements (``accord_enregistrer``) are recorded on the draft: the youth, and each of the youth's proches who is
  représentant légal. Recording again for the same signatory replaces the previous record (the family changed its
  mind after a second meeting); both are kept in the audit journal.
- Validation (``version_valider``) needs at least one objective and an agreement or refusal of the youth and of
  every représentant légal. It freezes the version as ``valide`` (valide_le = today), closes the version in force
  (``clos``, clos_le = today), re-links the agenda series of the objectives kept by ``cle`` (PPA-B's
  ``liens_reporter``) and recomputes the deadline (PPA-B's ``echeance_mettre_a_jour``).
- State rule: validation gives ``valide``; the team starts the implementation explicitly (``version_demarrer``:
  ``en_cours``, date_debut = today when it was empty; refused while date_debut is in the future). ``version_clore``
  closes a version in force (end of the accompaniment) without a successor.
- Avenant (``avenant_create``): from the version in force, a new draft copying its content, objectives (same
  ``cle``) and actions — not the agreements nor the reviews; the motif is required.

Every service checks the actor may write the dossier's PPA (``PermissionDenied`` otherwise), validates with French
``ValidationError``s before writing anything (``transaction.atomic``), and writes the audit journal.
"""

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.enums import AccountKind, AuditAction
from core.models import SerafinCode, User
from core.services.audit import audit_record
from core.tenancy import Access
from dossiers.enums import StatutParcours, TypeDocument
from dossiers.models import Dossier, Proche
from ppa.enums import ModeAccordPpa, Signataire, StatutPpa, TypeVersion
from ppa.models import SERAFIN_VERSION, Accord, Action, Objectif, Ppa, PpaVersion
from ppa.perms import can_write_ppa

STATUTS_DOSSIER_PPA = (StatutParcours.ACCOMPAGNE, StatutParcours.PONCTUEL)
EN_VIGUEUR = (StatutPpa.VALIDE, StatutPpa.EN_COURS)

VERSION_FIELDS = (
    "attentes_jeune",
    "attentes_famille",
    "besoins",
    "synthese",
    "date_debut",
    "date_fin",
    "date_revision",
    "motif",
)
OBJECTIF_FIELDS = (
    "titre",
    "description",
    "besoin_code",
    "prestations",
    "referent",
    "date_debut",
    "date_fin",
    "resultat_attendu",
    "avis_jeune",
    "phrase_falc",
)
ACTION_FIELDS = ("libelle", "moyens", "responsable", "frequence")

FAMILLE_BESOIN = "besoin"
FAMILLE_PRESTATION = "prestation_directe"

# Drawn signatures: path data in a fixed box, only absolute moveto/lineto with bounded decimal numbers.
SIGNATURE_LARGEUR = 600
SIGNATURE_HAUTEUR = 200
SIGNATURE_MAX_CHARS = 60_000
SIGNATURE_MIN_POINTS = 5
_NUM = r"\d{1,4}(?:\.\d{1,2})?"
_CMD = re.compile(rf"([ML])\s*({_NUM})[\s,]+({_NUM})\s*")


# --- Checks ------------------------------------------------------------------------------------------------------


def _access(actor, request) -> Access:
    access = getattr(request, "access", None) if request is not None else None
    return access if access is not None and access.user == actor else Access.for_user(actor)


def _check_writer(actor, request, obj) -> None:
    if not can_write_ppa(_access(actor, request), obj):
        raise PermissionDenied("Vous ne pouvez pas modifier le PPA de ce dossier.")


def _check_draft(version: PpaVersion) -> None:
    if version.statut != StatutPpa.EN_ELABORATION:
        raise ValidationError(
            f"La version {version.numero} du PPA est {version.get_statut_display().lower()} : elle ne peut plus être "
            "modifiée. Pour changer le PPA, créez un avenant."
        )


def _lock_version(version: PpaVersion) -> PpaVersion:
    """Re-read the version under a row lock (two tabs validating at once, a change racing a validation)."""
    return PpaVersion.objects.select_for_update().select_related("ppa__dossier__jeune").get(pk=version.pk)


def _today() -> datetime.date:
    return timezone.localdate()


def serafin_codes(famille: str) -> dict[str, SerafinCode]:
    """The selectable codes of one famille (every level below the root), by code."""
    return {
        c.code: c for c in SerafinCode.objects.filter(version=SERAFIN_VERSION, famille=famille, niveau__gt=1)
    }  # fmt: skip


def _check_codes(codes, famille: str, field: str, label: str) -> list[str]:
    codes = [str(c).strip() for c in (codes or []) if str(c).strip()]
    known = serafin_codes(famille)
    unknown = [c for c in codes if c not in known]
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        raise ValidationError(
            {field: f"Code{plural} SERAFIN-PH inconnu{plural} ou hors des {label} : {', '.join(unknown)}."}
        )
    return list(dict.fromkeys(codes))  # no duplicates, order kept


def _check_dates(debut, fin, *, field_fin="date_fin", label="La date de fin"):
    if debut and fin and fin < debut:
        raise ValidationError({field_fin: f"{label} ne peut pas précéder la date de début."})


def _check_professionnel(user, organisme_id: int, field: str):
    if user is None:
        return None
    if not isinstance(user, User):
        user = User.objects.filter(pk=user).first()
    if (
        user is None
        or user.organisme_id != organisme_id
        or user.kind != AccountKind.PROFESSIONNEL
        or not user.is_active
    ):
        raise ValidationError({field: "Choisissez un professionnel actif de l'organisme."})
    return user


def _audit(actor, action, record, request, **details):
    audit_record(actor=actor, action=action, record=record, request=request, details=details or None)


def _after_deadline_change(ppa: Ppa) -> None:
    """Recompute the PPA's deadline with PPA-B's rule (one place: ``ppa.services.echeances``)."""
    try:
        from ppa.services import echeances
    except ImportError:  # pragma: no cover - the suivi area lands in the same release
        return
    update = getattr(echeances, "echeance_mettre_a_jour", None)
    if update is not None:
        update(ppa)


def _reporter_liens(ancienne: PpaVersion, nouvelle: PpaVersion, actor, request) -> None:
    """Agenda series linked to the objectives of the closed version follow the objectives kept (same ``cle``)."""
    try:
        from ppa.services import suivi
    except ImportError:  # pragma: no cover
        return
    reporter = getattr(suivi, "liens_reporter", None)
    if reporter is not None:
        reporter(ancienne, nouvelle, actor=actor, request=request)


# --- Versions ----------------------------------------------------------------------------------------------------


@transaction.atomic
def ppa_version_create(*, dossier: Dossier, actor, request=None) -> PpaVersion:
    """Open the PPA of ``dossier`` with its version 1 (``en_elaboration``). Refused when the dossier already has
    a PPA with versions (then: edit the draft, or create an avenant), is not ``accompagne``/``ponctuel``, or is
    archived."""
    _check_writer(actor, request, dossier)
    if dossier.is_archived:
        raise ValidationError("Ce dossier est archivé : il est en lecture seule.")
    if dossier.statut not in STATUTS_DOSSIER_PPA:
        raise ValidationError(
            "Un PPA s'élabore pour un jeune accompagné (admis) ou en accompagnement ponctuel ; "
            f"ce dossier est « {dossier.get_statut_display() or 'sans période'} »."
        )
    ppa, created = Ppa.objects.get_or_create(dossier=dossier, defaults={"organisme_id": dossier.organisme_id})
    if not created and ppa.versions.exists():
        raise ValidationError(
            "Ce dossier a déjà un PPA : modifiez la version en cours d'élaboration ou créez un avenant."
        )
    version = PpaVersion.objects.create(
        organisme_id=dossier.organisme_id,
        ppa=ppa,
        numero=1,
        type=TypeVersion.INITIAL,
        statut=StatutPpa.EN_ELABORATION,
        created_by=actor,
    )
    if created:
        _audit(actor, AuditAction.CREATE, ppa, request)
    _audit(actor, AuditAction.CREATE, version, request, numero=1, type=TypeVersion.INITIAL)
    _after_deadline_change(ppa)
    return version


@transaction.atomic
def version_update(*, version: PpaVersion, actor, request=None, **fields) -> PpaVersion:
    """Change the content of the draft: attentes of the youth and of the family (separately, in their words),
    besoins (SERAFIN-PH 1.x codes), synthèse, dates (fin and révision not before début), motif."""
    version = _lock_version(version)
    _check_writer(actor, request, version)
    _check_draft(version)
    unknown = set(fields) - set(VERSION_FIELDS)
    if unknown:
        raise ValueError(f"Champs non modifiables : {sorted(unknown)}")
    if "besoins" in fields:
        fields["besoins"] = _check_codes(fields["besoins"], FAMILLE_BESOIN, "besoins", "besoins (1.x)")
    for name in ("attentes_jeune", "attentes_famille", "synthese", "motif"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    debut = fields.get("date_debut", version.date_debut)
    _check_dates(debut, fields.get("date_fin", version.date_fin))
    _check_dates(debut, fields.get("date_revision", version.date_revision), field_fin="date_revision",
                 label="La date de révision")  # fmt: skip
    if version.type != TypeVersion.INITIAL and "motif" in fields and not fields["motif"]:
        raise ValidationError({"motif": "Indiquez le motif de l'avenant."})
    changed = [name for name, value in fields.items() if getattr(version, name) != value]
    for name, value in fields.items():
        setattr(version, name, value)
    if changed:
        version.updated_at = timezone.now()
        version.full_clean()
        version.save()
        _audit(actor, AuditAction.UPDATE, version, request, champs=sorted(changed))
    return version


@transaction.atomic
def version_brouillon_supprimer(*, version: PpaVersion, actor, request=None) -> None:
    """Discard a draft (an avenant given up, an initial PPA opened by mistake). Its agreements' scanned documents
    stay in the dossier's documents."""
    version = _lock_version(version)
    _check_writer(actor, request, version)
    _check_draft(version)
    ppa = version.ppa
    _audit(actor, AuditAction.DELETE, version, request, numero=version.numero)
    version.delete()
    _after_deadline_change(ppa)


# --- Objectives and actions --------------------------------------------------------------------------------------


def _clean_objectif(version: PpaVersion, fields: dict, current: Objectif | None = None) -> dict:
    unknown = set(fields) - set(OBJECTIF_FIELDS)
    if unknown:
        raise ValueError(f"Champs non modifiables : {sorted(unknown)}")
    for name in ("titre", "description", "resultat_attendu", "avis_jeune", "phrase_falc"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    titre = fields.get("titre", current.titre if current else "")
    if not titre:
        raise ValidationError({"titre": "Donnez un titre à l'objectif."})
    if "besoin_code" in fields or current is None:
        code = (fields.get("besoin_code") or "").strip()
        if not code:
            raise ValidationError({"besoin_code": "Choisissez le besoin SERAFIN-PH (1.x) auquel répond l'objectif."})
        fields["besoin_code"] = _check_codes([code], FAMILLE_BESOIN, "besoin_code", "besoins (1.x)")[0]
    if "prestations" in fields:
        fields["prestations"] = _check_codes(
            fields["prestations"], FAMILLE_PRESTATION, "prestations", "prestations directes (2.x)"
        )
    if "referent" in fields:
        fields["referent"] = _check_professionnel(fields["referent"], version.organisme_id, "referent")
    debut = fields.get("date_debut", current.date_debut if current else None)
    fin = fields.get("date_fin", current.date_fin if current else None)
    _check_dates(debut, fin, label="L'échéance de l'objectif")
    if version.date_fin and fin and fin > version.date_fin:
        raise ValidationError(
            {"date_fin": f"L'échéance de l'objectif dépasse la fin prévue du PPA ({version.date_fin:%d/%m/%Y})."}
        )
    return fields


@transaction.atomic
def objectif_create(*, version: PpaVersion, actor, request=None, **fields) -> Objectif:
    """Add an objective to the draft (at the end). ``besoin_code``: a SERAFIN-PH besoin (1.x, required);
    ``prestations``: prestations directes (2.x); ``referent``: an active professional of the organisme; dates in
    order and within the PPA's planned end."""
    version = _lock_version(version)
    _check_writer(actor, request, version)
    _check_draft(version)
    fields = _clean_objectif(version, dict(fields))
    ordre = (version.objectifs.aggregate(m=Max("ordre"))["m"] or 0) + 1
    objectif = Objectif(
        organisme_id=version.organisme_id, version=version, ordre=ordre, serafin_version=SERAFIN_VERSION, **fields
    )
    objectif.full_clean()
    objectif.save()
    _audit(actor, AuditAction.CREATE, objectif, request, version=version.numero, besoin=objectif.besoin_code)
    return objectif


def _lock_objectif(objectif: Objectif) -> Objectif:
    objectif = Objectif.objects.select_related("version__ppa__dossier").get(pk=objectif.pk)
    objectif.version = _lock_version(objectif.version)
    return objectif


@transaction.atomic
def objectif_update(*, objectif: Objectif, actor, request=None, **fields) -> Objectif:
    objectif = _lock_objectif(objectif)
    version = objectif.version
    _check_writer(actor, request, version)
    _check_draft(version)
    fields = _clean_objectif(version, dict(fields), current=objectif)
    changed = [name for name, value in fields.items() if getattr(objectif, name) != value]
    for name, value in fields.items():
        setattr(objectif, name, value)
    if changed:
        objectif.full_clean()
        objectif.save()
        _audit(actor, AuditAction.UPDATE, objectif, request, champs=sorted(changed))
    return objectif


@transaction.atomic
def objectif_delete(*, objectif: Objectif, actor, request=None) -> None:
    """Remove an objective (and its actions) from the draft."""
    objectif = _lock_objectif(objectif)
    _check_writer(actor, request, objectif.version)
    _check_draft(objectif.version)
    _audit(actor, AuditAction.DELETE, objectif, request, titre=objectif.titre)
    version = objectif.version
    objectif.delete()
    _renumber(list(version.objectifs.order_by("ordre", "pk")))


def _renumber(rows) -> None:
    changed = []
    for index, row in enumerate(rows, start=1):
        if row.ordre != index:
            row.ordre = index
            changed.append(row)
    if changed:
        type(changed[0]).objects.bulk_update(changed, ["ordre"])


def _move(rows: list, target, sens: str) -> bool:
    index = next(i for i, row in enumerate(rows) if row.pk == target.pk)
    other = index - 1 if sens == "haut" else index + 1
    if sens not in ("haut", "bas"):
        raise ValidationError("Sens de déplacement inconnu.")
    if other < 0 or other >= len(rows):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    _renumber(rows)
    return True


@transaction.atomic
def objectifs_reordonner(*, version: PpaVersion, actor, ordre: list[int], request=None) -> None:
    """Put the draft's objectives in the order of ``ordre`` (their pks, all of them, once each)."""
    version = _lock_version(version)
    _check_writer(actor, request, version)
    _check_draft(version)
    rows = {o.pk: o for o in version.objectifs.all()}
    ordre = [int(pk) for pk in ordre]
    if sorted(ordre) != sorted(rows):
        raise ValidationError("L'ordre donné ne correspond pas aux objectifs de cette version.")
    _renumber([rows[pk] for pk in ordre])
    _audit(actor, AuditAction.UPDATE, version, request, champs=["ordre des objectifs"])


@transaction.atomic
def objectif_deplacer(*, objectif: Objectif, actor, sens: str, request=None) -> bool:
    """Move an objective one place up (``haut``) or down (``bas``); False when it is already at that end."""
    objectif = _lock_objectif(objectif)
    _check_writer(actor, request, objectif.version)
    _check_draft(objectif.version)
    moved = _move(list(objectif.version.objectifs.order_by("ordre", "pk")), objectif, sens)
    if moved:
        _audit(actor, AuditAction.UPDATE, objectif.version, request, champs=["ordre des objectifs"])
    return moved


def _clean_action(objectif: Objectif, fields: dict, current: Action | None = None) -> dict:
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise ValueError(f"Champs non modifiables : {sorted(unknown)}")
    for name in ("libelle", "moyens", "frequence"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    if not fields.get("libelle", current.libelle if current else ""):
        raise ValidationError({"libelle": "Décrivez l'action."})
    if "responsable" in fields:
        fields["responsable"] = _check_professionnel(fields["responsable"], objectif.organisme_id, "responsable")
    return fields


def _lock_action(action: Action) -> Action:
    action = Action.objects.select_related("objectif__version__ppa__dossier").get(pk=action.pk)
    action.objectif.version = _lock_version(action.objectif.version)
    return action


@transaction.atomic
def action_create(*, objectif: Objectif, actor, request=None, **fields) -> Action:
    """Add an action (and its means, responsible, frequency) to an objective of the draft."""
    objectif = _lock_objectif(objectif)
    _check_writer(actor, request, objectif.version)
    _check_draft(objectif.version)
    fields = _clean_action(objectif, dict(fields))
    ordre = (objectif.actions.aggregate(m=Max("ordre"))["m"] or 0) + 1
    action = Action(organisme_id=objectif.organisme_id, objectif=objectif, ordre=ordre, **fields)
    action.full_clean()
    action.save()
    _audit(actor, AuditAction.CREATE, action, request, objectif=objectif.pk)
    return action


@transaction.atomic
def action_update(*, action: Action, actor, request=None, **fields) -> Action:
    action = _lock_action(action)
    _check_writer(actor, request, action.objectif.version)
    _check_draft(action.objectif.version)
    fields = _clean_action(action.objectif, dict(fields), current=action)
    changed = [name for name, value in fields.items() if getattr(action, name) != value]
    for name, value in fields.items():
        setattr(action, name, value)
    if changed:
        action.full_clean()
        action.save()
        _audit(actor, AuditAction.UPDATE, action, request, champs=sorted(changed))
    return action


@transaction.atomic
def action_delete(*, action: Action, actor, request=None) -> None:
    action = _lock_action(action)
    _check_writer(actor, request, action.objectif.version)
    _check_draft(action.objectif.version)
    objectif = action.objectif
    _audit(actor, AuditAction.DELETE, action, request, libelle=action.libelle)
    action.delete()
    _renumber(list(objectif.actions.order_by("ordre", "pk")))


@transaction.atomic
def action_deplacer(*, action: Action, actor, sens: str, request=None) -> bool:
    action = _lock_action(action)
    _check_writer(actor, request, action.objectif.version)
    _check_draft(action.objectif.version)
    moved = _move(list(action.objectif.actions.order_by("ordre", "pk")), action, sens)
    if moved:
        _audit(actor, AuditAction.UPDATE, action.objectif, request, champs=["ordre des actions"])
    return moved


# --- Agreements --------------------------------------------------------------------------------------------------


def signature_nettoyer(data: str) -> str:
    """Validate drawn-signature path data and return it normalised (``M x y L x y ...``).

    Only absolute ``M``/``L`` commands with non-negative decimal coordinates inside the
    ``SIGNATURE_LARGEUR`` × ``SIGNATURE_HAUTEUR`` box are accepted: anything else (letters, tags, quotes,
    ``javascript:``...) is refused whole, never filtered — nothing the browser sent is stored as is."""
    data = (data or "").strip()
    if not data:
        raise ValidationError({"signature": "Faites signer la personne dans le cadre avant d'enregistrer."})
    if len(data) > SIGNATURE_MAX_CHARS:
        raise ValidationError({"signature": "La signature est trop longue : effacez-la et signez à nouveau."})
    parts, position = [], 0
    for match in _CMD.finditer(data):
        if match.start() != position:
            break
        position = match.end()
        command, x, y = match.group(1), float(match.group(2)), float(match.group(3))
        if x > SIGNATURE_LARGEUR or y > SIGNATURE_HAUTEUR:
            raise ValidationError({"signature": "La signature sort du cadre : effacez-la et signez à nouveau."})
        parts.append(f"{command}{x:g} {y:g}")
    if position != len(data) or not parts or not parts[0].startswith("M"):
        raise ValidationError({"signature": "La signature reçue n'est pas valide : effacez-la et signez à nouveau."})
    if sum(1 for p in parts if p.startswith("L")) < SIGNATURE_MIN_POINTS:
        raise ValidationError({"signature": "La signature est trop courte : faites signer la personne dans le cadre."})
    return " ".join(parts)


def signature_svg(path_data: str) -> str:
    """The stored SVG of a drawn signature, built here from validated path data only."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIGNATURE_LARGEUR} {SIGNATURE_HAUTEUR}" '
        f'width="{SIGNATURE_LARGEUR}" height="{SIGNATURE_HAUTEUR}" role="img" aria-label="Signature">'
        f'<path d="{path_data}" fill="none" stroke="#000" stroke-width="2.5" stroke-linecap="round" '
        'stroke-linejoin="round"/></svg>'
    )


_SVG_PATH = re.compile(r'<path d="([ML0-9. ]*)"')


def signature_path(svg: str) -> str:
    """The path data of a stored signature, re-validated (for templates and PDFs: ``<path d="...">``); empty
    when the stored value is not one this module wrote."""
    match = _SVG_PATH.search(svg or "")
    if not match:
        return ""
    try:
        return signature_nettoyer(match.group(1))
    except ValidationError:
        return ""


def _nom_proche(proche: Proche) -> str:
    return f"{proche.prenom} {proche.nom}".strip()


@transaction.atomic
def accord_enregistrer(
    *,
    version: PpaVersion,
    actor,
    signataire: str,
    mode: str,
    proche: Proche | None = None,
    date: datetime.date | None = None,
    signature: str = "",
    fichier: bytes | None = None,
    nom_fichier: str = "",
    commentaire: str = "",
    request=None,
) -> Accord:
    """Record the agreement (or refusal) of the youth or of one représentant légal of this youth on the draft.

    ``mode``: ``signature_tablette`` needs ``signature`` (path data drawn on the pad, see ``signature_nettoyer``);
    ``signature_scannee`` needs ``fichier`` (the scanned paper, stored as a dossier document, type checked by
    content); ``oral`` needs nothing more; ``refus`` needs a ``commentaire``. ``date``: today by default, never in
    the future. A previous record of the same signatory on this version is replaced."""
    version = _lock_version(version)
    _check_writer(actor, request, version)
    _check_draft(version)
    dossier = version.ppa.dossier
    today = _today()
    date = date or today
    commentaire = (commentaire or "").strip()
    if date > today:
        raise ValidationError({"date": "La date de l'accord ne peut pas être dans le futur."})
    if mode not in ModeAccordPpa.values:
        raise ValidationError({"mode": "Choisissez la forme de l'accord."})
    if signataire == Signataire.JEUNE:
        if proche is not None:
            raise ValidationError({"proche": "L'accord du jeune ne désigne pas de proche."})
        nom = f"{dossier.jeune.prenom} {dossier.jeune.nom}".strip()
    elif signataire == Signataire.REPRESENTANT_LEGAL:
        if proche is None:
            raise ValidationError({"proche": "Choisissez le représentant légal."})
        if not isinstance(proche, Proche):
            proche = Proche.objects.filter(pk=proche, organisme_id=version.organisme_id).first()
        if proche is None or proche.jeune_id != dossier.jeune_id or not proche.representant_legal:
            raise ValidationError({"proche": "Cette personne n'est pas représentant légal de ce jeune."})
        nom = _nom_proche(proche)
    else:
        raise ValidationError({"signataire": "Indiquez qui donne son accord : le jeune ou un représentant légal."})

    svg, document = "", None
    if mode == ModeAccordPpa.SIGNATURE_TABLETTE:
        svg = signature_svg(signature_nettoyer(signature))
    elif mode == ModeAccordPpa.SIGNATURE_SCANNEE:
        if not fichier:
            raise ValidationError({"fichier": "Joignez la signature papier numérisée (PDF ou image)."})
    elif mode == ModeAccordPpa.REFUS and not commentaire:
        raise ValidationError({"commentaire": "Indiquez le motif du refus, dans les mots de la personne si possible."})

    previous = version.accords.filter(proche=proche) if proche else version.accords.filter(signataire=Signataire.JEUNE)
    previous = previous.first()
    if mode == ModeAccordPpa.SIGNATURE_SCANNEE:
        from dossiers.services.documents import document_create

        document = document_create(
            dossier=dossier,
            content=fichier,
            nom_fichier=nom_fichier or "signature.pdf",
            type=TypeDocument.PPA,
            titre=f"PPA version {version.numero} — signature de {nom}",
            date_document=date,
            actor=actor,
            request=request,
        )
    if previous is not None:
        _audit(actor, AuditAction.DELETE, previous, request, remplace=True, mode=previous.mode)
        previous.delete()
    accord = Accord(
        organisme_id=version.organisme_id,
        version=version,
        signataire=signataire,
        proche=proche,
        nom_signataire=nom[:300],
        mode=mode,
        date=date,
        signature=svg,
        document=document,
        commentaire=commentaire,
        recueilli_par=actor,
    )
    accord.full_clean()
    accord.save()
    _audit(actor, AuditAction.CREATE, accord, request, version=version.numero, signataire=signataire, mode=mode)
    return accord


@transaction.atomic
def accord_supprimer(*, accord: Accord, actor, request=None) -> None:
    """Remove an agreement recorded by mistake on the draft (its scanned document stays in the dossier)."""
    accord = Accord.objects.select_related("version").get(pk=accord.pk)
    version = _lock_version(accord.version)
    _check_writer(actor, request, version)
    _check_draft(version)
    _audit(actor, AuditAction.DELETE, accord, request, mode=accord.mode)
    accord.delete()


def signataires_attendus(version: PpaVersion) -> list[tuple[str, Proche | None, str]]:
    """Who must agree (or refuse) before validation: the youth, then each représentant légal of the youth, as
    (signataire, proche, name)."""
    jeune = version.ppa.dossier.jeune
    expected = [(Signataire.JEUNE, None, f"{jeune.prenom} {jeune.nom}".strip())]
    for proche in Proche.objects.filter(jeune_id=jeune.pk, representant_legal=True).order_by("ordre_appel", "nom"):
        expected.append((Signataire.REPRESENTANT_LEGAL, proche, str(proche)))
    return expected


def signataires_manquants(version: PpaVersion, accords=None) -> list[str]:
    """The names of the expected signatories without a recorded agreement or refusal."""
    accords = list(version.accords.all()) if accords is None else accords
    has_jeune = any(a.signataire == Signataire.JEUNE for a in accords)
    proche_ids = {a.proche_id for a in accords if a.proche_id}
    missing = []
    for signataire, proche, nom in signataires_attendus(version):
        if signataire == Signataire.JEUNE and not has_jeune:
            missing.append(f"le jeune ({nom})")
        elif proche is not None and proche.pk not in proche_ids:
            missing.append(nom)
    return missing


# --- Validation, start, closure, avenant --------------------------------------------------------------------------


@transaction.atomic
def version_valider(*, version: PpaVersion, actor, request=None) -> PpaVersion:
    """Validate the draft: at least one objective; the agreement or refusal of the youth and of each
    représentant légal recorded. The version becomes ``valide`` (frozen, valide_le = today); the version in force
    is closed; agenda series links follow the objectives kept (``liens_reporter``); the deadline is recomputed."""
    version = _lock_version(version)
    _check_writer(actor, request, version)
    _check_draft(version)
    errors = []
    if not version.objectifs.exists():
        errors.append("Ajoutez au moins un objectif avant de valider le PPA.")
    missing = signataires_manquants(version)
    if missing:
        errors.append("Il manque l'accord ou le refus de : " + ", ".join(missing) + ".")
    if errors:
        raise ValidationError(errors)
    today = _today()
    ppa = version.ppa
    ancienne = (
        PpaVersion.objects.select_for_update().filter(ppa=ppa, statut__in=EN_VIGUEUR).exclude(pk=version.pk).first()
    )
    if ancienne is not None:
        ancienne.statut = StatutPpa.CLOS
        ancienne.clos_le = today
        ancienne.updated_at = timezone.now()
        ancienne.save(update_fields=["statut", "clos_le", "updated_at"])
        _audit(actor, AuditAction.UPDATE, ancienne, request, champs=["statut"], statut=StatutPpa.CLOS,
               remplacee_par=version.numero)  # fmt: skip
    version.statut = StatutPpa.VALIDE
    version.valide_le = today
    version.valide_par = actor
    version.updated_at = timezone.now()
    version.save(update_fields=["statut", "valide_le", "valide_par", "updated_at"])
    _audit(actor, AuditAction.UPDATE, version, request, champs=["statut"], statut=StatutPpa.VALIDE)
    if ancienne is not None:
        _reporter_liens(ancienne, version, actor, request)
    _after_deadline_change(ppa)
    return version


@transaction.atomic
def version_demarrer(*, version: PpaVersion, actor, request=None) -> PpaVersion:
    """Start carrying out a validated version (``en_cours``). Its start date becomes today when empty; a start date
    in the future is refused until that day."""
    version = _lock_version(version)
    _check_writer(actor, request, version)
    if version.statut != StatutPpa.VALIDE:
        raise ValidationError("Seule une version validée peut être mise en œuvre.")
    today = _today()
    if version.date_debut and version.date_debut > today:
        raise ValidationError(f"La mise en œuvre est prévue à partir du {version.date_debut:%d/%m/%Y}.")
    version.statut = StatutPpa.EN_COURS
    version.date_debut = version.date_debut or today
    version.updated_at = timezone.now()
    version.save(update_fields=["statut", "date_debut", "updated_at"])
    _audit(actor, AuditAction.UPDATE, version, request, champs=["statut"], statut=StatutPpa.EN_COURS)
    return version


@transaction.atomic
def version_clore(*, version: PpaVersion, actor, request=None, date: datetime.date | None = None) -> PpaVersion:
    """Close a version in force without a successor (end of the accompaniment). ``date``: today by default, not in
    the future nor before the validation."""
    version = _lock_version(version)
    _check_writer(actor, request, version)
    if version.statut not in EN_VIGUEUR:
        raise ValidationError("Seule une version validée ou en cours peut être close.")
    today = _today()
    date = date or today
    if date > today:
        raise ValidationError({"date": "La date de clôture ne peut pas être dans le futur."})
    if version.valide_le and date < version.valide_le:
        raise ValidationError({"date": "La date de clôture ne peut pas précéder la validation."})
    version.statut = StatutPpa.CLOS
    version.clos_le = date
    version.updated_at = timezone.now()
    version.save(update_fields=["statut", "clos_le", "updated_at"])
    _audit(actor, AuditAction.UPDATE, version, request, champs=["statut"], statut=StatutPpa.CLOS)
    _after_deadline_change(version.ppa)
    return version


@transaction.atomic
def avenant_create(
    *, version: PpaVersion, actor, motif: str, request=None, type: str = TypeVersion.AVENANT
) -> PpaVersion:
    """A new draft copied from ``version`` (the version in force): content, objectives with the same ``cle`` and
    their actions; not the agreements, reviews nor validation. ``motif`` is required; ``type`` is ``avenant`` or
    ``renouvellement`` (after a review)."""
    version = _lock_version(version)
    _check_writer(actor, request, version)
    motif = (motif or "").strip()
    if type not in (TypeVersion.AVENANT, TypeVersion.RENOUVELLEMENT):
        raise ValidationError({"type": "Type de version inconnu."})
    if not motif:
        raise ValidationError({"motif": "Indiquez le motif de l'avenant."})
    if version.statut not in EN_VIGUEUR:
        raise ValidationError("Un avenant part de la version validée ou en cours du PPA.")
    ppa = version.ppa
    if ppa.versions.filter(statut=StatutPpa.EN_ELABORATION).exists():
        raise ValidationError("Une version est déjà en cours d'élaboration : modifiez-la ou supprimez-la d'abord.")
    if ppa.dossier.is_archived:
        raise ValidationError("Ce dossier est archivé : il est en lecture seule.")
    numero = (ppa.versions.aggregate(m=Max("numero"))["m"] or 0) + 1
    nouvelle = PpaVersion.objects.create(
        organisme_id=version.organisme_id,
        ppa=ppa,
        numero=numero,
        type=type,
        precedente=version,
        statut=StatutPpa.EN_ELABORATION,
        motif=motif,
        attentes_jeune=version.attentes_jeune,
        attentes_famille=version.attentes_famille,
        besoins=list(version.besoins),
        serafin_version=version.serafin_version,
        synthese=version.synthese,
        date_debut=None,
        date_fin=version.date_fin,
        date_revision=version.date_revision,
        created_by=actor,
    )
    objectifs = list(version.objectifs.prefetch_related("actions").order_by("ordre", "pk"))
    copies = Objectif.objects.bulk_create(
        [
            Objectif(
                organisme_id=o.organisme_id,
                version=nouvelle,
                cle=o.cle,
                ordre=o.ordre,
                titre=o.titre,
                description=o.description,
                besoin_code=o.besoin_code,
                prestations=list(o.prestations),
                serafin_version=o.serafin_version,
                referent_id=o.referent_id,
                date_debut=o.date_debut,
                date_fin=o.date_fin,
                resultat_attendu=o.resultat_attendu,
                avis_jeune=o.avis_jeune,
                phrase_falc=o.phrase_falc,
            )  # fmt: skip
            for o in objectifs
        ]
    )
    Action.objects.bulk_create(
        [
            Action(
                organisme_id=a.organisme_id,
                objectif=copie,
                ordre=a.ordre,
                libelle=a.libelle,
                moyens=a.moyens,
                responsable_id=a.responsable_id,
                frequence=a.frequence,
            )  # fmt: skip
            for source, copie in zip(objectifs, copies, strict=True)
            for a in source.actions.all()
        ]
    )
    _audit(actor, AuditAction.CREATE, nouvelle, request, numero=numero, type=type, precedente=version.numero)
    return nouvelle
