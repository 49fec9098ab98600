"""Finding a dispositif by its FINESS principal from a command, before any tenant is set (``activite/rls.py``)."""

from django.db import connection


class DispositifIntrouvable(Exception):
    """Unknown or ambiguous FINESS; the message is French, for the command's user."""


def dispositif_par_finess(finess: str, organisme_finess: str | None = None) -> tuple[int, int]:
    """``(organisme_id, dispositif_id)`` of the dispositif whose FINESS principal is ``finess``, across organismes;
    ``organisme_finess`` (FINESS juridique) picks one when several organismes have a dispositif with that FINESS.
    Raises ``DispositifIntrouvable`` (French message) when none or several match. Then run in
    ``core.tenancy.tenant_context(organisme_id)``."""
    finess = (finess or "").strip()
    if not finess:
        raise DispositifIntrouvable("Indiquez le FINESS du dispositif (--dispositif).")
    with connection.cursor() as cursor:
        cursor.execute("SELECT dispositif_id, organisme_id FROM ditep_activite_dispositifs_par_finess(%s)", [finess])
        rows = cursor.fetchall()
        if organisme_finess:
            cursor.execute("SELECT ditep_organisme_by_finess(%s)", [organisme_finess.strip()])
            organisme_id = cursor.fetchone()[0]
            if organisme_id is None:
                raise DispositifIntrouvable(f"Aucun organisme n'a le FINESS juridique « {organisme_finess} ».")
            rows = [r for r in rows if r[1] == organisme_id]
    if not rows:
        suffix = " dans cet organisme" if organisme_finess else ""
        raise DispositifIntrouvable(f"Aucun dispositif n'a le FINESS « {finess} »{suffix}.")
    if len(rows) > 1:
        raise DispositifIntrouvable(
            f"Plusieurs organismes ont un dispositif de FINESS « {finess} » : précisez l'organisme avec "
            "--organisme FINESS_JURIDIQUE."
        )
    dispositif_id, organisme_id = rows[0]
    return organisme_id, dispositif_id
