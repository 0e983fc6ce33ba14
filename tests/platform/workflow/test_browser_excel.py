"""Chromium on the entry page: Excel round trip, two editors, PDF download.

Screenshots go to /tmp/roundtrip-*.png (outside git) to be looked at.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from baocao.platform.models.workflow import Submission
from baocao.platform.roles import Role
from support import SHARED, require

TEMPLATE = SHARED / "templates" / "bieu01_ktxh.xlsx"
SHEET = "Biểu 01-KTXH"
D9, E9, D17, D18 = (f"{SHEET}!{c}" for c in ("D9", "E9", "D17", "D18"))
TOTAL = f"{SHEET}!D25"
ACCOUNTS = [
    ("28249.nhaplieu", Role.DATA_ENTRY, "28249"),
    ("28249.nhaplieu2", Role.DATA_ENTRY, "28249"),
]
SHOTS = Path(tempfile.gettempdir())  # screenshots stay out of git


@pytest.fixture
def site(ktxh_draft: Any, live_server: str) -> dict[str, Any]:
    """A draft of bieu01_ktxh for 28249 with two data-entry accounts, served."""
    sub_id = ktxh_draft(ACCOUNTS)
    return {
        "url": live_server,
        "sub": sub_id,
        "page": f"{live_server}/bao-cao/{sub_id}",
    }


def _cell(page: Any, key: str) -> Any:
    return page.locator(f'.bc-in[data-key="{key}"]')


def _type_and_wait_saved(page: Any, key: str, text: str) -> None:
    _cell(page, key).fill(text)
    _cell(page, key).press("Tab")
    page.locator("#autosave-status").filter(has_text="Đã lưu lúc").wait_for(
        timeout=15000
    )


def _download(page: Any, selector: str, target: Path) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    info.value.save_as(target)
    return target.read_bytes()


def _edit(xlsx: bytes, target: Path, **cells: Any) -> Path:
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    for ref, value in cells.items():
        book[SHEET][ref] = value
    book.save(target)
    return target


def _stored(sub_id: str) -> Submission:
    return Submission.objects.get(pk=sub_id)


@pytest.mark.browser
def test_excel_round_trip_in_chromium(
    site: dict[str, Any], browser_login: Any, tmp_path: Path
) -> None:
    """RT-B01: download the .xlsx from the page, change cells with openpyxl,
    upload, see the preview, apply, see the values in the grid; then a file
    with a wrong type shows the errors and applies nothing."""
    page = browser_login(site["url"], "28249.nhaplieu")
    page.goto(site["page"])
    _type_and_wait_saved(page, D9, "100")
    xlsx = _download(page, "#download-xlsx", tmp_path / "tai-ve.xlsx")
    assert openpyxl.load_workbook(io.BytesIO(xlsx))[SHEET]["D9"].value == 100
    filled = _edit(xlsx, tmp_path / "da-dien.xlsx", D9=1250.5, D17=40, E9=None)
    page.set_input_files("#excel-file", str(filled))
    page.click("#excel-preview")
    page.wait_for_load_state()
    rows = page.locator("tr.excel-change")
    assert rows.count() == 2
    first = rows.nth(0).inner_text()
    assert "Tổng sản phẩm trên địa bàn (GRDP) — Kế hoạch năm 2026" in first
    assert "100" in first and "1.250,5" in first
    assert "Thu nội địa — Kế hoạch năm 2026" in rows.nth(1).inner_text()
    page.screenshot(path=str(SHOTS / "roundtrip-preview.png"), full_page=True)
    assert _stored(site["sub"]).get_data() == {D9: 100}
    page.click("#excel-apply button[type=submit]")
    page.wait_for_load_state()
    assert "Đã áp dụng 2 thay đổi" in page.content()
    assert _cell(page, D9).input_value() == "1.250,50"
    assert _cell(page, D17).input_value() == "40,00"
    assert "40" in page.locator(f'td.bc-c[data-key="{TOTAL}"]').inner_text()
    page.screenshot(path=str(SHOTS / "roundtrip-applied.png"), full_page=False)
    applied = _stored(site["sub"])
    assert applied.get_data() == {D9: 1250.5, D17: 40}

    xlsx = _download(page, "#download-xlsx", tmp_path / "lan-hai.xlsx")
    wrong = _edit(xlsx, tmp_path / "sai.xlsx", D9="một nghìn", D18=7)
    page.set_input_files("#excel-file", str(wrong))
    page.click("#excel-preview")
    page.wait_for_load_state()
    errors = page.locator("#excel-errors")
    assert "Tệp có 1 lỗi; chưa áp dụng thay đổi nào." in errors.inner_text()
    assert "Giá trị 'một nghìn' không đúng kiểu số của ô" in errors.inner_text()
    assert page.locator("#excel-apply").count() == 0
    page.screenshot(path=str(SHOTS / "roundtrip-errors.png"), full_page=True)
    assert _stored(site["sub"]).version == applied.version
    page.context.close()


@pytest.mark.browser
def test_two_editors_conflict_in_chromium(
    site: dict[str, Any], browser_login: Any
) -> None:
    """RT-B02: two contexts edit the same draft; the second autosave gets the
    conflict message with the first user's name and time; nothing overwritten."""
    first = browser_login(site["url"], "28249.nhaplieu")
    second = browser_login(site["url"], "28249.nhaplieu2")
    first.goto(site["page"])
    second.goto(site["page"])
    _type_and_wait_saved(first, D17, "111")
    _cell(second, D18).fill("222")
    _cell(second, D18).press("Tab")
    status = second.locator("#autosave-status")
    status.filter(has_text="Không lưu được").wait_for(timeout=15000)
    text = status.inner_text()
    assert re.search(
        r"đã được 28249\.nhaplieu lưu lúc \d\d:\d\d \d\d/\d\d/\d{4} sau khi", text
    ), text
    status.scroll_into_view_if_needed()
    second.screenshot(path=str(SHOTS / "roundtrip-conflict.png"), full_page=False)
    assert _stored(site["sub"]).get_data() == {D17: 111}
    first.context.close()
    second.context.close()


@pytest.mark.browser
def test_pdf_download_has_labels_and_values(
    site: dict[str, Any], browser_login: Any, tmp_path: Path
) -> None:
    """RT-B03: the PDF downloaded from the page holds the Vietnamese labels
    and the values just typed (pdftotext)."""
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    page = browser_login(site["url"], "28249.nhaplieu")
    page.goto(site["page"])
    _type_and_wait_saved(page, D17, "1234")
    _type_and_wait_saved(page, E9, "56,5")
    pdf = _download(page, "#download-pdf", tmp_path / "bao-cao.pdf")
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "bao-cao.pdf"), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    for label in ("Tổng sản phẩm trên địa bàn (GRDP)", "Thu nội địa", "Tỷ đồng"):
        assert label in text
    assert re.search(r"Thu nội địa\s+Tỷ đồng\s+1\.234,00", text)
    assert re.search(r"\(GRDP\)\s+Tỷ đồng\s+56,50", text)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(tmp_path / "bao-cao.pdf"),
            str(SHOTS / "roundtrip-pdf"),
        ],
        check=False,
    )
    page.context.close()
