"""Stage 1: .xlsx bytes → :class:`~baocao.form_designer.workbook.Workbook`.

The only module that imports openpyxl. The upload is first checked and, when
padded, trimmed by :mod:`._container` so that openpyxl never sees a zip bomb or
a million empty cells. Text is NFC-normalised here (Vietnamese typed on
different keyboards arrives decomposed or composed) so that every later stage
compares text byte for byte.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import unicodedata
import warnings
from decimal import Decimal
from typing import Any

import openpyxl
from baocao.form_designer._container import check_upload
from baocao.form_designer.errors import Code, Diagnostic, FormCompileError, Severity
from baocao.form_designer.limits import Limits
from baocao.form_designer.workbook import (
    Border,
    Cell,
    CellStyle,
    DefinedName,
    Dimension,
    Sheet,
    SourceRef,
    Validation,
    Value,
    Workbook,
)
from openpyxl.utils import get_column_letter as column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.xml import DEFUSEDXML

logger = logging.getLogger(__name__)

_WARNING_TOPICS = (
    ("Data Validation", "phần mở rộng của kiểm tra dữ liệu"),
    ("Conditional Formatting", "phần mở rộng của định dạng có điều kiện"),
    ("Slicer", "slicer"),
)


def nfc(text: str) -> str:
    """Return ``text`` in Unicode normal form C."""
    return unicodedata.normalize("NFC", text)


def load_openpyxl(
    data: bytes, limits: Limits | None = None
) -> tuple[Any, list[Diagnostic]]:
    """Check ``data`` and load it with openpyxl (formulas kept, no links).

    Shared by :func:`read_workbook` and :mod:`.fill`, which edits the loaded
    workbook in place so that every style, merge and protection survives.

    :raises FormCompileError: for a file that must not or cannot be read.
    """
    if not DEFUSEDXML:  # pragma: no cover - defusedxml is a hard dependency
        raise RuntimeError("defusedxml must be installed to read uploaded workbooks")
    checked = check_upload(data, limits or Limits())
    diagnostics = list(checked.diagnostics)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            book = openpyxl.load_workbook(
                io.BytesIO(checked.data),
                data_only=False,
                keep_links=False,
                rich_text=False,
            )
        except Exception as err:  # the edge: openpyxl raises many unrelated types
            logger.info("openpyxl could not read an upload: %r", err)
            raise FormCompileError([*diagnostics, Diagnostic.make(Code.FD005)]) from err
    topics = sorted({_warning_topic(str(w.message)) for w in caught})
    diagnostics.extend(
        Diagnostic.make(Code.FD022, value=topic, severity=Severity.WARNING)
        for topic in topics
    )
    return book, diagnostics


def _warning_topic(text: str) -> str:
    return next(
        (vi for en, vi in _WARNING_TOPICS if en in text), "một phần mở rộng của Excel"
    )


def read_workbook(data: bytes, limits: Limits | None = None) -> Workbook:
    """Read an uploaded template into plain frozen dataclasses.

    :param data: the .xlsx bytes as uploaded.
    :param limits: size limits; the defaults suit real templates.
    :raises FormCompileError: not an xlsx, encrypted, macros, zip bomb, too big.
    """
    book, diagnostics = load_openpyxl(data, limits)
    sheets = tuple(_read_sheet(ws, diagnostics) for ws in book.worksheets)
    names = _read_names(book)
    identifier = getattr(book.properties, "identifier", None)
    return Workbook(
        sheets=sheets,
        defined_names=names,
        warnings=tuple(diagnostics),
        identifier=nfc(identifier) if isinstance(identifier, str) else None,
    )


def _merges(
    ws: Any, max_row: int, max_col: int
) -> tuple[tuple[tuple[int, int, int, int], ...], list[str]]:
    """Merged ranges clipped to the stored cells' bounds (a merge over a whole
    column must not make every later stage walk a million rows)."""
    kept, clipped = [], []
    for merged in sorted(ws.merged_cells.ranges, key=lambda r: r.bounds):
        c1, r1, c2, r2 = merged.bounds
        if c2 > max_col or r2 > max_row:
            clipped.append(merged.coord)
        if c1 <= max_col and r1 <= max_row:
            kept.append((c1, r1, min(c2, max_col), min(r2, max_row)))
    return tuple(kept), clipped


def _read_sheet(ws: Any, warnings: list[Diagnostic]) -> Sheet:
    name = nfc(ws.title)
    styles: dict[tuple[int, ...], tuple[CellStyle, bool, str]] = {}
    cells = []
    # ``_cells`` holds only stored cells; iter_rows() would create every blank.
    for (row, col), cell in sorted(ws._cells.items()):
        key = tuple(cell._style)
        if key not in styles:
            styles[key] = (
                _style(cell),
                bool(cell.protection.locked),
                cell.number_format,
            )
        cells.append(_cell(name, row, col, cell, styles[key]))
    max_row = max([c.row for c in cells] + [1])
    max_col = max([c.col for c in cells] + [1])
    merges, clipped = _merges(ws, max_row, max_col)
    if clipped:
        warnings.append(
            Diagnostic.make(
                Code.FD007,
                sheet=name,
                cell=f"A1:{column_letter(max_col)}{max_row}",
                value=", ".join(clipped[:3]),
                severity=Severity.WARNING,
            )
        )
    return Sheet(
        name=name,
        protected=bool(ws.protection.sheet),
        cells=tuple(cells),
        merges=merges,
        columns=_columns(ws, max_col),
        rows=_rows(ws, max_row),
        validations=tuple(_validation(dv) for dv in ws.data_validations.dataValidation),
        max_row=max_row,
        max_col=max_col,
        freeze=ws.freeze_panes,
        orientation=ws.page_setup.orientation,
    )


def _cell(
    sheet: str, row: int, col: int, cell: Any, look: tuple[CellStyle, bool, str]
) -> Cell:
    style, locked, fmt = look
    raw = cell.value
    formula: str | None = None
    value: Value = None
    array = isinstance(raw, ArrayFormula | DataTableFormula)
    if array:
        formula = nfc(str(getattr(raw, "text", "") or "="))
    elif cell.data_type == "f" and isinstance(raw, str):
        formula = nfc(raw)
    else:
        value = _value(raw)
    comment = nfc(cell.comment.text) if cell.comment is not None else None
    return Cell(
        source=SourceRef(sheet, cell.coordinate),
        row=row,
        col=col,
        value=value,
        formula=formula,
        locked=locked,
        number_format=fmt,
        style=style,
        comment=comment,
        array_formula=array,
    )


def _value(raw: Any) -> Value:
    if raw is None or isinstance(raw, bool | dt.date):
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    if isinstance(raw, dt.time | dt.timedelta):
        return str(raw)
    text = nfc(str(raw))
    return text if text != "" else None


def _color(color: Any) -> str | None:
    if color is None or getattr(color, "type", None) != "rgb":
        return None
    rgb = color.rgb
    if not isinstance(rgb, str) or len(rgb) not in (6, 8):
        return None
    return "#" + rgb[-6:].upper()


def _style(cell: Any) -> CellStyle:
    font, align, border, fill = cell.font, cell.alignment, cell.border, cell.fill
    fill_color = (
        _color(fill.fgColor) if getattr(fill, "fill_type", None) == "solid" else None
    )
    return CellStyle(
        bold=bool(font.b),
        italic=bool(font.i),
        underline=bool(font.u),
        font_size=float(font.sz) if font.sz else None,
        font_color=_color(font.color),
        fill=fill_color,
        align=align.horizontal,
        valign=align.vertical,
        wrap=bool(align.wrap_text),
        indent=int(align.indent or 0),
        border=Border(
            top=border.top.style if border.top else None,
            bottom=border.bottom.style if border.bottom else None,
            left=border.left.style if border.left else None,
            right=border.right.style if border.right else None,
        ),
    )


def _columns(ws: Any, max_col: int) -> tuple[Dimension, ...]:
    found: dict[int, Dimension] = {}
    for dim in ws.column_dimensions.values():
        if dim.min is None:
            continue
        width = float(dim.width) if dim.customWidth or dim.width != 13 else None  # noqa: PLR2004 - openpyxl's unset default
        for index in range(dim.min, min(dim.max or dim.min, max_col) + 1):
            found[index] = Dimension(index, width, bool(dim.hidden))
    return tuple(found.get(i, Dimension(i, None)) for i in range(1, max_col + 1))


def _rows(ws: Any, max_row: int) -> tuple[Dimension, ...]:
    found: dict[int, Dimension] = {}
    for index, dim in ws.row_dimensions.items():
        if index <= max_row:
            found[index] = Dimension(
                index, float(dim.ht) if dim.ht else None, bool(dim.hidden)
            )
    return tuple(found.get(i, Dimension(i, None)) for i in range(1, max_row + 1))


def _validation(dv: Any) -> Validation:
    return Validation(
        kind=dv.type or "any",
        operator=dv.operator,
        formula1=nfc(dv.formula1) if dv.formula1 else None,
        formula2=nfc(dv.formula2) if dv.formula2 else None,
        ranges=tuple(sorted(r.bounds for r in dv.sqref.ranges)),
        allow_blank=bool(dv.allow_blank),
    )


def _read_names(book: Any) -> tuple[DefinedName, ...]:
    scoped = [(None, book.defined_names)] + [
        (ws, ws.defined_names) for ws in book.worksheets
    ]
    names = []
    for _scope, mapping in scoped:
        for key, defined in mapping.items():
            if key.startswith("_xlnm.") or not defined.attr_text:
                continue
            try:
                destinations = tuple(
                    (nfc(sheet), coord.replace("$", ""))
                    for sheet, coord in defined.destinations
                )
            except (ValueError, TypeError, AttributeError):
                destinations = ()
            names.append(DefinedName(nfc(key), nfc(defined.attr_text), destinations))
    return tuple(sorted(names, key=lambda n: n.name))
