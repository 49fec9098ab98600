"""PPA PDFs: the validated plan and the easy-read (FALC) version — valid PDF bytes, what they print (the rendered
HTML), the audit row of the download, personas. ``PPA_PDF_DIR=/some/dir`` keeps the files to look at them."""

import datetime
import os

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from core.enums import AuditAction
from core.models import AuditEntry
from core.tenancy import tenant_context
from dossiers.models import Proche
from ppa.enums import ModeAccordPpa, Signataire, StatutPpa
from ppa.models import Accord, Action, Objectif
from ppa.pdf import contexte_pdf
from ppa.services.redaction import signature_nettoyer, signature_svg
from tests.ppa.conftest_suivi import make_version, sw_fixture  # noqa: F401

D = datetime.date
TRAIT = "M20 150 L60 60 L100 140 L140 50 L180 150 L220 80 L260 120 L320 70 L380 130 L440 90"


def _full_version(sw, statut=StatutPpa.VALIDE):
    version = make_version(
        sw.dossier, statut=statut, valide_le=D(2026, 1, 15) if statut != StatutPpa.EN_ELABORATION else None,
        date_debut=D(2026, 1, 15), date_revision=D(2026, 12, 15),
        objectifs=("Aller au collège tous les matins", "Mieux exprimer sa colère", "Apprendre à prendre le bus"),
        synthese="Léo a progressé en classe ; les crises sont moins fréquentes.",
    )  # fmt: skip
    with tenant_context(sw.organisme.pk):
        o1, o2, o3 = version.objectifs.order_by("ordre")
        Objectif.objects.filter(pk=o1.pk).update(
            phrase_falc="Je vais au collège tous les matins.", referent=sw.educateur,
            resultat_attendu="Présent 4 matins sur 5.", avis_jeune="Je veux bien mais pas le lundi.",
            date_fin=D(2026, 12, 15),
        )  # fmt: skip
        Objectif.objects.filter(pk=o2.pk).update(phrase_falc="Je dis avec des mots quand je suis en colère.",
                                                 besoin_code="1.2.1.2", prestations=["2.2.2", "2.1.1.3"])  # fmt: skip
        Action.objects.create(organisme_id=sw.organisme.pk, objectif=o1, libelle="Accompagnement au collège",
                              moyens="Éducateur le matin", frequence="4 matins par semaine",
                              responsable=sw.educateur)  # fmt: skip
        mere = Proche.objects.create(organisme_id=sw.organisme.pk, jeune=sw.jeune, nom="Durand", prenom="Anne",
                                     lien="MTH", representant_legal=True)  # fmt: skip
        pere = Proche.objects.create(organisme_id=sw.organisme.pk, jeune=sw.jeune, nom="Martin", prenom="Paul",
                                     lien="FTH", representant_legal=True)  # fmt: skip
        common = {"organisme_id": sw.organisme.pk, "version": version, "date": D(2026, 1, 14),
                  "recueilli_par": sw.educateur}  # fmt: skip
        Accord.objects.create(**common, signataire=Signataire.JEUNE, nom_signataire=f"{sw.jeune.prenom}",
                              mode=ModeAccordPpa.SIGNATURE_TABLETTE,
                              signature=signature_svg(signature_nettoyer(TRAIT)))  # fmt: skip
        Accord.objects.create(**common, signataire=Signataire.REPRESENTANT_LEGAL, proche=mere,
                              nom_signataire="Anne Durand", mode=ModeAccordPpa.SIGNATURE_SCANNEE)  # fmt: skip
        Accord.objects.create(**common, signataire=Signataire.REPRESENTANT_LEGAL, proche=pere,
                              nom_signataire="Paul Martin", mode=ModeAccordPpa.REFUS,
                              commentaire="Souhaite plus d'heures en classe.")  # fmt: skip
    return version


def _html(sw, version, template):
    with tenant_context(sw.organisme.pk):
        return render_to_string(template, contexte_pdf(version, sw.dossier, actor=sw.educateur))


def _keep(name, content):
    folder = os.environ.get("PPA_PDF_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, name), "wb") as fh:
            fh.write(content)


def test_pdf_of_the_validated_plan(client, sw, login_as):
    version = _full_version(sw)
    html = _html(sw, version, "ppa/pdf/ppa.html")
    assert sw.dispositif.nom in html and f"FINESS : {sw.dispositif.finess}" in html
    assert sw.organisme.nom in html
    assert "« Je veux aller au collège. »" in html and "« Qu&#x27;il se fasse des amis. »" in html
    assert "1.3.3.1" in html and "Besoins en lien avec la vie scolaire et étudiante" in html
    assert "Accompagnements pour mener sa vie d&#x27;élève" in html
    assert "Accompagnement au collège" in html and "4 matins par semaine" in html
    assert "<svg" in html and "M20 150 L60 60" in html  # the drawn signature, rebuilt from its path data
    assert "Signature papier jointe" in html
    assert "Refus" in html and "Souhaite plus d&#x27;heures en classe." in html
    assert "Version 1" in html and "validée le 15/01/2026" in html
    assert "BROUILLON" not in html
    login_as(sw.educateur)
    response = client.get(reverse("ppa:pdf", args=[version.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 5000
    assert response["Content-Disposition"].endswith('-v1.pdf"')
    _keep("ppa.pdf", response.content)
    with tenant_context(sw.organisme.pk):
        entry = AuditEntry.objects.get(action=AuditAction.EXPORT, record_type="ppa.ppaversion")
        assert entry.details == {"format": "pdf"} and entry.actor == sw.educateur


def test_pdf_falc(client, sw, login_as):
    version = _full_version(sw)
    html = _html(sw, version, "ppa/pdf/falc.html")
    assert "Je vais au collège tous les matins." in html
    assert "Je dis avec des mots quand je suis en colère." in html
    assert "Apprendre à prendre le bus" in html  # no phrase_falc: its title
    assert "1.3.3.1" not in html and "SERAFIN" not in html  # no codes
    assert "font-size: 17pt" in html
    assert "j'ai dit que j'étais d'accord avec mon projet" in html
    login_as(sw.lecteur)
    response = client.get(reverse("ppa:pdf_falc", args=[version.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    _keep("ppa-falc.pdf", response.content)
    with tenant_context(sw.organisme.pk):
        assert AuditEntry.objects.filter(action=AuditAction.EXPORT, details__format="pdf_falc").count() == 1


def test_draft_gets_a_watermark(client, sw, login_as):
    version = _full_version(sw, statut=StatutPpa.EN_ELABORATION)
    assert "BROUILLON" in _html(sw, version, "ppa/pdf/ppa.html")
    assert "pas encore terminé" in _html(sw, version, "ppa/pdf/falc.html")
    login_as(sw.educateur)
    response = client.get(reverse("ppa:pdf", args=[version.pk]))
    assert response.status_code == 200
    _keep("ppa-brouillon.pdf", response.content)


@pytest.mark.parametrize("persona", ["autre_educateur", "proche", "jeune"])
def test_pdf_personas(client, sw, login_as, persona):
    version = make_version(sw.dossier)
    login_as(getattr(sw.w, persona))
    assert client.get(reverse("ppa:pdf", args=[version.pk])).status_code == 404
    assert client.get(reverse("ppa:pdf_falc", args=[version.pk])).status_code == 404
