"""The two PDFs of a PPA version (WeasyPrint through ``dossiers.pdf.render_pdf``):

- ``ppa/pdf/ppa.html``: the plan as agreed — header with the organisme, the dispositif and their FINESS; the
  youth's identity; the attentes in their own words; besoins and prestations with their SERAFIN-PH labels; the
  objectives with their actions, référent and dates; the agreements with the drawn signatures (re-validated path
  data, never the stored markup as is), « signature papier jointe », oral agreement, or refusal and comment; the
  version number and dates. A draft is printed with a « brouillon » watermark (work document).
- ``ppa/pdf/falc.html``: the easy-read version (facile à lire et à comprendre) for the youth: large type, one idea
  per line, per objective its ``phrase_falc`` (its title when empty), simple words, no codes.
"""

from django.utils import timezone
from django.utils.text import slugify

from ppa import selectors
from ppa.enums import ModeAccordPpa, StatutPpa


def contexte_pdf(version, dossier, *, actor=None) -> dict:
    """What both templates print (a fixed number of queries)."""
    from core.models import Organisme

    version = selectors.version_detail(version.pk)
    objectifs = list(version.objectifs.all())
    accords = sorted(version.accords.all(), key=lambda a: (a.signataire != "jeune", a.nom_signataire))
    referents = []
    for objectif in objectifs:
        if objectif.referent and objectif.referent not in referents:
            referents.append(objectif.referent)
    if dossier.referent and dossier.referent not in referents:
        referents.insert(0, dossier.referent)
    return {
        "titre": f"Projet personnalisé d'accompagnement — version {version.numero}",
        "organisme": Organisme.objects.get(pk=dossier.organisme_id),
        "dispositif": dossier.dispositif,
        "dossier": dossier,
        "jeune": dossier.jeune,
        "version": version,
        "objectifs": objectifs,
        "accords": accords,
        "accords_jeune": [a for a in accords if a.signataire == "jeune"],
        "referents": referents,
        "libelles": selectors.serafin_libelles(version.serafin_version),
        "brouillon": version.statut == StatutPpa.EN_ELABORATION,
        "modes": ModeAccordPpa,
        "edite_le": timezone.localtime(),
        "edite_par": actor,
        "prochaine_echeance": version.ppa.prochaine_echeance,
    }


def ppa_pdf(version, dossier, *, falc: bool = False, actor=None) -> tuple[bytes, str]:
    """(PDF bytes, file name) of ``version`` — the FALC one when ``falc``."""
    from dossiers.pdf import render_pdf

    context = contexte_pdf(version, dossier, actor=actor)
    template = "ppa/pdf/falc.html" if falc else "ppa/pdf/ppa.html"
    jeune = dossier.jeune
    nom = slugify(f"{jeune.prenom} {jeune.nom}") or "jeune"
    suffixe = "-facile-a-lire" if falc else ""
    return render_pdf(template, context), f"ppa-{nom}-v{context['version'].numero}{suffixe}.pdf"
