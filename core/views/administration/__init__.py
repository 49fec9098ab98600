"""Administration of the organisme in the product, for ``admin_organisme`` (DOMAIN §3: the administrator configures
dispositifs, sites, accounts and parameters; the direction reads the audit journal but does not administer).

Every view is guarded by ``admin_required`` (others get 403; family and youth accounts never reach a staff view:
404 from ``LoginRequiredMiddleware``), fetches objects through ``core.perms.get_object_for_request`` (another
organisme's object: 404) and writes only on POST, through the services of ``core/services/organisation.py``, which
write the audit rows.
"""

from core.views.administration.common import admin_home, organisme_edit
from core.views.administration.professionnels import (
    affectation_create,
    affectation_end,
    professionnel_deactivate,
    professionnel_detail,
    professionnel_edit,
    professionnel_invite,
    professionnel_list,
    professionnel_reactivate,
    professionnel_resend_invitation,
)
from core.views.administration.structure import (
    annee_create,
    annee_edit,
    dispositif_create,
    dispositif_detail,
    dispositif_edit,
    dispositif_list,
    site_create,
    site_deactivate,
    site_edit,
    site_list,
    site_reactivate,
)

__all__ = [
    "admin_home",
    "affectation_create",
    "affectation_end",
    "annee_create",
    "annee_edit",
    "dispositif_create",
    "dispositif_detail",
    "dispositif_edit",
    "dispositif_list",
    "organisme_edit",
    "professionnel_deactivate",
    "professionnel_detail",
    "professionnel_edit",
    "professionnel_invite",
    "professionnel_list",
    "professionnel_reactivate",
    "professionnel_resend_invitation",
    "site_create",
    "site_deactivate",
    "site_edit",
    "site_list",
    "site_reactivate",
]
