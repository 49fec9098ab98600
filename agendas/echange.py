"""Exchange-format sections of the agendas app (format-echange-v1): ``natures`` and ``evenements``.

- ``natures`` (optional top-level list ``{"code", "libelle", "cadre", "serafin"}`` plus optional ``dispositif``,
  ``hors_prestation``, ``discrete``, ``visible_famille``): natures created or updated (key: dispositif + code) in
  the given dispositif, or else in every dispositif of the document and of its events. The section also gives
  every dispositif of the document its default natures (idempotent).
- ``evenements``: events keyed by ``ref`` (a re-import updates what changed, nothing else). Checks: date-times
  with an offset, ``fin`` > ``debut``, a nature configured for the dispositif (or listed under ``natures``), the
  ``cadre`` (when given) equal to the nature's, ``modalite`` for direct events, a partner for appui-ressources,
  youths with a dossier in the dispositif, presences only for direct events, a known SERAFIN-PH code, discreet
  natures never visible to families. Every problem is reported with its path; nothing is written unless all is
  valid (the framework runs the writes in one transaction).
"""

import datetime

from agendas.enums import NATURES_PAR_DEFAUT, Cadre, MotifAbsence, Presence, StatutEvenement, TypeLieu
from agendas.models import Evenement, Nature
from agendas.services.evenements import evenement_create, evenement_update, presences_set
from agendas.services.natures import SERAFIN_VERSION, nature_save, natures_par_defaut
from core.echange import ImportContext, chemin, register_section
from core.echange.sections import dispositif_for, known_dispositif_finess
from core.enums import AccountKind, Modalite
from core.models import SerafinCode, Site, User
from dossiers.models import Dossier, Jeune, Partenaire


def _serafin_codes(ctx: ImportContext) -> set[str]:
    key = ("serafin_codes",)
    if key not in ctx.objects:
        ctx.objects[key] = set(SerafinCode.objects.filter(version=SERAFIN_VERSION).values_list("code", flat=True))
    return ctx.objects[key]


def _boolean(ctx, item, key, path):
    value = item.get(key)
    if value is not None and not isinstance(value, bool):
        ctx.error(chemin(path, key), "Ce champ doit valoir true ou false.")
        return None
    return value


def _event_dispositifs(document) -> set[str]:
    events = document.get("evenements")
    return {
        e["dispositif"].strip()
        for e in (events if isinstance(events, list) else [])
        if isinstance(e, dict) and isinstance(e.get("dispositif"), str)
    }


def _document_dispositifs(ctx: ImportContext) -> list[str]:
    finess = [
        item["finess"].strip()
        for _, item in ctx.section_items("dispositifs", report=False)
        if isinstance(item.get("finess"), str)
    ]
    return list(dict.fromkeys([*finess, *sorted(_event_dispositifs(ctx.document))]))


# --- natures ------------------------------------------------------------------------------------------------------


class NaturesSection:
    FIELDS = {"code", "libelle", "cadre", "serafin", "dispositif", "hors_prestation", "discrete", "visible_famille"}

    def validate(self, document, ctx: ImportContext):
        known = known_dispositif_finess(ctx)
        serafin = _serafin_codes(ctx)
        seen = {}
        for index, item in ctx.section_items("natures"):
            path = chemin("natures", index)
            ctx.unknown_keys(item, self.FIELDS, path)
            code = ctx.text(item, "code", path, max_length=50)
            if code and not code.replace("_", "").replace("-", "").isalnum():
                ctx.error(chemin(path, "code"), f"Code de nature invalide « {code} » : lettres, chiffres, - et _.")
            finess = ctx.text(item, "dispositif", path, required=False, max_length=9)
            if finess and finess not in known:
                ctx.error(chemin(path, "dispositif"), f"Dispositif inconnu « {finess} ».")
            ctx.duplicate(seen, (finess or "*", code), chemin(path, "code"), "Nature")
            ctx.text(item, "libelle", path, max_length=150)
            ctx.choice(item, "cadre", path, Cadre, what="Cadre")
            code_serafin = ctx.text(item, "serafin", path, max_length=20)
            if code_serafin and code_serafin not in serafin:
                ctx.error(
                    chemin(path, "serafin"),
                    f"Code SERAFIN-PH inconnu « {code_serafin} » (nomenclature version {SERAFIN_VERSION}).",
                )
            for key in ("hors_prestation", "discrete", "visible_famille"):
                _boolean(ctx, item, key, path)

    def write(self, document, ctx: ImportContext):
        targets = _document_dispositifs(ctx)
        for finess in targets:
            ctx.current_path = "natures"
            created = natures_par_defaut(dispositif=dispositif_for(ctx, finess), actor=ctx.actor)
            if created:
                ctx.count("natures", "crees", len(created))
        existing = {
            (n.dispositif_id, n.code): n for n in Nature.objects.filter(organisme_id=ctx.organisme_id)
        }  # fmt: skip
        for index, item in ctx.section_items("natures", report=False):
            ctx.current_path = chemin("natures", index)
            finess = (item.get("dispositif") or "").strip()
            for target in [finess] if finess else targets:
                dispositif = dispositif_for(ctx, target)
                nature = existing.get((dispositif.pk, item["code"].strip()))
                values = {
                    "code": item["code"].strip(),
                    "libelle": item["libelle"].strip(),
                    "cadre": item["cadre"].strip(),
                    "serafin_code": item["serafin"].strip(),
                    "hors_prestation": bool(item.get("hors_prestation", nature.hors_prestation if nature else False)),
                    "discrete": bool(item.get("discrete", nature.discrete if nature else False)),
                    "visible_famille": bool(item.get("visible_famille", nature.visible_famille if nature else True)),
                }
                if nature is not None and all(getattr(nature, k) == v for k, v in values.items() if k != "code"):
                    ctx.count("natures", "inchanges")
                    continue
                if nature is not None and values["discrete"]:
                    values["visible_famille"] = False
                    if all(getattr(nature, k) == v for k, v in values.items()):
                        ctx.count("natures", "inchanges")
                        continue
                saved = nature_save(
                    dispositif=dispositif, nature=nature, actor=ctx.actor, request=ctx.request, **values
                )
                existing[(dispositif.pk, saved.code)] = saved
                ctx.count("natures", "modifies" if nature else "crees")


# --- evenements ---------------------------------------------------------------------------------------------------


class EvenementsSection:
    FIELDS = {
        "ref", "dispositif", "debut", "fin", "nature", "cadre", "modalite", "statut", "hors_prestation", "serafin",
        "jeunes", "professionnels", "partenaire", "titre", "lieu", "site", "lieu_detail", "visible_famille",
        "commentaire",
    }  # fmt: skip
    JEUNE_KEYS = {"ref", "presence", "motif"}

    # --- lookups --------------------------------------------------------------------------------------------

    def _natures(self, ctx, finess_set) -> dict[tuple[str, str], dict]:
        """(dispositif FINESS, code) -> {cadre, discrete}: defaults, the database, then the document's natures."""
        natures = {}
        for finess in finess_set:
            for code, (_, cadre, _, _) in NATURES_PAR_DEFAUT.items():
                natures[(finess, code)] = {"cadre": cadre, "discrete": code in {"reunion_synthese",
                                                                                "reunion_partenaires",
                                                                                "reunion_equipe"}}  # fmt: skip
        if ctx.organisme_id:
            for finess, code, cadre, discrete in Nature.objects.filter(
                organisme_id=ctx.organisme_id, dispositif__finess__in=finess_set
            ).values_list("dispositif__finess", "code", "cadre", "discrete"):
                natures[(finess, code)] = {"cadre": cadre, "discrete": discrete}
        for _, item in ctx.section_items("natures", report=False):
            code, finess = item.get("code"), item.get("dispositif")
            if not isinstance(code, str):
                continue
            for target in [finess.strip()] if isinstance(finess, str) and finess.strip() else finess_set:
                natures[(target, code.strip())] = {"cadre": item.get("cadre"), "discrete": bool(item.get("discrete"))}
        return natures

    def _jeunes(self, ctx, refs) -> dict[str, set[str]]:
        """Youth ref -> FINESS of the dispositifs where they have a dossier (document, then database)."""
        found: dict[str, set[str]] = {}
        for _, item in ctx.section_items("jeunes", report=False):
            if isinstance(item.get("ref"), str) and isinstance(item.get("dispositif"), str):
                found.setdefault(item["ref"].strip(), set()).add(item["dispositif"].strip())
        if ctx.organisme_id and refs:
            for ref, finess in Dossier.objects.filter(organisme_id=ctx.organisme_id, jeune__ref__in=refs).values_list(
                "jeune__ref", "dispositif__finess"
            ):
                found.setdefault(ref, set()).add(finess)
            for ref in Jeune.objects.filter(organisme_id=ctx.organisme_id, ref__in=refs).values_list("ref", flat=True):
                found.setdefault(ref, set())
        return found

    def _refs(self, ctx, section, model_refs) -> set[str]:
        refs = {
            item["ref"].strip()
            for _, item in ctx.section_items(section, report=False)
            if isinstance(item.get("ref"), str)
        }
        if ctx.organisme_id:
            refs |= set(model_refs)
        return refs

    def _sites(self, ctx) -> dict[str, str]:
        sites = {}
        for _, item in ctx.section_items("dispositifs", report=False):
            for _, site in ctx.list_items(item.get("sites"), "", report=False):
                if isinstance(site.get("finess"), str) and isinstance(item.get("finess"), str):
                    sites[site["finess"].strip()] = item["finess"].strip()
        if ctx.organisme_id:
            sites.update(
                Site.objects.filter(organisme_id=ctx.organisme_id).values_list("finess", "dispositif__finess")
            )
        return sites

    # --- validation -----------------------------------------------------------------------------------------

    def validate(self, document, ctx: ImportContext):
        items = ctx.section_items("evenements")
        if not items:
            return
        known = known_dispositif_finess(ctx)
        natures = self._natures(ctx, known)
        jeune_refs = {
            j.get("ref").strip()
            for _, item in items
            for j in (item.get("jeunes") if isinstance(item.get("jeunes"), list) else [])
            if isinstance(j, dict) and isinstance(j.get("ref"), str)
        }
        jeunes = self._jeunes(ctx, jeune_refs)
        pros = self._refs(
            ctx, "professionnels",
            User.objects.filter(organisme_id=ctx.organisme_id, kind=AccountKind.PROFESSIONNEL).exclude(ref="")
            .values_list("ref", flat=True) if ctx.organisme_id else [],
        )  # fmt: skip
        partenaires = self._refs(
            ctx, "partenaires",
            Partenaire.objects.filter(organisme_id=ctx.organisme_id).exclude(ref="").values_list("ref", flat=True)
            if ctx.organisme_id else [],
        )  # fmt: skip
        sites = self._sites(ctx)
        serafin = _serafin_codes(ctx)
        seen = {}
        for index, item in items:
            path = chemin("evenements", index)
            ctx.unknown_keys(item, self.FIELDS, path)
            ref = ctx.text(item, "ref", path, max_length=100)
            ctx.duplicate(seen, ref, chemin(path, "ref"), "Référence d'événement")
            finess = ctx.text(item, "dispositif", path, max_length=9)
            if finess and finess not in known:
                ctx.error(chemin(path, "dispositif"), f"Dispositif inconnu « {finess} ».")
                finess = None
            debut = ctx.iso_datetime(item, "debut", path)
            fin = ctx.iso_datetime(item, "fin", path)
            if debut and fin and fin <= debut:
                ctx.error(chemin(path, "fin"), "La fin doit être postérieure au début.")
            code = ctx.text(item, "nature", path, max_length=50)
            nature = natures.get((finess, code)) if finess and code else None
            if finess and code and nature is None:
                ctx.error(
                    chemin(path, "nature"),
                    f"Nature inconnue « {code} » dans le dispositif {finess} : ajoutez-la à la section « natures ».",
                )
            cadre = ctx.choice(item, "cadre", path, Cadre, what="Cadre", required=False)
            if nature and cadre and nature["cadre"] and cadre != nature["cadre"]:
                ctx.error(
                    chemin(path, "cadre"), f"Le cadre « {cadre} » ne correspond pas à la nature « {code} » "
                    f"(cadre « {nature['cadre']} »).",
                )  # fmt: skip
            cadre = (nature or {}).get("cadre") or cadre
            modalite = ctx.choice(item, "modalite", path, Modalite, what="Modalité", required=False)
            if cadre == Cadre.DIRECT and not modalite and not item.get("modalite"):
                ctx.error(chemin(path, "modalite"), "La modalité est obligatoire pour un événement direct.")
            if cadre == Cadre.DIRECT and code != "transport" and not item.get("jeunes"):
                ctx.error(chemin(path, "jeunes"), "Un événement direct se fait avec au moins un jeune.")
            ctx.choice(item, "statut", path, StatutEvenement, what="Statut", required=False)
            _boolean(ctx, item, "hors_prestation", path)
            visible = _boolean(ctx, item, "visible_famille", path)
            if visible and nature and nature["discrete"]:
                ctx.error(chemin(path, "visible_famille"), f"La nature « {code} » est discrète : jamais visible "
                          "par les familles.")  # fmt: skip
            code_serafin = ctx.text(item, "serafin", path, required=False, max_length=20)
            if code_serafin and code_serafin not in serafin:
                ctx.error(
                    chemin(path, "serafin"),
                    f"Code SERAFIN-PH inconnu « {code_serafin} » (nomenclature version {SERAFIN_VERSION}).",
                )
            ctx.text(item, "titre", path, required=False, max_length=200)
            lieu = ctx.choice(item, "lieu", path, TypeLieu, what="Lieu", required=False)
            site = ctx.text(item, "site", path, required=False, max_length=9)
            if site and sites.get(site) != finess:
                ctx.error(chemin(path, "site"), f"Site inconnu « {site} » dans ce dispositif.")
            ctx.text(item, "lieu_detail", path, required=False, max_length=200)
            ctx.text(item, "commentaire", path, required=False, max_length=5000)
            partenaire = item.get("partenaire")
            if partenaire is not None and (not isinstance(partenaire, str) or partenaire.strip() not in partenaires):
                ctx.error(chemin(path, "partenaire"), f"Partenaire inconnu « {partenaire} ».")
            if not partenaire and (cadre == Cadre.APPUI_RESSOURCES or lieu == TypeLieu.PARTENAIRE):
                ctx.error(chemin(path, "partenaire"), "Le partenaire est obligatoire pour une intervention "
                          "d'appui-ressources ou un événement chez un partenaire.")  # fmt: skip
            self._validate_pros(ctx, item, path, pros)
            self._validate_jeunes(ctx, item, path, jeunes, finess, cadre)

    def _validate_pros(self, ctx, item, path, pros):
        value = item.get("professionnels")
        if value is None:
            return
        if not isinstance(value, list):
            ctx.error(chemin(path, "professionnels"), "« professionnels » doit être une liste de références.")
            return
        for i, ref in enumerate(value):
            if not isinstance(ref, str) or ref.strip() not in pros:
                ctx.error(chemin(path, "professionnels", i), f"Professionnel inconnu « {ref} ».")
        if len({str(r) for r in value}) != len(value):
            ctx.error(chemin(path, "professionnels"), "Un professionnel est cité deux fois.")

    def _validate_jeunes(self, ctx, item, path, jeunes, finess, cadre):
        value = item.get("jeunes")
        if value is None:
            return
        seen = {}
        for i, jeune in ctx.list_items(value, chemin(path, "jeunes")):
            j_path = chemin(path, "jeunes", i)
            ctx.unknown_keys(jeune, self.JEUNE_KEYS, j_path)
            ref = ctx.text(jeune, "ref", j_path, max_length=100)
            ctx.duplicate(seen, ref, chemin(j_path, "ref"), "Jeune")
            if ref and ref not in jeunes:
                ctx.error(chemin(j_path, "ref"), f"Jeune inconnu « {ref} ».")
            elif ref and finess and finess not in jeunes[ref]:
                ctx.error(chemin(j_path, "ref"), f"Le jeune « {ref} » n'a pas de dossier dans le dispositif {finess}.")
            presence = ctx.choice(jeune, "presence", j_path, Presence, what="Présence", required=False)
            if presence and cadre and cadre != Cadre.DIRECT:
                ctx.error(
                    chemin(j_path, "presence"), "La présence ne s'indique que pour un événement direct (sinon null)."
                )
            motif = ctx.choice(jeune, "motif", j_path, MotifAbsence, what="Motif d'absence", required=False)
            if motif and presence not in (Presence.ABSENT_PREVU, Presence.ABSENT_IMPREVU):
                ctx.error(chemin(j_path, "motif"), "Un motif d'absence ne s'indique que pour un jeune absent.")

    # --- writing --------------------------------------------------------------------------------------------

    def write(self, document, ctx: ImportContext):
        items = ctx.section_items("evenements", report=False)
        if not items:
            return
        org = ctx.organisme_id
        jeune_refs = {j["ref"].strip() for _, item in items for j in item.get("jeunes") or []}
        jeunes = {j.ref: j for j in Jeune.objects.filter(organisme_id=org, ref__in=jeune_refs)}
        users = {
            u.ref: u
            for u in User.objects.filter(
                organisme_id=org, ref__in={r.strip() for _, item in items for r in item.get("professionnels") or []}
            )
        }
        partenaires = {p.ref: p for p in Partenaire.objects.filter(organisme_id=org).exclude(ref="")}
        sites = {s.finess: s for s in Site.objects.filter(organisme_id=org)}
        natures = {(n.dispositif_id, n.code): n for n in Nature.objects.filter(organisme_id=org)}
        existing = {
            ev.ref: ev
            for ev in Evenement.objects.filter(organisme_id=org, ref__in=[item["ref"].strip() for _, item in items])
            .select_related("nature")
            .prefetch_related("participations_jeunes", "participations_professionnels")
        }
        for index, item in items:
            ctx.current_path = chemin("evenements", index)
            dispositif = dispositif_for(ctx, item["dispositif"].strip())
            code = item["nature"].strip()
            nature = natures.get((dispositif.pk, code))
            if nature is None:
                natures_par_defaut(dispositif=dispositif, actor=ctx.actor)
                natures.update({(n.dispositif_id, n.code): n for n in Nature.objects.filter(dispositif=dispositif)})
                nature = natures[(dispositif.pk, code)]
            partenaire_ref = (item.get("partenaire") or "").strip()
            values = {
                "nature": nature,
                "debut": datetime.datetime.fromisoformat(item["debut"].strip()),
                "fin": datetime.datetime.fromisoformat(item["fin"].strip()),
                "titre": (item.get("titre") or "").strip(),
                "modalite": (item.get("modalite") or "").strip() if nature.cadre == Cadre.DIRECT else "",
                "lieu_type": (item.get("lieu") or "").strip()
                or (TypeLieu.PARTENAIRE if nature.cadre == Cadre.APPUI_RESSOURCES else TypeLieu.SITE),
                "site": sites.get((item.get("site") or "").strip()) if item.get("site") else None,
                "lieu_detail": (item.get("lieu_detail") or "").strip(),
                "partenaire": partenaires.get(partenaire_ref) if partenaire_ref else None,
                "commentaire": (item.get("commentaire") or "").strip(),
            }
            statut = (item.get("statut") or StatutEvenement.PREVU).strip()
            hors = item.get("hors_prestation")
            visible = item.get("visible_famille")
            serafin = (item.get("serafin") or "").strip() or None
            youth_items = item.get("jeunes") or []
            jeune_objs = [jeunes[j["ref"].strip()] for j in youth_items]
            presences = {
                jeunes[j["ref"].strip()].pk: ((j.get("presence") or ""), (j.get("motif") or "")) for j in youth_items
            }
            pro_objs = [users[r.strip()] for r in item.get("professionnels") or []]
            ev = existing.get(item["ref"].strip())
            if ev is None:
                evenement_create(
                    dispositif=dispositif, actor=ctx.actor, request=ctx.request, ref=item["ref"].strip(),
                    statut=statut, hors_prestation=hors, visible_famille=visible, serafin_code=serafin,
                    jeunes=jeune_objs, professionnels=pro_objs, presences=presences, presents_par_defaut=False,
                    **values,
                )  # fmt: skip
                ctx.count("evenements", "crees")
                continue
            changes = self._changes(ev, values, statut=statut, hors=hors, visible=visible, serafin=serafin,
                                    jeunes=jeune_objs, pros=pro_objs)  # fmt: skip
            current_presences = {
                p.jeune_id: (p.presence, p.motif_absence) for p in ev.participations_jeunes.all()
            }  # fmt: skip
            if changes:
                ev = evenement_update(evenement=ev, actor=ctx.actor, request=ctx.request, **changes)
                current_presences = {
                    p.jeune_id: (p.presence, p.motif_absence) for p in ev.participations_jeunes.all()
                }  # fmt: skip
            changed_presences = {j: v for j, v in presences.items() if current_presences.get(j) != v}
            if changed_presences:
                presences_set(evenement=ev, presences=changed_presences, actor=ctx.actor, request=ctx.request)
            ctx.count("evenements", "modifies" if changes or changed_presences else "inchanges")
        ctx.current_path = ""

    def _changes(self, ev, values, *, statut, hors, visible, serafin, jeunes, pros) -> dict:
        changes = {name: value for name, value in values.items() if getattr(ev, name) != value}
        if "nature" in changes:
            changes["nature"] = values["nature"]
        if ev.statut != statut:
            changes["statut"] = statut
        nature = values["nature"]
        want_hors = nature.hors_prestation if hors is None else hors
        if ev.hors_prestation != want_hors:
            changes["hors_prestation"] = want_hors
        want_visible = (nature.visible_famille if visible is None else visible) and not nature.discrete
        if ev.visible_famille != want_visible:
            changes["visible_famille"] = want_visible
        want_serafin = serafin or nature.serafin_code
        if ev.serafin_code != want_serafin:
            changes["serafin_code"] = want_serafin
        if {p.jeune_id for p in ev.participations_jeunes.all()} != {j.pk for j in jeunes}:
            changes["jeunes"] = jeunes
        if {p.user_id for p in ev.participations_professionnels.all()} != {u.pk for u in pros}:
            changes["professionnels"] = pros
        return changes


def register():
    register_section("natures", NaturesSection(), 60)
    register_section("evenements", EvenementsSection(), 70)
