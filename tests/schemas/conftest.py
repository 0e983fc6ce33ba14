"""Fixtures for the engine tests: CompiledForms built straight from .xlsx files.

``form_from_xlsx`` is a deliberately small stand-in for the compiler (formula
cells, unlocked input cells, constants read by formulas) so that the engine is
tested on its own; the CLI tests go through ``compile_workbook``.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from baocao.schemas import CompiledForm, dependencies, parse_formula


def _json_value(value: Any) -> Any:
    """Constants as the contract stores them: dates as ISO strings."""
    if isinstance(value, dt.datetime | dt.date):
        return (
            value.date().isoformat()
            if isinstance(value, dt.datetime)
            else value.isoformat()
        )
    return value


def form_from_xlsx(data: bytes) -> CompiledForm:
    """Formula cells, inputs (unlocked cells) and constants of a workbook."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    cells, inputs, plain = {}, {}, {}
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                address = f"{sheet.title}!{cell.coordinate}"
                value = cell.value
                if isinstance(value, str) and value.startswith("="):
                    tree = parse_formula(value, sheet.title)
                    cells[address] = {
                        "formula": value,
                        "deps": list(dependencies(tree)),
                    }
                elif cell.protection.locked is False or not sheet.protection.sheet:
                    if value is None:
                        inputs[address] = {"aggregate": "sum"}
                    else:
                        plain[address] = value
                elif value is not None:
                    plain[address] = value
    read = {d for entry in cells.values() for d in entry["deps"]}
    constants = {a: _json_value(v) for a, v in plain.items() if a in read}
    document = {
        "version": 1,
        "cells": cells,
        "order": list(cells),
        "constants": constants,
        "inputs": inputs,
    }
    return CompiledForm(schema={"properties": {}}, layout={}, formulas=document)


@pytest.fixture(scope="session")
def xlsx_form() -> Callable[[Path], CompiledForm]:
    """``xlsx_form(path)`` → CompiledForm (see :func:`form_from_xlsx`)."""
    return lambda path: form_from_xlsx(Path(path).read_bytes())


def same(expected: Any, got: Any) -> bool:
    """The shared oracle's comparison: numbers to 1e-9 relative, text exactly."""
    if expected in (None, "") and got in (None, ""):
        return True
    if isinstance(expected, bool) or isinstance(got, bool):
        return bool(expected == got)
    if isinstance(expected, int | float) and isinstance(got, int | float):
        return abs(expected - got) <= 1e-9 * max(1.0, abs(expected), abs(got))
    return str(expected) == str(got)


@pytest.fixture(scope="session")
def matches() -> Callable[[Any, Any], bool]:
    """:func:`same` as a fixture (test modules cannot import each other)."""
    return same
