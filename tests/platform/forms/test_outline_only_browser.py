"""Playwright in real Chromium: a designer creates a form that is an outline
only ("Tạo đề cương không cần tệp Excel"), designs its sections, publishes it;
the official writes the narrative report and downloads its PDF."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from baocao.platform.models import Form
from playwright.sync_api import Page, sync_playwright
from support import launch_chromium, login_page, require

SECTIONS = (
    ("Tình hình chung", 1, True),
    ("Kết quả nổi bật", 2, False),
    ("Kiến nghị, đề xuất", 1, True),
)


def _design(page: Page, server: str, shots: Path) -> None:
    """Create the outline-only form, try to publish it empty, add three
    sections, save and publish."""
    page.goto(server + "/bieu-mau/")
    page.fill("#outline-name", "Báo cáo thuyết minh quý")
    page.click("#create-outline")
    page.wait_for_selector("#outline-only")
    assert page.locator(".bc-sheet").count() == 0
    assert page.locator("#cell-form").count() == 0
    page.click("#publish")
    page.wait_for_selector("text=chưa có mục nào nên chưa phát hành được")
    for title, level, required in SECTIONS:
        page.click("#outline-add")
        row = page.locator("#outline-table tr.outline-row").last
        row.locator(".o-title").fill(title)
        row.locator(".o-level").select_option(str(level))
        row.locator(".o-guidance").fill(f"Viết về {title.lower()}.")
        if required:
            row.locator(".o-required").check()
    page.click("#outline-save")
    page.wait_for_selector("text=Đã lưu mẫu đề cương (3 mục)")
    page.screenshot(path=str(shots / "outline-only-designer.png"), full_page=True)
    page.click("#publish")
    page.wait_for_selector("text=Đã phát hành phiên bản 1")


def _write(page: Page, key: str, html: str) -> None:
    editor = page.locator(f'.bc-nar-editor[data-key="{key}"]')
    editor.click()
    editor.evaluate(
        "(el, html) => { el.innerHTML = html;"
        " el.dispatchEvent(new Event('input', {bubbles: true})); }",
        html,
    )


@pytest.mark.browser
def test_outline_only_form_from_designer_to_pdf(
    server: str, app: Any, kit: Any, password: str, tmp_path: Path
) -> None:
    """OO-B01: issue #4 item 3 end to end in Chromium, then the PDF (item 1)."""
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        login_page(page, server, "SKHCN.thietke", password)
        _design(page, server, tmp_path)
        with app.app_context():
            form = Form.objects.get(name="Báo cáo thuyết minh quý")
            assert not form.has_workbook and form.latest_version == 1
            sub_id = kit.open_regime(str(form.pk), "narrative")
        official = browser.new_context(
            viewport={"width": 1400, "height": 900}, accept_downloads=True
        ).new_page()
        login_page(official, server, "28249.nhaplieu", password)
        official.goto(f"{server}/bao-cao/{sub_id}")
        assert official.locator(".bc-nar-editor").count() == 3
        assert official.locator("#data-form").count() == 0
        _write(official, "m1", "<p>Kinh tế <b>tăng trưởng</b> ổn định.</p>")
        official.locator("#narrative-status").filter(
            has_text="Đã lưu phần thuyết minh lúc"
        ).wait_for(timeout=10000)
        official.screenshot(
            path=str(tmp_path / "outline-only-entry.png"), full_page=True
        )
        with official.expect_download() as download:
            official.click("#narrative-files #download-pdf")
        pdf = tmp_path / "bao-cao.pdf"
        download.value.save_as(pdf)
        browser.close()
    text = " ".join(
        subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    )
    for expected in (
        "I. Tình hình chung",
        "Kinh tế tăng trưởng ổn định.",
        "1. Kết quả nổi bật",
        "II. Kiến nghị, đề xuất",
    ):
        assert expected in text, expected
