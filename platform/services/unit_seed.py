"""The Đồng Tháp seed: province 82, its 12 departments and 102 communes.

The CSV files in ``platform/seed/`` are copies of ``shared/data/`` (the
statistics office's code list after the 1 July 2025 reorganisation). Seeding is
idempotent: units that already exist are left as they are.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from baocao.platform.models import UnitKind
from baocao.platform.services import audit
from baocao.platform.services.unit_edit import build_unit, insert_unit
from baocao.platform.services.unit_tree import UnitInput, find_unit

SEED_DIR = Path(__file__).resolve().parent.parent / "seed"
#: Start of validity of the seeded units: the 1 July 2025 reorganisation.
SEED_VALID_FROM = datetime(2025, 7, 1)
PROVINCE_CODE = "82"
PROVINCE_NAME = "Tỉnh Đồng Tháp"


@dataclass(frozen=True, slots=True)
class SeedReport:
    """How many units the seed created and how many were already there."""

    created: int
    existing: int


def _rows(name: str) -> list[dict[str, str]]:
    text = (SEED_DIR / name).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def dongthap_units() -> list[UnitInput]:
    """The seed as unit inputs, parents first."""
    units = [
        UnitInput(
            PROVINCE_CODE,
            PROVINCE_NAME,
            UnitKind.PROVINCE.value,
            subtype="tinh",
            valid_from=SEED_VALID_FROM,
        )
    ]
    units += [
        UnitInput(
            row["ma"],
            row["ten"],
            UnitKind.DEPARTMENT.value,
            PROVINCE_CODE,
            subtype=row["loai"],
            valid_from=SEED_VALID_FROM,
        )
        for row in _rows("dongthap_departments.csv")
    ]
    units += [
        UnitInput(
            row["ma_xa"],
            row["ten"],
            UnitKind.COMMUNE.value,
            PROVINCE_CODE,
            subtype="phuong" if row["ten"].startswith("Phường") else "xa",
            valid_from=SEED_VALID_FROM,
        )
        for row in _rows("dongthap_communes.csv")
    ]
    return units


def seed_dongthap(now: datetime | None = None, *, actor: str = "system") -> SeedReport:
    """Create the units of the Đồng Tháp seed that do not exist yet.

    :param now: the moment recorded as creation time (default: the clock).
    """
    now = now or datetime.now().astimezone()
    created = existing = 0
    for data in dongthap_units():
        if find_unit(data.code) is not None:
            existing += 1
            continue
        insert_unit(build_unit(data, now=now))
        created += 1
    if created:
        audit.record(
            actor,
            "unit.seed",
            f"unit:{PROVINCE_CODE}",
            now=now,
            unit=PROVINCE_CODE,
            details={"created": created, "existing": existing},
        )
    return SeedReport(created=created, existing=existing)
