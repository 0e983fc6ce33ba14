"""Stage-1 types: what :func:`~baocao.form_designer.reader.read_workbook` returns.

Plain frozen dataclasses and tuples, no openpyxl objects: every later stage can
be tested with hand-built values, and the reader is the only module that knows
openpyxl exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

#: A cell value after the reader normalised it (text is NFC).
Value = str | Decimal | bool | dt.date | dt.datetime | None


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a node of the model came from in the workbook."""

    sheet: str
    """Sheet title, as the designer typed it (NFC)."""
    cell: str
    """``A1``-style reference without ``$``."""

    @property
    def address(self) -> str:
        """Public address of the cell: ``Sheet name!A1`` (no quotes)."""
        return f"{self.sheet}!{self.cell}"


@dataclass(frozen=True, slots=True)
class Border:
    """Line style of each side (``thin``, ``medium``...), None when absent."""

    top: str | None = None
    bottom: str | None = None
    left: str | None = None
    right: str | None = None


@dataclass(frozen=True, slots=True)
class CellStyle:
    """The visible formatting renderers reproduce."""

    bold: bool = False
    italic: bool = False
    underline: bool = False
    font_size: float | None = None
    font_color: str | None = None
    fill: str | None = None
    align: str | None = None
    valign: str | None = None
    wrap: bool = False
    indent: int = 0
    border: Border = Border()

    @property
    def visible(self) -> bool:
        """True when the cell shows something even without a value."""
        b = self.border
        return self.fill is not None or any((b.top, b.bottom, b.left, b.right))


@dataclass(frozen=True, slots=True)
class Cell:
    """One stored cell of a sheet."""

    source: SourceRef
    row: int
    col: int
    value: Value
    """Constant value; None for blanks and formula cells."""
    formula: str | None
    """Formula text with its leading ``=``; None for constants."""
    locked: bool
    number_format: str
    style: CellStyle
    comment: str | None = None
    array_formula: bool = False
    """True for array formulas and data tables (not supported)."""


@dataclass(frozen=True, slots=True)
class Validation:
    """A data-validation rule and the cells it applies to."""

    kind: str
    """``list``, ``whole``, ``decimal``, ``date``, ``textLength``..."""
    operator: str | None
    formula1: str | None
    formula2: str | None
    ranges: tuple[tuple[int, int, int, int], ...]
    """(min_col, min_row, max_col, max_row) of every range in the sqref."""
    allow_blank: bool = True

    def covers(self, row: int, col: int) -> bool:
        """True when the rule applies to the cell at (row, col)."""
        return any(
            c1 <= col <= c2 and r1 <= row <= r2 for c1, r1, c2, r2 in self.ranges
        )


@dataclass(frozen=True, slots=True)
class Dimension:
    """Width of a column (index from 1) or height of a row, and visibility."""

    index: int
    size: float | None
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class Sheet:
    """One worksheet."""

    name: str
    protected: bool
    cells: tuple[Cell, ...]
    """Sorted by (row, col)."""
    merges: tuple[tuple[int, int, int, int], ...]
    """(min_col, min_row, max_col, max_row) of every merged range, sorted."""
    columns: tuple[Dimension, ...]
    rows: tuple[Dimension, ...]
    validations: tuple[Validation, ...]
    max_row: int
    max_col: int
    freeze: str | None = None
    orientation: str | None = None


@dataclass(frozen=True, slots=True)
class DefinedName:
    """A workbook- or sheet-scoped name and the ranges it points to."""

    name: str
    text: str
    """The target as written, e.g. ``'Biểu 01'!$A$10:$F$12``."""
    destinations: tuple[tuple[str, str], ...]
    """(sheet, ``A1:B2`` without ``$``) pairs; empty when not a plain range."""


@dataclass(frozen=True, slots=True)
class Workbook:
    """Everything the compiler needs from an .xlsx file."""

    sheets: tuple[Sheet, ...]
    defined_names: tuple[DefinedName, ...]
    warnings: tuple[object, ...] = ()
    """Diagnostics (warnings) found while reading."""
    identifier: str | None = None
    """The document's ``dc:identifier`` core property: the stamp that
    :func:`~baocao.form_designer.fill.fill_workbook` writes into a filled copy."""

    def sheet(self, name: str) -> Sheet | None:
        """The sheet with this title, compared case-insensitively like Excel."""
        folded = name.casefold()
        return next((s for s in self.sheets if s.name.casefold() == folded), None)
