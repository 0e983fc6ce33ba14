"""The Excel round trip of a repeat group through the web (issue #4 item 5)."""

from __future__ import annotations

import html
import io
import json
import re
from typing import Any

import openpyxl
import pytest
from baocao.form_designer import compile_workbook
from baocao.platform.models.workflow import Submission
from baocao.platform.roles import Role
from support import ROOT

TEMPLATE = ROOT / "tests" / "fixtures" / "xlsx" / "projects_repeat.xlsx"
SHEET = "Dự án"
ACCOUNTS = [("28249.nhaplieu", Role.DATA_ENTRY, "28249")]
#: A drawn row the grid sends with every cell blank.
EMPTY = {"B": None, "C": "", "D": None, "E": None}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_FIELD = re.compile(r'name="(version|changes|filename|labels)" value="([^"]*)"')


@pytest.fixture
def sub_id(app: Any, make_user: Any, monthly_regime: Any) -> str:
    """28249's draft of a regime on projects_repeat (group du_an, rows 3-5)."""
    compiled = compile_workbook(TEMPLATE.read_bytes())
    app.extensions["baocao_form_loader"] = lambda form_id, version: (
        compiled if (form_id, version) == ("duan", 1) else None
    )
    app.extensions["baocao_form_source"] = lambda form_id, version: (
        TEMPLATE.read_bytes()
    )
    with app.app_context():
        return monthly_regime(make_user, ACCOUNTS, "duan", "Nhập dự án")[1]


def _token(client: Any, sub_id: str) -> str:
    found = _CSRF.search(client.get(f"/bao-cao/{sub_id}").get_data(as_text=True))
    assert found
    return found.group(1)


def _upload(client: Any, sub_id: str, book: Any) -> Any:
    out = io.BytesIO()
    book.save(out)
    return client.post(
        f"/bao-cao/{sub_id}/nhap-excel",
        data={
            "csrf_token": _token(client, sub_id),
            "file": (io.BytesIO(out.getvalue()), "du-an.xlsx"),
        },
        content_type="multipart/form-data",
    )


def _stored(app: Any, sub_id: str) -> Submission:
    with app.app_context():
        return Submission.objects.get(pk=sub_id)


def test_repeat_rows_download_upload_and_apply(
    app: Any, client: Any, auth: Any, sub_id: str
) -> None:
    """RT-20: a saved row (the grid's blank cells dropped) comes down in the
    group's first row; a changed cell
    and a row added in the next template row show in the preview (group key,
    row label, row count); applying stores the rows as the web form does and
    the total is recomputed; a wrong value in a row is named by its cell."""
    auth.login("28249.nhaplieu")
    saved = client.post(
        f"/bao-cao/{sub_id}/luu-tu-dong",
        json={
            "data": {
                "du_an": [{"B": "Cầu A", "C": "Nhóm A", "D": 100, "E": 10}, EMPTY]
            },
            "version": 1,
        },
        headers={"X-CSRFToken": _token(client, sub_id), "Accept": "application/json"},
    )
    assert saved.status_code == 200, saved.get_data(as_text=True)[:300]
    assert _stored(app, sub_id).get_data()["du_an"][1] == {}  # blanks are not values
    download = client.get(f"/bao-cao/{sub_id}/tai-ve/xlsx")
    assert download.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(download.data))
    ws = book[SHEET]
    assert (ws["B3"].value, ws["D3"].value, ws["D6"].value) == (
        "Cầu A",
        100,
        "=SUM(D3:D5)",
    )
    ws["D3"], ws["B4"], ws["C4"], ws["D4"] = 150, "Đường B", "Nhóm B", 20
    preview = _upload(client, sub_id, book)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200, page[:800]
    assert "4 ô thay đổi" in page and "Dự án (du_an) — dòng 2 — Tên dự án" in page
    assert 'data-cell="du_an[1].D"' in page and "1 → 2 dòng" in page
    fields = {k: html.unescape(v) for k, v in _FIELD.findall(page)}
    assert json.loads(fields["changes"]) == {
        "du_an[0].D": 150,
        "du_an[1].B": "Đường B",
        "du_an[1].C": "Nhóm B",
        "du_an[1].D": 20,
    }
    applied = client.post(
        f"/bao-cao/{sub_id}/nhap-excel/ap-dung",
        data={"csrf_token": _token(client, sub_id), **fields},
    )
    assert applied.status_code == 302
    sub = _stored(app, sub_id)
    assert sub.get_data() == {
        "du_an": [
            {"B": "Cầu A", "C": "Nhóm A", "D": 150, "E": 10},
            {"B": "Đường B", "C": "Nhóm B", "D": 20},
        ]
    }
    assert sub.get_computed()[f"{SHEET}!D6"] == 170
    grid = client.get(f"/bao-cao/{sub_id}").get_data(as_text=True)
    assert 'data-repeat="du_an" data-index="1"' in grid and "Đường B" in grid
    ws["E4"] = "nhiều"
    wrong = _upload(client, sub_id, book)
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and "FD031" in text
    assert "<code>Dự án!E4</code>" in text and "dòng 2 — Giải ngân" in text
