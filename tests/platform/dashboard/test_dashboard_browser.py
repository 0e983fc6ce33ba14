"""The dashboard in real Chromium (issue #7 item 8): log in, see the charts
drawn, change the period filter, export a panel as PNG and as CSV."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from baocao.platform.roles import Role
from baocao.platform.services import dashboards, indicators
from playwright.sync_api import sync_playwright
from support import launch_chromium, login_page, serve

SHOTS = Path("/tmp")


@pytest.fixture
def server(
    app: Any, world: dict[str, Any], make_user: Any, password: str
) -> Iterator[dict[str, Any]]:
    """The world of conftest.py, a dashboard with a time panel and a table, served."""
    make_user("admin", Role.SYSADMIN, None)
    make_user("SKHCN.xem", Role.VIEWER, "SKHCN")
    admin = app.appbuilder.sm.find_user("admin")
    indicators.create_indicator(
        {
            "code": "SL_LUA",
            "name": "Sản lượng lúa",
            "unit_of_measure": "tấn",
            "owner_unit": "SKHCN",
        },
        actor=admin,
        now=world["now"],
    )
    board = dashboards.create_dashboard(
        "Điều hành", owner_unit="SKHCN", actor=admin, now=world["now"], is_default=True
    )
    time_panel = dashboards.add_panel(
        board,
        {"kind": "indicator_time", "indicator": "SL_LUA"},
        actor=admin,
        now=world["now"],
    )["id"]
    table = dashboards.add_panel(
        board, {"kind": "table", "indicator": "SL_LUA"}, actor=admin, now=world["now"]
    )["id"]
    with serve(app) as url:
        yield {"url": url, "password": password, "time": time_panel, "table": table}


@pytest.fixture
def page(server: dict[str, Any]) -> Iterator[Any]:
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(
            locale="vi-VN",
            accept_downloads=True,
            viewport={"width": 1280, "height": 900},
        )
        yield context.new_page()
        browser.close()


def _labels(page: Any, panel: str) -> list[str]:
    return page.evaluate(
        f"document.querySelector('[data-panel=\"{panel}\"]').chart.data.labels"
    )


def _inked(page: Any, panel: str) -> int:
    """How many canvas pixels are not white (0 for a blank canvas)."""
    return page.evaluate(
        """(panel) => {
          const c = document.querySelector(`[data-panel="${panel}"] canvas`);
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) { if (d[i] < 250 || d[i+1] < 250 || d[i+2] < 250) n++; }
          return n;
        }""",
        panel,
    )


@pytest.mark.browser
def test_dashboard_draws_filters_and_exports(page: Any, server: dict[str, Any]) -> None:
    """BD-B1: charts drawn on canvas, period filter applied, PNG and CSV saved."""
    login_page(page, server["url"], "SKHCN.xem", server["password"])
    page.goto(f"{server['url']}/bang-dieu-khien/")
    time_panel = f'[data-panel="{server["time"]}"]'
    page.wait_for_selector(f"{time_panel}[data-drawn='1']", timeout=15000)
    assert _labels(page, server["time"]) == ["2026-M01", "2026-M02", "2026-M03"]
    assert _inked(page, server["time"]) > 1000
    table = page.locator(f'[data-panel="{server["table"]}"] .baocao-table')
    assert "1.234,5" in table.inner_text()  # Vietnamese number format
    assert "1.414,5" in table.inner_text()
    page.screenshot(path=str(SHOTS / "dashboard-browser-all.png"), full_page=True)

    page.fill("#f-from", "2026-M02")
    page.click("#dashboard-filters button[type=submit]")
    page.wait_for_selector(f"{time_panel}[data-drawn='1']", timeout=15000)
    assert "from=2026-M02" in page.url
    assert _labels(page, server["time"]) == ["2026-M02", "2026-M03"]
    page.screenshot(path=str(SHOTS / "dashboard-browser-filtered.png"), full_page=True)

    with page.expect_download() as png:
        page.click(f"{time_panel} .baocao-png")
    saved = Path(png.value.path())
    assert png.value.suggested_filename.endswith(".png")
    assert saved.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    with page.expect_download() as csv_file:
        page.click(f"{time_panel} .baocao-csv")
    text = Path(csv_file.value.path()).read_text("utf-8-sig")
    assert text.splitlines()[1:] == ["2026-M02,1414.5,3", "2026-M03,130.0,1"]


@pytest.mark.browser
def test_dashboard_status_follows_the_language(
    page: Any, server: dict[str, Any]
) -> None:
    """BD-B2: after ``/lang/en`` the panels' status lines are English, numbers
    keep the Vietnamese marks (1.234,5)."""
    login_page(page, server["url"], "SKHCN.xem", server["password"])
    page.goto(f"{server['url']}/lang/en")
    page.goto(f"{server['url']}/bang-dieu-khien/")
    time_panel = f'[data-panel="{server["time"]}"]'
    page.wait_for_selector(f"{time_panel}[data-drawn='1']", timeout=15000)
    status = page.inner_text(f"{time_panel} .baocao-panel-status")
    assert re.fullmatch(r"Rows of data: \d+ · unit of measure: tấn", status), status
    table = page.locator(f'[data-panel="{server["table"]}"] .baocao-table')
    assert "1.234,5" in table.inner_text()
    page.screenshot(path="/tmp/en-scripts-dashboard.png", full_page=True)

    page.goto(f"{server['url']}/bang-dieu-khien/?from=2030-M01")
    page.wait_for_selector(f"{time_panel}[data-drawn='empty']", timeout=15000)
    assert page.inner_text(f"{time_panel} .baocao-panel-status") == (
        "No accepted figures in the chosen range yet."
    )
    data_url = page.get_attribute(time_panel, "data-url")
    page.route(f"**{data_url}*", lambda route: route.abort())
    page.goto(f"{server['url']}/bang-dieu-khien/")
    page.wait_for_selector(f"{time_panel}[data-drawn='error']", timeout=15000)
    assert page.inner_text(f"{time_panel} .baocao-panel-status") == (
        "Could not load the chart's figures. Check the filters (periods like"
        " 2026-M03), then reload the page."
    )
