"""Find a repeat group's rows in an uploaded copy, whatever their number.

An official may insert rows into a group in Excel (or delete some), so the
rows after a group are no longer where the template has them. Where a group
ends in the upload is decided like this (documented in docs/renderers.md):

- the template's first row below the group that has a label or a formula
  (typically the total row: "Tổng", ``=SUM(D3:D5)``) is looked for from the
  group's first row down; where its labels and formula cells are found again,
  the group ends the same number of rows above it as in the template;
- when the template has nothing below the group on that sheet, the rows after
  the template's last row belong to the group up to the first row whose group
  columns are all empty.

:func:`normalise` then gives the upload back the template's geometry: rows
beyond the template's are taken out (their input cells returned per group),
rows below move back up, and every formula is rewritten as if the rows had
never been inserted (:mod:`._row_shift`), so the usual cell-by-cell scan
compares labels and formulas with the template's. Pure: dataclasses in and out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from baocao.form_designer._row_shift import RowSpan, shift_formula
from baocao.form_designer._values import json_value
from baocao.form_designer.workbook import Cell, SourceRef, Workbook
from baocao.schemas import column_letter
from baocao.schemas.compiled import CompiledForm


@dataclass(frozen=True, slots=True)
class Group:
    """A repeat group of the form and where the upload has it."""

    name: str
    sheet: str
    first: int
    """Template first row."""
    last: int
    """Template last row."""
    columns: tuple[str, ...]
    """Letters of the group's input columns."""
    upload_first: int = 0
    """First row in the uploaded file."""
    count: int = 0
    """Rows in the uploaded file (first to end)."""


@dataclass(frozen=True, slots=True)
class Normalised:
    """The upload in the template's geometry, and what was taken out of it."""

    workbook: Workbook
    groups: tuple[Group, ...]
    extra: Mapping[str, tuple[tuple[Cell, ...], ...]]
    """Group → input cells of each row beyond the template (upload addresses)."""
    origin: Mapping[str, str]
    """Address in the normalised workbook → address in the upload (moved cells)."""


def form_groups(compiled: CompiledForm) -> tuple[Group, ...]:
    """Every repeat group of the form, top to bottom per sheet."""
    groups = [
        Group(
            name,
            prop["x-sheet"],
            prop["x-first-row"],
            prop["x-last-row"],
            tuple(prop["items"]["properties"]),
        )
        for name, prop in compiled.schema.get("properties", {}).items()
        if "x-repeat" in prop
    ]
    return tuple(sorted(groups, key=lambda g: (g.sheet, g.first)))


def _signature(
    compiled: CompiledForm, group: Group
) -> tuple[int, dict[int, Any], dict[int, str]] | None:
    """(row, labels by column, formulas by column) of the first template row
    below the group that has any; None when nothing follows the group."""
    rows: dict[int, tuple[dict[int, Any], dict[int, str]]] = {}
    cells = compiled.formulas.get("cells", {})
    for sheet in compiled.layout.get("sheets", []):
        if sheet["name"] != group.sheet:
            continue
        for cell in sheet.get("cells", []):
            if cell["row"] <= group.last:
                continue
            labels, formulas = rows.setdefault(cell["row"], ({}, {}))
            if cell["role"] == "label" and cell.get("value") is not None:
                labels[cell["col"]] = cell["value"]
            elif cell["role"] == "computed" and cell["address"] in cells:
                formulas[cell["col"]] = str(cells[cell["address"]]["formula"])
    found = sorted(r for r, (labels, formulas) in rows.items() if labels or formulas)
    if not found:
        return None
    return found[0], *rows[found[0]]


def _canonical(text: str) -> str:
    return text.replace(" ", "").replace("$", "").upper()


def _matches(
    row: Mapping[int, Cell], labels: Mapping[int, Any], formulas: Mapping[int, str]
) -> bool:
    """True when ``row`` holds these labels and exactly these formulas (as
    they read once the group's rows have moved)."""
    for col, text in labels.items():
        cell = row.get(col)
        if cell is None or cell.formula is not None or json_value(cell.value) != text:
            return False
    return all(
        col in row
        and row[col].formula is not None
        and _canonical(str(row[col].formula)) == _canonical(text)
        for col, text in formulas.items()
    )


def _end(
    compiled: CompiledForm,
    group: Group,
    by_row: Mapping[int, Mapping[int, Cell]],
    above: list[RowSpan],
) -> int:
    """Last row of the group in the upload; ``above`` are the changes of the
    groups above it on its sheet, in the order made (top down)."""
    shift = sum(span.delta for span in above)
    first, last = group.first + shift, group.last + shift
    signature = _signature(compiled, group)
    if signature is None:
        columns = {_col(letter) for letter in group.columns}
        end = last
        while any(
            c in by_row.get(end + 1, {}) and by_row[end + 1][c].value is not None
            for c in columns
        ):
            end += 1
        return end
    row, labels, formulas = signature
    gap = row - group.last
    bottom = max(by_row, default=0)
    for found in range(first - 1 + gap, bottom + 1):
        end = found - gap
        spans = [*above, RowSpan(group.sheet, first, last, end)]
        expected = {}
        for col, formula in formulas.items():
            text, place = formula, row
            for span in spans:
                text = shift_formula(text, group.sheet, place, span)
                place = span.row(place)
            expected[col] = text
        if _matches(by_row.get(found, {}), labels, expected):
            return end
    return last  # the rows below were changed: the cell scan says where


def _col(letter: str) -> int:
    number = 0
    for char in letter:
        number = number * 26 + ord(char) - 64
    return number


def _moved(cell: Cell, sheet: str, span: RowSpan) -> Cell:
    row = span.row(cell.row) if cell.source.sheet == span.sheet else cell.row
    formula = cell.formula
    if formula is not None:
        formula = shift_formula(formula, cell.source.sheet, cell.row, span)
    if row == cell.row and formula == cell.formula:
        return cell
    ref = SourceRef(sheet, f"{column_letter(cell.col)}{row}")
    return dataclasses.replace(cell, row=row, source=ref, formula=formula)


def normalise(compiled: CompiledForm, workbook: Workbook) -> Normalised:
    """The upload with every group back to its template rows (see the module)."""
    sheets = {s.name: s for s in workbook.sheets}
    located: list[Group] = []
    spans: list[RowSpan] = []  # each group's change as made (top down)
    for group in form_groups(compiled):
        sheet = sheets.get(group.sheet)
        if sheet is None:
            continue
        above = [s for s in spans if s.sheet == group.sheet]
        shift = sum(s.delta for s in above)  # rows added above
        by_row: dict[int, dict[int, Cell]] = {}
        for cell in sheet.cells:
            by_row.setdefault(cell.row, {})[cell.col] = cell
        first = group.first + shift
        end = _end(compiled, group, by_row, above)
        located.append(
            dataclasses.replace(group, upload_first=first, count=end - first + 1)
        )
        spans.append(RowSpan(group.sheet, first, group.last + shift, end))
    extra: dict[str, list[tuple[Cell, ...]]] = {g.name: [] for g in located}
    for group in located:
        sheet = sheets[group.sheet]
        template_rows = group.last - group.first + 1
        columns = {_col(letter) for letter in group.columns}
        for offset in range(template_rows, group.count):
            row = group.upload_first + offset
            extra[group.name].append(
                tuple(c for c in sheet.cells if c.row == row and c.col in columns)
            )
    origin: dict[str, str] = {}
    new_sheets = []
    for sheet in workbook.sheets:
        cells = [(c.source.address, c) for c in sheet.cells]
        for made in reversed(spans):  # lowest group first: rows above stay put
            if made.delta == 0:
                continue
            span = RowSpan(made.sheet, made.first, made.new_end, made.old_end)
            cells = [
                (address, _moved(c, sheet.name, span))
                for address, c in cells
                if not (
                    c.source.sheet == span.sheet
                    and span.new_end < c.row <= span.old_end
                )
            ]
        origin.update((c.source.address, a) for a, c in cells if a != c.source.address)
        new_sheets.append(dataclasses.replace(sheet, cells=tuple(c for _, c in cells)))
    return Normalised(
        dataclasses.replace(workbook, sheets=tuple(new_sheets)),
        tuple(located),
        {name: tuple(rows) for name, rows in extra.items()},
        origin,
    )
