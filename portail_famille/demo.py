"""Demo step of the portal (accounts and reading part, order 60): the demo logins ``famille@`` (Léo's représentant
légal) and ``jeune@`` (Léo) get their active accesses; Léo's other représentant légal and a few other families are
invited (pending: their accounts have no password, like every generated account); one access is suspended; the
family uploaded a document waiting in the team's inbox and declared an absence the team has to take into account.
"""

import datetime

from django.utils import timezone

from core.enums import AccountKind
from core.models import User
from core.services.organisation import account_create
from portail_famille.enums import Espace, StatutAcces

PDF_DEMO = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> "
    b"endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def _acces(*, user, jeune, proche, statut, invite_par, now, **droits):
    from portail_famille.models import AccesPortail

    acces, _ = AccesPortail.objects.get_or_create(
        organisme_id=jeune.organisme_id, user=user, jeune=jeune,
        defaults={
            "proche": proche, "espace": Espace.FAMILLE if proche else Espace.JEUNE, "statut": statut,
            "invite_par": invite_par, "invite_le": now - datetime.timedelta(days=20),
            "active_le": now - datetime.timedelta(days=19) if statut == StatutAcces.ACTIF else None, **droits,
        },
    )  # fmt: skip
    from dossiers.models import Proche

    if proche is not None and proche.compte_id is None and not Proche.objects.filter(compte=user).exists():
        proche.compte = user
        proche.save(update_fields=["compte"])
    return acces


def _compte(organisme, proche, kind=AccountKind.PROCHE):
    existing = User.objects.filter(organisme=organisme, email__iexact=proche.email).first()
    if existing is not None:
        return existing if existing.kind == kind else None
    return account_create(
        organisme=organisme, kind=kind, email=proche.email, first_name=proche.prenom, last_name=proche.nom, actor=None
    )


def portail_demo_step(organisme, plan, rng):
    from dossiers.models import Jeune, Proche
    from portail_famille.services.comptes import acces_suspendre
    from portail_famille.services.famille import absence_declarer_famille, document_deposer

    now = timezone.now()
    famille = User.objects.filter(organisme=organisme, ref="demo-famille").first()
    compte_jeune = User.objects.filter(organisme=organisme, ref="demo-jeune").first()
    if famille is None or compte_jeune is None:
        return
    leo = Jeune.objects.get(compte=compte_jeune)
    dossier = leo.dossiers.filter(archived_at__isnull=True).select_related("referent").first()
    equipe = (dossier.referent if dossier else None) or User.objects.filter(
        organisme=organisme, kind=AccountKind.PROFESSIONNEL, is_active=True
    ).order_by("pk").first()
    proche_famille = Proche.objects.filter(compte=famille).first()
    acces_famille = _acces(user=famille, jeune=leo, proche=proche_famille, statut=StatutAcces.ACTIF,
                           invite_par=equipe, now=now)  # fmt: skip
    _acces(user=compte_jeune, jeune=leo, proche=None, statut=StatutAcces.ACTIF, invite_par=equipe, now=now,
           voir_journal=False)  # fmt: skip
    # Léo's other représentant légal (separated parents: each their own access), invited.
    for proche in leo.proches.filter(representant_legal=True).exclude(compte=famille).exclude(email=""):
        user = _compte(organisme, proche)
        if user is not None:
            _acces(user=user, jeune=leo, proche=proche, statut=StatutAcces.INVITE, invite_par=equipe, now=now,
                   voir_journal=False)  # fmt: skip
    # A few other families invited; one access suspended.
    autres = list(
        Proche.objects.filter(representant_legal=True, compte__isnull=True, jeune__dossiers__archived_at__isnull=True)
        .exclude(jeune=leo)
        .exclude(email="")
        .select_related("jeune")
        .order_by("pk")
        .distinct()[:6]
    )
    for index, proche in enumerate(autres):
        user = _compte(organisme, proche)
        if user is None:
            continue
        acces = _acces(user=user, jeune=proche.jeune, proche=proche, statut=StatutAcces.INVITE, invite_par=equipe,
                       now=now)  # fmt: skip
        if index == 0:
            acces_suspendre(acces=acces, actor=equipe, motif="Ordonnance du juge des enfants : accès suspendu.")
    # The family's requests waiting for the team.
    if dossier is not None:
        document_deposer(acces=acces_famille, actor=famille, content=PDF_DEMO, nom_fichier="certificat-medical.pdf",
                         type="certificat_medical", titre="Certificat médical (dispense de sport)")  # fmt: skip
        debut = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0) + datetime.timedelta(
            days=7 - timezone.localtime(now).weekday() + 2
        )
        fin = debut + datetime.timedelta(days=1)
        absence_declarer_famille(acces=acces_famille, actor=famille, debut=debut, fin=fin, motif="rendez_vous",
                                 commentaire="Rendez-vous chez l'orthodontiste.")  # fmt: skip


def register() -> None:
    from core.demo import register_demo_step

    register_demo_step("portail_famille", portail_demo_step, order=60)
