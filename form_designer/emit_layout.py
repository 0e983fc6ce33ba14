"""Stage 5b: FormModel → ``layout`` (what renderers need to draw the sheet)."""

from __future__ import annotations

from typing import Any

from baocao.form_designer._grid import column_letters
from baocao.form_designer._values import json_value
from baocao.form_designer.model import FieldKind, FormModel, Role
from baocao.form_designer.workbook import Cell, CellStyle, Sheet

LAYOUT_VERSION = 1
DEFAULT_WIDTH = 8.43
DEFAULT_HEIGHT = 15.0


def style_dict(style: CellStyle) -> dict[str, Any]:
    """JSON form of a cell style."""
    border = style.border
    return {
        "bold": style.bold,
        "italic": style.italic,
        "underline": style.underline,
        "font_size": style.font_size,
        "font_color": style.font_color,
        "fill": style.fill,
        "align": style.align,
        "valign": style.valign,
        "wrap": style.wrap,
        "indent": style.indent,
        "border": {
            "top": border.top,
            "bottom": border.bottom,
            "left": border.left,
            "right": border.right,
        },
    }


def _cell(
    sheet: Sheet, cell: Cell | None, row: int, col: int, role: Role
) -> dict[str, Any]:
    ref = f"{column_letters(col)}{row}"
    value = json_value(cell.value) if cell is not None else None
    # Only text is given as text: numbers and dates are drawn from ``value`` with
    # ``number_format``, and a formula's text is never shown (its value is).
    text = value if isinstance(value, str) else None
    return {
        "address": f"{sheet.name}!{ref}",
        "ref": ref,
        "row": row,
        "col": col,
        "role": role.value,
        "text": text,
        "value": value,
        "number_format": cell.number_format if cell is not None else "General",
        "style": style_dict(cell.style if cell is not None else CellStyle()),
    }


def _roles(model: FormModel) -> dict[str, Role]:
    roles = {f.source.address: Role.COMPUTED for f in model.formulas}
    for field in model.fields:
        narrative = field.kind is FieldKind.NARRATIVE
        roles[field.source.address] = Role.NARRATIVE if narrative else Role.INPUT
    return roles


def _sheet(model: FormModel, sheet: Sheet, roles: dict[str, Role]) -> dict[str, Any]:
    covered = {
        (r, c)
        for c1, r1, c2, r2 in sheet.merges
        if (c2 - c1 + 1) * (r2 - r1 + 1) <= 10_000  # noqa: PLR2004 - absurd merges
        for r in range(r1, r2 + 1)
        for c in range(c1, c2 + 1)
        if (r, c) != (r1, c1)
    }
    stored = {(c.row, c.col): c for c in sheet.cells}
    positions = set(stored) | {
        (f.row, f.col) for f in model.fields if f.source.sheet == sheet.name
    }
    cells = []
    for row, col in sorted(positions):
        cell = stored.get((row, col))
        role = roles.get(f"{sheet.name}!{column_letters(col)}{row}", Role.LABEL)
        has_value = cell is not None and (
            cell.value is not None or cell.formula is not None
        )
        visible = cell is not None and cell.style.visible
        if (row, col) in covered and role is Role.LABEL and not visible:
            continue
        if has_value or role is not Role.LABEL or visible:
            cells.append(_cell(sheet, cell, row, col, role))
    return {
        "name": sheet.name,
        "protected": sheet.protected,
        "orientation": sheet.orientation,
        "freeze": sheet.freeze,
        "columns": [
            {
                "index": d.index,
                "letter": column_letters(d.index),
                "width": d.size if d.size is not None else DEFAULT_WIDTH,
                "hidden": d.hidden,
            }
            for d in sheet.columns
        ],
        "rows": [
            {
                "index": d.index,
                "height": d.size if d.size is not None else DEFAULT_HEIGHT,
                "hidden": d.hidden,
            }
            for d in sheet.rows
        ],
        "merges": [
            f"{column_letters(c1)}{r1}:{column_letters(c2)}{r2}"
            for c1, r1, c2, r2 in sheet.merges
        ],
        "cells": cells,
        "repeats": [
            {
                "name": r.name,
                "first_row": r.first_row,
                "last_row": r.last_row,
                "columns": [
                    column_letters(c) for c in range(r.first_col, r.last_col + 1)
                ],
            }
            for r in model.repeats
            if r.sheet == sheet.name
        ],
    }


def emit_layout(model: FormModel) -> dict[str, Any]:
    """Build the ``layout`` document (see docs/compiled_form.md)."""
    roles = _roles(model)
    return {
        "version": LAYOUT_VERSION,
        "sheets": [_sheet(model, sheet, roles) for sheet in model.sheets],
    }
