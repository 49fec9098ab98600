"""Natures of events, configured per dispositif (format-echange-v1 default list, DOMAIN §5)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from agendas.enums import NATURES_PAR_DEFAUT, Cadre
from agendas.models import Nature
from agendas.services._common import audit, full_clean_save
from core.enums import AuditAction
from core.models import SerafinCode

SERAFIN_VERSION = "2023"
DISCRETES_PAR_DEFAUT = frozenset({"reunion_synthese", "reunion_partenaires", "reunion_equipe"})


def check_serafin(code: str, version: str = SERAFIN_VERSION, field: str = "serafin_code") -> None:
    if not SerafinCode.objects.filter(code=code, version=version).exists():
        raise ValidationError({field: f"Le code SERAFIN-PH « {code} » n'existe pas dans la version {version}."})


@transaction.atomic
def natures_par_defaut(*, dispositif, actor=None) -> list[Nature]:
    """Create the default natures the dispositif lacks (idempotent); returns the created ones."""
    existing = set(Nature.objects.filter(dispositif=dispositif).values_list("code", flat=True))
    created = [
        Nature(
            organisme_id=dispositif.organisme_id,
            dispositif=dispositif,
            code=code,
            libelle=libelle,
            cadre=cadre,
            serafin_code=serafin,
            serafin_version=SERAFIN_VERSION,
            hors_prestation=hors_prestation,
            discrete=code in DISCRETES_PAR_DEFAUT,
            visible_famille=code not in DISCRETES_PAR_DEFAUT and cadre != Cadre.INSTITUTIONNEL,
        )
        for code, (libelle, cadre, serafin, hors_prestation) in NATURES_PAR_DEFAUT.items()
        if code not in existing
    ]
    if created:
        Nature.objects.bulk_create(created)
        audit(actor, AuditAction.CREATE, dispositif, None, natures_par_defaut=[n.code for n in created])
    return created


@transaction.atomic
def nature_save(
    *, dispositif, code: str, libelle: str, cadre: str, serafin_code: str, actor, nature: Nature | None = None,
    hors_prestation: bool = False, discrete: bool = False, visible_famille: bool = True, is_active: bool = True,
    request=None,
) -> Nature:  # fmt: skip
    """Create or update a nature. A change applies to events saved afterwards only (events keep their copy)."""
    check_serafin(serafin_code)
    creating = nature is None
    if creating:
        nature = Nature(organisme_id=dispositif.organisme_id, dispositif=dispositif)
        if Nature.objects.filter(dispositif=dispositif, code=code).exists():
            raise ValidationError({"code": f"Une nature de code « {code} » existe déjà dans ce dispositif."})
    elif nature.dispositif_id != dispositif.pk:
        raise ValidationError("Cette nature appartient à un autre dispositif.")
    nature.code, nature.libelle, nature.cadre = code, libelle, cadre
    nature.serafin_code, nature.serafin_version = serafin_code, SERAFIN_VERSION
    nature.hors_prestation, nature.discrete, nature.is_active = hors_prestation, discrete, is_active
    nature.visible_famille = visible_famille and not discrete
    full_clean_save(nature)
    audit(actor, AuditAction.CREATE if creating else AuditAction.UPDATE, nature, request)
    return nature


def nature_par_code(*, dispositif, code: str) -> Nature:
    """The dispositif's nature with this code, creating the default list on first use."""
    nature = Nature.objects.filter(dispositif=dispositif, code=code).first()
    if nature is None and code in NATURES_PAR_DEFAUT:
        natures_par_defaut(dispositif=dispositif)
        nature = Nature.objects.get(dispositif=dispositif, code=code)
    if nature is None:
        raise ValidationError({"nature": f"Nature inconnue dans ce dispositif : « {code} »."})
    return nature
