"""A Playwright walk through the whole chain: four users, four browser contexts."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from baocao.form_designer import compile_workbook
from baocao.platform.demo_signing import (
    FOLDER,
    DemoSigning,
    leader_accounts,
    register_demo_certificates,
    write_demo_pki,
)
from baocao.platform.roles import Role
from baocao.platform.services import signatures
from baocao.platform.services import workflow as wf
from baocao.platform.settings import Secret, Settings
from signing_support import PKI, pki, sign_outside
from support import SHARED
from werkzeug.serving import make_server

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
ACCOUNTS = [
    ("28249.nhaplieu", Role.DATA_ENTRY, "28249"),
    ("28249.lanhdao", Role.APPROVER, "28249"),
    ("28249.gui", Role.SENDER, "28249"),
    ("SKHCN.tonghop", Role.AGGREGATOR, "SKHCN"),
]


@pytest.fixture
def settings(settings: Settings, tmp_path: Path, password: str) -> Settings:
    """Trusts the test PKI and a demo PKI written as ``baocao demo`` does."""
    demo = write_demo_pki(tmp_path, password, datetime.now(UTC))
    return dataclasses.replace(
        settings,
        secret_key=Secret("kiem-thu-quy-trinh-" * 3),
        trust_roots=(PKI / "root.pem", demo.root),
    )


@pytest.fixture
def server(
    app: Any, make_user: Any, monthly_regime: Any, password: str
) -> Iterator[dict[str, Any]]:
    """The app on a loopback port, with a regime opened for 2026-M03."""
    with app.app_context():
        regime_id, sub_id = monthly_regime(
            make_user, ACCOUNTS, "f", "Nhập, duyệt, ký, gửi"
        )
        signatures.register_certificate(
            "28249.lanhdao", pki("leader.pem"), actor="admin", now=NOW
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


def _sign(page: Any, server: dict[str, Any]) -> None:
    """The leader uploads the report signed outside (USB token path)."""
    pdf = sign_outside(wf.get_submission(server["sub"]), NOW)
    page.goto(f"{server['url']}/bao-cao/{server['sub']}")
    page.set_input_files(
        "#signed-upload",
        files=[{"name": "da-ky.pdf", "mimeType": "application/pdf", "buffer": pdf}],
    )
    page.click("#sign-submit")
    page.wait_for_load_state()


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
    _sign(leader, server)
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
    _sign(leader, server)
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


@pytest.fixture
def signing_server(
    app: Any, make_user: Any, monthly_regime: Any, password: str, tmp_path: Path
) -> Iterator[dict[str, Any]]:
    """The app serving an approved report of form bieu01_ktxh; the demo leader
    certificates registered as ``baocao demo`` registers them."""
    compiled = compile_workbook(
        (SHARED / "templates" / "bieu01_ktxh.xlsx").read_bytes()
    )
    app.extensions["baocao_form_loader"] = lambda form_id, version: (
        compiled if (form_id, version) == ("ktxh", 1) else None
    )
    folder = tmp_path / FOLDER
    demo = DemoSigning(
        folder, folder / "root.pem", {u: folder / f"{u}.p12" for u in leader_accounts()}
    )
    with app.app_context():
        _regime, sub_id = monthly_regime(make_user, ACCOUNTS, "ktxh", "Ký số")
        register_demo_certificates(app, demo, password, NOW)
        find = app.appbuilder.sm.find_user
        entry = find("28249.nhaplieu")
        sub = wf.save_data(sub_id, {"Biểu 01-KTXH!D17": 40}, 1, entry, now=NOW)
        sub = wf.act(sub_id, "submit", sub.version, entry, now=NOW)
        wf.act(sub_id, "approve", sub.version, find("28249.lanhdao"), now=NOW)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield {
        "url": f"http://127.0.0.1:{httpd.server_port}",
        "sub": sub_id,
        "password": password,
        "p12": demo.p12["28249.lanhdao"],
    }
    httpd.shutdown()
    thread.join(5)


@pytest.mark.browser
def test_leader_signs_with_the_demo_p12_and_the_receiver_verifies(
    browser: Any, signing_server: dict[str, Any], tmp_path: Path
) -> None:
    """KY-B01: the leader signs with the demo .p12 in Chromium; the receiving unit
    sees "Hợp lệ" before accepting; a tampered copy is "Không hợp lệ"."""
    server = signing_server
    leader, sender, receiver = (
        _login(browser, server, name) for name, _r, _u in ACCOUNTS[1:]
    )
    leader.goto(f"{server['url']}/chung-thu-so/")
    assert leader.locator("#certificates tr[data-sha256]").count() == 1
    leader.screenshot(path="/tmp/signflow-0-certificates.png")  # noqa: S108
    leader.goto(f"{server['url']}/bao-cao/{server['sub']}")
    leader.set_input_files("#p12", str(server["p12"]))
    leader.fill("#passphrase", server["password"])
    leader.screenshot(path="/tmp/signflow-1-panel.png", full_page=True)  # noqa: S108
    leader.click("#sign-submit")
    leader.wait_for_load_state()
    assert leader.locator("#state").inner_text() == "đã ký"
    _act(sender, server, "send")
    receiver.goto(f"{server['url']}/bao-cao/{server['sub']}")
    verdict = receiver.locator("#signature-check .verdict")
    assert verdict.inner_text() == "Hợp lệ"
    assert receiver.locator("#action-accept").count() == 1
    receiver.screenshot(path="/tmp/signflow-2-receiver.png", full_page=True)  # noqa: S108
    with receiver.expect_download() as download:
        receiver.click("#signed-pdf")
    signed = Path(download.value.path()).read_bytes()
    assert signed.startswith(b"%PDF")
    tampered = tmp_path / "ban-sua.pdf"
    tampered.write_bytes(signed.replace(b"/Producer", b"/Producex", 1))
    receiver.goto(f"{server['url']}/ky-so/kiem-tra")
    receiver.set_input_files("#verify-pdf", str(tampered))
    receiver.click("#verify-submit")
    receiver.wait_for_load_state()
    verdict = receiver.locator("#signature-verdict .verdict")
    assert verdict.inner_text() == "Không hợp lệ"
    assert "thay đổi sau khi ký" in receiver.locator("#signature-verdict").inner_text()
    receiver.screenshot(path="/tmp/signflow-3-tampered.png", full_page=True)  # noqa: S108
