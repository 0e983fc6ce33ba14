"""Workflow API of DESIGN.md §8 with real FAB accounts and bearer tokens."""

from __future__ import annotations

import dataclasses
import io
import json
from typing import Any

import openpyxl
import pytest
from baocao.form_designer import compile_workbook
from baocao.platform.roles import Role
from baocao.platform.settings import Secret, Settings
from flask.testing import FlaskClient

ACCOUNTS = [
    ("SKHCN.thietke", Role.DESIGNER, "SKHCN"),
    ("SKHCN.tonghop", Role.AGGREGATOR, "SKHCN"),
    ("28249.nhaplieu", Role.DATA_ENTRY, "28249"),
    ("28249.lanhdao", Role.APPROVER, "28249"),
    ("28249.gui", Role.SENDER, "28249"),
    ("28261.nhaplieu", Role.DATA_ENTRY, "28261"),
    ("28261.lanhdao", Role.APPROVER, "28261"),
]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The web app's test settings with a key long enough for HS256 tokens."""
    return dataclasses.replace(settings, secret_key=Secret("kiem-thu-quy-trinh-" * 3))


@pytest.fixture
def api(
    app: Any, client: FlaskClient, make_user: Any, api_token: Any, make_unit: Any
) -> Any:
    """A tree, demo-style accounts, and ``call(user, method, path, **kw)``."""
    with app.app_context():
        make_unit("82", "province")
        make_unit("SKHCN", "department", "82")
        for code in ("28249", "28261", "28270"):
            make_unit(code, "commune", "82")
        for username, role, unit in ACCOUNTS:
            make_user(username, role, unit)
    tokens: dict[str, str] = {}

    def call(
        username: str, method: str, path: str, version: int | None = None, **json: Any
    ) -> Any:
        if username not in tokens:
            tokens[username] = api_token(username)
        headers = {"Authorization": f"Bearer {tokens[username]}"}
        if version is not None:
            headers["If-Match"] = f'"{version}"'
        return client.open(
            f"/api/v1{path}", method=method, headers=headers, json=json or None
        )

    return call


def _setup(call: Any) -> tuple[str, dict[str, str]]:
    chains = call("SKHCN.thietke", "GET", "/chains")
    assert chains.status_code == 200
    made = call(
        "SKHCN.thietke",
        "POST",
        "/chains",
        name="Chuẩn",
        steps=[
            {
                "name": "Nhập liệu trình",
                "actor_role": "nhaplieu",
                "actor_unit": "reporting",
                "actions": ["submit"],
                "signature_required": False,
            },
            {
                "name": "Lãnh đạo duyệt, ký",
                "actor_role": "lanhdao",
                "actor_unit": "reporting",
                "actions": ["approve", "sign", "return"],
                "signature_required": False,
            },
            {
                "name": "Gửi",
                "actor_role": "gui",
                "actor_unit": "reporting",
                "actions": ["send"],
                "signature_required": False,
            },
            {
                "name": "Tiếp nhận",
                "actor_role": "tonghop",
                "actor_unit": "receiving",
                "actions": ["accept", "return"],
                "signature_required": False,
            },
        ],
    )
    assert made.status_code == 201, made.json
    regime = call(
        "SKHCN.thietke",
        "POST",
        "/regimes",
        name="Báo cáo tháng",
        kind="dinh_ky",
        content="numeric",
        form_id="f1",
        form_version=1,
        reporting_units=["28249", "28261", "28270"],
        receiving_unit="SKHCN",
        frequency="month",
        chain_id=made.json["id"],
    )
    assert regime.status_code == 201, regime.json
    assert regime.json["status"] == "published"
    assert regime.json["defaults_applied"] == [
        "cutoff",
        "methods",
        "deadline",
        "guidance",
    ]
    regime_id = regime.json["id"]
    opened = call(
        "SKHCN.tonghop", "POST", f"/regimes/{regime_id}/periods", period="2026-M03"
    )
    assert opened.status_code == 201, opened.json
    assert opened.json["window"] == {"start": "2026-02-15", "end": "2026-03-14"}
    assert (opened.json["created"], opened.json["submissions"]) == (3, 3)
    again = call(
        "SKHCN.tonghop", "POST", f"/regimes/{regime_id}/periods", period="2026-M03"
    )
    assert (again.json["created"], again.json["submissions"]) == (0, 3)
    listing = call(
        "SKHCN.tonghop", "GET", f"/submissions?regime={regime_id}&period=2026-M03"
    )
    return regime_id, {i["unit"]: i["id"] for i in listing.json["items"]}


def test_walk_the_chain_through_the_api(api: Any) -> None:
    """WF-A01: chain, regime, period, data with If-Match, every action, status board."""
    regime_id, subs = _setup(api)
    sub = subs["28249"]
    assert api("28249.nhaplieu", "GET", f"/submissions/{sub}").json["version"] == 1
    todo = api("28249.nhaplieu", "GET", "/submissions/inbox")
    assert [(i["id"], i["actions"]) for i in todo.json["items"]] == [(sub, ["submit"])]
    put = api(
        "28249.nhaplieu",
        "PUT",
        f"/submissions/{sub}/data",
        version=1,
        data={"Biểu 01!D7": 12.5},
    )
    assert put.status_code == 200, put.json
    assert put.json == {"version": 2, "computed": {}, "errors": []}
    stale = api(
        "28249.nhaplieu",
        "PUT",
        f"/submissions/{sub}/data",
        version=1,
        data={"Biểu 01!D7": 13},
    )
    assert stale.status_code == 409
    assert stale.json["code"] == "WF030"
    bad = api(
        "28249.nhaplieu",
        "PUT",
        f"/submissions/{sub}/data",
        version=2,
        data={"D7": 1, "Biểu 01!D8": [1]},
    )
    assert bad.status_code == 422
    assert sorted(e["cell"] for e in bad.json["errors"]) == ["Biểu 01!D8", "D7"]
    assert (
        api(
            "28249.nhaplieu", "PUT", f"/submissions/{sub}/data", data={"Biểu 01!D7": 1}
        ).status_code
        == 428
    )
    version = 2
    for who, action, extra in [
        ("28249.nhaplieu", "submit", {}),
        ("28249.lanhdao", "approve", {}),
        ("28249.lanhdao", "sign", {}),
        ("28249.gui", "send", {}),
    ]:
        done = api(
            who,
            "POST",
            f"/submissions/{sub}/actions/{action}",
            version=version,
            **extra,
        )
        assert done.status_code == 200, (action, done.json)
        version = done.json["version"]
    no_reason = api(
        "SKHCN.tonghop", "POST", f"/submissions/{sub}/actions/return", version=version
    )
    assert no_reason.status_code == 422
    assert no_reason.json["code"] == "WF022"
    back = api(
        "SKHCN.tonghop",
        "POST",
        f"/submissions/{sub}/actions/return",
        version=version,
        reason="Số liệu D7 chưa đúng",
        comments={"Biểu 01!D7": "Đối chiếu với kỳ trước"},
    )
    assert back.status_code == 200
    assert (back.json["state"], back.json["step"]) == ("returned", 0)
    assert back.json["comments"][0]["cell"] == "Biểu 01!D7"
    board = api("SKHCN.tonghop", "GET", f"/regimes/{regime_id}/periods/2026-M03/status")
    assert board.status_code == 200
    states = {i["unit"]: (i["state"], i["step"]) for i in board.json["items"]}
    assert states == {
        "28249": ("returned", 0),
        "28261": ("draft", 0),
        "28270": ("draft", 0),
    }
    assert [e["action"] for e in back.json["history"]] == [
        "save",
        "submit",
        "approve",
        "sign",
        "send",
        "return",
    ]


def test_forbidden_and_invisible(api: Any) -> None:
    """WF-A02: other units get 403; a leader cannot submit; wrong state is 409."""
    regime_id, subs = _setup(api)
    sub = subs["28249"]
    assert api("28261.nhaplieu", "GET", f"/submissions/{sub}").status_code == 403
    assert (
        api(
            "28261.nhaplieu",
            "PUT",
            f"/submissions/{sub}/data",
            version=1,
            data={"Biểu 01!D7": 1},
        ).status_code
        == 403
    )
    assert (
        api(
            "28249.lanhdao", "POST", f"/submissions/{sub}/actions/submit", version=1
        ).status_code
        == 403
    )
    wrong = api(
        "28249.nhaplieu", "POST", f"/submissions/{sub}/actions/approve", version=1
    )
    assert wrong.status_code == 409
    assert wrong.json["code"] == "WF021"
    mine = api("28261.nhaplieu", "GET", f"/submissions?regime={regime_id}")
    assert [i["unit"] for i in mine.json["items"]] == ["28261"]
    assert (
        api(
            "28249.nhaplieu", "POST", f"/regimes/{regime_id}/periods", period="2026-M04"
        ).status_code
        == 403
    )
    assert (
        api(
            "28249.nhaplieu", "GET", f"/regimes/{regime_id}/periods/2026-M03/status"
        ).status_code
        == 403
    )
    assert (
        api("28249.nhaplieu", "POST", "/chains", name="x", steps=[]).status_code == 403
    )
    outside = api(
        "SKHCN.tonghop",
        "POST",
        f"/submissions/{subs['28261']}/external",
        version=1,
        document_number="5/BC-UBND",
        document_date="2026-03-18",
    )
    assert outside.status_code == 200, outside.json
    assert outside.json["history"][-1]["action"] == "record_outside"
    undated = api(
        "SKHCN.tonghop",
        "POST",
        f"/submissions/{subs['28270']}/external",
        version=1,
        document_number="6/BC-UBND",
        document_date="18/03/2026",
    )
    assert undated.status_code == 422
    assert (
        api(
            "28261.nhaplieu",
            "POST",
            f"/submissions/{subs['28261']}/external",
            version=2,
            document_number="x",
            document_date="2026-03-18",
        ).status_code
        == 403
    )
    bad_chain = api("SKHCN.thietke", "POST", "/chains", name="x", steps=[])
    assert bad_chain.status_code == 422
    assert bad_chain.json["code"] == "WF010"


def test_data_is_validated_and_recomputed_with_the_form(
    api: Any, app: Any, shared_dir: Any
) -> None:
    """WF-A03: with a form loader, PUT data validates (422) and recomputes (200)."""
    compiled = compile_workbook(
        (shared_dir / "templates" / "bieu01_ktxh.xlsx").read_bytes()
    )
    app.extensions["baocao_form_loader"] = lambda form_id, version: (
        compiled if (form_id, version) == ("f1", 1) else None
    )
    _regime_id, subs = _setup(api)
    sub = subs["28261"]
    inputs = json.loads(
        (shared_dir / "templates" / "bieu01_ktxh.0.inputs.json").read_text()
    )
    expected = json.loads(
        (shared_dir / "templates" / "bieu01_ktxh.0.expected.json").read_text()
    )
    first_input = next(iter(inputs))
    bad = api(
        "28261.nhaplieu",
        "PUT",
        f"/submissions/{sub}/data",
        version=1,
        data=inputs | {first_input: "nhiều"},
    )
    assert bad.status_code == 422
    assert [(e["cell"], e["code"]) for e in bad.json["errors"]] == [
        (first_input, "DV003")
    ]
    assert bad.json["errors"][0]["message"].startswith(
        f"[{first_input}] Giá trị phải là"
    )
    good = api(
        "28261.nhaplieu", "PUT", f"/submissions/{sub}/data", version=1, data=inputs
    )
    assert good.status_code == 200, good.json
    computed = good.json["computed"]
    for cell, value in expected.items():
        if isinstance(value, int | float):
            assert computed[cell] == pytest.approx(value, rel=1e-9, abs=1e-9), cell
        else:
            assert computed[cell] == value, cell


def test_submission_exports_as_xlsx_pdf_and_csv(
    api: Any, app: Any, shared_dir: Any
) -> None:
    """DESIGN.md §8: GET /submissions/{id}/export?format=xlsx|pdf|csv."""
    source = (shared_dir / "templates" / "bieu01_ktxh.xlsx").read_bytes()
    compiled = compile_workbook(source)
    app.extensions["baocao_form_loader"] = lambda form_id, version: compiled
    app.extensions["baocao_form_source"] = lambda form_id, version: source
    _regime_id, subs = _setup(api)
    sub = subs["28261"]
    inputs = json.loads(
        (shared_dir / "templates" / "bieu01_ktxh.0.inputs.json").read_text()
    )
    expected = json.loads(
        (shared_dir / "templates" / "bieu01_ktxh.0.expected.json").read_text()
    )
    saved = api(
        "28261.nhaplieu", "PUT", f"/submissions/{sub}/data", version=1, data=inputs
    )
    assert saved.status_code == 200, saved.json

    xlsx = api("28261.nhaplieu", "GET", f"/submissions/{sub}/export?format=xlsx")
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.data), data_only=True)
    cell, value = next((c, v) for c, v in inputs.items() if isinstance(v, int | float))
    sheet, ref = cell.rsplit("!", 1)
    assert book[sheet][ref].value == value
    formula_cell, number = next(
        (c, v) for c, v in expected.items() if isinstance(v, int | float) and v
    )
    sheet, ref = formula_cell.rsplit("!", 1)
    assert book[sheet][ref].value == pytest.approx(number, rel=1e-9)

    pdf = api("28261.nhaplieu", "GET", f"/submissions/{sub}/export?format=pdf")
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Type"] == "application/pdf"

    csv_file = api("SKHCN.tonghop", "GET", f"/submissions/{sub}/export?format=csv")
    assert csv_file.status_code == 200
    assert csv_file.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_file.data.decode("utf-8-sig").splitlines()
    input_sheet, input_ref = cell.rsplit("!", 1)
    assert any(
        r.startswith(f"{input_sheet},{input_ref},") and r.endswith(f",{value}")
        for r in rows
    )

    bad = api("28261.nhaplieu", "GET", f"/submissions/{sub}/export?format=doc")
    assert bad.status_code == 400
    assert bad.json["code"] == "XF001"
    other = api("28249.nhaplieu", "GET", f"/submissions/{sub}/export?format=csv")
    assert other.status_code == 403
