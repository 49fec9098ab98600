"""RGPD: the right of access to a youth's dossier (export) and the retention of archived dossiers (purge).

Right of access (RGPD art. 15; CASF art. L311-3 5°): the direction exports a youth's complete dossier — identity,
parcours, proches, schooling, MDPH decisions, changes of modalité, situations complexes, adverse events, the list of
documents (metadata) and the dossier's access log — as a PDF for people and as JSON for machines. Items that may
concern third parties or come from the justice (documents flagged ``donnees_tiers`` / ``judiciaire``, judicial
decisions, proches under a judicial measure, adverse events naming other people) are listed for review first;
the items the direction excludes are left out, and the export says how many were withheld. Built in memory (no
streaming: RLS sees no tenant after the request transaction).

Retention (DOMAIN §4): an archived dossier is kept ``Organisme.duree_conservation_annees`` after its last contact
(the end of its last parcours period) and at least until the youth's 28th birthday; then a monthly beat notifies
the direction, who purges it after typing a confirmation. The purge deletes the dossier, its dependent rows and
its files (and the youth when no other dossier remains); only an audit row with the youth's ``num`` stays.
"""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Max
from django.db.models.deletion import ProtectedError, RestrictedError
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone

from core.enums import AuditAction
from core.models import Organisme
from core.services.audit import audit_record
from core.services.notifications import notify
from dossiers.enums import TypeDocument
from dossiers.models import Document, Dossier, EvenementIndesirable, Jeune
from dossiers.services.acces import access_log, direction_users

EXPORT_FORMAT = "ditep-droit-acces-v1"
AGE_MINIMUM_PURGE = 28  # health-record analogy: kept at least until the 28th birthday

# --- Export: field lists ------------------------------------------------------------------------------------------

JEUNE_FIELDS = (
    "num", "nom_naissance", "nom_usage", "prenom", "prenoms_etat_civil", "date_naissance", "sexe",
    "lieu_naissance_insee", "ins_matricule", "statut_identite", "adresse", "code_postal", "commune", "telephone",
    "deficience_principale", "deficiences_associees", "mesure_ase", "mesure_ase_type",
)  # fmt: skip
DOSSIER_FIELDS = (
    "dispositif", "site", "statut", "modalites", "referent", "coordinateur", "date_orientation",
    "modalites_demandees", "priorite", "prochaine_etape", "contrat_remis_le", "contrat_signe_le", "est_restreint",
    "created_at", "archived_at",
)  # fmt: skip
PARCOURS_FIELDS = ("statut", "debut", "fin", "origine", "issue", "motif_sortie", "destination", "commentaire")
PROCHE_FIELDS = (
    "prenom", "nom", "lien", "role", "representant_legal", "autorite_parentale", "mesure_protection", "telephone",
    "email", "adresse", "ordre_appel", "acces_portail", "recoit_documents", "commentaire",
)  # fmt: skip
SCOLARITE_FIELDS = (
    "debut",
    "fin",
    "etablissement",
    "niveau",
    "type_enseignement",
    "demi_journees",
    "referent_scolaire",
)
MDPH_FIELDS = (
    "numero", "date_decision", "date_debut", "date_fin", "type_droit", "modalites_entree", "temporalite", "creton",
    "commentaire",
)  # fmt: skip
CHANGEMENT_FIELDS = (
    "date", "modalites_avant", "modalites_apres", "accord_de", "accord_le", "accord_mode", "envoye_mdph_le",
    "commentaire",
)  # fmt: skip
SITUATION_FIELDS = ("debut", "fin", "motif")
PARTENAIRE_FIELDS = ("partenaire", "intervenant", "role", "debut", "fin")
CERCLE_FIELDS = ("professionnel", "role", "debut", "fin")
EI_FIELDS = (
    "survenu_le", "lieu", "faits", "personnes_impliquees", "mesures_immediates", "gravite", "information_ars",
    "signale_ars_le", "statut", "suivi", "conclusion",
)  # fmt: skip
DOCUMENT_FIELDS = (
    "titre", "type", "date_document", "visibilite", "nom_fichier", "content_type", "taille", "source", "statut",
    "donnees_tiers", "judiciaire", "created_at",
)  # fmt: skip


def _choices_label(choices, value):
    return dict(choices).get(value, value) if choices else value


def _display(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%d/%m/%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _item(obj, names) -> tuple[dict, list[tuple[str, str]]]:
    """(JSON object with codes and labels, [(French field label, displayed value)]) of ``obj``'s fields."""
    data, shown = {}, []
    for name in names:
        model_field = obj._meta.get_field(name)
        label = str(model_field.verbose_name)
        if model_field.is_relation:
            related = getattr(obj, name)
            value = str(related) if related is not None else None
            data[name] = value
            shown.append((label, _display(value)))
            continue
        value = getattr(obj, name)
        base = getattr(model_field, "base_field", None)
        choices = model_field.choices or (base.choices if base is not None else None)
        if choices:
            labels = [_choices_label(choices, v) for v in value] if isinstance(value, list) else (
                _choices_label(choices, value) if value else ""
            )  # fmt: skip
            data[name] = value
            data[f"{name}_libelle"] = labels
            shown.append((label, _display(labels)))
        else:
            if isinstance(value, datetime.datetime):
                data[name] = timezone.localtime(value).isoformat()
            elif isinstance(value, datetime.date):
                data[name] = value.isoformat()
            else:
                data[name] = value
            shown.append((label, _display(value)))
    return data, shown


# --- Export: review of third-party and judicial items -------------------------------------------------------------


@dataclass(frozen=True)
class FlaggedItem:
    """An item to review before release: ``key`` is what the exclusion form posts back."""

    key: str
    categorie: str
    libelle: str
    motifs: tuple[str, ...]


def flagged_items(dossier: Dossier) -> list[FlaggedItem]:
    """Items that may concern third parties or come from the justice (3 queries)."""
    items = []
    documents = Document.objects.filter(dossier=dossier).filter(
        models.Q(donnees_tiers=True) | models.Q(judiciaire=True) | models.Q(type=TypeDocument.DECISION_JUDICIAIRE)
    )
    for doc in documents.order_by("-date_document", "pk"):
        motifs = []
        if doc.donnees_tiers:
            motifs.append("données concernant des tiers")
        if doc.judiciaire or doc.type == TypeDocument.DECISION_JUDICIAIRE:
            motifs.append("document judiciaire")
        items.append(
            FlaggedItem(
                f"document:{doc.pk}",
                "Document",
                f"{doc.titre} ({doc.get_type_display()}, {doc.date_document:%d/%m/%Y})",
                tuple(motifs),
            )  # fmt: skip
        )
    for proche in dossier.jeune.proches.exclude(mesure_protection="").order_by("pk"):
        items.append(
            FlaggedItem(
                f"proche:{proche.pk}",
                "Proche",
                f"{proche} — {proche.mesure_protection}",
                ("mesure de protection ou décision judiciaire",),
            )  # fmt: skip
        )
    for ei in EvenementIndesirable.objects.filter(dossier=dossier).exclude(personnes_impliquees="").order_by("pk"):
        items.append(
            FlaggedItem(
                f"evenement_indesirable:{ei.pk}",
                "Événement indésirable",
                str(ei),
                ("personnes impliquées (données concernant des tiers)",),
            )  # fmt: skip
        )
    return items


# --- Export: building ---------------------------------------------------------------------------------------------

# Other apps (transmissions, PPA, agendas) add their part of the right of access here:
# ``register_export_section(key, titre, builder)`` where ``builder(dossier, exclude) -> list[model instances]``
# and the fields to show are given as ``fields``.
_EXTRA_SECTIONS: list[tuple[str, str, Callable, tuple[str, ...]]] = []


def register_export_section(key: str, titre: str, builder: Callable, fields: tuple[str, ...]) -> None:
    if all(existing[0] != key for existing in _EXTRA_SECTIONS):
        _EXTRA_SECTIONS.append((key, titre, builder, fields))


@dataclass
class Export:
    """The content of a right-of-access export: ``data`` (the JSON) and ``sections`` (the same, for the PDF)."""

    data: dict
    sections: list[dict] = field(default_factory=list)
    journal: list[dict] = field(default_factory=list)
    produit_le: datetime.datetime = field(default_factory=timezone.now)


# Sections shown as one table row per item in the PDF (long lists); the others as a label / value sheet per item.
TABLE_SECTIONS = {"documents": ("titre", "type", "date_document", "visibilite", "statut")}


def _section(export: Export, key: str, titre: str, objects, names) -> None:
    rows = [_item(obj, names) for obj in objects]
    export.data[key] = [data for data, _ in rows]
    section = {"key": key, "titre": titre, "elements": [shown for _, shown in rows], "colonnes": None}
    if key in TABLE_SECTIONS:
        wanted = [names.index(name) for name in TABLE_SECTIONS[key]]
        section["colonnes"] = [rows[0][1][i][0] for i in wanted] if rows else []
        section["lignes"] = [[shown[i][1] for i in wanted] for _, shown in rows]
    export.sections.append(section)


def _actor_name(label: str) -> str:
    # "Prénom Nom <email>": the person sees who accessed their dossier, not the professionals' addresses.
    return label.split(" <", 1)[0]


def _group_journal(rows: list[dict]) -> list[dict]:
    """The journal for people (PDF): the same person's same action on the same record on the same day is one line
    with a count (the JSON keeps every row); break-the-glass rows stay one by one, with their reason."""
    grouped: dict[tuple, dict] = {}
    result = []
    for row in rows:
        day = timezone.localtime(row["at"]).date()
        if row["action"] == AuditAction.BREAK_GLASS:
            result.append({**row, "jour": day, "nombre": 1})
            continue
        key = (day, row["par"], row["action"], row["objet"], row["objet_libelle"])
        if key in grouped:
            grouped[key]["nombre"] += 1
        else:
            grouped[key] = {**row, "jour": day, "nombre": 1}
            result.append(grouped[key])
    return result


def build_export(dossier: Dossier, *, exclude: frozenset[str] | set[str] = frozenset()) -> Export:
    """The whole dossier for a right-of-access request, without the ``exclude``d item keys (see
    ``flagged_items``). A constant number of queries, whatever the size of the dossier."""
    exclude = set(exclude)
    jeune = dossier.jeune

    def kept(prefix, objects):
        return [obj for obj in objects if f"{prefix}:{obj.pk}" not in exclude]

    export = Export(
        data={
            "format": EXPORT_FORMAT,
            "produit_le": None,
            "organisme": {"nom": dossier.organisme.nom, "finess_juridique": dossier.organisme.finess_juridique},
            "dispositif": {"nom": dossier.dispositif.nom, "finess": dossier.dispositif.finess},
        }
    )
    export.data["produit_le"] = timezone.localtime(export.produit_le).isoformat()
    jeune_data, jeune_shown = _item(jeune, JEUNE_FIELDS)
    dossier_data, dossier_shown = _item(dossier, DOSSIER_FIELDS)
    export.data["jeune"], export.data["dossier"] = jeune_data, dossier_data
    export.sections.append({"key": "jeune", "titre": "Identité", "elements": [jeune_shown]})
    export.sections.append({"key": "dossier", "titre": "Dossier", "elements": [dossier_shown]})
    _section(export, "parcours", "Parcours", dossier.parcours.order_by("debut"), PARCOURS_FIELDS)
    _section(export, "proches", "Proches", kept("proche", jeune.proches.order_by("ordre_appel", "pk")), PROCHE_FIELDS)
    _section(
        export, "scolarite", "Scolarité",
        jeune.periodes_scolaires.select_related("etablissement").order_by("debut"), SCOLARITE_FIELDS,
    )  # fmt: skip
    _section(
        export, "notifications_mdph", "Notifications MDPH", jeune.notifications_mdph.order_by("date_decision"),
        MDPH_FIELDS,
    )  # fmt: skip
    _section(
        export, "changements_modalite", "Changements de modalité", dossier.changements_modalite.order_by("date"),
        CHANGEMENT_FIELDS,
    )  # fmt: skip
    _section(
        export, "situations_complexes", "Situations complexes", dossier.situations_complexes.order_by("debut"),
        SITUATION_FIELDS,
    )  # fmt: skip
    _section(
        export, "partenaires", "Partenaires",
        dossier.partenaires.select_related("partenaire", "intervenant").order_by("debut", "pk"), PARTENAIRE_FIELDS,
    )  # fmt: skip
    _section(
        export, "cercle", "Cercle d'accompagnement", dossier.cercle.select_related("professionnel").order_by("pk"),
        CERCLE_FIELDS,
    )  # fmt: skip
    _section(
        export, "evenements_indesirables", "Événements indésirables",
        kept("evenement_indesirable", EvenementIndesirable.objects.filter(dossier=dossier).order_by("survenu_le")),
        EI_FIELDS,
    )  # fmt: skip
    _section(
        export, "documents", "Documents (liste, sans leur contenu)",
        kept("document", Document.objects.filter(dossier=dossier).order_by("date_document", "pk")), DOCUMENT_FIELDS,
    )  # fmt: skip
    for key, titre, builder, names in _EXTRA_SECTIONS:
        _section(export, key, titre, builder(dossier, exclude), names)

    labels = dict(AuditAction.choices)
    journal, shown_journal = [], []
    for at, actor_label, action, record_type, record_label, reason in access_log(dossier).values_list(
        "at", "actor_label", "action", "record_type", "record_label", "reason"
    ):
        journal.append({
            "date": timezone.localtime(at).isoformat(), "par": _actor_name(actor_label), "action": action,
            "action_libelle": labels.get(action, action),
            "objet": "document" if record_type == "dossiers.document" else (
                "identite" if record_type == "dossiers.jeune" else "dossier"
            ),
            "objet_libelle": record_label if record_type == "dossiers.document" else "",
            "motif": reason,
        })  # fmt: skip
        shown_journal.append({**journal[-1], "at": at})
    export.data["journal_des_acces"] = journal
    export.journal = _group_journal(shown_journal)
    withheld: dict[str, int] = {}
    for key in exclude:
        categorie = key.split(":", 1)[0]
        withheld[categorie] = withheld.get(categorie, 0) + 1
    export.data["elements_retires"] = {
        "nombre": len(exclude),
        "par_categorie": dict(sorted(withheld.items())),
        "motif": "Éléments concernant des tiers ou d'origine judiciaire, retirés après relecture par la direction.",
    }
    return export


def export_json(export: Export) -> bytes:
    return json.dumps(export.data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def export_pdf(export: Export, dossier: Dossier) -> bytes:
    from dossiers.pdf import render_pdf

    context = {
        "titre": "Dossier de la personne accompagnée — droit d'accès",
        "organisme": dossier.organisme,
        "dispositif": dossier.dispositif,
        "export": export,
    }
    return render_pdf("dossiers/rgpd/export_pdf.html", context)


def check_export_request(dossier: Dossier, *, format: str, exclude) -> set[str]:
    """Validate a right-of-access request: ``format`` "pdf" or "json"; only items flagged for review
    (``flagged_items``) may be excluded. Returns the exclusion keys. French errors."""
    if format not in ("pdf", "json"):
        raise ValidationError({"format": "Choisissez le format PDF ou JSON."})
    allowed = {item.key for item in flagged_items(dossier)}
    exclude = set(exclude)
    if exclude - allowed:
        raise ValidationError({"exclure": "Seuls les éléments signalés pour relecture peuvent être retirés."})
    return exclude


def export_filename(dossier: Dossier, format: str) -> str:
    return f"droit-acces-{dossier.jeune.num}-{timezone.localdate():%Y%m%d}.{format}"


def render_export(export: Export, dossier: Dossier, format: str) -> tuple[bytes, str]:
    """(content, MIME type) of a built export."""
    if format == "pdf":
        return export_pdf(export, dossier), "application/pdf"
    return export_json(export), "application/json"


@transaction.atomic
def dossier_export(*, dossier: Dossier, format: str, exclude, actor, request=None) -> tuple[bytes, str, str]:
    """Produce the right-of-access export synchronously (``format`` "pdf" or "json") and audit it (EXPORT, with the
    excluded item keys). Returns (content, MIME type, file name). The screens produce it in the background instead
    (``dossiers.services.exports``: progress, stored file, notification)."""
    exclude = check_export_request(dossier, format=format, exclude=exclude)
    export = build_export(dossier, exclude=exclude)
    content, mime = render_export(export, dossier, format)
    audit_record(
        actor=actor, action=AuditAction.EXPORT, record=dossier, request=request,
        details={"droit_acces": True, "format": format, "exclus": sorted(exclude), "taille": len(content),
                 "journal_lignes": len(export.journal)},
    )  # fmt: skip
    return content, mime, export_filename(dossier, format)


# --- Retention ----------------------------------------------------------------------------------------------------


def conservation_candidates(organisme: Organisme, today: datetime.date | None = None):
    """Archived dossiers of ``organisme`` past the retention period: the last contact (end of the last parcours
    period, or the archiving date) is more than ``duree_conservation_annees`` ago, and the youth is 28 or older.
    Annotated with ``dernier_contact``."""
    today = today or timezone.localdate()
    cutoff = today - relativedelta(years=organisme.duree_conservation_annees)
    born_before = today - relativedelta(years=AGE_MINIMUM_PURGE)
    return (
        Dossier.objects.filter(organisme_id=organisme.pk, archived_at__isnull=False)
        .filter(jeune__date_naissance__lte=born_before)
        .annotate(dernier_contact=Coalesce(Max("parcours__fin"), TruncDate("archived_at")))
        .filter(dernier_contact__lte=cutoff)
    )


def conservation_notify(*, organisme_id: int, today: datetime.date | None = None) -> int:
    """Monthly beat: tell the direction how many archived dossiers may be purged (no names in the notification)."""
    organisme = Organisme.objects.get(pk=organisme_id)
    count = conservation_candidates(organisme, today).count()
    if count:
        notify(
            recipients=list(direction_users(organisme_id)),
            titre=(
                f"{count} dossier{'s' if count > 1 else ''} archivé{'s' if count > 1 else ''} "
                f"{'ont' if count > 1 else 'a'} dépassé la durée de conservation : à examiner avant suppression"
            ),
            lien=reverse("dossiers:conservation"),
            categorie="conservation",
        )
    return count


def purge_confirmation(dossier: Dossier) -> str:
    """The text the director types to confirm a purge."""
    return f"SUPPRIMER {dossier.jeune.num}"


# Other apps whose rows point at a dossier with PROTECT register a hook that deletes or detaches them before
# the purge: ``register_purge_hook(callable(dossier) -> dict of counts)``.
_PURGE_HOOKS: list[Callable] = []


def register_purge_hook(hook: Callable) -> None:
    if hook not in _PURGE_HOOKS:
        _PURGE_HOOKS.append(hook)


def _detach_evenements_indesirables(dossier: Dossier) -> dict:
    # An adverse event is the establishment's record (quality follow-up, ARS): it outlives the youth's dossier,
    # without the link to it.
    return {
        "evenements_indesirables_detaches": EvenementIndesirable.objects.filter(dossier=dossier).update(dossier=None)
    }


register_purge_hook(_detach_evenements_indesirables)


@transaction.atomic
def dossier_purge(*, dossier: Dossier, confirmation: str, actor, request=None) -> dict:
    """Delete an archived dossier past its retention period, with its dependent rows and files; the youth too when
    they have no other dossier (their family and youth accounts are then deactivated). The audit row keeps only
    the youth's ``num``. Files are removed from storage once the transaction has committed."""
    if (confirmation or "").strip() != purge_confirmation(dossier):
        raise ValidationError(
            {"confirmation": f"Saisissez exactement « {purge_confirmation(dossier)} » pour confirmer la suppression."}
        )
    organisme = Organisme.objects.get(pk=dossier.organisme_id)
    row = conservation_candidates(organisme).filter(pk=dossier.pk).first()
    if row is None:
        raise ValidationError("Ce dossier n'a pas dépassé sa durée de conservation : il ne peut pas être supprimé.")
    jeune = dossier.jeune
    num, pk, dispositif_id = jeune.num, dossier.pk, dossier.dispositif_id
    document_storage = Document._meta.get_field("fichier").storage
    files = [
        (document_storage, name) for name in Document.objects.filter(dossier=dossier).values_list("fichier", flat=True)
    ]
    details = {"num": num, "dispositif": dispositif_id, "dernier_contact": row.dernier_contact.isoformat(),
               "documents": len(files)}  # fmt: skip
    # Right-of-access exports of this dossier still stored (deleted with it by cascade).
    from dossiers.models import ExportDossier

    export_storage = ExportDossier._meta.get_field("fichier").storage
    files += [
        (export_storage, name)
        for name in ExportDossier.objects.filter(dossier=dossier).exclude(fichier="").values_list("fichier", flat=True)
    ]
    for hook in _PURGE_HOOKS:
        details.update(hook(dossier) or {})
    try:
        dossier.delete()
        jeune_supprime = not Dossier.objects.filter(jeune_id=jeune.pk).exists()
        if jeune_supprime:
            if jeune.photo:
                files.append((jeune.photo.storage, jeune.photo.name))
            accounts = [jeune.compte] if jeune.compte_id else []
            accounts += [p.compte for p in jeune.proches.select_related("compte") if p.compte_id]
            Jeune.objects.filter(pk=jeune.pk).delete()
            for account in accounts:
                if account.is_active:
                    from core.services.organisation import account_set_active

                    account_set_active(user=account, is_active=False, actor=actor, request=request)
            details["comptes_desactives"] = len(accounts)
    except (ProtectedError, RestrictedError) as exc:
        objects = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", ())
        blocking = sorted({str(obj._meta.verbose_name_plural) for obj in objects})
        raise ValidationError(
            f"Ce dossier ne peut pas être supprimé : des éléments y sont encore liés ({', '.join(blocking)})."
        ) from None
    details["jeune_supprime"] = jeune_supprime
    audit_record(
        actor=actor, action=AuditAction.DELETE, record_type="dossiers.dossier", record_id=pk,
        record_label=f"Dossier {num} (supprimé : durée de conservation échue)", organisme_id=organisme.pk,
        request=request, details=details,
    )  # fmt: skip

    def remove_files():
        for storage, name in files:
            if name:
                storage.delete(name)

    transaction.on_commit(remove_files)
    return details
