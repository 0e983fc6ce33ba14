"""A Playwright walk through the whole chain: four users, four browser contexts."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from baocao.platform.roles import Role
from baocao.platform.services import workflow as wf
from baocao.platform.settings import Secret, Settings
from werkzeug.serving import make_server

ACCOUNTS = [
    ("28249.nhaplieu", Role.DATA_ENTRY, "28249"),
    ("28249.lanhdao", Role.APPROVER, "28249"),
    ("28249.gui", Role.SENDER, "28249"),
    ("SKHCN.tonghop", Role.AGGREGATOR, "SKHCN"),
]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, secret_key=Secret("kiem-thu-quy-trinh-" * 3))


@pytest.fixture
def server(
    app: Any, make_user: Any, monthly_regime: Any, password: str
) -> Iterator[dict[str, Any]]:
    """The app on a loopback port, with a regime opened for 2026-M03."""
    with app.app_context():
        regime_id, sub_id = monthly_regime(
            make_user, ACCOUNTS, "f", "Nhập, duyệt, ký, gửi"
        )
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield {
        "url": f"http://127.0.0.1:{httpd.server_port}",
        "sub": sub_id,
        "regime": regime_id,
        "password": password,
    }
    httpd.shutdown()
    thread.join(5)


def _login(browser: Any, server: dict[str, Any], username: str) -> Any:
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(f"{server['url']}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", server["password"])
    page.click("[type=submit]")
    page.wait_for_load_state()
    return page


def _act(page: Any, server: dict[str, Any], action: str, **fields: str) -> None:
    page.goto(f"{server['url']}/bao-cao/{server['sub']}")
    for selector, value in fields.items():
        page.fill(f"#action-{action} [name={selector}]", value)
    page.click(f"#action-{action} button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.browser
def test_four_users_walk_the_chain_in_the_browser(
    browser: Any, server: dict[str, Any]
) -> None:
    """WF-B01: enter, submit, approve, sign, send, return with a cell comment,
    resubmit, and accept, each user in their own browser context."""
    entry, leader, sender, receiver = (
        _login(browser, server, name) for name, _role, _unit in ACCOUNTS
    )
    entry.goto(f"{server['url']}/bao-cao/viec-can-lam")
    assert entry.locator("#inbox tr[data-unit='28249']").count() == 1
    entry.goto(f"{server['url']}/bao-cao/{server['sub']}")
    entry.fill("input[name=new_cell]", "Biểu 01!D7")
    entry.fill("input[name=new_value]", "12,5")
    entry.click("#save")
    entry.wait_for_load_state()
    _act(entry, server, "submit")
    _act(leader, server, "approve")
    _act(leader, server, "sign", signature="sha256:0a1b2c")
    _act(sender, server, "send")
    _act(
        receiver,
        server,
        "return",
        reason="Số liệu D7 chưa đúng",
        comments="Biểu 01!D7: Đối chiếu kỳ trước",
    )
    entry.goto(f"{server['url']}/bao-cao/{server['sub']}")
    assert "Đối chiếu kỳ trước" in entry.locator("#comments").inner_text()
    entry.fill("input[name='Biểu 01!D7']", "13")
    entry.click("#save")
    entry.wait_for_load_state()
    _act(entry, server, "submit")
    _act(leader, server, "approve")
    _act(leader, server, "sign", signature="sha256:0a1b2d")
    _act(sender, server, "send")
    _act(receiver, server, "accept")
    receiver.goto(f"{server['url']}/che-do-bao-cao/{server['regime']}/ky/2026-M03")
    row = receiver.locator("#tracking tr[data-unit='28249']")
    assert row.locator(".state").inner_text() == "đã tiếp nhận"
    sub = wf.get_submission(server["sub"])
    assert (sub.state, sub.step) == ("accepted", None)
    assert sub.get_data() == {"Biểu 01!D7": 13}
    assert [e["action"] for e in sub.history] == [
        "save",
        "submit",
        "approve",
        "sign",
        "send",
        "return",
        "save",
        "submit",
        "approve",
        "sign",
        "send",
        "accept",
    ]
    assert sub.history[7]["changed_since_return"] == ["Biểu 01!D7"]
