"""Helpers shared by every test package (importable as ``support``).

``BAOCAO_REQUIRE_SERVICES=1`` (set by ``.ci/run``) turns every skip for a missing
browser or service into a failure, so CI cannot go green by skipping.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from baocao.platform.embedded_server import serving

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
#: Debian's Chromium and the flags every browser test launches it with.
CHROMIUM = os.environ.get("BAOCAO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
]


class Clock:
    """A monotonic clock the test moves by hand (``clock.now = 5.5``)."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def switches_to_english(
    client: Any, path: str, vietnamese: Sequence[str], english: Sequence[str]
) -> str:
    """Assert ``path`` shows every Vietnamese and no English phrase, then, after
    FAB's ``/lang/en``, every English and no Vietnamese one; returns the English
    page. The client stays in English."""
    page = client.get(path).get_data(as_text=True)
    assert all(w in page for w in vietnamese), page
    assert not any(w in page for w in english)
    client.get("/lang/en")
    page = client.get(path).get_data(as_text=True)
    assert all(w in page for w in english), page
    assert not any(w in page for w in vietnamese)
    return page


def launch_chromium(playwright: Any, **options: Any) -> Any:
    """Debian's Chromium with the flags every browser test uses (skipped, or
    failed in CI, when it is missing); ``options`` go to ``launch``."""
    require(Path(CHROMIUM).exists(), f"Chromium at {CHROMIUM}")
    return playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, **options
    )


def require(condition: bool, what: str) -> None:
    """Skip the calling test when ``condition`` is false, or fail in CI.

    :param condition: whether the browser/service/file is available.
    :param what: what is missing, in words, for the skip or failure message.
    """
    if condition:
        return
    if os.environ.get("BAOCAO_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{what} is required (BAOCAO_REQUIRE_SERVICES=1) but missing")
    pytest.skip(f"{what} is not available")


def serve(app: Any) -> AbstractContextManager[str]:
    """Serve ``app`` on a free loopback port, as ``baocao demo`` serves it (the
    embedded waitress server, in a thread); the context yields its base URL."""
    return serving(app)


def login_page(page: Any, base_url: str, username: str, password: str) -> None:
    """Sign ``page`` in through the login form."""
    page.goto(base_url + "/login/")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("[type=submit]")
    page.wait_for_load_state()


def monthly_regime_payload(chain_id: str, **changes: Any) -> dict[str, Any]:
    """The regime most tests open: monthly, numeric, ND 09 cut-off, deadline on
    day 20, 28249 reporting to SKHCN through ``chain_id`` on form ``f1`` v1.

    :param changes: fields that differ from these, replacing them.
    """
    payload: dict[str, Any] = {
        "name": "Báo cáo tháng",
        "kind": "dinh_ky",
        "content": "numeric",
        "reporting_units": ["28249"],
        "receiving_unit": "SKHCN",
        "methods": ["he_thong"],
        "cutoff": {"kind": "nd09"},
        "deadline": {"kind": "day_of_last_month", "days": 20},
        "frequency": "month",
        "form_id": "f1",
        "form_version": 1,
        "guidance": "Nhập, duyệt, ký, gửi.",
        "chain_id": chain_id,
    }
    payload.update(changes)
    return payload
