"""The sheet's table as a reportlab ``Table``: spans, borders, fills, widths.

Columns keep their Excel proportions and are scaled to the page width; the
header rows repeat on every page; values use Vietnamese number formats.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from baocao.renderers._pdf_fonts import font_name
from baocao.renderers._sheet import SheetGrid, column_letter, width_to_px
from baocao.renderers.narrative import html_to_text
from baocao.renderers.numbers import format_value, parse_number_format
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table, TableStyle

_LINE_WIDTH = {
    "thin": 0.5,
    "hair": 0.25,
    "dotted": 0.5,
    "dashed": 0.5,
    "medium": 1.0,
    "thick": 1.5,
    "double": 1.0,
}
_ALIGN = {
    "left": TA_LEFT,
    "center": TA_CENTER,
    "centerContinuous": TA_CENTER,
    "right": TA_RIGHT,
    "justify": TA_JUSTIFY,
}
_ALIGN_NAME = {
    TA_LEFT: "LEFT",
    TA_CENTER: "CENTER",
    TA_RIGHT: "RIGHT",
    TA_JUSTIFY: "LEFT",
}
_VALIGN = {"top": "TOP", "center": "MIDDLE", "bottom": "BOTTOM"}
MIN_FONT = 6.5
MAX_SCALE = 1.3
"""Narrow sheets are widened at most this much (a small table stays small)."""
BASE_FONT = 12.0


@dataclass(slots=True)
class TableParts:
    """Which rows of the sheet go into the table, and the rest as text."""

    first: int
    last: int
    header_count: int


def natural_width(grid: SheetGrid) -> float:
    """Width of the sheet in points at Excel's own column widths."""
    return sum(width_to_px(grid.widths[c]) for c in grid.columns) * 0.75


def table_parts(grid: SheetGrid) -> TableParts:
    """Rows from the table header to the last row with an input or computed cell."""
    data_rows = [
        row
        for row in grid.rows
        if any(
            s.cell and s.cell.get("role") in ("input", "computed", "narrative")
            for s in grid.slots[row]
        )
    ]
    if not data_rows:
        return TableParts(
            grid.rows[0] if grid.rows else 1, grid.rows[-1] if grid.rows else 0, 0
        )
    first = grid.header_rows[0] or data_rows[0]
    header_count = (
        sum(1 for r in grid.rows if grid.header_rows[0] <= r <= grid.header_rows[1])
        if grid.header_rows[0]
        else 0
    )
    return TableParts(first, data_rows[-1], header_count)


def _value_text(
    cell: dict[str, Any],
    data: Mapping[str, Any],
    computed: Mapping[str, Any],
    key: str | None,
) -> tuple[str, bool]:
    """(display text, is numeric) of a cell."""
    fmt = parse_number_format(cell.get("number_format"))
    role = cell.get("role")
    if role == "computed":
        value = computed.get(key or cell["address"])
    elif role in ("input", "narrative"):
        value = _lookup(data, key or cell["address"])
    else:
        text = cell.get("text")
        value = text if text is not None else cell.get("value")
    if role == "narrative" and isinstance(value, str):
        return html_to_text(value), False
    return format_value(value, fmt), isinstance(value, int | float) and not isinstance(
        value, bool
    )


def _lookup(data: Mapping[str, Any], key: str) -> Any:
    """Value of an address or of a ``group[i].D`` key."""
    if "[" in key and key.endswith(tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")):
        group, _, rest = key.partition("[")
        index, _, letter = rest.partition("].")
        items = data.get(group)
        if (
            isinstance(items, list)
            and int(index) < len(items)
            and isinstance(items[int(index)], Mapping)
        ):
            return items[int(index)].get(letter)
        return None
    return data.get(key)


class TableBuilder:
    """Accumulates cells and style commands for one sheet's table."""

    def __init__(self, grid: SheetGrid, parts: TableParts, available: float) -> None:
        self.grid, self.parts = grid, parts
        natural = natural_width(grid)
        self.scale = min(MAX_SCALE, available / natural) if natural else 1.0
        self.widths = [
            width_to_px(grid.widths[c]) * 0.75 * self.scale for c in grid.columns
        ]
        self.font_size = max(
            MIN_FONT, min(BASE_FONT, BASE_FONT * min(1.0, self.scale * 1.1))
        )
        self.position = {col: i for i, col in enumerate(grid.columns)}
        self.rows: list[list[Any]] = []
        self.commands: list[tuple[Any, ...]] = [
            ("FONT", (0, 0), (-1, -1), font_name(), self.font_size),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        self._colspan = 1
        self.paragraph_styles: dict[tuple[Any, ...], ParagraphStyle] = {}

    def _paragraph_style(
        self, bold: bool, italic: bool, align: int, size: float
    ) -> ParagraphStyle:
        key = (bold, italic, align, size)
        style = self.paragraph_styles.get(key)
        if style is None:
            style = self.paragraph_styles[key] = ParagraphStyle(
                f"c{len(self.paragraph_styles)}",
                fontName=font_name(bold, italic),
                fontSize=size,
                leading=size * 1.15,
                alignment=align,
            )
        return style

    def add_row(
        self,
        row: int,
        data: Mapping[str, Any],
        computed: Mapping[str, Any],
        repeat: tuple[str, int, bool] | None = None,
    ) -> None:
        """Append one sheet row (or one row of a repeatable group)."""
        index = len(self.rows)
        line: list[Any] = [""] * len(self.grid.columns)
        for slot in self.grid.slots[row]:
            col = self.position[slot.col]
            end_col, end_row = col + slot.colspan - 1, index + slot.rowspan - 1
            if slot.colspan > 1 or slot.rowspan > 1:
                self.commands.append(("SPAN", (col, index), (end_col, end_row)))
            self._borders(slot.border, col, index, end_col, end_row)
            cell = slot.cell
            if not cell:
                continue
            key = None
            if repeat and (cell.get("role") in ("input", "narrative") or not repeat[2]):
                key = f"{repeat[0]}[{repeat[1]}].{column_letter(cell['col'])}"
            self._colspan = slot.colspan
            line[col] = self._content(cell, data, computed, key, (col, index))
        self.rows.append(line)

    def _content(
        self,
        cell: dict[str, Any],
        data: Mapping[str, Any],
        computed: Mapping[str, Any],
        key: str | None,
        at: tuple[int, int],
    ) -> Any:
        style = cell.get("style") or {}
        text, numeric = _value_text(cell, data, computed, key)
        if style.get("fill"):
            self.commands.append(("BACKGROUND", at, at, colors.HexColor(style["fill"])))
        if not text:
            return ""
        size = self.font_size * float(style.get("font_size") or BASE_FONT) / BASE_FONT
        default = TA_RIGHT if numeric else TA_LEFT
        align = _ALIGN.get(style.get("align") or "", default)
        bold, italic = bool(style.get("bold")), bool(style.get("italic"))
        face = font_name(bold, italic)
        span_width = sum(self.widths[at[0] : at[0] + self._colspan]) - 4
        if "\n" not in text and stringWidth(text, face, size) <= span_width:
            # One line: a plain string is ~10x cheaper for reportlab than a Paragraph.
            if face != font_name() or size != self.font_size:
                self.commands.append(("FONT", at, at, face, size))
            if align != TA_LEFT:
                self.commands.append(("ALIGN", at, at, _ALIGN_NAME[align]))
            return text
        return Paragraph(
            xml_escape(text).replace("\n", "<br/>"),
            self._paragraph_style(
                bool(style.get("bold")), bool(style.get("italic")), align, size
            ),
        )

    def _borders(
        self, border: Mapping[str, Any], col: int, row: int, end_col: int, end_row: int
    ) -> None:
        for side, command, start, end in (
            ("top", "LINEABOVE", (col, row), (end_col, row)),
            ("bottom", "LINEBELOW", (col, end_row), (end_col, end_row)),
            ("left", "LINEBEFORE", (col, row), (col, end_row)),
            ("right", "LINEAFTER", (end_col, row), (end_col, end_row)),
        ):
            kind = border.get(side)
            if kind:
                self.commands.append(
                    (command, start, end, _LINE_WIDTH.get(kind, 0.5), colors.black)
                )

    def table(self) -> Table:
        """The finished flowable."""
        table = Table(
            self.rows,
            colWidths=self.widths,
            repeatRows=self.parts.header_count,
            hAlign="CENTER",
        )
        table.setStyle(TableStyle(self.commands))
        return table
