"""National reference tables shared by every organisme, loaded after every migrate (and after a test flush)."""

import csv
from pathlib import Path

SERAFIN_VERSION = "2023"
SERAFIN_CSV = Path(__file__).resolve().parent / "data" / "serafin_ph.csv"


def load_serafin() -> int:
    """Insert the SERAFIN-PH codes of ``SERAFIN_VERSION`` that are missing; returns how many were added."""
    from core.models import SerafinCode

    with SERAFIN_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    existing = set(SerafinCode.objects.filter(version=SERAFIN_VERSION).values_list("code", flat=True))
    missing = [
        SerafinCode(
            code=row["code"],
            version=SERAFIN_VERSION,
            libelle=row["libelle"],
            niveau=int(row["niveau"]),
            parent=row["parent"] or "",
            famille=row["famille"],
        )  # fmt: skip
        for row in rows
        if row["code"] not in existing
    ]
    SerafinCode.objects.bulk_create(missing)
    return len(missing)
