"""The aggregate workbook: template sheets with the totals, a copy per unit."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from baocao.form_designer import compile_workbook
from baocao.form_designer.fill_units import UnitSheet, fill_aggregate_workbook
from support import SHARED, require

TEMPLATE = SHARED / "templates" / "giaoduc_truong.xlsx"
NAME = "Trường học!B8"


def test_unit_sheets_hold_values_and_text_stays_text() -> None:
    """FU-1: every template sheet is copied once per unit under a valid, unique
    title (31 characters, no ':' or '/'); a copy holds the unit's inputs and its
    formula results as plain values; hostile text stays text everywhere."""
    require(TEMPLATE.is_file(), f"template {TEMPLATE}")
    data = Path(TEMPLATE).read_bytes()
    compiled = compile_workbook(data)
    hostile = '=HYPERLINK("http://127.0.0.1/x","bấm")'
    formula = next(iter(compiled.formulas["cells"]))
    sheet_name, cell = formula.rsplit("!", 1)
    units = [
        UnitSheet(
            "28249 Phường: Đạo Thạnh / rất dài tên", {NAME: hostile}, {formula: 7}
        ),
        UnitSheet("28249 Phường: Đạo Thạnh / rất dài tên", {}, {formula: "=1+1"}),
    ]
    book = openpyxl.load_workbook(
        io.BytesIO(fill_aggregate_workbook(data, compiled, {NAME: "Tổng"}, {}, units))
    )
    originals = [s["name"] for s in compiled.layout["sheets"]]
    copies = book.sheetnames[len(originals) :]
    assert book.sheetnames[: len(originals)] == originals
    assert len(copies) == 2 * len(originals) == len(set(copies))
    assert all(len(t) <= 31 and ":" not in t and "/" not in t for t in copies)
    first = book[copies[originals.index(sheet_name)]]
    second = book[copies[len(originals) + originals.index(sheet_name)]]
    assert first[cell].value == 7 and first[cell].data_type == "n"
    assert second[cell].value == "=1+1" and second[cell].data_type == "s"
    assert str(book[sheet_name][cell].value).startswith("=")  # the aggregate's formula
    names = book[copies[originals.index("Trường học")]]
    assert names["B8"].value == hostile and names["B8"].data_type == "s"
    assert book["Trường học"]["B8"].value == "Tổng"
