"""The entry page's JSON endpoints (recalculation, autosave) and Chromium."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
from baocao.platform.models.workflow import Submission
from baocao.platform.roles import Role
from baocao.platform.settings import Secret, Settings

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
INPUT, DEPENDENT = "Biểu 01-KTXH!D17", "Biểu 01-KTXH!D25"
ACCOUNTS = [
    ("28249.nhaplieu", Role.DATA_ENTRY, "28249"),
    ("28249.lanhdao", Role.APPROVER, "28249"),
]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, secret_key=Secret("kiem-thu-nhap-lieu-" * 3))


@pytest.fixture
def sub_id(ktxh_draft: Any) -> str:
    """A draft of a regime whose form is bieu01_ktxh, for unit 28249."""
    return ktxh_draft(ACCOUNTS)


def _token(client: Any, sub_id: str) -> str:
    page = client.get(f"/bao-cao/{sub_id}")
    assert page.status_code == 200
    found = _CSRF.search(page.get_data(as_text=True))
    assert found
    return found.group(1)


def _post(client: Any, url: str, body: Any, token: str | None) -> Any:
    headers = {"Accept": "application/json"}
    if token:
        headers["X-CSRFToken"] = token
    return client.post(url, json=body, headers=headers)


def test_recalc_returns_changed_formula_cells(
    app: Any, client: Any, auth: Any, sub_id: str
) -> None:
    """WF-V10: the grid's recalculation: 200 with the dependent cell, 400
    without CSRF or with a bad body, 403 for a user who may not enter data."""
    auth.login("28249.nhaplieu")
    token = _token(client, sub_id)
    url = f"/bao-cao/{sub_id}/tinh-toan"
    page = client.get(f"/bao-cao/{sub_id}").get_data(as_text=True)
    assert f'data-recalc-url="{url}"' in page and "baocao-grid.js" in page
    data = {INPUT: 40, "Biểu 01-KTXH!D18": None, "Biểu 01-KTXH!D19": ""}
    ok = _post(client, url, {"changed": {INPUT: 40}, "data": data}, token)
    assert ok.status_code == 200, ok.json
    assert ok.json["computed"][DEPENDENT] == 40 and ok.json["errors"] == {INPUT: []}
    bad = _post(client, url, {"changed": {INPUT: "nhiều"}}, token)
    assert bad.status_code == 200 and INPUT in bad.json["errors"]
    assert bad.json["errors"][INPUT][0].startswith(f"[{INPUT}]")
    assert _post(client, url, {"changed": {INPUT: 1}}, None).status_code == 400
    assert _post(client, url, {"changed": [1]}, token).status_code == 400
    auth.logout()
    auth.login("28249.lanhdao")
    token = _token(client, sub_id)
    refused = _post(client, url, {"changed": {INPUT: 1}}, token)
    assert refused.status_code == 403 and refused.json["code"] == "WF036"


def test_autosave_saves_refuses_stale_and_foreign(
    app: Any, client: Any, auth: Any, sub_id: str
) -> None:
    """WF-V11: autosave: 200 with the new version and computed cells, 409 on a
    stale version naming the last saver (nothing overwritten), 422 by cell,
    400 without CSRF, 403 for a user who may not enter data."""
    auth.login("28249.nhaplieu")
    token = _token(client, sub_id)
    url = f"/bao-cao/{sub_id}/luu-tu-dong"
    with app.app_context():
        version = Submission.objects.get(pk=sub_id).version
    body = {"data": {INPUT: 40, "Biểu 01-KTXH!D18": None}, "version": version}
    assert _post(client, url, body, None).status_code == 400
    ok = _post(client, url, body, token)
    assert ok.status_code == 200, ok.json
    assert ok.json["version"] == version + 1
    assert ok.json["computed"][DEPENDENT] == 40 and ok.json["errors"] == {}
    stale = _post(client, url, {"data": {INPUT: 99}, "version": version}, token)
    assert stale.status_code == 409
    assert stale.json["last_save"]["actor"] == "28249.nhaplieu"
    assert re.fullmatch(r"\d\d:\d\d \d\d/\d\d/\d{4}", stale.json["last_save"]["time"])
    with app.app_context():
        assert Submission.objects.get(pk=sub_id).get_data() == {INPUT: 40}
    invalid = _post(
        client, url, {"data": {INPUT: "nhiều"}, "version": version + 1}, token
    )
    assert invalid.status_code == 422 and INPUT in invalid.json["errors"]
    assert _post(client, url, {"data": {}, "version": "1"}, token).status_code == 400
    auth.logout()
    auth.login("28249.lanhdao")
    token = _token(client, sub_id)
    body = {"data": {INPUT: 1}, "version": version + 1}
    assert _post(client, url, body, token).status_code == 403


@pytest.mark.browser
def test_grid_recalculates_and_autosaves_in_chromium(
    sub_id: str, live_server: str, browser_login: Any, tmp_path: Path
) -> None:
    """WF-B02: type a number, see the dependent total, see "Đã lưu lúc", reload."""
    page = browser_login(live_server, "28249.nhaplieu")
    page.goto(f"{live_server}/bao-cao/{sub_id}")
    cell = page.locator(f'.bc-in[data-key="{INPUT}"]')
    cell.fill("1234")
    cell.press("Tab")
    total = page.locator(f'td.bc-c[data-key="{DEPENDENT}"]')
    page.wait_for_function(
        "el => /1[.,\\s]?234/.test(el.textContent)",
        arg=total.element_handle(),
        timeout=1500,  # before the 2 s autosave: the recalculation did it
    )
    status = page.locator("#autosave-status")
    status.filter(has_text="Đã lưu lúc").wait_for(timeout=10000)
    page.screenshot(path=str(tmp_path / "autosave.png"), full_page=False)
    assert page.locator("#data-form .bc-err, #data-form .bc-invalid").count() == 0
    assert re.fullmatch(r"Đã lưu lúc \d\d:\d\d", status.inner_text().strip())
    page.reload()
    assert page.locator(f'.bc-in[data-key="{INPUT}"]').input_value() == "1.234,00"
    assert "1.234" in page.locator(f'td.bc-c[data-key="{DEPENDENT}"]').inner_text()
    page.context.close()
