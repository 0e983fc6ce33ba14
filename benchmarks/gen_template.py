# ruff: noqa: E501 - formula strings read best on one line
"""Generate report templates shaped like ``../shared/templates`` at any size.

Shared by the benchmarks (compile, recalculation, validation): a protected
sheet with a title, a two-row merged header, sections of indicator rows whose
unlocked cells are inputs, per-row formulas (sums, IFERROR ratios, IF text),
section and grand totals, a data-validation list column, and a summary sheet
with cross-sheet references, COUNTIF, SUMIF, INDEX/MATCH and SUMPRODUCT.

    python benchmarks/gen_template.py --cells 5000 -o /tmp/t5k.xlsx

``make_template(cells)`` returns ``(xlsx bytes, input addresses)``; ``cells`` is
the approximate number of non-empty plus input cells of the main sheet.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation

SHEET = "Biểu tổng hợp"
SUMMARY = "Tổng hợp"
INPUT_COLUMNS = "DEFGHIJK"  # 8 inputs per row
CELLS_PER_ROW = 16  # A..P: STT, label, category, 8 inputs, 5 formulas
SECTION_ROWS = 20
CATEGORIES = ("Xã", "Phường", "Đặc khu")
THIN = Side(style="thin")
BOX = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)


def _header(ws) -> None:
    ws["A1"] = "ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP"
    ws["A3"] = "BÁO CÁO TỔNG HỢP SỐ LIỆU (mẫu sinh tự động)"
    ws.merge_cells("A3:P3")
    for col, text in zip("ABC", ("STT", "Đơn vị", "Loại"), strict=True):
        ws[f"{col}5"] = text
        ws.merge_cells(f"{col}5:{col}6")
    ws["D5"] = "Kế hoạch"
    ws.merge_cells("D5:G5")
    ws["H5"] = "Thực hiện"
    ws.merge_cells("H5:K5")
    for col, text in zip(INPUT_COLUMNS, ("Q1", "Q2", "Q3", "Q4") * 2, strict=True):
        ws[f"{col}6"] = text
    for col, text in zip("LMNOP", ("Tổng KH", "Tổng TH", "Tỷ lệ (%)", "Đánh giá", "Chênh lệch"), strict=True):
        ws[f"{col}5"] = text
        ws.merge_cells(f"{col}5:{col}6")
    for row in ws["A5:P6"]:
        for cell in row:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = BOX


def _data_row(ws, row: int, number: int, inputs: list[str]) -> None:
    ws[f"A{row}"] = number
    ws[f"B{row}"] = f"Đơn vị số {number}"
    ws[f"C{row}"].protection = Protection(locked=False)
    inputs.append(f"{SHEET}!C{row}")
    for col in INPUT_COLUMNS:
        cell = ws[f"{col}{row}"]
        cell.protection = Protection(locked=False)
        cell.number_format = "#,##0.00"
        cell.border = BOX
        inputs.append(f"{SHEET}!{col}{row}")
    ws[f"L{row}"] = f"=SUM(D{row}:G{row})"
    ws[f"M{row}"] = f"=H{row}+I{row}+J{row}+K{row}"
    ws[f"N{row}"] = f'=IFERROR(ROUND(M{row}/L{row}*100,2),"")'
    ws[f"O{row}"] = f'=IF(N{row}="","",IF(N{row}>=100,"Đạt","Chưa đạt"))'
    ws[f"P{row}"] = f"=ABS(M{row}-L{row})"


def _total_row(ws, row: int, first: int, last: int, label: str) -> None:
    ws[f"B{row}"] = label
    ws[f"B{row}"].font = Font(bold=True)
    for col in INPUT_COLUMNS + "LMP":
        ws[f"{col}{row}"] = f"=SUM({col}{first}:{col}{last})"
    ws[f"N{row}"] = f'=IFERROR(ROUND(M{row}/L{row}*100,2),"")'


def _summary(book, first: int, last: int, total_row: int) -> None:
    ws = book.create_sheet(SUMMARY)
    ws["A1"] = "TỔNG HỢP"
    rows = [
        ("Tổng kế hoạch", f"='{SHEET}'!L{total_row}"),
        ("Tổng thực hiện", f"='{SHEET}'!M{total_row}"),
        ("Tỷ lệ chung (%)", "=IFERROR(ROUND(B3/B2*100,2),0)"),
        ("Số đơn vị đạt", f"=COUNTIF('{SHEET}'!O{first}:O{last},\"Đạt\")"),
        ("Thực hiện của xã", f"=SUMIF('{SHEET}'!C{first}:C{last},\"Xã\",'{SHEET}'!M{first}:M{last})"),
        ("Đơn vị cao nhất", f"=INDEX('{SHEET}'!B{first}:B{last},MATCH(MAX('{SHEET}'!M{first}:M{last}),'{SHEET}'!M{first}:M{last},0))"),
        ("Bình quân gia quyền", f"=IFERROR(SUMPRODUCT('{SHEET}'!N{first}:N{last},'{SHEET}'!L{first}:L{last})/B2,0)"),
    ]
    for index, (label, formula) in enumerate(rows, start=2):
        ws[f"A{index}"] = label
        ws[f"B{index}"] = formula
    ws.protection.sheet = True


def make_template(cells: int = 5000) -> tuple[bytes, list[str]]:
    """Return ``(xlsx bytes, input addresses)`` of a template of about ``cells`` cells."""
    book = Workbook()
    ws = book.active
    ws.title = SHEET
    _header(ws)
    ws.column_dimensions["B"].width = 36
    rows = max(SECTION_ROWS, cells // CELLS_PER_ROW)
    inputs: list[str] = []
    row, number, section_totals = 7, 1, []
    first_data = row + 1
    while number <= rows:
        ws[f"A{row}"] = f"Nhóm {len(section_totals) + 1}"
        ws[f"A{row}"].font = Font(bold=True)
        start = row + 1
        for _ in range(min(SECTION_ROWS, rows - number + 1)):
            row += 1
            _data_row(ws, row, number, inputs)
            number += 1
        row += 1
        _total_row(ws, row, start, row - 1, "Cộng nhóm")
        section_totals.append(row)
        row += 1
    last_data = row - 1
    grand = row
    ws[f"B{grand}"] = "TỔNG CỘNG"
    for col in INPUT_COLUMNS + "LMP":
        ws[f"{col}{grand}"] = "=" + "+".join(f"{col}{r}" for r in section_totals)
    ws[f"N{grand}"] = f'=IFERROR(ROUND(M{grand}/L{grand}*100,2),"")'
    validation = DataValidation(type="list", formula1='"' + ",".join(CATEGORIES) + '"')
    validation.add(f"C{first_data}:C{last_data}")
    ws.add_data_validation(validation)
    ws.protection.sheet = True
    _summary(book, first_data, last_data, grand)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), inputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cells", type=int, default=5000)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    data, inputs = make_template(args.cells)
    Path(args.output).write_bytes(data)
    print(f"{args.output}: {len(inputs)} input cells")


if __name__ == "__main__":
    main()
