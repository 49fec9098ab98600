"""Exchange-format section ``partenaires`` (registered from ``DossiersConfig.ready``).

Partners are keyed by ``ref``; ``type`` is one of the codes of ``TypePartenaire``. Optional contact fields
(``adresse``, ``telephone``, ``email``) fill the directory when the source tool has them.
"""

from core.echange import ImportContext, chemin, register_section
from core.enums import TypePartenaire
from dossiers.models import Partenaire
from dossiers.services.partenaires import partenaire_save


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


def register():
    register_section("partenaires", PartenairesSection(), 40)
