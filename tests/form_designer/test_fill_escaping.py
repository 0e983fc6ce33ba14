"""Text typed by a unit is written as text, never as a live formula (DESIGN.md §10)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from baocao.form_designer import compile_workbook
from baocao.form_designer.fill import fill_workbook
from support import SHARED, require

TEMPLATE = SHARED / "templates" / "giaoduc_truong.xlsx"


def test_text_starting_with_equals_stays_text() -> None:
    """A school name '=HYPERLINK(...)' must not become a formula in the filled file."""
    require(TEMPLATE.is_file(), f"template {TEMPLATE}")
    data = Path(TEMPLATE).read_bytes()
    compiled = compile_workbook(data)
    hostile = '=HYPERLINK("http://127.0.0.1/x","bấm")'
    filled = fill_workbook(data, compiled, {"Trường học!B8": hostile})
    sheet = openpyxl.load_workbook(io.BytesIO(filled))["Trường học"]
    assert sheet["B8"].data_type == "s"
    assert sheet["B8"].value == hostile
