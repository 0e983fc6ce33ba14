"""Read the inputs back from a filled workbook (``baocao extract``, imports).

Every stored value of the filled file is compared with the form: input cells
give the data (converted to their kind), formula cells are ignored (their
value is recomputed anyway), and any other cell whose value differs from the
template is reported, as is an input whose value has the wrong type.
"""

from __future__ import annotations

from typing import Any

from baocao.form_designer._inputs import convert, input_kinds
from baocao.form_designer._values import json_value
from baocao.form_designer.errors import Code, FillError
from baocao.form_designer.reader import read_workbook
from baocao.schemas.compiled import CompiledForm


def _template_values(
    compiled: CompiledForm,
) -> tuple[dict[str, Any], set[str], set[str]]:
    labels: dict[str, Any] = {}
    for sheet in compiled.layout.get("sheets", []):
        for cell in sheet.get("cells", []):
            if cell["role"] == "label":
                labels[cell["address"]] = cell["value"]
    names = {s["name"] for s in compiled.layout.get("sheets", [])}
    return labels, set(compiled.formulas.get("cells", {})), names


def extract_inputs(compiled: CompiledForm, filled: bytes) -> dict[str, Any]:
    """Return the input values of ``filled``, keyed ``Sheet!A1``.

    :param compiled: the form the file was filled from.
    :param filled: the filled .xlsx bytes.
    :raises FillError: listing cells that are not inputs or have the wrong type.
    :raises FormCompileError: when the file cannot be read at all.
    """
    kinds = input_kinds(compiled)
    labels, computed, sheet_names = _template_values(compiled)
    workbook = read_workbook(filled)
    values: dict[str, Any] = {}
    problems: list[str] = []
    codes: list[str] = []
    for sheet in workbook.sheets:
        if sheet.name not in sheet_names:
            if any(c.value is not None for c in sheet.cells):
                problems.append(Code.FD032.format(value=sheet.name))
                codes.append(Code.FD032.name)
            continue
        for cell in sheet.cells:
            address = cell.source.address
            if address in computed or (cell.value is None and cell.formula is None):
                continue
            if address in kinds:
                converted, problem = convert(address, kinds[address], cell.value)
                if problem:
                    problems.append(problem)
                    codes.append(Code.FD031.name)
                else:
                    values[address] = converted
            elif (
                json_value(cell.value) != labels.get(address)
                or cell.formula is not None
            ):
                shown = cell.formula or json_value(cell.value)
                problems.append(
                    Code.FD030.format(
                        sheet=sheet.name, cell=cell.source.cell, value=repr(shown)
                    )
                )
                codes.append(Code.FD030.name)
    if problems:
        raise FillError(problems, code=codes[0])
    return values
