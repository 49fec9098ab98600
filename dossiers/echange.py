"""Exchange-format sections of the dossiers app (registered from ``DossiersConfig.ready``): ``partenaires`` and
``jeunes`` (with their dossier, parcours periods and situations complexes).

Partners are keyed by ``ref``; ``type`` is one of the codes of ``TypePartenaire``. Optional contact fields
(``adresse``, ``telephone``, ``email``) fill the directory when the source tool has them.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from core.echange import ImportContext, chemin, register_section
from core.echange.sections import dispositif_for, known_dispositif_finess
from core.enums import AccountKind, Modalite, TypePartenaire
from core.models import Site, User
from dossiers.enums import Deficience, Priorite, Sexe, StatutParcours
from dossiers.models import Dossier, Jeune, Partenaire, SituationComplexe
from dossiers.services.parcours import dossier_archive, dossier_update, jeune_create, jeune_update
from dossiers.services.partenaires import partenaire_save
from dossiers.services.reprise import (
    check_periods,
    dossier_reprise_create,
    parcours_replace,
    situation_complexe_reprise_save,
)


class PartenairesSection:
    FIELDS = {"ref", "nom", "type", "adresse", "telephone", "email"}

    def validate(self, document, ctx: ImportContext):
        seen = {}
        for index, item in ctx.section_items("partenaires"):
            path = chemin("partenaires", index)
            ctx.unknown_keys(item, self.FIELDS, path)
            ref = ctx.text(item, "ref", path, max_length=100)
            ctx.duplicate(seen, ref, chemin(path, "ref"), "Référence de partenaire")
            ctx.text(item, "nom", path)
            ctx.choice(item, "type", path, TypePartenaire, what="Type de partenaire")
            ctx.text(item, "adresse", path, required=False, max_length=1000)
            ctx.text(item, "telephone", path, required=False, max_length=30)
            ctx.email(item, "email", path, required=False)

    def write(self, document, ctx: ImportContext):
        items = [item for _, item in ctx.section_items("partenaires", report=False)]
        existing = {
            p.ref: p
            for p in Partenaire.objects.filter(
                organisme_id=ctx.organisme_id, ref__in=[item["ref"].strip() for item in items]
            )
        }
        for index, item in enumerate(items):
            ctx.current_path = chemin("partenaires", index)
            ref = item["ref"].strip()
            values = {"nom": item["nom"].strip(), "type": item["type"].strip()}
            for key in ("adresse", "telephone", "email"):
                if key in item:
                    values[key] = (item[key] or "").strip()
            if values.get("email"):
                values["email"] = values["email"].lower()
            partenaire = existing.get(ref)
            if partenaire is None:
                partenaire_save(
                    partenaire=Partenaire(organisme_id=ctx.organisme_id, ref=ref, **values),
                    actor=ctx.actor,
                    request=ctx.request,
                )
                ctx.count("partenaires", "crees")
                continue
            changed = [name for name, value in values.items() if getattr(partenaire, name) != value]
            if changed:
                for name in changed:
                    setattr(partenaire, name, values[name])
                partenaire_save(partenaire=partenaire, actor=ctx.actor, request=ctx.request, changed=changed)
                ctx.count("partenaires", "modifies")
            else:
                ctx.count("partenaires", "inchanges")


# --- jeunes: identity, dossier, parcours periods, situations complexes ---------------------------------------------


class JeunesSection:
    """Youths keyed by ``ref``, each with their dossier in one dispositif (FINESS), its ``parcours`` periods and
    ``situations_complexes``.

    Re-importing updates the identity and the dossier fields that changed, replaces the parcours periods only when
    they differ (``dossiers.services.reprise.parcours_replace``), and adds or updates situations by their ``debut``
    (never deletes one). Periods are checked as a whole: known statuts and codes, ``fin`` ≥ ``debut``, no overlap
    (reported on the ``debut`` of the period that starts inside an earlier one), a ``motif_sortie`` on every closed
    accompaniment. ``archive: true`` archives the dossier once its periods are all closed.
    """

    IDENTITY = {
        "nom": "nom_naissance",
        "nom_usage": "nom_usage",
        "prenom": "prenom",
        "date_naissance": "date_naissance",
        "sexe": "sexe",
        "adresse": "adresse",
        "code_postal": "code_postal",
        "commune": "commune",
        "telephone": "telephone",
        "deficience_principale": "deficience_principale",
        "deficiences_associees": "deficiences_associees",
        "mesure_ase": "mesure_ase",
        "mesure_ase_type": "mesure_ase_type",
    }
    DOSSIER = {
        "site", "referent", "coordinateur", "modalites", "date_orientation", "modalites_demandees", "priorite",
        "prochaine_etape",
    }  # fmt: skip
    FIELDS = {"ref", "dispositif", "parcours", "situations_complexes", "archive", *IDENTITY, *DOSSIER}
    PERIOD_KEYS = {"statut", "debut", "fin", "origine", "issue", "motif_sortie", "destination", "commentaire"}
    SITUATION_KEYS = {"debut", "fin", "motif"}
    DEFAULT_MOTIF = "Situation complexe reprise de l'outil précédent (motif non renseigné)."

    # --- validation -----------------------------------------------------------------------------------------

    def validate(self, document, ctx: ImportContext):
        items = ctx.section_items("jeunes")
        if not items:
            return
        known_dispositifs = known_dispositif_finess(ctx)
        sites = self._known_sites(ctx)
        pros = self._known_pros(ctx)
        existing = self._existing(ctx, [i.get("ref") for _, i in items])
        seen = {}
        for index, item in items:
            path = chemin("jeunes", index)
            ctx.unknown_keys(item, self.FIELDS, path)
            ref = ctx.text(item, "ref", path, max_length=100)
            ctx.duplicate(seen, ref, chemin(path, "ref"), "Référence de jeune")
            ctx.text(item, "nom", path, max_length=150)
            ctx.text(item, "nom_usage", path, required=False, max_length=150)
            ctx.text(item, "prenom", path, max_length=150)
            ctx.iso_date(item, "date_naissance", path)
            ctx.choice(item, "sexe", path, Sexe, what="Sexe")
            ctx.text(item, "adresse", path, required=False, max_length=1000)
            ctx.text(item, "code_postal", path, required=False, max_length=5)
            ctx.text(item, "commune", path, required=False, max_length=150)
            ctx.text(item, "telephone", path, required=False, max_length=30)
            ctx.choice(item, "deficience_principale", path, Deficience, what="Déficience", required=False)
            _codes(ctx, item, "deficiences_associees", path, Deficience, what="Déficience")
            _boolean(ctx, item, "mesure_ase", path)
            ctx.text(item, "mesure_ase_type", path, required=False, max_length=150)
            finess = ctx.finess(item, "dispositif", path)
            if finess and finess not in known_dispositifs:
                ctx.error(
                    chemin(path, "dispositif"),
                    f"Dispositif inconnu : ni le document ni l'organisme n'ont de dispositif de FINESS « {finess} ».",
                )
            site = ctx.finess(item, "site", path, required=False)
            if site and finess and sites.get(site) != finess:
                ctx.error(chemin(path, "site"), f"Aucun site de FINESS « {site} » dans ce dispositif.")
            for key in ("referent", "coordinateur"):
                pro = ctx.text(item, key, path, required=False, max_length=100)
                if pro and pro not in pros:
                    ctx.error(
                        chemin(path, key),
                        f"Professionnel inconnu « {pro} » : ni le document ni l'organisme n'ont cette référence.",
                    )
            modalites = _codes(ctx, item, "modalites", path, Modalite, what="Modalité")
            _codes(ctx, item, "modalites_demandees", path, Modalite, what="Modalité")
            ctx.iso_date(item, "date_orientation", path, required=False)
            ctx.choice(item, "priorite", path, Priorite, what="Priorité", required=False)
            ctx.text(item, "prochaine_etape", path, required=False, max_length=300)
            archive = _boolean(ctx, item, "archive", path)
            periods = self._validate_periods(ctx, item, path)
            if periods is not None:
                current = next((p for p in periods if p.get("fin") is None), None)
                if modalites and (current is None or current["statut"] not in ACTIVE_STATUTS):
                    ctx.error(
                        chemin(path, "modalites"),
                        "Des modalités en cours supposent une période « accompagne » ou « ponctuel » ouverte.",
                    )
                if archive and current is not None:
                    ctx.error(
                        chemin(path, "archive"),
                        "Un dossier ne s'archive qu'une fois toutes ses périodes terminées (« fin » renseignée).",
                    )
            self._validate_situations(ctx, item, path)
            jeune = existing.get(ref)
            if jeune is not None and finess:
                dispositifs = {d.dispositif.finess: d for d in jeune.dossiers.all()}
                if dispositifs and finess not in dispositifs:
                    ctx.error(
                        chemin(path, "dispositif"),
                        f"Ce jeune a déjà un dossier dans le dispositif {', '.join(sorted(dispositifs))} : "
                        "l'import ne déplace pas un dossier d'un dispositif à un autre.",
                    )
                dossier = dispositifs.get(finess)
                if dossier is not None and dossier.archived_at is not None and archive is False:
                    ctx.error(chemin(path, "archive"), "Ce dossier est archivé : l'import ne le désarchive pas.")

    def _validate_periods(self, ctx, item, path) -> list[dict] | None:
        """The parsed periods, or None when a value is unreadable (already reported)."""
        where = chemin(path, "parcours")
        raw = item.get("parcours")
        if not isinstance(raw, list):
            ctx.error(where, "« parcours » doit être une liste de périodes (au moins une).")
            return None
        entries = ctx.list_items(raw, where)
        if len(entries) != len(raw):
            return None
        periods, readable = [], True
        for p_index, period in entries:
            p_path = chemin(where, p_index)
            ctx.unknown_keys(period, self.PERIOD_KEYS, p_path)
            values = {
                "statut": ctx.text(period, "statut", p_path, max_length=30),
                "debut": ctx.iso_date(period, "debut", p_path),
                "fin": ctx.iso_date(period, "fin", p_path, required=False),
            }
            for key in ("origine", "issue", "motif_sortie"):
                values[key] = ctx.text(period, key, p_path, required=False, max_length=30)
            values["destination"] = ctx.text(period, "destination", p_path, required=False, max_length=300)
            values["commentaire"] = ctx.text(period, "commentaire", p_path, required=False, max_length=5000)
            readable &= None not in (values["statut"], values["debut"]) and all(
                values[k] is not None for k in ("origine", "issue", "motif_sortie", "destination", "commentaire")
            )
            readable &= not (period.get("fin") not in (None, "") and values["fin"] is None)
            periods.append(values)
        if not readable:
            return None
        for error in check_periods(periods):
            ctx.error(chemin(where, error.index, error.field) if error.index >= 0 else where, error.message)
        return periods

    def _validate_situations(self, ctx, item, path):
        where = chemin(path, "situations_complexes")
        seen = {}
        for s_index, situation in ctx.list_items(item.get("situations_complexes"), where):
            s_path = chemin(where, s_index)
            ctx.unknown_keys(situation, self.SITUATION_KEYS, s_path)
            debut = ctx.iso_date(situation, "debut", s_path)
            fin = ctx.iso_date(situation, "fin", s_path, required=False)
            ctx.text(situation, "motif", s_path, required=False, max_length=5000)
            ctx.duplicate(seen, debut, chemin(s_path, "debut"), "Début de situation complexe")
            if debut and fin and fin < debut:
                ctx.error(chemin(s_path, "fin"), "La fin ne peut pas précéder le début.")

    def _known_sites(self, ctx) -> dict[str, str]:
        """FINESS of site → FINESS of its dispositif (document first, then the organisme)."""
        sites = {}
        if ctx.organisme_id:
            sites.update(
                Site.objects.filter(organisme_id=ctx.organisme_id).values_list("finess", "dispositif__finess")
            )
        for _, dispositif in ctx.section_items("dispositifs", report=False):
            for _, site in ctx.list_items(dispositif.get("sites"), "", report=False):
                if isinstance(site.get("finess"), str):
                    sites[site["finess"].strip()] = dispositif.get("finess")
        return sites

    def _known_pros(self, ctx) -> set[str]:
        refs = {
            item["ref"].strip()
            for _, item in ctx.section_items("professionnels", report=False)
            if isinstance(item.get("ref"), str)
        }
        if ctx.organisme_id:
            refs |= set(
                User.objects.filter(organisme_id=ctx.organisme_id, kind=AccountKind.PROFESSIONNEL)
                .exclude(ref="")
                .values_list("ref", flat=True)
            )
        return refs

    def _existing(self, ctx, refs) -> dict[str, Jeune]:
        if not ctx.organisme_id:
            return {}
        refs = [r.strip() for r in refs if isinstance(r, str) and r.strip()]
        return {
            j.ref: j
            for j in Jeune.objects.filter(organisme_id=ctx.organisme_id, ref__in=refs).prefetch_related(
                Prefetch("dossiers", queryset=Dossier.objects.select_related("dispositif"))
            )
        }

    # --- writing --------------------------------------------------------------------------------------------

    def write(self, document, ctx: ImportContext):
        items = [item for _, item in ctx.section_items("jeunes", report=False)]
        if not items:
            return
        jeunes = self._existing(ctx, [item["ref"] for item in items])
        pros = {
            u.ref: u
            for u in User.objects.filter(
                organisme_id=ctx.organisme_id,
                ref__in={item[k].strip() for item in items for k in ("referent", "coordinateur") if item.get(k)},
            )
        }
        sites = {
            s.finess: s
            for s in Site.objects.filter(
                organisme_id=ctx.organisme_id, finess__in={item["site"].strip() for item in items if item.get("site")}
            )
        }
        for index, item in enumerate(items):
            path = chemin("jeunes", index)
            ctx.current_path = path
            ref = item["ref"].strip()
            existing = jeunes.get(ref)
            jeune = self._write_jeune(ctx, existing, ref, item)
            dispositif = dispositif_for(ctx, item["dispositif"].strip())
            dossier = None
            if existing is not None:
                dossier = next((d for d in existing.dossiers.all() if d.dispositif_id == dispositif.pk), None)
            values = self._dossier_values(item, pros, sites)
            created = modified = False
            if dossier is None:
                dossier = dossier_reprise_create(
                    jeune=jeune, dispositif=dispositif, actor=ctx.actor, request=ctx.request, **values
                )
                created = True
            elif changed := {k: v for k, v in values.items() if getattr(dossier, k) != v}:
                dossier_update(dossier=dossier, actor=ctx.actor, request=ctx.request, **changed)
                modified = True
            ctx.current_path = chemin(path, "parcours")
            periods = [_period_values(p) for p in item["parcours"]]
            if parcours_replace(dossier=dossier, periods=periods, actor=ctx.actor, request=ctx.request):
                ctx.count("parcours", "crees" if created else "modifies")
                modified = True
            else:
                ctx.count("parcours", "inchanges")
            ctx.current_path = chemin(path, "situations_complexes")
            self._write_situations(ctx, dossier, item.get("situations_complexes") or [])
            if item.get("archive") is True and dossier.archived_at is None:
                ctx.current_path = chemin(path, "archive")
                dossier_archive(dossier=dossier, actor=ctx.actor, request=ctx.request)
                modified = True
            ctx.count("dossiers", "crees" if created else "modifies" if modified else "inchanges")
            ctx.objects[("jeune", ref)] = jeune
            ctx.objects[("dossier", ref)] = dossier

    def _write_jeune(self, ctx, jeune, ref, item) -> Jeune:
        values = {}
        for key, field_name in self.IDENTITY.items():
            if key not in item:
                continue
            value = item[key]
            if key == "date_naissance":
                value = datetime.date.fromisoformat(value.strip())
            elif key == "deficiences_associees":
                value = list(dict.fromkeys(value or []))
            elif key == "mesure_ase":
                value = bool(value)
            else:
                value = (value or "").strip()
            values[field_name] = value
        if jeune is None:
            jeune = jeune_create(organisme_id=ctx.organisme_id, actor=ctx.actor, request=ctx.request, ref=ref,
                                 **values)  # fmt: skip
            ctx.count("jeunes", "crees")
            return jeune
        changed = {name: value for name, value in values.items() if getattr(jeune, name) != value}
        if changed:
            jeune_update(jeune=jeune, actor=ctx.actor, request=ctx.request, **changed)
            ctx.count("jeunes", "modifies")
        else:
            ctx.count("jeunes", "inchanges")
        return jeune

    def _dossier_values(self, item, pros, sites) -> dict:
        values = {}
        # Foreign keys by id: comparing ids costs no query.
        if "site" in item:
            values["site_id"] = sites[item["site"].strip()].pk if item["site"] else None
        for key in ("referent", "coordinateur"):
            if key in item:
                values[f"{key}_id"] = pros[item[key].strip()].pk if item[key] else None
        for key in ("modalites", "modalites_demandees"):
            if key in item:
                wanted = set(item[key] or [])
                values[key] = [m for m in Modalite.values if m in wanted]
        if "date_orientation" in item:
            value = item["date_orientation"]
            values["date_orientation"] = datetime.date.fromisoformat(value.strip()) if value else None
        if item.get("priorite"):
            values["priorite"] = item["priorite"].strip()
        if "prochaine_etape" in item:
            values["prochaine_etape"] = (item["prochaine_etape"] or "").strip()
        return values

    def _write_situations(self, ctx, dossier, raw):
        existing = {s.debut: s for s in dossier.situations_complexes.all()}
        for situation in raw:
            debut = datetime.date.fromisoformat(situation["debut"].strip())
            fin = datetime.date.fromisoformat(situation["fin"].strip()) if situation.get("fin") else None
            motif = (situation.get("motif") or "").strip()
            current = existing.get(debut)
            if current is None:
                situation_complexe_reprise_save(
                    situation=SituationComplexe(
                        organisme_id=dossier.organisme_id, dossier=dossier, debut=debut, fin=fin,
                        motif=motif or self.DEFAULT_MOTIF,
                    ),
                    actor=ctx.actor,
                    request=ctx.request,
                )  # fmt: skip
                ctx.count("situations_complexes", "crees")
                continue
            values = {"fin": fin, **({"motif": motif} if motif else {})}
            changed = [name for name, value in values.items() if getattr(current, name) != value]
            if changed:
                if dossier.archived_at is not None:
                    raise ValidationError("Ce dossier est archivé : il est en lecture seule.")
                for name in changed:
                    setattr(current, name, values[name])
                situation_complexe_reprise_save(
                    situation=current, actor=ctx.actor, request=ctx.request, changed=changed
                )
                ctx.count("situations_complexes", "modifies")
            else:
                ctx.count("situations_complexes", "inchanges")


ACTIVE_STATUTS = (StatutParcours.ACCOMPAGNE, StatutParcours.PONCTUEL)


def _period_values(period: dict) -> dict:
    values = {}
    for key in ("debut", "fin"):
        raw = period.get(key)
        values[key] = datetime.date.fromisoformat(raw.strip()) if raw else None
    for key in ("statut", "origine", "issue", "motif_sortie", "destination", "commentaire"):
        values[key] = (period.get(key) or "").strip()
    return values


def _boolean(ctx: ImportContext, item: dict, key: str, path: str) -> bool | None:
    value = item.get(key)
    if value is not None and not isinstance(value, bool):
        ctx.error(chemin(path, key), "Ce champ doit valoir true ou false.")
        return None
    return value


def _codes(ctx: ImportContext, item: dict, key: str, path: str, choices, *, what: str) -> list[str] | None:
    """An optional list of codes among ``choices``, without repeats."""
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        ctx.error(chemin(path, key), f"« {key} » doit être une liste parmi : {', '.join(choices.values)}.")
        return None
    for index, code in enumerate(value):
        if code not in choices.values:
            ctx.error(
                chemin(path, key, index),
                f"{what} inconnue « {code} ». Valeurs possibles : {', '.join(choices.values)}.",
            )
    if len(set(map(str, value))) != len(value):
        ctx.error(chemin(path, key), "Une valeur est répétée.")
    return value


def register():
    register_section("partenaires", PartenairesSection(), 40)
    register_section("jeunes", JeunesSection(), 50)
