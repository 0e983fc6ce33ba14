"""The sheet as a grid: visible rows and columns, merges, cells by position.

Both the HTML grid and the PDF table draw the same model, built once from a
``layout`` sheet (docs/compiled_form.md): hidden rows and columns are dropped,
merged ranges become spans counted in visible rows/columns, and the cells a
merge covers are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from baocao.renderers.errors import LayoutError, RenderCode

_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")
DEFAULT_WIDTH = 8.43
DEFAULT_HEIGHT = 15.0
MAX_LABEL_COLUMNS = 3
"""More leading label columns than this are not frozen (they would fill the screen)."""


def column_index(letters: str) -> int:
    """``A`` → 1, ``AA`` → 27."""
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def column_letter(index: int) -> str:
    """1 → ``A``, 27 → ``AA``."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def split_ref(ref: str, sheet: str = "") -> tuple[int, int]:
    """``D9`` → (9, 4) as (row, column)."""
    match = _REF.match(ref.upper())
    if not match:
        raise LayoutError(RenderCode.RD001, sheet=sheet, cell=ref)
    return int(match.group(2)), column_index(match.group(1))


def width_to_px(width: float) -> int:
    """Excel character units → CSS pixels at the default 11-point font."""
    return round(width * 7 + 5)


def height_to_px(height: float) -> int:
    """Points → CSS pixels."""
    return round(height * 4 / 3)


@dataclass(slots=True)
class Slot:
    """One drawn cell of the grid: a layout cell (or blank) with its spans."""

    row: int
    col: int
    cell: dict[str, Any] | None
    rowspan: int = 1
    colspan: int = 1
    border: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class SheetGrid:
    """A layout sheet reduced to what a renderer draws."""

    name: str
    columns: list[int]
    """Visible column indexes, left to right."""
    widths: dict[int, float]
    """Excel width of each visible column."""
    rows: list[int]
    """Visible row indexes, top to bottom."""
    heights: dict[int, float]
    slots: dict[int, list[Slot]]
    """Drawn slots of each visible row, left to right."""
    freeze_rows: int = 0
    """Last frozen row index (0: none)."""
    freeze_cols: int = 0
    """Last frozen column index (0: none)."""
    freeze_from: int = 1
    """First frozen row: 1 for Excel panes, the header's first row when inferred."""
    freeze_until: int = 1 << 30
    """Row labels stick from ``freeze_from`` to here (the table, not notes below)."""
    header_rows: tuple[int, int] = (0, 0)
    """First and last row of the table header, repeated on every PDF page."""
    repeats: list[dict[str, Any]] = field(default_factory=list)


def _merges(sheet: dict[str, Any]) -> dict[tuple[int, int], tuple[int, int]]:
    """Top-left (row, col) of each merge → bottom-right (row, col)."""
    merges: dict[tuple[int, int], tuple[int, int]] = {}
    for text in sheet.get("merges", ()):
        first, _, last = text.partition(":")
        if not last:
            raise LayoutError(RenderCode.RD002, sheet=sheet["name"], value=text)
        top_left = split_ref(first, sheet["name"])
        bottom_right = split_ref(last, sheet["name"])
        merges[top_left] = bottom_right
    return merges


def _extent(
    cells: dict[tuple[int, int], dict[str, Any]], merges: dict[Any, Any]
) -> tuple[int, int]:
    points = list(cells) + list(merges.values())
    if not points:
        return 0, 0
    return max(p[0] for p in points), max(p[1] for p in points)


def _merged_border(
    cells: dict[tuple[int, int], dict[str, Any]],
    top_left: tuple[int, int],
    end: tuple[int, int],
) -> dict[str, Any]:
    """Excel keeps a merge's right/bottom edges on the covered cells."""

    def side(position: tuple[int, int], name: str) -> Any:
        cell = cells.get(position)
        return ((cell or {}).get("style") or {}).get("border", {}).get(name)

    border = dict(((cells.get(top_left) or {}).get("style") or {}).get("border") or {})
    border["right"] = border.get("right") or side((top_left[0], end[1]), "right")
    border["bottom"] = border.get("bottom") or side((end[0], top_left[1]), "bottom")
    return border


def build_grid(sheet: dict[str, Any]) -> SheetGrid:
    """Build the drawable grid of one ``layout`` sheet."""
    name = sheet["name"]
    cells = {(c["row"], c["col"]): c for c in sheet.get("cells", ())}
    merges = _merges(sheet)
    max_row, max_col = _extent(cells, merges)
    column_info = {c["index"]: c for c in sheet.get("columns", ())}
    row_info = {r["index"]: r for r in sheet.get("rows", ())}
    columns = [
        i for i in range(1, max_col + 1) if not column_info.get(i, {}).get("hidden")
    ]
    rows = [i for i in range(1, max_row + 1) if not row_info.get(i, {}).get("hidden")]
    visible_cols, visible_rows = set(columns), set(rows)
    covered: set[tuple[int, int]] = set()
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for (top, left), (bottom, right) in merges.items():
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                covered.add((r, c))
        spans[(top, left)] = (
            max(1, sum(1 for r in range(top, bottom + 1) if r in visible_rows)),
            max(1, sum(1 for c in range(left, right + 1) if c in visible_cols)),
        )
    slots: dict[int, list[Slot]] = {}
    for r in rows:
        line: list[Slot] = []
        for c in columns:
            position = (r, c)
            if position in spans:
                rowspan, colspan = spans[position]
                slot = Slot(r, c, cells.get(position), rowspan, colspan)
                slot.border = _merged_border(cells, position, merges[position])
                line.append(slot)
            elif position not in covered:
                cell = cells.get(position)
                border = ((cell or {}).get("style") or {}).get("border") or {}
                line.append(Slot(r, c, cell, border=border))
        slots[r] = line
    grid = SheetGrid(
        name=name,
        columns=columns,
        widths={
            i: float(column_info.get(i, {}).get("width") or DEFAULT_WIDTH)
            for i in columns
        },
        rows=rows,
        heights={
            i: float(row_info.get(i, {}).get("height") or DEFAULT_HEIGHT) for i in rows
        },
        slots=slots,
        repeats=list(sheet.get("repeats", ())),
    )
    _set_freeze_and_header(grid, sheet, cells)
    return grid


def _set_freeze_and_header(
    grid: SheetGrid, sheet: dict[str, Any], cells: dict[tuple[int, int], dict[str, Any]]
) -> None:
    """Frozen panes from the sheet, else the table header found by its borders.

    Most agency templates do not freeze panes, yet long sheets need the column
    headings and row labels in view. The header is the block of bordered rows
    just above the first row holding an input or computed cell; row labels are
    the columns left of the first such cell.
    """
    data_cells = [p for p, c in cells.items() if c.get("role") in ("input", "computed")]
    if not data_cells:
        return
    first_row = min(p[0] for p in data_cells)
    first_col = min(p[1] for p in data_cells)
    bordered = {
        p[0]
        for p, c in cells.items()
        if any(((c.get("style") or {}).get("border") or {}).values())
    }
    headed = {
        p[0]
        for p, c in cells.items()
        if p[1] >= first_col
        and p[0] < first_row
        and (c.get("text") or c.get("value") is not None)
    }
    row = first_row - 1
    while row > 0 and row in bordered and row not in headed:
        row -= 1  # section rows ("I. KINH TẾ") between the header and the data
    if row in headed:
        last = row
        while row - 1 in headed and row - 1 in bordered:
            row -= 1
        grid.header_rows = (row, last)
    freeze = sheet.get("freeze")
    if freeze:
        row, col = split_ref(freeze, grid.name)
        grid.freeze_rows, grid.freeze_cols = row - 1, col - 1
    else:
        grid.freeze_rows = grid.header_rows[1]
        grid.freeze_from = grid.header_rows[0] or first_row
        grid.freeze_until = max(p[0] for p in data_cells)
        grid.freeze_cols = first_col - 1 if first_col <= MAX_LABEL_COLUMNS + 1 else 0
