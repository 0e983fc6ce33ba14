"""What ``baocao demo`` puts into its embedded stores (DESIGN.md §9).

The Đồng Tháp unit tree (province 82, 12 departments, 102 communes) through the
units service, the system admin ``admin`` and one account per role key for each
demo unit (``28249.nhaplieu``, ``SKHCN.tonghop`` …), all with one password.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass

from flask import Flask

from baocao.platform.roles import DEMO_UNITS, ROLE_NAMES, Role
from baocao.platform.security import ensure_user, hash_password

logger = logging.getLogger(__name__)

#: Role keys that get a demo account in every demo unit, in DESIGN.md §9 order.
DEMO_ROLES = (
    Role.UNIT_ADMIN,
    Role.DESIGNER,
    Role.DATA_ENTRY,
    Role.APPROVER,
    Role.SENDER,
    Role.AGGREGATOR,
)
SYSADMIN_USERNAME = "admin"


@dataclass(frozen=True, slots=True)
class DemoReport:
    """What was seeded."""

    units: int
    """Units in the document store after seeding."""
    accounts: tuple[str, ...]
    """Usernames that can log in with the demo password."""


def demo_accounts() -> list[tuple[str, Role, str | None]]:
    """``(username, role, unit_code)`` of every demo account."""
    accounts: list[tuple[str, Role, str | None]] = [
        (SYSADMIN_USERNAME, Role.SYSADMIN, None)
    ]
    accounts += [(f"{unit}.{role.value}", role, unit) for unit in DEMO_UNITS for role in DEMO_ROLES]
    return accounts


def seed_demo(app: Flask, password: str) -> DemoReport:
    """Seed units and accounts; safe to run again (accounts are reset)."""
    units = _seed_units(app)
    names = []
    password_hash = hash_password(app, password)  # hashing costs ~0.4 s: do it once
    for username, role, unit in demo_accounts():
        full_name = f"{ROLE_NAMES[role]} {unit}" if unit else ROLE_NAMES[role]
        ensure_user(
            app, username, password, role=role, unit_code=unit, full_name=full_name,
            password_hash=password_hash,
        )
        names.append(username)
    if units:
        _seed_forms(app)
    return DemoReport(units=units, accounts=tuple(names))


def _seed_forms(app: Flask) -> None:
    """Sample forms (published v1), the monthly regime with 2026-M03 open, demo
    indicators with six accepted months and the default dashboard."""
    from datetime import UTC, datetime

    from baocao.platform.services.dashboard_demo import seed_dashboard_demo
    from baocao.platform.services.forms_demo import seed_demo_forms

    with app.app_context():
        _forms, regime = seed_demo_forms(now=datetime.now(UTC))
        seed_dashboard_demo(regime, now=datetime.now(UTC))


def _seed_units(app: Flask) -> int:
    try:
        service = importlib.import_module("baocao.platform.services.units")
    except ModuleNotFoundError as err:
        if err.name not in ("baocao.platform.services", "baocao.platform.services.units"):
            raise
        logger.warning("Chưa có dịch vụ đơn vị: bản trình diễn không có danh mục đơn vị")
        return 0
    with app.app_context():
        service.seed_dongthap()
        from baocao.platform.models import Unit

        return Unit.objects.count()
