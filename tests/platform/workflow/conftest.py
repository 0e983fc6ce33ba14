"""Fixtures of the workflow service tests: an empty mongomock store per test,
a small unit tree and users holding role keys (CTFd-style ``make_*`` helpers)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from baocao.platform.models import Unit


@pytest.fixture
def store(mongo: Any) -> Iterator[None]:
    """A fresh document store on MongoEngine's default alias (the ``mongo`` fixture)."""
    yield


def _make_unit(code: str, kind: str, parent: str | None = None, name: str = "") -> Any:
    """Create a unit under ``parent`` with its materialised path."""
    path = code
    if parent is not None:
        path = f"{Unit.objects(code=parent).first().path}/{code}"
    unit = Unit(
        code=code,
        name=name or code,
        kind=kind,
        parent=parent,
        path=path,
        valid_from=datetime(2020, 1, 1),
    )
    unit.save()
    return unit


@pytest.fixture
def units(store: None) -> list[str]:
    """Province 82 → department SKHCN (receiving), communes 28249, 28261, 28270."""
    _make_unit("82", "province")
    _make_unit("SKHCN", "department", "82")
    for code in ("28249", "28261", "28270"):
        _make_unit(code, "commune", "82")
    return ["28249", "28261", "28270"]


@pytest.fixture
def make_unit() -> Any:
    """``make_unit(code, kind, parent=None)`` on whatever store is connected."""
    return _make_unit
