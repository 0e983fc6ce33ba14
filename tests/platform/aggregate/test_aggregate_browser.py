"""The aggregate page in Chromium: refresh progress, drill-down, export job.

Unlike the other aggregate tests, Celery is not eager here: the refresh and the
export run on the in-process worker thread (as in ``baocao demo``) while the
page polls and shows their progress.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import sync_playwright
from support import launch_chromium, serve

CELL = "Biểu 01-KTXH!D10"
SHOTS = Path("/tmp")  # noqa: S108 - screenshots to look at, kept out of git


@pytest.fixture
def server(app: Any, world: dict[str, Any], password: str) -> Iterator[str]:
    app.extensions["celery"].conf.task_always_eager = False
    with serve(app) as url:
        yield url


@pytest.mark.browser
def test_aggregator_drills_down_and_exports(
    server: str, world: dict[str, Any], password: str, tmp_path: Path
) -> None:
    """AGB-1: tonghop opens the aggregate, waits for the background refresh,
    clicks a cell and sees each unit's value and the missing units, starts an
    .xlsx export, sees the progress bar and downloads a workbook with one sheet
    per unit."""
    first, second = world["scenarios"][0], world["scenarios"][1]
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_context(
            locale="vi-VN", viewport={"width": 1400, "height": 900}
        ).new_page()
        page.goto(f"{server}/login/")
        page.fill("input[name=username]", "SKHCN.tonghop")
        page.fill("input[name=password]", password)
        page.click("[type=submit]")
        page.wait_for_load_state()
        page.goto(f"{server}/tong-hop/{world['regime']}/2026-M03")
        page.screenshot(path=str(SHOTS / "aggpages-1-opened.png"))
        page.locator("#computed-at").wait_for(timeout=30000)
        assert page.locator("#aggregate").get_attribute("data-state") == "fresh"
        assert page.locator("#units-missing").inner_text().split() == [
            "28270",
            "28273",
        ]
        page.locator(f'.bc-in[data-key="{CELL}"]').click()
        panel = page.locator("#drilldown")
        panel.wait_for(state="visible", timeout=5000)
        rows = panel.locator("#drill-values tbody tr")
        rows.first.wait_for(timeout=5000)
        assert panel.locator("#drill-cell").inner_text() == CELL
        assert rows.first.locator("td").first.inner_text() == "28249"
        expected_blank = "28261" if CELL not in second else ""
        assert expected_blank in panel.locator("#drill-blank").inner_text()
        assert "28270, 28273" in panel.locator("#drill-missing").inner_text()
        total = first[CELL] + second.get(CELL, 0)
        shown = panel.locator("#drill-value").inner_text()
        assert shown.replace(".", "").replace(",", ".") == f"{total:g}"
        page.screenshot(path=str(SHOTS / "aggpages-2-drilldown.png"), full_page=True)
        page.click("#export-xlsx")
        page.locator("#export-progress").wait_for(state="visible", timeout=5000)
        link = page.locator("#export-link")
        link.wait_for(state="visible", timeout=30000)
        bar = page.locator("#export-progress .progress-bar")
        assert bar.get_attribute("aria-valuenow") == "100"
        page.screenshot(path=str(SHOTS / "aggpages-3-export.png"), full_page=True)
        with page.expect_download() as info:
            link.click()
        path = tmp_path / "tong-hop.xlsx"
        info.value.save_as(path)
        browser.close()
    book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    assert book.sheetnames == ["Biểu 01-KTXH", "28249 28249", "28261 28261"]
