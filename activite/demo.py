"""Demo step of the activite app (order 90, after the agendas and every app that writes events or parcours):
version 1 of the AIRe parameters for every demo dispositif, and the facts of the demo organisme computed from its
whole history in one set-based statement (the change feed the other steps produced is consumed)."""

from core.demo import register_demo_step


def activite_demo_step(organisme, plan, rng) -> None:
    from django.utils import timezone

    from activite.services.faits import faits_recalculer_periode
    from activite.services.parametres import parametres_par_dispositif
    from agendas.models import Evenement, SemaineAInvalider
    from core.models import Dispositif

    parametres_par_dispositif(Dispositif.objects.values_list("pk", flat=True))
    first = Evenement.objects.order_by("debut").values_list("debut", flat=True).first()
    if first is not None:
        faits_recalculer_periode(du=timezone.localtime(first).date())
    SemaineAInvalider.objects.all().delete()


register_demo_step("activite", activite_demo_step, order=90)
