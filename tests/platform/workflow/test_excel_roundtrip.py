"""Downloads from the entry page and the Excel round trip (issue #4 items 5, 8)."""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from typing import Any

import openpyxl
import pytest
from baocao.form_designer import Code
from baocao.platform.models import AuditEvent
from baocao.platform.models.workflow import Submission
from baocao.platform.roles import Role
from support import SHARED

TEMPLATE = SHARED / "templates" / "bieu01_ktxh.xlsx"
SHEET = "Biểu 01-KTXH"
D9, E9, F9, H9 = (f"{SHEET}!{c}" for c in ("D9", "E9", "F9", "H9"))
ACCOUNTS = [
    ("28249.nhaplieu", Role.DATA_ENTRY, "28249"),
    ("28249.lanhdao", Role.APPROVER, "28249"),
]
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_FIELD = re.compile(r'name="(version|changes|filename|labels)" value="([^"]*)"')


@pytest.fixture
def sub_id(ktxh_draft: Any) -> str:
    """A draft of a regime whose form is bieu01_ktxh."""
    return ktxh_draft(ACCOUNTS)


def _token(client: Any, sub_id: str) -> str:
    found = _CSRF.search(client.get(f"/bao-cao/{sub_id}").get_data(as_text=True))
    assert found
    return found.group(1)


def _save(client: Any, sub_id: str, data: dict[str, Any], version: int) -> Any:
    return client.post(
        f"/bao-cao/{sub_id}/luu-tu-dong",
        json={"data": data, "version": version},
        headers={"X-CSRFToken": _token(client, sub_id), "Accept": "application/json"},
    )


def _download(client: Any, sub_id: str, fmt: str) -> Any:
    response = client.get(f"/bao-cao/{sub_id}/tai-ve/{fmt}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def _edited(xlsx: bytes, **cells: Any) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    for ref, value in cells.items():
        book[SHEET][ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client: Any, sub_id: str, data: bytes, name: str = "bao-cao.xlsx") -> Any:
    return client.post(
        f"/bao-cao/{sub_id}/nhap-excel",
        data={"csrf_token": _token(client, sub_id), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _apply_fields(page: str) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in _FIELD.findall(page)}


def _stored(app: Any, sub_id: str) -> Submission:
    with app.app_context():
        return Submission.objects.get(pk=sub_id)


def test_downloads_through_the_session(
    app: Any, client: Any, auth: Any, sub_id: str
) -> None:
    """RT-01: the page links the three files; each comes with the session
    (no token), the .xlsx is stamped with its form version and holds the value."""
    auth.login("28249.nhaplieu")
    assert _save(client, sub_id, {D9: 100}, 1).status_code == 200
    page = client.get(f"/bao-cao/{sub_id}").get_data(as_text=True)
    for fmt in ("xlsx", "pdf", "csv"):
        assert f'href="/bao-cao/{sub_id}/tai-ve/{fmt}"' in page
    xlsx = _download(client, sub_id, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    assert book[SHEET]["D9"].value == 100
    assert book.properties.identifier.startswith("baocao-form:ktxh:v1:")
    assert _download(client, sub_id, "pdf").data.startswith(b"%PDF")
    csv = _download(client, sub_id, "csv").get_data(as_text=True)
    assert f"{SHEET},D9" in csv and "100" in csv
    assert client.get(f"/bao-cao/{sub_id}/tai-ve/doc").status_code == 400
    auth.logout()
    assert client.get(f"/bao-cao/{sub_id}/tai-ve/xlsx").status_code in (302, 401)


def test_upload_preview_then_apply_as_one_save(
    app: Any, client: Any, auth: Any, sub_id: str
) -> None:
    """RT-02: upload → preview lists each change (address, label, old, new) and
    stores nothing; "Áp dụng" saves once (history + audit), values in the grid."""
    auth.login("28249.nhaplieu")
    assert _save(client, sub_id, {D9: 100}, 1).status_code == 200
    filled = _edited(_download(client, sub_id, "xlsx").data, D9=1250.5, E9=7)
    preview = _upload(client, sub_id, filled)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200, page[:500]
    assert "2 ô thay đổi" in page and "Tổng sản phẩm trên địa bàn (GRDP)" in page
    assert re.search(r"D9</code>.*?<td[^>]*>100</td>.*?1\.250,5", page, re.DOTALL)
    assert _stored(app, sub_id).version == 2  # nothing applied yet
    fields = _apply_fields(page)
    assert fields["version"] == "2" and json.loads(fields["changes"]) == {
        D9: 1250.5,
        E9: 7,
    }
    applied = client.post(
        f"/bao-cao/{sub_id}/nhap-excel/ap-dung",
        data={"csrf_token": _token(client, sub_id), **fields},
    )
    assert applied.status_code == 302
    sub = _stored(app, sub_id)
    assert sub.version == 3 and sub.get_data() == {D9: 1250.5, E9: 7}
    assert sub.history[-1]["action"] == "save"
    with app.app_context():
        event = AuditEvent.objects(action="submission.import").first()
        assert event.details["cells"] == sorted([D9, E9])
    grid = client.get(f"/bao-cao/{sub_id}").get_data(as_text=True)
    assert 'value="1.250,50"' in grid and "Đã áp dụng 2 thay đổi" in grid


def test_wrong_cells_are_listed_and_nothing_applies(
    app: Any, client: Any, auth: Any, sub_id: str, ktxh_form: Any
) -> None:
    """RT-03: a wrong type, an overwritten formula and an edited label are each
    listed with their message; no "Áp dụng" button; stored data unchanged."""
    auth.login("28249.nhaplieu")
    filled = _edited(
        _download(client, sub_id, "xlsx").data, D9=5, F9="nhiều", H9=3, A1="Sửa"
    )
    response = _upload(client, sub_id, filled)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tệp có 3 lỗi; chưa áp dụng thay đổi nào." in page
    wrong_type = Code.FD031.format(sheet=SHEET, cell="F9", value="'nhiều'", kind="số")
    formula = ktxh_form.formulas["cells"][H9]["formula"]
    overwritten = Code.FD033.format(sheet=SHEET, cell="H9", value="3", formula=formula)
    text = html.unescape(page)
    assert wrong_type in text and overwritten in text and "FD030" in text
    assert 'id="excel-apply"' not in page
    assert _stored(app, sub_id).version == 1


@pytest.mark.parametrize(
    "case",
    [
        (b"day khong phai excel", "FD001"),
        ("xlsm", "FD003"),
        ("other", "FD034"),
    ],
    ids=["not-xlsx", "macros", "other-form"],
)
def test_bad_files_are_refused_with_the_compiler_messages(
    app: Any, client: Any, auth: Any, sub_id: str, case: tuple[Any, str]
) -> None:
    """RT-04: not an xlsx, a macro-enabled file, a copy of another form: refused
    with the compiler's Vietnamese message; data unchanged."""
    payload, code = case
    auth.login("28249.nhaplieu")
    if payload == "xlsm":
        data = _with_part(TEMPLATE.read_bytes(), "xl/vbaProject.bin", b"\0" * 64)
    elif payload == "other":
        data = (SHARED / "templates" / "yte_danso.xlsx").read_bytes()
    else:
        data = payload
    response = _upload(client, sub_id, data)
    assert response.status_code == 422
    assert f"<td>{code}</td>" in response.get_data(as_text=True)
    assert _stored(app, sub_id).version == 1


def _with_part(xlsx: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx)) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr(name, content)
    return out.getvalue()


def test_stale_preview_gets_409_naming_who_saved(
    app: Any, client: Any, auth: Any, sub_id: str
) -> None:
    """RT-05: a save after the preview makes "Áp dụng" a 409 that names the
    other saver and the time; their data stays."""
    auth.login("28249.nhaplieu")
    filled = _edited(_download(client, sub_id, "xlsx").data, D9=9)
    fields = _apply_fields(_upload(client, sub_id, filled).get_data(as_text=True))
    assert _save(client, sub_id, {D9: 42}, 1).status_code == 200
    stale = client.post(
        f"/bao-cao/{sub_id}/nhap-excel/ap-dung",
        data={"csrf_token": _token(client, sub_id), **fields},
    )
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert re.search(
        r"<strong>28249.nhaplieu</strong> lưu lúc <strong>\d\d:\d\d \d\d/\d\d/\d{4}",
        page,
    )
    assert _stored(app, sub_id).get_data() == {D9: 42}


def test_only_data_entry_may_upload(
    app: Any, client: Any, auth: Any, sub_id: str
) -> None:
    """RT-06: the approver sees the downloads but no upload form and gets 403."""
    auth.login("28249.lanhdao")
    page = client.get(f"/bao-cao/{sub_id}").get_data(as_text=True)
    assert "tai-ve/xlsx" in page and 'id="excel-upload"' not in page
    response = _upload(client, sub_id, TEMPLATE.read_bytes())
    assert response.status_code == 403
