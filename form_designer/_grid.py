"""A sheet's cells indexed by position, with merged ranges resolved."""

from __future__ import annotations

from dataclasses import dataclass, field

from baocao.form_designer.workbook import Cell, Sheet


def column_letters(col: int) -> str:
    """1 → ``A``, 28 → ``AB``."""
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


@dataclass(slots=True)
class Grid:
    """Positional index of one sheet (built once per sheet by ``parse``)."""

    sheet: Sheet
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    covered: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    """(row, col) of a non-top-left merged cell → (row, col) of its top-left."""
    merge_at: dict[tuple[int, int], tuple[int, int, int, int]] = field(
        default_factory=dict
    )
    """(row, col) of a merge's top-left cell → its bounds."""
    header_runs: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    """Column → runs of header text (cache of ``_classify.column_header``)."""

    @classmethod
    def of(cls, sheet: Sheet) -> Grid:
        """Index ``sheet``; merges up to 10k cells are expanded."""
        grid = cls(sheet, {(c.row, c.col): c for c in sheet.cells})
        for bounds in sheet.merges:
            c1, r1, c2, r2 = bounds
            grid.merge_at[(r1, c1)] = bounds
            if (c2 - c1 + 1) * (r2 - r1 + 1) > 10_000:  # noqa: PLR2004 - absurd merge
                continue
            for row in range(r1, r2 + 1):
                for col in range(c1, c2 + 1):
                    if (row, col) != (r1, c1):
                        grid.covered[(row, col)] = (r1, c1)
        return grid

    def text(self, row: int, col: int) -> str | None:
        """Text shown at (row, col), looking through merges; None if not text."""
        pos = self.covered.get((row, col), (row, col))
        cell = self.cells.get(pos)
        if cell is None or cell.formula is not None or not isinstance(cell.value, str):
            return None
        return cell.value.strip() or None

    def is_empty(self, row: int, col: int) -> bool:
        """True when no value and no formula is stored at (row, col)."""
        cell = self.cells.get((row, col))
        return cell is None or (cell.value is None and cell.formula is None)

    def row_is_empty(self, row: int) -> bool:
        """True when nothing in the row has a value or formula (merges included)."""
        return all(
            self.is_empty(row, col)
            for col in range(1, self.sheet.max_col + 1)
            if (row, col) not in self.covered
        )
