from core.tenancy import tenant_context
from portail_famille.models import AccesPortail


def test_world(pw):
    with tenant_context(pw.organisme.pk):
        assert AccesPortail.objects.actifs().filter(jeune=pw.jeune_a).count() == 3
        assert AccesPortail.objects.filter(jeune=pw.jeune_a).count() == 5
