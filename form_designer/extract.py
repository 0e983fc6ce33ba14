"""Read the inputs back from a filled workbook (``baocao extract``, imports).

Every stored value of the filled file is compared with the form: input cells
give the data (converted to their kind), formula cells are ignored (their
value is recomputed anyway) unless the caller asks for them to be checked,
and any other cell whose value differs from the template is reported, as is
an input whose value has the wrong type.

:func:`scan_inputs` returns the problems one by one with their cell, for the
upload preview of the entry page; :func:`extract_inputs` raises them as one
:class:`~baocao.form_designer.errors.FillError` for the command line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from baocao.form_designer._inputs import convert, input_kinds
from baocao.form_designer._values import json_value
from baocao.form_designer.errors import Code, FillError
from baocao.form_designer.reader import read_workbook
from baocao.form_designer.workbook import Cell, Sheet, Workbook
from baocao.schemas.compiled import CompiledForm


@dataclass(frozen=True, slots=True)
class CellProblem:
    """One thing wrong in a filled workbook."""

    code: str
    """Stable code (``FD031``), shown to users."""
    address: str
    """``Sheet!A1`` of the wrong cell; empty for a whole-file problem."""
    message: str
    """Formatted Vietnamese message: where, what, how to fix."""


@dataclass(frozen=True, slots=True)
class _FormCells:
    kinds: dict[str, dict[str, Any]]
    labels: dict[str, Any]
    formulas: dict[str, str]
    sheet_names: set[str]


def _form_cells(compiled: CompiledForm) -> _FormCells:
    labels: dict[str, Any] = {}
    for sheet in compiled.layout.get("sheets", []):
        for cell in sheet.get("cells", []):
            if cell["role"] == "label":
                labels[cell["address"]] = cell["value"]
    formulas = {
        address: str(entry.get("formula", ""))
        for address, entry in compiled.formulas.get("cells", {}).items()
    }
    names = {s["name"] for s in compiled.layout.get("sheets", [])}
    return _FormCells(input_kinds(compiled), labels, formulas, names)


def _same_formula(found: str | None, expected: str) -> bool:
    def canonical(text: str) -> str:
        return text.replace(" ", "").replace("$", "").upper()

    return found is not None and canonical(found) == canonical(expected)


def _problem(code: Code, address: str, **fields: Any) -> CellProblem:
    sheet, _, cell = address.rpartition("!")
    return CellProblem(
        code.name, address, code.format(sheet=sheet, cell=cell, **fields)
    )


def _scan_cell(
    form: _FormCells, cell: Cell, *, check_formulas: bool
) -> tuple[Any, CellProblem | None]:
    """(JSON value or None, problem or None) of one stored cell."""
    address = cell.source.address
    if address in form.formulas:
        expected = form.formulas[address]
        if not check_formulas or _same_formula(cell.formula, expected):
            return None, None
        shown = cell.formula or json_value(cell.value)
        return None, _problem(Code.FD033, address, value=repr(shown), formula=expected)
    if address in form.kinds:
        if cell.value is None and cell.formula is None:
            return None, None
        converted, message = convert(address, form.kinds[address], cell.value)
        return converted, (
            CellProblem(Code.FD031.name, address, message) if message else None
        )
    changed = json_value(cell.value) != form.labels.get(address)
    if cell.formula is None and (cell.value is None or not changed):
        return None, None
    shown = cell.formula or json_value(cell.value)
    return None, _problem(Code.FD030, address, value=repr(shown))


def _deleted_formulas(form: _FormCells, sheet: Sheet) -> list[CellProblem]:
    present = {
        cell.source.address
        for cell in sheet.cells
        if cell.formula is not None or cell.value is not None
    }
    prefix = f"{sheet.name}!"
    return [
        _problem(Code.FD033, address, value="'(ô trống)'", formula=formula)
        for address, formula in form.formulas.items()
        if address.startswith(prefix) and address not in present
    ]


def scan_inputs(
    compiled: CompiledForm, workbook: Workbook, *, check_formulas: bool = False
) -> tuple[dict[str, Any], list[CellProblem]]:
    """The input values of a read workbook, and every problem with its cell.

    :param compiled: the form the file was filled from.
    :param workbook: the filled file, read by :func:`read_workbook`.
    :param check_formulas: also report formula cells whose formula was
        overwritten, edited or deleted (an upload to apply must not lose them).
    :returns: ``(values keyed Sheet!A1, problems)``; a cell with a problem
        gives no value.
    """
    form = _form_cells(compiled)
    values: dict[str, Any] = {}
    problems: list[CellProblem] = []
    for sheet in workbook.sheets:
        if sheet.name not in form.sheet_names:
            if any(c.value is not None for c in sheet.cells):
                problems.append(
                    CellProblem(
                        Code.FD032.name, "", Code.FD032.format(value=sheet.name)
                    )
                )
            continue
        for cell in sheet.cells:
            value, problem = _scan_cell(form, cell, check_formulas=check_formulas)
            if problem is not None:
                problems.append(problem)
            elif value is not None:
                values[cell.source.address] = value
        if check_formulas:
            problems.extend(_deleted_formulas(form, sheet))
    return values, problems


def extract_inputs(compiled: CompiledForm, filled: bytes) -> dict[str, Any]:
    """Return the input values of ``filled``, keyed ``Sheet!A1``.

    :param compiled: the form the file was filled from.
    :param filled: the filled .xlsx bytes.
    :raises FillError: listing cells that are not inputs or have the wrong type.
    :raises FormCompileError: when the file cannot be read at all.
    """
    values, problems = scan_inputs(compiled, read_workbook(filled))
    if problems:
        raise FillError([p.message for p in problems], code=problems[0].code)
    return values
