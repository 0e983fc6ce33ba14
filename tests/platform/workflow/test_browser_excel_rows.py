"""Chromium: the Excel round trip of a repeat group (rows typed in the grid,
changed and added in the .xlsx, previewed, applied).

Screenshots go to /tmp/roundtrip-rows-*.png (outside git) to be looked at.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from baocao.form_designer import compile_workbook
from baocao.platform.models.workflow import Submission
from baocao.platform.roles import Role
from support import ROOT

TEMPLATE = ROOT / "tests" / "fixtures" / "xlsx" / "projects_repeat.xlsx"
SHEET = "Dự án"
SHOTS = Path(tempfile.gettempdir())


@pytest.fixture
def site(app: Any, make_user: Any, monthly_regime: Any, live_server: str) -> Any:
    """28249's draft of a regime on projects_repeat (group du_an, rows 3-5)."""
    compiled = compile_workbook(TEMPLATE.read_bytes())
    app.extensions["baocao_form_loader"] = lambda form_id, version: (
        compiled if (form_id, version) == ("duan", 1) else None
    )
    app.extensions["baocao_form_source"] = lambda form_id, version: (
        TEMPLATE.read_bytes()
    )
    accounts = [("28249.nhaplieu", Role.DATA_ENTRY, "28249")]
    with app.app_context():
        sub_id = monthly_regime(make_user, accounts, "duan", "Nhập dự án")[1]
    return {
        "url": live_server,
        "sub": sub_id,
        "page": f"{live_server}/bao-cao/{sub_id}",
    }


def _cell(page: Any, key: str) -> Any:
    return page.locator(f'.bc-in[data-key="{key}"]')


def _type(page: Any, key: str, text: str) -> None:
    _cell(page, key).fill(text)
    _cell(page, key).press("Tab")


def _fourth_row_is_refused(page: Any, tmp_path: Path) -> None:
    """A fourth project inserted in Excel with a word for a number."""
    with page.expect_download() as info:
        page.click("#download-xlsx")
    info.value.save_as(tmp_path / "lan-hai.xlsx")
    book = openpyxl.load_workbook(tmp_path / "lan-hai.xlsx")
    ws = book[SHEET]
    ws.insert_rows(6)  # a fourth project, total row moved down as in Excel
    for col in "DE":
        ws[f"{col}7"] = f"=SUM({col}3:{col}6)"
    ws["E8"] = "=IFERROR(ROUND(E7/D7*100,2),0)"
    ws["E9"] = '=COUNTIF(C3:C6,"Nhóm A")'
    ws["B6"], ws["D6"] = "Cầu Mỹ Thuận 2", "hai trăm"
    book.save(tmp_path / "them-dong.xlsx")
    page.set_input_files("#excel-file", str(tmp_path / "them-dong.xlsx"))
    page.click("#excel-preview")
    page.wait_for_load_state()
    errors = page.locator("#excel-errors").inner_text()
    assert "FD031" in errors and "Dự án!D6" in errors
    assert "có 4 dòng nhưng biểu mẫu chỉ cho phép tối đa 3 dòng" in errors
    assert page.locator("#excel-apply").count() == 0
    page.screenshot(path=str(SHOTS / "roundtrip-rows-errors.png"), full_page=True)


@pytest.mark.browser
def test_repeat_rows_round_trip_in_chromium(
    site: dict[str, Any], browser_login: Any, tmp_path: Path
) -> None:
    """RT-B10: two project rows typed in the grid come down in rows 3-4 with the
    total; in the file a cell of row 2 is changed and a third project typed in
    row 5; the preview lists the three cells by group row and "2 → 3 dòng";
    after "Áp dụng" the grid shows three rows and the new total. A fourth row
    inserted in Excel with a word for a number: FD031 at its cell and FD035
    (the form takes three rows), no "Áp dụng"."""
    page = browser_login(site["url"], "28249.nhaplieu")
    page.goto(site["page"])
    _type(page, "du_an[0].B", "Cầu Cao Lãnh")
    _type(page, "du_an[0].D", "500")
    _type(page, "du_an[1].B", "Đường ĐT 846")
    _type(page, "du_an[1].D", "300")
    page.locator("#autosave-status").filter(has_text="Đã lưu lúc").wait_for(
        timeout=15000
    )
    with page.expect_download() as info:
        page.click("#download-xlsx")
    info.value.save_as(tmp_path / "tai-ve.xlsx")
    book = openpyxl.load_workbook(tmp_path / "tai-ve.xlsx")
    ws = book[SHEET]
    assert [ws[f"B{r}"].value for r in (3, 4, 5)] == [
        "Cầu Cao Lãnh",
        "Đường ĐT 846",
        None,
    ]
    cached = openpyxl.load_workbook(tmp_path / "tai-ve.xlsx", data_only=True)
    assert cached[SHEET]["D6"].value == 800
    ws["D4"], ws["B5"], ws["D5"] = 350, "Kè sông Tiền", 150
    book.save(tmp_path / "da-dien.xlsx")
    page.set_input_files("#excel-file", str(tmp_path / "da-dien.xlsx"))
    page.click("#excel-preview")
    page.wait_for_load_state()
    changes = page.locator("tr.excel-change")
    assert changes.count() == 3
    assert "Dự án (du_an) — dòng 2 — Vốn kế hoạch" in changes.nth(0).inner_text()
    assert "Kè sông Tiền" in changes.nth(1).inner_text()
    assert "2 → 3 dòng (thêm 1 dòng)" in page.locator("#excel-rows").inner_text()
    page.screenshot(path=str(SHOTS / "roundtrip-rows-preview.png"), full_page=True)
    page.click("#excel-apply button[type=submit]")
    page.wait_for_load_state()
    assert "Đã áp dụng 3 thay đổi" in page.content()
    assert _cell(page, "du_an[2].B").input_value() == "Kè sông Tiền"
    assert "1000" in page.locator(f'td.bc-c[data-key="{SHEET}!D6"]').inner_text()
    page.screenshot(path=str(SHOTS / "roundtrip-rows-applied.png"), full_page=False)
    stored = Submission.objects.get(pk=site["sub"])
    assert [row.get("D") for row in stored.get_data()["du_an"]] == [500, 350, 150]

    _fourth_row_is_refused(page, tmp_path)
    page.context.close()
