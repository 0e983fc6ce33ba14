"""How ``parse`` decides what a cell is: kinds, titles and the table heuristic.

The conventions are those of DESIGN.md §4: on a protected sheet the unlocked
cells are the inputs; elsewhere an empty cell inside a table (right of a row
label, below a column header, within the header's columns) is guessed to be one.
"""

from __future__ import annotations

import bisect
import re

from baocao.form_designer._grid import Grid, column_letters
from baocao.form_designer.model import FieldKind
from baocao.form_designer.workbook import Cell

_DATE_TOKENS = re.compile(r"(?<![\"\\])(d{1,4}|m{1,5}|y{2,4})", re.IGNORECASE)
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_MIN_HEADER_TEXTS = 3
_MAX_HEADER_WALK = 200
_NARRATIVE_MIN_ROWS = 2


def kind_from_format(number_format: str) -> FieldKind:
    """Input kind implied by an Excel number format."""
    fmt = _QUOTED.sub("", number_format or "General").split(";")[0]
    if fmt.strip() == "@":
        return FieldKind.TEXT
    if "%" in fmt:
        return FieldKind.PERCENT
    if _DATE_TOKENS.search(fmt) and "0" not in fmt and "#" not in fmt:
        return FieldKind.DATE
    if fmt.lower() == "general" or "." in fmt or "?" in fmt or "E+" in fmt.upper():
        return FieldKind.DECIMAL
    if "0" in fmt or "#" in fmt:
        return FieldKind.INTEGER
    return FieldKind.DECIMAL


def row_label(grid: Grid, row: int, col: int) -> str:
    """The longest text left of (row, col) in the same row."""
    texts = [t for c in range(1, col) if (t := grid.text(row, c))]
    return max(texts, key=len) if texts else ""


def column_header(grid: Grid, row: int, col: int) -> str:
    """Header texts above (row, col): the nearest run of text rows, top-down."""
    runs = grid.header_runs.get(col)
    if runs is None:
        runs = grid.header_runs[col] = _text_runs(grid, col)
    index = bisect.bisect_left(runs, (row,)) - 1
    if index < 0 or row - runs[index][0] > _MAX_HEADER_WALK:
        return ""
    return runs[index][1]


def _text_runs(grid: Grid, col: int) -> list[tuple[int, str]]:
    """(last row, joined texts) of every run of consecutive text cells in ``col``.

    A title merged across the sheet from column A ends a run without joining
    it: "BÁO CÁO ..." above a table is not part of its column headers.
    """
    runs: list[tuple[int, str]] = []
    current: list[str] = []
    for r in range(1, grid.sheet.max_row + 1):
        anchor = grid.covered.get((r, col))
        title = anchor is not None and anchor[1] == 1 and col != 1
        text = None if title else grid.text(r, col)
        if text is None:
            if current:
                runs.append((r - 1, " — ".join(current)))
            current = []
            continue
        if not current or text != current[-1]:
            current.append(text)
    if current:
        runs.append((grid.sheet.max_row, " — ".join(current)))
    return runs


def field_title(grid: Grid, row: int, col: int) -> str:
    """Title of an input: row label and column header, e.g. ``GRDP — Kế hoạch``."""
    label, header = row_label(grid, row, col), column_header(grid, row, col)
    if header and not label:
        return f"{header} (dòng {row})"
    parts = [p for p in (label, header) if p]
    return " — ".join(parts) or f"{grid.sheet.name}!{column_letters(col)}{row}"


def narrative_block(grid: Grid, cell_row: int, cell_col: int) -> bool:
    """True when (row, col) is the top-left of a merge spanning several rows."""
    bounds = grid.merge_at.get((cell_row, cell_col))
    return bounds is not None and bounds[3] - bounds[1] + 1 >= _NARRATIVE_MIN_ROWS


def protected_inputs(grid: Grid) -> list[Cell]:
    """Unlocked, formula-free cells that are not hidden under a merge."""
    return [
        cell
        for cell in grid.sheet.cells
        if not cell.locked
        and cell.formula is None
        and (cell.row, cell.col) not in grid.covered
    ]


def _text_count(grid: Grid, row: int) -> int:
    return sum(
        1
        for col in range(1, grid.sheet.max_col + 1)
        if (row, col) not in grid.covered and grid.text(row, col)
    )


def _header_columns(grid: Grid, first: int, last: int) -> set[int]:
    cols = set()
    for row in range(first, last + 1):
        for col in range(1, grid.sheet.max_col + 1):
            if grid.text(row, col):
                cols.add(col)
    return cols


#: Row labels that start a total row (no inputs there): "Tổng cộng", "Cộng".
TOTAL_LABELS = ("tổng", "cộng")


def _is_section_row(grid: Grid, row: int) -> bool:
    """A heading row (only bold text) or a total row: no inputs in it."""
    cells = [grid.cells.get((row, c)) for c in range(1, grid.sheet.max_col + 1)]
    stored = [c for c in cells if c is not None and (c.value is not None or c.formula)]
    labels = [c.value.strip().casefold() for c in stored if isinstance(c.value, str)]
    if any(label.startswith(TOTAL_LABELS) for label in labels):
        return True
    return bool(stored) and all(
        c.formula is None and isinstance(c.value, str) and c.style.bold for c in stored
    )


def guessed_inputs(grid: Grid) -> list[tuple[int, int]]:
    """Empty cells inside the tables of an unprotected sheet, plus narrative blocks."""
    found: list[tuple[int, int]] = []
    sheet = grid.sheet
    row = 1
    while row <= sheet.max_row:
        if _text_count(grid, row) < _MIN_HEADER_TEXTS:
            row += 1
            continue
        header_end = row
        while header_end < sheet.max_row and _is_header_row(grid, header_end + 1):
            header_end += 1
        columns = _header_columns(grid, row, header_end)
        row = _table_inputs(grid, header_end + 1, columns, found)
    found.extend(
        (r, c)
        for (r, c) in sorted(grid.merge_at)
        if narrative_block(grid, r, c) and grid.is_empty(r, c) and (r, c) not in found
    )
    return sorted(set(found))


def _is_header_row(grid: Grid, row: int) -> bool:
    """A continuation of a header block: several texts and no number or formula."""
    if _text_count(grid, row) < _MIN_HEADER_TEXTS:
        return False
    cells = (grid.cells.get((row, col)) for col in range(1, grid.sheet.max_col + 1))
    return not any(
        c is not None
        and (
            c.formula is not None
            or (c.value is not None and not isinstance(c.value, str))
        )
        for c in cells
    )


def _table_inputs(
    grid: Grid, first_row: int, columns: set[int], found: list[tuple[int, int]]
) -> int:
    """Collect the inputs of one table's body; return the row after it."""
    row = first_row
    while row <= grid.sheet.max_row and not grid.row_is_empty(row):
        if not _is_section_row(grid, row):
            found.extend(
                (row, col)
                for col in sorted(columns)
                if grid.is_empty(row, col)
                and (row, col) not in grid.covered
                and not narrative_block(grid, row, col)
                and row_label(grid, row, col)
            )
        row += 1
    return row + 1
