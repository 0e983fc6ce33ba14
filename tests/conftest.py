"""Fixtures shared by every test package; plain helpers live in ``support``."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import SHARED, require


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ``../shared`` folder beside the checkout (templates, data, tools)."""
    require(SHARED.is_dir(), f"the shared folder {SHARED}")
    return SHARED
