"""Every supported function against values LibreOffice Calc computed.

The fixture ``tests/fixtures/engine/functions.xlsx`` holds one formula per case
over a data sheet with numbers, text, blanks, logicals and dates; the expected
values come from ``soffice --headless --convert-to xlsx`` (see generate.py in
the same folder), never from this project's code.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from baocao.schemas import (
    SUPPORTED_FUNCTIONS,
    Calculator,
    CompiledForm,
    function_names,
    parse_formula,
)
from support import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "engine"
EXPECTED = json.loads(
    (FIXTURES / "functions.expected.json").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def computed(xlsx_form: Callable[[Path], CompiledForm]) -> dict[str, object]:
    return Calculator(xlsx_form(FIXTURES / "functions.xlsx")).calculate({})


def _formulas() -> dict[str, str]:
    sheet = openpyxl.load_workbook(FIXTURES / "functions.xlsx")["Hàm"]
    return {f"Hàm!{c.coordinate}": c.value for c in sheet["B"] if c.value}


FORMULAS = _formulas()


@pytest.mark.parametrize("address", sorted(EXPECTED), ids=lambda a: FORMULAS.get(a, a))
def test_case_matches_libreoffice(
    address: str, computed: dict[str, object], matches: Callable[[object, object], bool]
) -> None:
    assert matches(EXPECTED[address], computed[address]), (
        FORMULAS[address],
        EXPECTED[address],
        computed[address],
    )


def test_every_supported_function_has_cases() -> None:
    used = set().union(
        *(function_names(parse_formula(f, "Hàm")) for f in FORMULAS.values())
    )
    assert SUPPORTED_FUNCTIONS - used == {
        "TODAY"
    }  # TODAY: tested with an injected clock
