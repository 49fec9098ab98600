import pytest
from django.db import DatabaseError, connection

from core.models import SerafinCode
from core.reference import SERAFIN_VERSION, load_serafin

pytestmark = pytest.mark.django_db


def test_serafin_reference_is_loaded_with_its_version():
    assert SerafinCode.objects.filter(version=SERAFIN_VERSION).count() == 107
    code = SerafinCode.objects.get(code="3.1.5.2")
    assert code.libelle == "Appui-ressources et partenariats institutionnels"
    assert code.famille == "prestation_indirecte"


def test_app_role_cannot_change_the_reference():
    with pytest.raises(DatabaseError, match="permission denied"):
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_serafincode SET libelle = 'x'")


@pytest.mark.django_db(transaction=True)
def test_loading_twice_adds_nothing():
    from core.db import owner_connection

    with owner_connection():
        assert load_serafin() == 0
