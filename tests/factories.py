"""factory_boy factories. Tenant rows are created under their organisme's RLS setting (TenantFactory)."""

import itertools

import factory

from core.enums import AccountKind, Metier, Modalite, Role
from core.models import Affectation, Dispositif, Site, User
from core.services.organisation import organisme_create
from core.tenancy import tenant_context
from dossiers.models import Partenaire

_finess = itertools.count(100000001)


def next_finess() -> str:
    return f"{next(_finess):09d}"


class OrganismeFactory(factory.Factory):
    class Meta:
        model = dict

    nom = factory.Sequence(lambda n: f"Association {n}")
    finess_juridique = factory.LazyFunction(next_finess)

    @classmethod
    def _create(cls, model_class, **kwargs):
        return organisme_create(**kwargs)


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with tenant_context(kwargs["organisme"].pk):
            return super()._create(model_class, *args, **kwargs)


class DispositifFactory(TenantFactory):
    class Meta:
        model = Dispositif

    organisme = factory.SubFactory(OrganismeFactory)
    nom = factory.Sequence(lambda n: f"DITEP {n}")
    finess = factory.LazyFunction(next_finess)


class SiteFactory(TenantFactory):
    class Meta:
        model = Site

    dispositif = factory.SubFactory(DispositifFactory)
    organisme = factory.SelfAttribute("dispositif.organisme")
    nom = factory.Sequence(lambda n: f"Site {n}")
    finess = factory.LazyFunction(next_finess)
    modalites = factory.LazyFunction(lambda: [Modalite.INTERNAT, Modalite.ACCUEIL_DE_JOUR])


class UserFactory(TenantFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    organisme = factory.SubFactory(OrganismeFactory)
    kind = AccountKind.PROFESSIONNEL
    email = factory.Sequence(lambda n: f"compte{n}@example.org")
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"Nom{n}")
    password = factory.django.Password("motdepasse-de-test-1")


class AffectationFactory(TenantFactory):
    class Meta:
        model = Affectation

    dispositif = factory.SubFactory(DispositifFactory)
    organisme = factory.SelfAttribute("dispositif.organisme")
    user = factory.SubFactory(UserFactory, organisme=factory.SelfAttribute("..organisme"))
    metier = Metier.EDUCATEUR
    role = Role.CONTRIBUTEUR


class PartenaireFactory(TenantFactory):
    class Meta:
        model = Partenaire

    organisme = factory.SubFactory(OrganismeFactory)
    nom = factory.Sequence(lambda n: f"École {n}")
    type = "education_nationale"


def professionnel(dispositif, metier=Metier.EDUCATEUR, role=Role.CONTRIBUTEUR, **kwargs) -> User:
    """A professional assigned to ``dispositif`` with ``metier``."""
    user = UserFactory(organisme=dispositif.organisme, **kwargs)
    AffectationFactory(dispositif=dispositif, user=user, metier=metier, role=role)
    return user


class JeuneFactory(TenantFactory):
    class Meta:
        model = "dossiers.Jeune"

    organisme = factory.SubFactory(OrganismeFactory)
    nom_naissance = factory.Sequence(lambda n: f"Durand{n}")
    prenom = factory.Sequence(lambda n: f"Léo{n}")
    date_naissance = factory.LazyFunction(lambda: __import__("datetime").date(2013, 5, 2))
    sexe = "M"


def dossier_en_pre_admission(dispositif, *, debut=None, jeune=None, actor=None, **kwargs):
    """A jeune with a dossier in pre-admission in ``dispositif`` (through the service)."""
    import datetime

    from dossiers.services.parcours import dossier_open_pre_admission

    with tenant_context(dispositif.organisme_id):
        jeune = jeune or JeuneFactory(organisme=dispositif.organisme)
        return dossier_open_pre_admission(
            jeune=jeune, dispositif=dispositif, debut=debut or datetime.date(2025, 9, 1), actor=actor, **kwargs
        )


def dossier_accompagne(dispositif, *, admission=None, modalites=("accueil_de_jour",), **kwargs):
    """A dossier admitted (pre-admission then accompagne) through the services."""
    import datetime

    from dossiers.services.parcours import dossier_admit

    dossier = dossier_en_pre_admission(dispositif, **kwargs)
    with tenant_context(dispositif.organisme_id):
        dossier_admit(
            dossier=dossier, date_admission=admission or datetime.date(2025, 10, 1), modalites=list(modalites),
            actor=kwargs.get("actor"),
        )  # fmt: skip
        dossier.refresh_from_db()
    return dossier
