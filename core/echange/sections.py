"""Sections of the core app: ``organisme``, ``dispositifs`` (with their yearly parameters), ``sites`` (nested in
``dispositifs[].sites``) and ``professionnels``.

Keys of idempotence: the organisme by its FINESS juridique, dispositifs and sites by their FINESS, professionals by
``ref``. Only values that changed are written (so a re-import writes no audit rows but the import summary).
"""

import datetime

from django.utils import timezone

from core.auth import lookup_email
from core.echange.context import ImportContext, chemin
from core.echange.registry import register_section
from core.enums import AccountKind, Metier, Modalite
from core.models import Affectation, Dispositif, DispositifAnnee, Organisme, Site, User
from core.services.organisation import (
    account_create,
    account_update,
    affectation_end,
    affectation_save,
    dispositif_annee_save,
    dispositif_save,
    find_organisme_id_by_finess,
    organisme_create,
    organisme_update,
    site_save,
)


def _changes(obj, values: dict) -> list[str]:
    """Set the values that differ on ``obj``; return the names of the changed fields."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def dispositif_for(ctx: ImportContext, finess: str) -> Dispositif:
    """The dispositif with this FINESS: written by the dispositifs section, or already in the organisme."""
    key = ("dispositif", finess)
    if key not in ctx.objects:
        ctx.objects[key] = Dispositif.objects.get(organisme_id=ctx.organisme_id, finess=finess)
    return ctx.objects[key]


def known_dispositif_finess(ctx: ImportContext) -> set[str]:
    """FINESS of the dispositifs of the document and of those the organisme already has."""
    key = ("known_dispositif_finess",)
    if key not in ctx.objects:
        in_document = {
            item.get("finess") for _, item in ctx.section_items("dispositifs", report=False) if item.get("finess")
        }
        existing = set()
        if ctx.organisme_id:
            existing = set(Dispositif.objects.filter(organisme_id=ctx.organisme_id).values_list("finess", flat=True))
        ctx.objects[key] = in_document | existing
    return ctx.objects[key]


class OrganismeSection:
    """The organisme the document describes, found by its FINESS juridique."""

    FIELDS = {"nom", "finess_juridique"}

    def validate(self, document, ctx):
        data = document.get("organisme")
        if not isinstance(data, dict):
            ctx.error("organisme", "La section « organisme » est obligatoire (objet avec nom et finess_juridique).")
            return
        ctx.unknown_keys(data, self.FIELDS, "organisme")
        ctx.text(data, "nom", "organisme")
        finess = ctx.finess(data, "finess_juridique", "organisme")
        if not finess:
            return
        found = find_organisme_id_by_finess(finess)
        if ctx.expected_organisme_id is not None and found != ctx.expected_organisme_id:
            ctx.error(
                "organisme.finess_juridique",
                "Ce document concerne un autre organisme que le vôtre : vous ne pouvez importer que dans votre "
                "propre organisme.",
                forbidden=True,
            )
            return
        if found is None and not ctx.create_organisme:
            ctx.error("organisme.finess_juridique", f"Aucun organisme n'a le FINESS juridique « {finess} ».")
            return
        ctx.organisme_id = found

    def write(self, document, ctx):
        data = document["organisme"]
        nom = data["nom"].strip()
        ctx.current_path = "organisme"
        if ctx.organisme_id is None:
            ctx.organisme = organisme_create(
                nom=nom, finess_juridique=data["finess_juridique"].strip(), actor=ctx.actor
            )
            ctx.organisme_id = ctx.organisme.pk
            ctx.count("organisme", "crees")
            return
        ctx.organisme = Organisme.objects.get(pk=ctx.organisme_id)
        if ctx.organisme.nom != nom:
            organisme_update(organisme=ctx.organisme, actor=ctx.actor, request=ctx.request, nom=nom)
            ctx.count("organisme", "modifies")
        else:
            ctx.count("organisme", "inchanges")


class DispositifsSection:
    """Dispositifs by FINESS principal, with ``places`` per modalité and ``jours_ouverture``.

    ``places`` and ``jours_ouverture`` give one ``DispositifAnnee`` row per year covered by the document's events
    (``document_years``: the current year when the document has no events). A modalité missing from ``places``
    has 0 financed places; without ``places`` nor ``jours_ouverture`` no yearly row is written.
    """

    FIELDS = {"finess", "nom", "places", "jours_ouverture", "sites"}

    def validate(self, document, ctx):
        seen = {}
        for index, item in ctx.section_items("dispositifs"):
            path = chemin("dispositifs", index)
            ctx.unknown_keys(item, self.FIELDS, path)
            finess = ctx.finess(item, "finess", path)
            ctx.duplicate(seen, finess, chemin(path, "finess"), "FINESS de dispositif")
            ctx.text(item, "nom", path)
            places = item.get("places")
            if places is not None:
                if not isinstance(places, dict):
                    ctx.error(chemin(path, "places"), "« places » doit être un objet (places par modalité).")
                else:
                    ctx.unknown_keys(places, set(Modalite.values), chemin(path, "places"))
                    for modalite in Modalite.values:
                        ctx.integer(places, modalite, chemin(path, "places"), maximum=10000, required=False)
            ctx.integer(item, "jours_ouverture", path, maximum=366, required=False)

    def write(self, document, ctx):
        items = [item for _, item in ctx.section_items("dispositifs", report=False)]
        existing = {
            d.finess: d
            for d in Dispositif.objects.filter(
                organisme_id=ctx.organisme_id, finess__in=[i["finess"].strip() for i in items]
            )
        }
        years = ctx.years()
        for index, item in enumerate(items):
            ctx.current_path = chemin("dispositifs", index)
            finess = item["finess"].strip()
            dispositif = existing.get(finess)
            if dispositif is None:
                dispositif = Dispositif(organisme_id=ctx.organisme_id, finess=finess, nom=item["nom"].strip())
                dispositif_save(dispositif=dispositif, actor=ctx.actor, request=ctx.request)
                ctx.count("dispositifs", "crees")
            elif changed := _changes(dispositif, {"nom": item["nom"].strip()}):
                dispositif_save(dispositif=dispositif, actor=ctx.actor, request=ctx.request, changed=changed)
                ctx.count("dispositifs", "modifies")
            else:
                ctx.count("dispositifs", "inchanges")
            ctx.objects[("dispositif", finess)] = dispositif
            if item.get("places") is not None or item.get("jours_ouverture") is not None:
                self._write_annees(ctx, dispositif, item, years)

    def _write_annees(self, ctx, dispositif, item, years):
        places = item.get("places") or {}
        values = {f"places_{m}": places.get(m, 0) for m in Modalite.values}
        if item.get("jours_ouverture") is not None:
            values["jours_ouverture"] = item["jours_ouverture"]
        existing = {
            a.annee: a
            for a in DispositifAnnee.objects.filter(
                organisme_id=ctx.organisme_id, dispositif=dispositif, annee__in=years
            )
        }
        for year in years:
            annee = existing.get(year)
            if annee is None:
                annee = DispositifAnnee(organisme_id=ctx.organisme_id, dispositif=dispositif, annee=year, **values)
                dispositif_annee_save(annee=annee, actor=ctx.actor, request=ctx.request)
                ctx.count("parametres_annuels", "crees")
            elif changed := _changes(annee, values):
                dispositif_annee_save(annee=annee, actor=ctx.actor, request=ctx.request, changed=changed)
                ctx.count("parametres_annuels", "modifies")
            else:
                ctx.count("parametres_annuels", "inchanges")


def _site_items(ctx: ImportContext, *, report: bool):
    for d_index, dispositif in ctx.section_items("dispositifs", report=False):
        path = chemin("dispositifs", d_index, "sites")
        for s_index, site in ctx.list_items(dispositif.get("sites"), path, report=report):
            yield dispositif, chemin(path, s_index), site


class SitesSection:
    """Sites (FINESS géographique) nested under their dispositif in ``dispositifs[].sites``, with their modalités.

    A site already known by its FINESS is updated, and moved to the dispositif the document puts it under.
    """

    FIELDS = {"finess", "nom", "modalites", "adresse"}

    def validate(self, document, ctx):
        seen = {}
        for _dispositif, path, item in _site_items(ctx, report=True):
            ctx.unknown_keys(item, self.FIELDS, path)
            finess = ctx.finess(item, "finess", path)
            ctx.duplicate(seen, finess, chemin(path, "finess"), "FINESS de site")
            ctx.text(item, "nom", path)
            ctx.text(item, "adresse", path, required=False, max_length=1000)
            modalites = item.get("modalites")
            if not isinstance(modalites, list) or not modalites:
                ctx.error(
                    chemin(path, "modalites"),
                    f"« modalites » doit être une liste non vide parmi : {', '.join(Modalite.values)}.",
                )
                continue
            for m_index, modalite in enumerate(modalites):
                if modalite not in Modalite.values:
                    ctx.error(
                        chemin(path, "modalites", m_index),
                        f"Modalité inconnue « {modalite} ». Valeurs possibles : {', '.join(Modalite.values)}.",
                    )
            if len(set(map(str, modalites))) != len(modalites):
                ctx.error(chemin(path, "modalites"), "Une modalité est répétée.")

    def write(self, document, ctx):
        entries = list(_site_items(ctx, report=False))
        existing = {
            s.finess: s
            for s in Site.objects.filter(
                organisme_id=ctx.organisme_id, finess__in=[item["finess"].strip() for _, _, item in entries]
            )
        }
        for dispositif_item, path, item in entries:
            ctx.current_path = path
            dispositif = dispositif_for(ctx, dispositif_item["finess"].strip())
            finess = item["finess"].strip()
            values = {"dispositif": dispositif, "nom": item["nom"].strip(), "modalites": list(item["modalites"])}
            if "adresse" in item:
                values["adresse"] = (item["adresse"] or "").strip()
            site = existing.get(finess)
            if site is None:
                site = Site(organisme_id=ctx.organisme_id, finess=finess, **values)
                site_save(site=site, actor=ctx.actor, request=ctx.request)
                ctx.count("sites", "crees")
            elif changed := _changes(site, values):
                site_save(site=site, actor=ctx.actor, request=ctx.request, changed=changed)
                ctx.count("sites", "modifies")
            else:
                ctx.count("sites", "inchanges")


class ProfessionnelsSection:
    """Professional accounts (by ``ref``) and their affectation (métier on a dispositif).

    Accounts are created without a password and no email is sent: the administration invites them later. The
    section manages one affectation per professional: if the professional already has an active affectation on
    that dispositif with another métier, it is ended yesterday and a new one starts today (or corrected in place
    if it started today). Affectations on other dispositifs are left as they are.
    """

    FIELDS = {"ref", "nom", "prenom", "email", "metier", "dispositif"}

    def validate(self, document, ctx):
        items = ctx.section_items("professionnels")
        refs = [item.get("ref").strip() for _, item in items if isinstance(item.get("ref"), str)]
        by_ref = (
            {u.ref: u for u in User.objects.filter(organisme_id=ctx.organisme_id, ref__in=refs)}
            if ctx.organisme_id
            else {}
        )
        seen_refs, seen_emails = {}, {}
        known = known_dispositif_finess(ctx)
        for index, item in items:
            path = chemin("professionnels", index)
            ctx.unknown_keys(item, self.FIELDS, path)
            ref = ctx.text(item, "ref", path, max_length=100)
            ctx.duplicate(seen_refs, ref, chemin(path, "ref"), "Référence de professionnel")
            ctx.text(item, "nom", path, max_length=150)
            ctx.text(item, "prenom", path, max_length=150)
            email = ctx.email(item, "email", path)
            ctx.duplicate(seen_emails, email, chemin(path, "email"), "Adresse électronique")
            ctx.choice(item, "metier", path, Metier, what="Métier")
            finess = ctx.finess(item, "dispositif", path)
            if finess and finess not in known:
                ctx.error(
                    chemin(path, "dispositif"),
                    f"Dispositif inconnu : ni le document ni l'organisme n'ont de dispositif de FINESS « {finess} ».",
                )
            user = by_ref.get(ref)
            if user is not None and user.kind != AccountKind.PROFESSIONNEL:
                ctx.error(
                    chemin(path, "ref"), f"La référence « {ref} » désigne un compte qui n'est pas professionnel."
                )
            if email and (user is None or user.email != email):
                found = lookup_email(email)
                if found is not None and (user is None or found[0] != user.pk):
                    ctx.error(
                        chemin(path, "email"), "Cette adresse électronique est déjà utilisée par un autre compte."
                    )

    def write(self, document, ctx):
        items = [item for _, item in ctx.section_items("professionnels", report=False)]
        by_ref = {
            u.ref: u
            for u in User.objects.filter(
                organisme_id=ctx.organisme_id, ref__in=[item["ref"].strip() for item in items]
            )
        }
        active = {}
        for affectation in Affectation.objects.filter(user__in=by_ref.values()).active_on_today():
            active.setdefault(affectation.user_id, []).append(affectation)
        for index, item in enumerate(items):
            ctx.current_path = chemin("professionnels", index)
            ref = item["ref"].strip()
            values = {
                "first_name": item["prenom"].strip(),
                "last_name": item["nom"].strip(),
                "email": item["email"].strip().lower(),
            }
            user = by_ref.get(ref)
            if user is None:
                user = account_create(
                    organisme=ctx.organisme,
                    kind=AccountKind.PROFESSIONNEL,
                    ref=ref,
                    actor=ctx.actor,
                    request=ctx.request,
                    **values,
                )
                ctx.count("professionnels", "crees")
            else:
                changed = {name: value for name, value in values.items() if getattr(user, name) != value}
                if changed:
                    account_update(user=user, actor=ctx.actor, request=ctx.request, **changed)
                    ctx.count("professionnels", "modifies")
                else:
                    ctx.count("professionnels", "inchanges")
            dispositif = dispositif_for(ctx, item["dispositif"].strip())
            self._write_affectation(ctx, user, dispositif, item["metier"].strip(), active.get(user.pk, []))

    def _write_affectation(self, ctx, user, dispositif, metier, active):
        if any(a.dispositif_id == dispositif.pk and a.metier == metier for a in active):
            ctx.count("affectations", "inchanges")
            return
        today = timezone.localdate()
        current = next((a for a in active if a.dispositif_id == dispositif.pk), None)
        if current is not None and current.debut >= today:
            current.metier = metier
            affectation_save(affectation=current, actor=ctx.actor, request=ctx.request)
            ctx.count("affectations", "modifies")
            return
        if current is not None:
            affectation_end(
                affectation=current, fin=today - datetime.timedelta(days=1), actor=ctx.actor, request=ctx.request
            )
        affectation = Affectation(
            organisme_id=ctx.organisme_id, user=user, dispositif=dispositif, metier=metier, debut=today
        )
        affectation_save(affectation=affectation, actor=ctx.actor, request=ctx.request)
        ctx.count("affectations", "modifies" if current is not None else "crees")


register_section("organisme", OrganismeSection(), 0)
register_section("dispositifs", DispositifsSection(), 10)
register_section("sites", SitesSection(), 20, keys=())
register_section("professionnels", ProfessionnelsSection(), 30)
