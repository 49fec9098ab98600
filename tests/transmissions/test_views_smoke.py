from django.urls import reverse

from core.tenancy import tenant_context
from transmissions.models import Transmission


def test_flow(client, tw, login_as):
    login_as(tw.educateur)
    r = client.get(reverse("transmissions:nouvelle") + f"?jeune={tw.dossier.pk}")
    assert r.status_code == 200, r.content[:2000]
    r = client.post(
        reverse("transmissions:nouvelle"),
        {
            "dossiers": [tw.dossier.pk],
            "categorie": tw.categories["comportement"].pk,
            "texte": "L'élève a bien travaillé",
            "visibilite": "equipe",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    with tenant_context(tw.organisme.pk):
        t = Transmission.objects.get()
    for url in [
        reverse("transmissions:detail", args=[t.pk]),
        reverse("transmissions:journal") + "?q=eleve",
        reverse("transmissions:a_lire"),
        reverse("transmissions:timeline", args=[tw.dossier.pk]),
        reverse("core:home"),
        reverse("transmissions:badge"),
        reverse("transmissions:jeunes") + "?q=leo",
    ]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.content.decode()[:3000])
    login_as(tw.lecteur)
    r = client.get(reverse("transmissions:a_lire"))
    assert "bien travaillé" in r.content.decode()
    r = client.get(reverse("transmissions:journal") + "?q=eleve")
    assert "bien travaillé" in r.content.decode()
