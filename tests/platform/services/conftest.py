"""Domain-service fixtures: MongoEngine on mongomock, or on a real MongoDB.

Set ``BAOCAO_TEST_MONGODB_URI`` (e.g. ``mongodb://localhost:27017/?replicaSet=rs0``)
to run the same tests against a real server; each test gets a fresh database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from baocao.platform.roles import ROLE_NAMES, Role
from baocao.platform.services.units import seed_dongthap

#: A fixed instant on a working day: Monday 2 March 2026, 09:00 in Vietnam.
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    """The frozen clock of these tests."""
    return NOW


@pytest.fixture
def seeded(mongo: Any, now: datetime) -> Any:
    """The Đồng Tháp unit tree."""
    seed_dongthap(now)
    return mongo


@dataclass
class RoleRef:
    """A FAB role as the permission service reads it (only its name)."""

    name: str


@dataclass
class User:
    """A signed-in account as the permission service reads a FAB user."""

    username: str
    unit_code: str | None
    roles: list[RoleRef] = field(default_factory=list)
    active: bool = True
    is_authenticated: bool = True

    @property
    def is_active(self) -> bool:
        return self.active


@pytest.fixture
def make_user() -> Any:
    """Factory: ``make_user(username, unit, *roles, active=True)``."""

    def build(
        username: str, unit: str | None, *roles: Role, active: bool = True
    ) -> User:
        return User(username, unit, [RoleRef(ROLE_NAMES[r]) for r in roles], active)

    return build
