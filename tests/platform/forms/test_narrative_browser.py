"""Playwright in real Chromium: a designer marks a repeat group and a narrative
cell and designs an outline; an official writes the narrative of a linked report
(a pasted <script> is stripped) and cannot submit it with a required section empty."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from baocao.platform.models import Form
from baocao.platform.models.workflow import Submission
from playwright.sync_api import Page, sync_playwright
from support import launch_chromium, login_page


def _design(page: Page, server: str, xlsx: Path, shots: Path) -> None:
    """Upload, mark rows 4–6 as du_an, try an impossible group, mark A10 as a
    narrative cell, design a two-section outline, publish."""
    page.goto(server + "/bieu-mau/")
    page.fill("#name", "Dự án và thuyết minh")
    page.set_input_files("#file", str(xlsx))
    page.click("#upload")
    page.wait_for_selector(".bc-sheet td.role-input")
    page.click('td[data-address="Dự án!B4"]')
    page.click('td[data-address="Dự án!C6"]', modifiers=["Shift"])
    assert (page.input_value("#r-first"), page.input_value("#r-last")) == ("4", "6")
    page.fill("#r-name", "du_an")
    page.fill("#r-min", "1")
    page.click("#mark-repeat")
    page.wait_for_selector("text=Đã đánh dấu nhóm dòng lặp du_an")
    assert page.locator("td.in-repeat").count() > 0
    page.click('td[data-address="Dự án!C7"]')
    page.click('td[data-address="Dự án!A9"]', modifiers=["Shift"])
    page.fill("#r-name", "tong")
    page.click("#mark-repeat")
    page.wait_for_selector("text=Không đánh dấu được")
    assert "dòng 7, 8, 9 không có ô nhập liệu" in page.inner_text(".alert-danger")
    page.click('td[data-address="Dự án!A10"]')
    page.select_option("#f-role", "narrative")
    page.fill("#f-title", "Đánh giá chung")
    page.click("#save-cell")
    page.wait_for_selector("text=Đã cập nhật ô Dự án!A10")
    assert page.locator('td[data-address="Dự án!A10"].role-narrative').count() == 1
    for title, required, limit in (
        ("Tình hình chung", True, "200"),
        ("Kiến nghị", True, ""),
    ):
        page.click("#outline-add")
        row = page.locator("#outline-table tr.outline-row").last
        row.locator(".o-title").fill(title)
        row.locator(".o-guidance").fill(f"Viết về {title.lower()}.")
        if required:
            row.locator(".o-required").check()
        row.locator(".o-limit").fill(limit)
    page.click("#outline-save")
    page.wait_for_selector("text=Đã lưu mẫu đề cương (2 mục)")
    page.screenshot(path=str(shots / "designer-marks.png"), full_page=True)
    page.click("#publish")
    page.wait_for_selector("text=Đã phát hành phiên bản 1")


def _write(page: Page, key: str, html: str) -> None:
    """Type into a section, then add HTML as a paste from a web page would."""
    editor = page.locator(f'.bc-nar-editor[data-key="{key}"]')
    editor.click()
    page.keyboard.type("Kinh tế tăng trưởng khá. ")
    editor.evaluate(
        "(el, html) => { el.insertAdjacentHTML('beforeend', html);"
        " el.dispatchEvent(new Event('input', {bubbles: true})); }",
        html,
    )


@pytest.mark.browser
def test_designer_outline_and_official_narrative(
    server: str, app: Any, kit: Any, password: str, tmp_path: Path
) -> None:
    """NR-B01: issue #4 items 1 and 3 end to end in Chromium."""
    xlsx = tmp_path / "du_an.xlsx"
    xlsx.write_bytes(kit.projects_template())
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        login_page(page, server, "SKHCN.thietke", password)
        _design(page, server, xlsx, tmp_path)
        with app.app_context():
            form = Form.objects.get(name="Dự án và thuyết minh")
            sub_id = kit.open_regime(str(form.pk))
        official = browser.new_context(
            viewport={"width": 1400, "height": 900}
        ).new_page()
        login_page(official, server, "28249.nhaplieu", password)
        official.goto(f"{server}/bao-cao/{sub_id}")
        assert official.locator('tr.bc-rep[data-repeat="du_an"]').count() == 3
        assert official.locator('.bc-add[data-repeat="du_an"]').is_disabled()  # max 3
        assert official.locator(".bc-nar-editor").count() == 2
        _write(
            official,
            "m1",
            "<p>Đoạn hai <b>đậm</b></p><script>window.pwned=1</script>"
            '<img src=x onerror="window.pwned=2">',
        )
        official.locator("#narrative-status").filter(
            has_text="Đã lưu phần thuyết minh lúc"
        ).wait_for(timeout=10000)
        assert "8 từ / tối đa 200" in official.inner_text(
            '.bc-nar-count[data-key="m1"]'
        )
        official.screenshot(
            path=str(tmp_path / "designer-narrative.png"), full_page=True
        )
        with app.app_context():
            stored = Submission.objects.get(pk=sub_id).narrative_sections["m1"]
        assert (
            "<b>đậm</b>" in stored
            and "script" not in stored
            and "onerror" not in stored
        )
        official.click("#action-submit button")
        official.wait_for_load_state()
        body = official.inner_text("body")
        assert "mục bắt buộc của đề cương chưa có nội dung: 'Kiến nghị'" in body
        official.screenshot(
            path=str(tmp_path / "designer-submit-refused.png"), full_page=True
        )
        official.goto(f"{server}/bao-cao/{sub_id}")
        assert "<b>đậm</b>" in official.inner_html('.bc-nar-editor[data-key="m1"]')
        _write(official, "m2", "<ul><li>Tăng vốn</li></ul>")
        official.locator("#narrative-status").filter(
            has_text="Đã lưu phần thuyết minh lúc"
        ).wait_for(timeout=10000)
        official.click("#action-submit button")
        official.wait_for_selector("#state")
        assert official.evaluate("window.pwned") is None
        browser.close()
    with app.app_context():
        assert Submission.objects.get(pk=sub_id).state == "submitted"
