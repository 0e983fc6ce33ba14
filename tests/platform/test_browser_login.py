"""Real Chromium logs in through the real login page and sees Vietnamese pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from baocao.platform.roles import Role
from baocao.platform.services.units import seed_dongthap
from support import launch_chromium, serve

TREE_PATH = "/don-vi/"


@pytest.fixture
def live_server(app, make_user) -> Iterator[str]:
    """The test app served by werkzeug in a thread on a free loopback port."""
    with app.app_context():
        seed_dongthap()
    make_user("SKHCN.tonghop", Role.AGGREGATOR, "SKHCN")
    with serve(app) as url:
        yield url


@pytest.mark.browser
def test_login_page_in_chromium_then_unit_tree_in_vietnamese(
    live_server: str, app, password: str, tmp_path: Path
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    assert any(rule.rule == TREE_PATH for rule in app.url_map.iter_rules())
    with sync_api.sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(locale="vi-VN")
            page.goto(live_server + "/login/")
            assert page.locator("html").inner_text().count("Đăng nhập") >= 1
            page.fill("#username", "SKHCN.tonghop")
            page.fill("#password", password)
            page.click("input[type=submit], button[type=submit]")
            page.wait_for_url(live_server + "/")
            body = page.locator("body").inner_text()
            page.screenshot(path=str(tmp_path / "home.png"), full_page=True)
            assert "Xin chào" in body
            assert "Tổng hợp" in body
            assert "Chế độ trình diễn: dữ liệu không được lưu" in body
            assert "congantinh@dongthap.gov.vn" in body
            page.goto(live_server + TREE_PATH)
            tree = page.locator("body").inner_text()
            page.screenshot(path=str(tmp_path / "tree.png"), full_page=True)
            assert "Danh mục cơ quan, đơn vị" in tree
            assert "Tỉnh Đồng Tháp" in tree
            assert "Sở Khoa học và Công nghệ" in tree
            assert "Phường Đạo Thạnh" in tree
            assert "Xã Tân Phú Trung" in tree
        finally:
            browser.close()
