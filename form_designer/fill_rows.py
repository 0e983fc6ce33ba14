"""Rows of a repeat group in the downloaded .xlsx (:func:`~.fill.fill_workbook`).

A group's template has a fixed number of rows (``x-first-row`` to
``x-last-row``); stored data may have fewer (the extra template rows stay
empty) or more. For more, rows are inserted right after the group's last row
and made to look and compute like the template's last row:

- every cell of the new row gets the last row's style (number format, borders,
  fill, font, alignment, the unlocked protection of input cells);
- a formula of the last row (a per-row total, ``=D5-E5``) is copied down with
  its relative references moved to the new row; labels (the STT column) are
  not copied, they are the template's text;
- merges inside the last row are repeated on each new row;
- what lies below moves down: cells (openpyxl), merges, row heights, data
  validations (a list on the group's column grows with it), defined names and
  the print area; every formula of the workbook is rewritten as Excel does on
  an insert (:mod:`._row_shift`), so a total row's ``SUM(D3:D5)`` becomes
  ``SUM(D3:D7)``;
- the workbook asks Excel and LibreOffice to recalculate on open, since cached
  totals may be missing for the new rows.

Conditional formats and Excel tables are not moved (the compiler's templates
do not use them on group sheets).
"""

from __future__ import annotations

import copy
from typing import Any

from baocao.form_designer._row_shift import RowSpan, copy_down, shift_formula
from baocao.schemas import column_letter


def add_group_rows(book: Any, sheet: Any, first: int, last: int, extra: int) -> None:
    """Insert ``extra`` rows after row ``last`` of ``sheet`` like its last row.

    :param book: the openpyxl workbook holding ``sheet`` (formulas of every
        sheet and the defined names are rewritten).
    """
    if extra <= 0:
        return
    span = RowSpan(sheet.title, first, last, last + extra)
    sheet.insert_rows(last + 1, extra)
    for each in book.worksheets:
        for row in each.iter_rows():
            for cell in row:
                if cell.data_type == "f" and isinstance(cell.value, str):
                    cell.value = shift_formula(cell.value, each.title, cell.row, span)
    _move_merges(sheet, span)
    _move_heights(sheet, span)
    _move_validations(sheet, span)
    _move_names(book, sheet, span)
    for offset in range(1, extra + 1):
        _copy_row(sheet, last, last + offset)
    book.calculation.fullCalcOnLoad = True


def _copy_row(sheet: Any, source: int, target: int) -> None:
    for col in range(1, sheet.max_column + 1):
        origin = sheet.cell(source, col)
        cell = sheet.cell(target, col)
        if origin.has_style:
            cell._style = copy.copy(origin._style)
        if origin.data_type == "f" and isinstance(origin.value, str):
            cell.value = copy_down(origin.value, target - source)
    for merged in list(sheet.merged_cells.ranges):
        if merged.min_row == merged.max_row == source:
            sheet.merge_cells(
                start_row=target,
                end_row=target,
                start_column=merged.min_col,
                end_column=merged.max_col,
            )


def _move_merges(sheet: Any, span: RowSpan) -> None:
    for merged in sheet.merged_cells.ranges:
        if merged.min_row > span.old_end:
            merged.shift(0, span.delta)


def _move_heights(sheet: Any, span: RowSpan) -> None:
    dims = sheet.row_dimensions
    moved = sorted((r for r in list(dims) if r > span.old_end), reverse=True)
    for row in moved:
        height = dims[row].height
        dims[row + span.delta].height = height
        dims[row].height = None
    height = dims[span.old_end].height if span.old_end in dims else None
    for row in range(span.old_end + 1, span.new_end + 1):
        dims[row].height = height


def _moved_range(bounds: Any, span: RowSpan) -> str:
    """A range of a validation's sqref (an openpyxl CellRange) after ``span``."""
    min_row, max_row = span.row(bounds.min_row), span.row(bounds.max_row)
    if bounds.min_row <= span.old_end == bounds.max_row:
        max_row = span.new_end  # a list on the group's rows covers the new ones
    start = f"{column_letter(bounds.min_col)}{min_row}"
    return f"{start}:{column_letter(bounds.max_col)}{max_row}"


def _move_validations(sheet: Any, span: RowSpan) -> None:
    for validation in sheet.data_validations.dataValidation:
        ranges = [_moved_range(r, span) for r in validation.sqref.ranges]
        validation.sqref = " ".join(ranges)  # openpyxl converts the text


def _move_names(book: Any, sheet: Any, span: RowSpan) -> None:
    scopes = [book.defined_names, *(ws.defined_names for ws in book.worksheets)]
    for names in scopes:
        for name in names.values():
            if name.attr_text:
                name.attr_text = shift_formula(name.attr_text, "", 0, span)
    if sheet.print_area:
        area = (
            ",".join(sheet.print_area)
            if isinstance(sheet.print_area, list)
            else sheet.print_area
        )
        sheet.print_area = shift_formula(area, sheet.title, 0, span)
