"""Human labels of data cells, read off the sheet (row label — column heading).

The schema carries a ``title`` for input cells; computed cells have none, and
long-form exports and the PDF need words next to every value. The row label is
the longest text left of the cell in its row; the column heading is the text of
the header rows above it (merged headings included).
"""

from __future__ import annotations

from typing import Any

from baocao.renderers._sheet import SheetGrid


def _text(cell: dict[str, Any] | None) -> str:
    if not cell or cell.get("role") not in (None, "label"):
        return ""
    text = cell.get("text")
    return str(text).strip() if text else ""


def column_headings(grid: SheetGrid) -> dict[int, str]:
    """Column index → heading text joined over the header rows."""
    first, last = grid.header_rows
    position = {col: i for i, col in enumerate(grid.columns)}
    parts: dict[int, list[str]] = {}
    for row in grid.rows:
        if not first <= row <= last:
            continue
        for slot in grid.slots[row]:
            text = _text(slot.cell)
            if not text:
                continue
            start = position[slot.col]
            for col in grid.columns[start : start + slot.colspan]:
                if text not in parts.setdefault(col, []):
                    parts[col].append(text)
    return {col: " - ".join(texts) for col, texts in parts.items()}


def row_labels(grid: SheetGrid) -> dict[tuple[int, int], str]:
    """(row, col) of each input/computed cell → the longest label left of it."""
    labels: dict[tuple[int, int], str] = {}
    for row in grid.rows:
        best = ""
        for slot in grid.slots[row]:
            cell = slot.cell
            if cell and cell.get("role") in ("input", "computed", "narrative"):
                labels[(row, slot.col)] = best
            else:
                text = _text(cell)
                if len(text) > len(best):
                    best = text
    return labels


def cell_labels(grid: SheetGrid) -> dict[tuple[int, int], str]:
    """(row, col) → ``row label — column heading`` (either part may be absent)."""
    headings = column_headings(grid)
    result = {}
    for (row, col), label in row_labels(grid).items():
        heading = headings.get(col, "")
        result[(row, col)] = " — ".join(part for part in (label, heading) if part)
    return result
