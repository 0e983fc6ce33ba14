"""Stage 5c: FormulaGraph → ``formulas`` (what the Calculator evaluates)."""

from __future__ import annotations

from typing import Any

from baocao.form_designer._grid import column_letters
from baocao.form_designer._values import json_value
from baocao.form_designer.graph import FormulaGraph
from baocao.form_designer.model import FormModel

FORMULAS_VERSION = 1


def _constants(model: FormModel, graph: FormulaGraph) -> dict[str, Any]:
    """Values of non-input, non-formula cells that some formula reads."""
    read = {dep for node in graph.nodes for dep in node.deps}
    inputs = {f.source.address for f in model.fields}
    out: dict[str, Any] = {}
    for sheet in model.sheets:
        for cell in sheet.cells:
            address = cell.source.address
            if cell.value is not None and address in read and address not in inputs:
                out[address] = json_value(cell.value)
    return out


def _expanding(model: FormModel, graph: FormulaGraph) -> dict[str, list[str]]:
    """Formula cell → repeat groups whose rows its ranges span (``SUM(D3:D5)``).

    Such a cell is outside the group (not a per-row formula); when a unit adds
    rows, its ranges widen to the rows actually submitted.
    """
    out: dict[str, list[str]] = {}
    for group in model.repeats:
        rows = range(group.first_row, group.last_row + 1)
        span = {
            f"{group.sheet}!{column_letters(c)}"
            for c in range(group.first_col, group.last_col + 1)
        }
        for node in graph.nodes:
            sheet = node.address.split("!", 1)[0]
            inside = sheet == group.sheet and _row(node.address) in rows
            if not inside and _spans(node.deps, span, group.first_row, group.last_row):
                out.setdefault(node.address, []).append(group.name)
    return out


def _row(address: str) -> int:
    ref = address.rsplit("!", 1)[1]
    return int("".join(ch for ch in ref if ch.isdigit()))


def _spans(deps: tuple[str, ...], columns: set[str], first: int, last: int) -> bool:
    """True when ``deps`` read both the first and last row of a group column."""
    rows_by_column: dict[str, set[int]] = {}
    for dep in deps:
        sheet, ref = dep.rsplit("!", 1)
        letters = ref.rstrip("0123456789")
        key = f"{sheet}!{letters}"
        if key in columns:
            rows_by_column.setdefault(key, set()).add(int(ref[len(letters) :]))
    return any(first in rows and last in rows for rows in rows_by_column.values())


def emit_formulas(model: FormModel, graph: FormulaGraph) -> dict[str, Any]:
    """Build the ``formulas`` document (see docs/compiled_form.md)."""
    expanding = _expanding(model, graph)
    cells: dict[str, Any] = {}
    for node in graph.nodes:
        cells[node.address] = {"formula": node.text, "deps": list(node.deps)}
        if node.address in expanding:
            cells[node.address]["x-expands"] = expanding[node.address]
    return {
        "version": FORMULAS_VERSION,
        "cells": cells,
        "order": list(graph.order),
        "constants": _constants(model, graph),
        "inputs": {
            f.source.address: (
                {"aggregate": f.aggregate, "x-repeat": f.repeat}
                if f.repeat
                else {"aggregate": f.aggregate}
            )
            for f in model.fields
        },
    }
