"""Demo step of the agendas app (``core.demo.register_demo_step``): a school year of agendas for the demo organisme.

From the rentrée (1 September) to today + 8 weeks, written through the agenda services:
- closures of each dispositif (school holidays of zone C, computed for the school year, and bank holidays);
- rooms and vehicles;
- weekly series for every youth with an ``accompagne`` period in the school year, by modalité: internat nights
  (``nuitee``, one group per site, Monday to Thursday), accueil de jour classes in the unité d'enseignement and
  educational activities (groups of about six per site), ambulatoire sessions (one a week, at school, at home or
  at the site); youths admitted or leaving during the year get their own series bounded by their period;
- a weekly team meeting per dispositif (institutionnel), a synthesis meeting per youth (indirect, discreet),
  coordination meetings with partners, appui-ressources interventions at partner schools and services;
- past occurrences realised with presences, a few planned absences (declared by the family or the team) and
  unplanned ones, a few cancelled occurrences; what lies ahead stays planned.
Deterministic for a given day (seeded generator passed by ``core.demo``).
"""

import datetime
from collections import defaultdict
from functools import partial

from dateutil.easter import easter
from django.utils import timezone

from agendas.enums import Cadre, MotifAbsence, OrigineAbsence, Presence, StatutEvenement, TypeLieu, TypeRessource
from agendas.models import Evenement, Fermeture, Nature, ParticipationJeune, Ressource
from agendas.services._common import PARIS
from agendas.services.absences import absence_declarer
from agendas.services.evenements import evenement_create, evenements_marquer_realises, presences_set
from agendas.services.natures import natures_par_defaut
from agendas.services.series import HORIZON, occurrence_annuler, serie_create, series_generer_bulk

ONE_DAY = datetime.timedelta(days=1)
GROUP_SIZE = 6


def rentree(today: datetime.date) -> datetime.date:
    year = today.year if today.month >= 9 else today.year - 1
    return datetime.date(year, 9, 1)


def _saturday_before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=(day.weekday() - 5) % 7 or 7)


def vacances_zone_c(start_year: int) -> list[tuple[str, datetime.date, datetime.date]]:
    """School holidays of a school year (zone C, approximated from their usual rules) and bank holidays."""
    y, n = start_year, start_year + 1
    toussaint = _saturday_before(datetime.date(y, 10, 25))
    noel = _saturday_before(datetime.date(y, 12, 23))
    hiver = _saturday_before(datetime.date(n, 2, 21))
    paques = easter(n)
    printemps = _saturday_before(paques + datetime.timedelta(days=14))
    ete = _saturday_before(datetime.date(n, 7, 7))
    periods = [
        ("Vacances de la Toussaint", toussaint, toussaint + datetime.timedelta(days=15)),
        ("Vacances de Noël", noel, noel + datetime.timedelta(days=15)),
        ("Vacances d'hiver", hiver, hiver + datetime.timedelta(days=15)),
        ("Vacances de printemps", printemps, printemps + datetime.timedelta(days=15)),
        ("Vacances d'été", ete, datetime.date(n, 8, 31)),
    ]
    feries = [
        ("Armistice", datetime.date(y, 11, 11)),
        ("Lundi de Pâques", paques + ONE_DAY),
        ("Fête du travail", datetime.date(n, 5, 1)),
        ("Victoire 1945", datetime.date(n, 5, 8)),
        ("Ascension", paques + datetime.timedelta(days=39)),
        ("Lundi de Pentecôte", paques + datetime.timedelta(days=50)),
    ]
    for libelle, day in feries:
        if not any(debut <= day <= fin for _, debut, fin in periods):
            periods.append((libelle, day, day))
    return sorted(periods, key=lambda p: p[1])


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


def _first_weekday_on_or_after(day: datetime.date, weekday: int) -> datetime.date:
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _chunks(items, size):
    return [items[i : i + size] for i in range(0, len(items), size)]


WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4}


def _add_series(
    dispositif, natures, series, *, nature, rrule, first_day, hour, minute, duree, jeunes, pros, modalite="",
    site=None, lieu_type=TypeLieu.SITE, fin_serie=None, titre="", ressources=(), partenaire=None,
) -> None:  # fmt: skip
    """A weekly series from the first of its days on or after ``first_day`` (occurrences generated later)."""
    days = [WEEKDAYS[code] for code in rrule.split("BYDAY=")[1].split(",")]
    day = min(_first_weekday_on_or_after(first_day, d) for d in days)
    if fin_serie is not None and fin_serie < day:
        return
    series.append(
        serie_create(
            dispositif=dispositif,
            nature=natures[nature],
            rrule=rrule,
            debut=_at(day, hour, minute),
            duree=duree,
            actor=None,
            jeunes=jeunes,
            professionnels=pros,
            ressources=ressources,
            modalite=modalite,
            site=site,
            lieu_type=lieu_type,
            fin_serie=fin_serie,
            titre=titre,
            partenaire=partenaire,
            generer=False,
        )  # fmt: skip
    )


def agendas_demo_step(organisme, plan, rng) -> None:
    from agendas.services.gestion import fermeture_save, ressource_save
    from core.enums import Metier
    from core.models import Affectation, Dispositif
    from dossiers.enums import StatutParcours
    from dossiers.models import Dossier, Intervenant, Parcours, Partenaire

    today = timezone.localdate()
    now = timezone.now()
    start = rentree(today)
    horizon = today + HORIZON
    series = []

    partenaires = list(Partenaire.objects.order_by("ref"))
    intervenants = defaultdict(list)
    for intervenant in Intervenant.objects.order_by("pk"):
        intervenants[intervenant.partenaire_id].append(intervenant)
    pros_by = defaultdict(list)
    for aff in Affectation.objects.select_related("user").order_by("user__last_name", "user_id"):
        pros_by[(aff.dispositif_id, aff.metier)].append(aff.user)

    def pro(dispositif, *metiers):
        for metier in metiers:
            if pros_by[(dispositif.pk, metier)]:
                return rng.choice(pros_by[(dispositif.pk, metier)])
        return None

    def team(dispositif, *metiers):
        return [p for p in (pro(dispositif, m) for m in metiers) if p is not None]

    for dispositif in Dispositif.objects.filter(organisme=organisme).order_by("finess"):
        natures_par_defaut(dispositif=dispositif)
        natures = {n.code: n for n in Nature.objects.filter(dispositif=dispositif)}
        for libelle, debut, fin in vacances_zone_c(start.year):
            if not Fermeture.objects.filter(dispositif=dispositif, debut=debut, fin=fin).exists():
                fermeture_save(
                    fermeture=Fermeture(organisme=organisme, dispositif=dispositif, libelle=libelle, debut=debut,
                                        fin=fin),
                    actor=None,
                )  # fmt: skip
        sites = list(dispositif.sites.order_by("pk"))
        ressources = {}
        for site in sites:
            for type_, nom in ((TypeRessource.SALLE, f"Salle d'activités — {site.nom}"),
                               (TypeRessource.VEHICULE, f"Minibus — {site.nom}")):  # fmt: skip
                ressources[(site.pk, type_)] = ressource_save(
                    ressource=Ressource(organisme=organisme, dispositif=dispositif, site=site, type=type_, nom=nom,
                                        capacite=9 if type_ == TypeRessource.VEHICULE else 12),
                    actor=None,
                )  # fmt: skip

        # Youths with an accompagne period in the school year, with the bounds of their period.
        periods = (
            Parcours.objects.filter(
                dossier__dispositif=dispositif, statut=StatutParcours.ACCOMPAGNE, debut__lte=horizon
            )
            .exclude(fin__lt=start)
            .select_related("dossier__jeune", "dossier__referent")
            .order_by("dossier__jeune__nom_naissance", "pk")
        )
        youths = []
        for period in periods:
            dossier: Dossier = period.dossier
            modalites = dossier.modalites or ["accueil_de_jour"]
            site = dossier.site or next((s for s in sites if set(modalites) & set(s.modalites)), sites[0])
            debut = max(start, period.debut)
            youths.append((dossier, modalites, site, debut, period.fin))

        add_series = partial(_add_series, dispositif, natures, series)

        groups = defaultdict(list)  # (site, modalite) -> youths present the whole year
        for dossier, modalites, site, debut, fin in youths:
            whole_year = debut == start and fin is None
            for modalite in modalites:
                if whole_year and modalite != "ambulatoire":
                    groups[(site.pk, modalite)].append(dossier.jeune)
                    continue
                args = {"first_day": debut, "fin_serie": fin, "jeunes": [dossier.jeune], "site": site}
                referent = [dossier.referent] if dossier.referent_id else team(dispositif, Metier.EDUCATEUR)
                if modalite == "internat":
                    add_series(nature="nuitee", rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH", hour=19, minute=0,
                               duree=datetime.timedelta(hours=13), pros=team(dispositif, Metier.EDUCATEUR_NUIT),
                               modalite=modalite, titre="Nuitée", **args)  # fmt: skip
                elif modalite == "accueil_de_jour":
                    add_series(nature="activite_educative", rrule="FREQ=WEEKLY;BYDAY=MO,TU,TH", hour=9, minute=30,
                               duree=datetime.timedelta(hours=2, minutes=30), pros=referent, modalite=modalite,
                               titre="Accueil de jour", **args)  # fmt: skip
                else:
                    kind = rng.choice(["ecole", "domicile", "site", "soin"])
                    nature = {"ecole": "accompagnement_scolaire", "domicile": "entretien_jeune", "site": "reeducation",
                              "soin": "seance_soin"}[kind]  # fmt: skip
                    pros = referent if kind in ("ecole", "domicile") else (
                        team(dispositif, Metier.PSYCHOMOTRICIEN, Metier.ORTHOPHONISTE, Metier.PSYCHOLOGUE)
                        if kind == "site" else team(dispositif, Metier.PSYCHOLOGUE, Metier.INFIRMIER)
                    )  # fmt: skip
                    lieu = {"ecole": TypeLieu.ECOLE, "domicile": TypeLieu.DOMICILE}.get(kind, TypeLieu.SITE)
                    args["site"] = site if lieu == TypeLieu.SITE else None
                    day = rng.choice(["MO", "TU", "WE", "TH", "FR"])
                    add_series(nature=nature, rrule=f"FREQ=WEEKLY;BYDAY={day}", hour=rng.choice([10, 14, 16]),
                               minute=0, duree=datetime.timedelta(hours=1), pros=pros, modalite=modalite,
                               lieu_type=lieu, **args)  # fmt: skip
        for (site_pk, modalite), jeunes in sorted(groups.items()):
            site = next(s for s in sites if s.pk == site_pk)
            if modalite == "internat":
                add_series(nature="nuitee", rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH", first_day=start, hour=19, minute=0,
                           duree=datetime.timedelta(hours=13), jeunes=jeunes, site=site, modalite=modalite,
                           pros=team(dispositif, Metier.EDUCATEUR_NUIT, Metier.EDUCATEUR),
                           titre="Internat")  # fmt: skip
                continue
            for number, group in enumerate(_chunks(jeunes, GROUP_SIZE), start=1):
                add_series(nature="classe_ue", rrule="FREQ=WEEKLY;BYDAY=MO,TU,TH,FR", first_day=start, hour=9,
                           minute=0, duree=datetime.timedelta(hours=3), jeunes=group, site=site, modalite=modalite,
                           pros=team(dispositif, Metier.ENSEIGNANT), titre=f"Classe UE — groupe {number}",
                           ressources=[ressources[(site.pk, TypeRessource.SALLE)]] if number == 1 else ())  # fmt: skip
                add_series(nature="activite_educative", rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH", first_day=start,
                           hour=13, minute=30, duree=datetime.timedelta(hours=2, minutes=30), jeunes=group,
                           site=site, modalite=modalite, pros=team(dispositif, Metier.EDUCATEUR, Metier.EDUCATEUR),
                           titre=f"Atelier éducatif — groupe {number}")  # fmt: skip
        add_series(nature="reunion_equipe", rrule="FREQ=WEEKLY;BYDAY=TU", first_day=start, hour=16, minute=30,
                   duree=datetime.timedelta(hours=1, minutes=30), jeunes=[], site=sites[0],
                   pros=team(dispositif, Metier.CHEF_DE_SERVICE, Metier.EDUCATEUR, Metier.PSYCHOLOGUE,
                             Metier.ENSEIGNANT, Metier.COORDINATEUR_PARCOURS), titre="Réunion d'équipe")  # fmt: skip

        # One-off meetings: a synthesis per youth, coordination with partners, appui-ressources.
        school_days = [start + datetime.timedelta(days=i) for i in range((horizon - start).days)]
        closures = [(d, f) for _, d, f in vacances_zone_c(start.year)]
        school_days = [d for d in school_days if d.weekday() < 5 and not any(a <= d <= b for a, b in closures)]
        for dossier, _, site, debut, fin in youths:
            days = [d for d in school_days if d >= debut and (fin is None or d <= fin)]
            if not days:
                continue
            day = rng.choice(days)
            evenement_create(
                dispositif=dispositif, nature=natures["reunion_synthese"], debut=_at(day, 14), fin=_at(day, 15),
                actor=None, jeunes=[dossier.jeune], site=site, titre="Réunion de synthèse",
                professionnels=[p for p in {*team(dispositif, Metier.CHEF_DE_SERVICE, Metier.PSYCHOLOGUE),
                                            *([dossier.referent] if dossier.referent_id else [])}],
                statut=StatutEvenement.REALISE if _at(day, 15) < now else StatutEvenement.PREVU,
            )  # fmt: skip
            if rng.random() < 0.3 and partenaires:
                day = rng.choice(days)
                partenaire = rng.choice(partenaires)
                evenement_create(
                    dispositif=dispositif, nature=natures["reunion_partenaires"], debut=_at(day, 10),
                    fin=_at(day, 11, 30), actor=None, jeunes=[dossier.jeune], lieu_type=TypeLieu.PARTENAIRE,
                    partenaire=partenaire, intervenants=intervenants[partenaire.pk][:2],
                    professionnels=team(dispositif, Metier.COORDINATEUR_PARCOURS, Metier.EDUCATEUR),
                    titre=f"Coordination avec {partenaire.nom}",
                    statut=StatutEvenement.REALISE if _at(day, 11, 30) < now else StatutEvenement.PREVU,
                )  # fmt: skip
        schools = [p for p in partenaires if p.type == "education_nationale"] or partenaires
        for week_start in sorted({d - datetime.timedelta(days=d.weekday()) for d in school_days}):
            for _ in range(2):
                day = week_start + datetime.timedelta(days=rng.randrange(5))
                if day not in school_days or not schools:
                    continue
                partenaire = rng.choice(schools)
                concerned = [y[0].jeune for y in rng.sample(youths, k=min(1, len(youths)))]
                evenement_create(
                    dispositif=dispositif, nature=natures["appui_ressources"], debut=_at(day, 13, 30),
                    fin=_at(day, 15), actor=None, jeunes=concerned, lieu_type=TypeLieu.PARTENAIRE,
                    partenaire=partenaire, professionnels=team(dispositif, Metier.EDUCATEUR, Metier.ENSEIGNANT),
                    ressources=[ressources[(sites[0].pk, TypeRessource.VEHICULE)]],
                    titre=f"Appui-ressources — {partenaire.nom}",
                    statut=StatutEvenement.REALISE if _at(day, 15) < now else StatutEvenement.PREVU,
                )  # fmt: skip

    # Every occurrence up to the horizon, in one bulk pass.
    series_generer_bulk(series=series, jusqu_au=horizon)
    _past_life(organisme, rng, now, start)


def _past_life(organisme, rng, now, start) -> None:
    """Absences (planned, declared by the family or the team), a few cancellations, then every past planned event
    realised (youths without a presence marked present) and a few unplanned absences ticked afterwards."""
    from core.models import User

    past = list(
        Evenement.objects.filter(serie__isnull=False, fin__lt=now, statut=StatutEvenement.PREVU, cadre=Cadre.DIRECT)
        .order_by("debut", "pk")
        .values_list("pk", "dispositif_id", "debut")
    )
    if not past:
        return
    declarant = User.objects.filter(organisme=organisme, kind="professionnel").order_by("pk").first()
    jeunes_dispositif = sorted(
        set(
            ParticipationJeune.objects.filter(evenement__serie__isnull=False).values_list(
                "jeune_id", "evenement__dispositif_id"
            )
        )
    )
    from core.models import Dispositif
    from dossiers.models import Jeune

    dispositifs = Dispositif.objects.in_bulk({d for _, d in jeunes_dispositif})
    jeunes = Jeune.objects.in_bulk({j for j, _ in jeunes_dispositif})
    for jeune_id, dispositif_id in rng.sample(jeunes_dispositif, k=len(jeunes_dispositif) // 4):
        day = start + datetime.timedelta(days=rng.randrange(max(1, (now.date() - start).days - 3)))
        length = rng.choice([1, 1, 2, 3])
        absence_declarer(
            jeune=jeunes[jeune_id], dispositif=dispositifs[dispositif_id], debut=_at(day, 0),
            fin=_at(day + datetime.timedelta(days=length), 0),
            motif=rng.choice([MotifAbsence.MALADIE, MotifAbsence.RAISONS_PERSONNELLES, MotifAbsence.RENDEZ_VOUS,
                              MotifAbsence.HOSPITALISATION]),
            origine=rng.choice([OrigineAbsence.FAMILLE, OrigineAbsence.EQUIPE]), actor=declarant,
            prendre_en_compte=True, commentaire="Absence signalée (données de démonstration).",
        )  # fmt: skip
    for pk, _, _ in rng.sample(past, k=min(len(past) // 60, 40)):
        occurrence_annuler(evenement=Evenement.objects.get(pk=pk), actor=None)
    remaining = Evenement.objects.filter(fin__lt=now, statut=StatutEvenement.PREVU).values_list("pk", flat=True)
    evenements_marquer_realises(evenements=list(remaining), actor=None)
    # Unplanned absences noticed on the day (the pointage).
    parts = list(
        ParticipationJeune.objects.filter(
            evenement__fin__lt=now,
            evenement__statut=StatutEvenement.REALISE,
            evenement__cadre=Cadre.DIRECT,
            presence=Presence.PRESENT,
            evenement__serie__isnull=False,
        )  # fmt: skip
        .order_by("pk")
        .values_list("evenement_id", "jeune_id")
    )
    by_event = defaultdict(dict)
    for ev_id, jeune_id in rng.sample(parts, k=len(parts) // 40):
        by_event[ev_id][jeune_id] = (Presence.ABSENT_IMPREVU, rng.choice([MotifAbsence.MALADIE, MotifAbsence.AUTRE,
                                                                           MotifAbsence.FUGUE]))  # fmt: skip
    for ev in Evenement.objects.filter(pk__in=list(by_event)).order_by("pk"):
        presences_set(evenement=ev, presences=by_event[ev.pk], actor=None)


def register() -> None:
    from core.demo import register_demo_step

    register_demo_step("agendas", agendas_demo_step, order=20)
