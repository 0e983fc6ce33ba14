"""Playwright in real Chromium: the demo designer uploads a template, edits a cell, publishes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from baocao.platform.models import Form
from playwright.sync_api import sync_playwright
from support import launch_chromium, login_page


@pytest.mark.browser
def test_designer_uploads_edits_and_publishes(
    server: str, app: Any, kit: Any, password: str, tmp_path: Path
) -> None:
    xlsx = tmp_path / "bieu01.xlsx"
    xlsx.write_bytes(kit.template())
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        login_page(page, server, "SKHCN.thietke", password)
        page.goto(server + "/bieu-mau/")
        page.fill("#name", "Biểu 01 thử")
        page.set_input_files("#file", str(xlsx))
        page.click("#upload")
        page.wait_for_selector(".bc-sheet td.role-input")
        assert page.locator(".bc-sheet td.role-computed").count() > 0
        page.click('td[data-address="Biểu 01-KTXH!D9"]')
        assert page.input_value("#f-address") == "Biểu 01-KTXH!D9"
        assert page.input_value("#f-role") == "input"
        page.select_option("#f-kind", "integer")
        page.fill("#f-minimum", "0")
        page.fill("#f-indicator", "GRDP_KH")
        page.click("#save-cell")
        page.wait_for_selector("text=Đã cập nhật ô Biểu 01-KTXH!D9")
        assert (
            page.locator('td[data-address="Biểu 01-KTXH!D9"].is-overridden').count()
            == 1
        )
        page.click("#publish")
        page.wait_for_selector("text=Đã phát hành phiên bản 1")
        page.screenshot(path=str(tmp_path / "designer.png"))
        browser.close()
    with app.app_context():
        form = Form.objects.get(name="Biểu 01 thử")
        assert form.latest_version == 1
        compiled = app.extensions["baocao_form_loader"](str(form.pk), 1)
        prop = compiled.schema["properties"]["Biểu 01-KTXH!D9"]
        assert prop["type"] == "integer" and prop["x-indicator"] == "GRDP_KH"
