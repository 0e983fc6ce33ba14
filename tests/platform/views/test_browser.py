"""The unit and account pages in real Chromium, in Vietnamese (issue 2 item 11)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import launch_chromium


@pytest.mark.browser
def test_admin_browses_units_and_files_support_request(
    accounts: dict[str, str], live_server: str, password: str, tmp_path: Path
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    shots = Path(os.environ.get("BAOCAO_SCREENSHOTS", tmp_path))
    with sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        page.goto(f"{live_server}/login/")
        page.fill("input[name=username]", "SKHCN.admin")
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("input[type=submit], button[type=submit]")
        page.goto(f"{live_server}/don-vi/")
        assert page.locator("h2").first.inner_text() == "Danh mục cơ quan, đơn vị"
        assert page.locator("#unit-tree >> text=Tỉnh Đồng Tháp").count() == 1
        page.screenshot(path=str(shots / "units-tree.png"), full_page=False)
        page.fill("#q", "dao thanh")
        with page.expect_navigation():
            page.click("form.baocao-search button[type=submit]")
        assert page.locator("#unit-results tbody tr").count() == 1
        assert "Phường Đạo Thạnh" in page.locator("#unit-results").inner_text()
        page.goto(f"{live_server}/tai-khoan/")
        rows = page.locator("#accounts tbody tr").all_inner_texts()
        assert rows and all("SKHCN" in row for row in rows)
        page.screenshot(path=str(shots / "accounts.png"), full_page=True)
        page.goto(f"{live_server}/tai-khoan/SKHCN.nhaplieu")
        page.screenshot(path=str(shots / "account.png"), full_page=True)
        page.goto(f"{live_server}/ho-tro/")
        page.fill("#f-text", "Không mở được biểu mẫu báo cáo tháng")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert "Đã gửi yêu cầu HT-" in page.content()
        page.screenshot(path=str(shots / "support.png"), full_page=True)
        browser.close()
