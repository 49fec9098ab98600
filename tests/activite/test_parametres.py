"""AIRe parameters: versioned, validated in French, audited; the page (direction edits, chefs read, others 403/404)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from activite.models import ParametresActivite
from activite.services.parametres import parametres_courants, parametres_modifier
from core.enums import AuditAction
from core.models import AuditEntry
from tests.fixtures import login


def test_version_1_par_defaut_puis_nouvelle_version_auditee(activite):
    d = activite.dispositif
    v1 = parametres_courants(d)
    assert (v1.version, v1.suivi_post_sortie_annees, v1.bornes_intensite, v1.coupure_demi_journee) == (
        1, 3, [1, 3, 6, 12], datetime.time(13),
    )  # fmt: skip
    assert parametres_courants(d) == v1
    v2 = parametres_modifier(dispositif=d, actor=activite.direction, suivi_post_sortie_annees=2,
                             bornes_intensite=[1, 2, 5, 10], coupure_demi_journee=datetime.time(12, 30))  # fmt: skip
    assert v2.version == 2 and parametres_courants(d) == v2
    v1.refresh_from_db()
    assert v1.suivi_post_sortie_annees == 3  # never edited
    entry = AuditEntry.objects.filter(action=AuditAction.CREATE, record_id=str(v2.pk)).get()
    assert entry.details["avant"]["version"] == 1 and entry.details["apres"]["coupure_demi_journee"] == "12:30"


@pytest.mark.parametrize(
    ("valeurs", "champ", "message"),
    [
        ({"suivi_post_sortie_annees": -1}, "suivi_post_sortie_annees", "entre 0 et 10"),
        ({"bornes_intensite": [1, 3, 3, 12]}, "bornes_intensite", "croissantes"),
        ({"bornes_intensite": [1, 3, 6]}, "bornes_intensite", "quatre bornes"),
        ({"coupure_demi_journee": "13h"}, "coupure_demi_journee", "heure de coupure"),
        ({"coupure_demi_journee": datetime.time(0, 0)}, "coupure_demi_journee", "minuit"),
    ],
)
def test_validation_en_francais_rien_n_est_ecrit(activite, valeurs, champ, message):
    base = {"suivi_post_sortie_annees": 3, "bornes_intensite": [1, 3, 6, 12],
            "coupure_demi_journee": datetime.time(12)}  # fmt: skip
    parametres_courants(activite.dispositif)
    with pytest.raises(ValidationError) as exc:
        parametres_modifier(dispositif=activite.dispositif, actor=activite.direction, **{**base, **valeurs})
    assert message in " ".join(exc.value.message_dict[champ])
    assert ParametresActivite.objects.filter(dispositif=activite.dispositif).count() == 1


def test_parametres_identiques_refuses(activite):
    with pytest.raises(ValidationError, match="déjà ceux de la version en vigueur"):
        parametres_modifier(dispositif=activite.dispositif, actor=activite.direction, suivi_post_sortie_annees=3,
                            bornes_intensite=[1, 3, 6, 12], coupure_demi_journee=datetime.time(13))  # fmt: skip


def _post(client, user, dispositif, **data):
    login(client, user)
    values = {"suivi_post_sortie_annees": 3, "borne_1": 1, "borne_2": 3, "borne_3": 6, "borne_4": 12,
              "coupure_demi_journee": "12:00", **data}  # fmt: skip
    return client.post(f"/activite/parametres/{dispositif.pk}/", values)


def test_page_direction_cree_une_version(activite, client):
    w = activite
    login(client, w.direction)
    page = client.get(f"/activite/parametres/{w.dispositif.pk}/")
    assert page.status_code == 200 and "Version en vigueur : 1" in page.content.decode()
    response = _post(client, w.direction, w.dispositif)
    assert response.status_code == 302
    assert parametres_courants(w.dispositif).coupure_demi_journee == datetime.time(12)
    page = client.get(response["Location"])
    assert "Version en vigueur : 2" in page.content.decode() and "Historique des versions" in page.content.decode()
    bad = _post(client, w.direction, w.dispositif, borne_2=1)
    assert bad.status_code == 200 and "croissantes" in bad.content.decode()
    assert parametres_courants(w.dispositif).version == 2


def test_page_personas(activite, client):
    w = activite
    url = f"/activite/parametres/{w.dispositif.pk}/"
    login(client, w.chef)
    page = client.get(url)
    assert page.status_code == 200 and "Nouvelle version" not in page.content.decode()
    assert _post(client, w.chef, w.dispositif).status_code == 403
    for user in (w.educateur, w.lecteur, w.admin):
        login(client, user)
        assert client.get(url).status_code == 403, user
    login(client, w.chef_autre)
    assert client.get(url).status_code == 403
    assert client.get(f"/activite/parametres/{w.autre_dispositif.pk}/").status_code == 200
    login(client, w.direction)
    assert client.get(f"/activite/parametres/{w.dispositif_b.pk}/").status_code == 404
    login(client, w.autre_educateur)
    assert client.get(url).status_code in (403, 404)
    for user in (w.proche, w.jeune):
        login(client, user)
        assert client.get(url).status_code == 404
    assert parametres_courants(w.dispositif).version == 1
