"""Playwright in real Chromium: after the language switch (``/lang/en``) the
texts the scripts write on a linked report (grid checks, autosave, narrative
word counts and autosave) are English; numbers keep the Vietnamese marks."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import expect, sync_playwright
from support import launch_chromium, login_page

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
OUTLINE = {
    "title": "Thuyết minh",
    "sections": [{"title": "Tình hình chung", "required": True, "word_limit": 50}],
}
CAPITAL = "Dự án!C4"


def _linked_report(app: Any, kit: Any) -> str:
    """28249's draft of a linked report (project grid plus a one-section outline)."""
    with app.app_context():
        form_id = kit.publish_projects(OUTLINE)
        return kit.open_regime(form_id, "linked")


@pytest.mark.browser
def test_scripts_write_english_after_the_language_switch(
    server: str, app: Any, kit: Any, password: str
) -> None:
    """UI-B01: the grid's check and recalculation failure, the autosave status and
    the narrative editor's word count and autosave status, all in English."""
    sub_id = _linked_report(app, kit)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_context(
            locale="vi-VN", viewport={"width": 1280, "height": 900}
        ).new_page()
        login_page(page, server, "28249.nhaplieu", password)
        page.goto(f"{server}/lang/en")
        page.goto(f"{server}/bao-cao/{sub_id}")

        # The server's cell messages stay Vietnamese in both languages and
        # would replace the grid's own at once: hold the server's answer back.
        recalc = "**/tinh-toan"
        page.route(recalc, lambda route: route.fulfill(json={"computed": {}}))
        cell = page.locator(f'.bc-in[data-key="{CAPITAL}"]')
        cell.fill("nhiều")
        error = cell.locator("xpath=..").locator(".bc-err")
        expect(error).to_have_text("The value must be a number (e.g. 1.234,5).")
        page.screenshot(path="/tmp/en-scripts-grid-error.png", full_page=True)
        status = page.locator("#autosave-status")
        expect(status).to_contain_text("Not saved yet", timeout=10000)

        page.unroute(recalc)
        page.route(recalc, lambda route: route.abort())
        cell.fill("1234,5")
        cell.press("Tab")
        expect(page.locator(".bc-recalc-status")).to_have_text(
            "Could not recalculate the formula cells. Check the network."
        )
        expect(status).to_contain_text("Saved at", timeout=10000)
        assert re.fullmatch(r"Saved at \d\d:\d\d", status.inner_text().strip())
        assert cell.input_value() == "1234,5"  # the decimal comma stays
        assert error.count() == 0

        editor = page.locator('.bc-nar-editor[data-key="m1"]')
        editor.click()
        page.keyboard.type("Kinh tế tăng trưởng khá.")
        narrative = page.locator("#narrative-status")
        expect(narrative).to_contain_text("Narrative saved at", timeout=10000)
        assert re.fullmatch(
            r"Narrative saved at \d\d:\d\d", narrative.inner_text().strip()
        )
        count = page.inner_text('.bc-nar-count[data-key="m1"]')
        assert count == "5 words / at most 50"
        page.screenshot(path="/tmp/en-scripts-saved.png", full_page=True)
        browser.close()
