"""In the browser: the receiver accepts, the outbox page shows the data package
delivered to the national endpoint double (issue #7 item 6, EX-9).

The app runs on a loopback port with the demo's in-process delivery
(:mod:`baocao.platform.exchange.demo`): accepting kicks it, no Celery.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from baocao.platform.exchange import demo as exchange_demo
from baocao.platform.models.exchange import OutboxMessage
from baocao.platform.roles import Role
from baocao.platform.security import ensure_user
from playwright.sync_api import expect, sync_playwright
from support import launch_chromium, serve


@pytest.fixture
def live(
    exchange_app: Any, open_regime: Any, accept_report: Any, password: str
) -> Iterator[dict[str, Any]]:
    """The app served on loopback, a report of 28249 sent and waiting for acceptance."""
    ensure_user(exchange_app, "admin", password, role=Role.SYSADMIN)
    ensure_user(
        exchange_app, "SKHCN.tonghop", password, role=Role.AGGREGATOR, unit_code="SKHCN"
    )
    open_regime()
    sub = accept_report("28249", 12.5, until="send")
    delivery = exchange_demo.start(exchange_app)
    with serve(exchange_app) as url:
        yield {"url": url, "sub": str(sub.pk), "password": password}
    delivery.stop()


def _login(browser: Any, live: dict[str, Any], username: str) -> Any:
    page = browser.new_context(locale="vi-VN").new_page()
    page.goto(f"{live['url']}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", live["password"])
    page.click("[type=submit]")
    page.wait_for_load_state()
    return page


@pytest.mark.browser
def test_accept_then_outbox_shows_the_delivered_data_package(
    live: dict[str, Any], national: Any
) -> None:
    """EX-9: accept in the browser → signed data package delivered, shown as such."""
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        receiver = _login(browser, live, "SKHCN.tonghop")
        receiver.goto(f"{live['url']}/bao-cao/{live['sub']}")
        receiver.click("#action-accept button[type=submit]")
        receiver.wait_for_load_state()
        admin = _login(browser, live, "admin")
        admin.goto(f"{live['url']}/trao-doi/hang-doi/?state=delivered")
        data = OutboxMessage.objects(package_type="du_lieu_bao_cao").first()
        assert data is not None
        row = admin.locator(f"#outbox tr[data-key='{data.key}']")
        for _ in range(20):  # the in-process delivery runs right after the kick
            if row.count() and row.get_attribute("data-state") == "delivered":
                break
            admin.wait_for_timeout(250)
            admin.reload()
        expect(row).to_have_attribute("data-state", "delivered")
        expect(row.locator(".state")).to_have_text("Đã gửi")
        expect(row).to_contain_text("đã ký")
        admin.click(f"#outbox tr[data-key='{data.key}'] a")
        expect(admin.locator("#signature")).to_contain_text("Hợp lệ")
        browser.close()
    assert data.key in national.stored
