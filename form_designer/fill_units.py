"""An aggregate workbook: the template filled with the totals, plus one sheet per unit.

The receiving unit exports an aggregate in the layout it already knows (Đ.6.5):
the template's own sheets carry the aggregate's inputs, keep their formulas
and get the recomputed values cached (as :func:`~.fill.fill_workbook` does);
each included unit then gets a copy of every sheet holding its own inputs and
its formula results as plain values. The copies hold values, not formulas,
because a formula that refers to another sheet would read the aggregate's
sheet instead of the unit's.

Pure: bytes and mappings in, bytes out.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from baocao.form_designer._inputs import input_kinds
from baocao.form_designer.fill import _to_cell, _write_cached
from baocao.form_designer.reader import load_openpyxl
from baocao.schemas.compiled import CompiledForm

__all__ = ["UnitSheet", "fill_aggregate_workbook"]

_TITLE_MAX = 31
_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")


@dataclass(frozen=True, slots=True)
class UnitSheet:
    """One unit's values for its own sheet(s) of the aggregate workbook."""

    label: str
    """Sheet title (unit code and name); trimmed to Excel's 31 characters."""
    inputs: Mapping[str, Any]
    """The unit's input values keyed ``Sheet!A1``."""
    computed: Mapping[str, Any]
    """The unit's formula results keyed ``Sheet!A1`` (written as values)."""


def fill_aggregate_workbook(
    template: bytes,
    compiled: CompiledForm,
    inputs: Mapping[str, Any],
    computed: Mapping[str, Any],
    units: Sequence[UnitSheet],
) -> bytes:
    """The template with the aggregate written in, then one copy per unit.

    :param template: the .xlsx the form version was compiled from.
    :param inputs: the aggregate's combined inputs (averages may be fractions,
        so values are written as they are, not checked against the cell kind).
    :param computed: the aggregate's recomputed formula cells (cached values).
    :param units: the included units, in the order their sheets should follow.
    :raises FormCompileError: when ``template`` cannot be read.
    """
    kinds = input_kinds(compiled)
    book, _ = load_openpyxl(template)
    originals = list(book.worksheets)
    for sheet in originals:
        _write_inputs(sheet, sheet.title, kinds, inputs)
    taken = {sheet.title for sheet in originals}
    for unit in units:
        for sheet in originals:
            copy = book.copy_worksheet(sheet)
            copy.title = _title(unit.label, sheet.title, len(originals) > 1, taken)
            copy.protection.sheet = False
            _write_inputs(copy, sheet.title, kinds, unit.inputs)
            _freeze_formulas(copy, sheet.title, unit.computed)
    buffer = io.BytesIO()
    book.save(buffer)
    return _write_cached(buffer.getvalue(), computed)


def _write_inputs(
    sheet: Any,
    name: str,
    kinds: Mapping[str, dict[str, Any]],
    values: Mapping[str, Any],
) -> None:
    """Every input cell of sheet ``name``: the value, or cleared when blank."""
    prefix = f"{name}!"
    for address, prop in kinds.items():
        if not address.startswith(prefix):
            continue
        value = values.get(address)
        cell = sheet[address[len(prefix) :]]
        cell.value = None if value is None or value == "" else _to_cell(prop, value)
        if isinstance(cell.value, str) and cell.data_type == "f":
            cell.data_type = "s"  # user text starting with "=" stays text
            cell.quotePrefix = True


def _freeze_formulas(sheet: Any, name: str, computed: Mapping[str, Any]) -> None:
    """Replace the copy's formulas with the unit's own results."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type != "f":
                continue
            value = computed.get(f"{name}!{cell.coordinate}")
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
                cell.quotePrefix = value.startswith(("=", "+", "-", "@"))


def _title(label: str, sheet: str, several: bool, taken: set[str]) -> str:
    """A unique, valid sheet title for a unit's copy of ``sheet``."""
    base = _TITLE_FORBIDDEN.sub(" ", f"{label} - {sheet}" if several else label)
    base = base.strip()[:_TITLE_MAX] or "Don vi"
    title, number = base, 2
    while title.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({number})"
        title = base[: _TITLE_MAX - len(suffix)] + suffix
        number += 1
    taken.add(title)
    return title
