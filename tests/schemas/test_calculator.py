"""Calculator: full and incremental recalculation, Excel semantics, shared templates."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from baocao.schemas import Calculator, CompiledForm, FormulaCode, FormulaError
from support import SHARED, require

TEMPLATES = SHARED / "templates"


def make_form(
    cells: dict[str, str],
    inputs: tuple[str, ...] = (),
    constants: dict[str, Any] | None = None,
) -> CompiledForm:
    """A CompiledForm from formulas keyed by address (deps are the engine's job)."""
    document = {
        "version": 1,
        "cells": {a: {"formula": f, "deps": []} for a, f in cells.items()},
        "order": list(cells),
        "constants": constants or {},
        "inputs": {a: {"aggregate": "sum"} for a in inputs},
    }
    return CompiledForm(schema={"properties": {}}, layout={}, formulas=document)


def _scenarios() -> list[Path]:
    return sorted(TEMPLATES.glob("*.inputs.json")) if TEMPLATES.is_dir() else []


@pytest.mark.parametrize(
    "inputs", _scenarios(), ids=lambda p: p.name.removesuffix(".inputs.json")
)
def test_shared_templates_match_libreoffice(
    inputs: Path,
    xlsx_form: Callable[[Path], CompiledForm],
    matches: Callable[[Any, Any], bool],
) -> None:
    """Every formula cell equals LibreOffice's value (DESIGN.md §4 oracle)."""
    require(TEMPLATES.is_dir(), "the shared templates")
    name = inputs.name.split(".")[0]
    calculator = Calculator(xlsx_form(TEMPLATES / f"{name}.xlsx"))
    expected = json.loads(
        inputs.with_name(inputs.name.replace("inputs", "expected")).read_text()
    )
    got = calculator.calculate(json.loads(inputs.read_text()))
    wrong = {
        k: (v, got.get(k)) for k, v in expected.items() if not matches(v, got.get(k))
    }
    assert wrong == {}


def test_shared_templates_exist() -> None:
    require(TEMPLATES.is_dir(), "the shared templates")
    assert len(_scenarios()) >= 20


def test_update_returns_only_changed_dependents() -> None:
    form = make_form(
        {"S!C1": "=A1+B1", "S!D1": "=C1*2", "S!E1": "=B1", "S!F1": "=IF(A1>0,1,1)"},
        inputs=("S!A1", "S!B1"),
    )
    calc = Calculator(form)
    assert calc.calculate({"S!A1": 1, "S!B1": 2}) == {
        "S!C1": 3,
        "S!D1": 6,
        "S!E1": 2,
        "S!F1": 1,
    }
    assert calc.update({"S!A1": 5}) == {"S!C1": 7, "S!D1": 14}
    assert calc.update({"S!A1": 5}) == {}
    assert calc.update({"S!A1": None, "S!B1": "x"}) == {
        "S!C1": "#VALUE!",
        "S!D1": "#VALUE!",
        "S!E1": "x",
    }


def test_update_before_calculate_starts_from_blank_inputs() -> None:
    calc = Calculator(make_form({"S!B1": "=A1*2"}, inputs=("S!A1",)))
    assert calc.update({"S!A1": 4}) == {"S!B1": 8}


def test_cross_sheet_order_does_not_depend_on_document_order() -> None:
    form = make_form({"T!A1": "='S x'!B1+1", "S x!B1": "=C1*10"}, inputs=("S x!C1",))
    assert Calculator(form).calculate({"S x!C1": 2}) == {"S x!B1": 20, "T!A1": 21}


def test_cycle_is_reported_with_its_cells() -> None:
    with pytest.raises(FormulaError) as info:
        Calculator(make_form({"S!A1": "=B1", "S!B1": "=A1+1"}))
    assert info.value.code == FormulaCode.FX011.name
    assert "S!A1" in info.value.message and "S!B1" in info.value.message


@pytest.mark.parametrize(
    ("formula", "code"),
    [
        ("=INDIRECT(A1)", FormulaCode.FX003),
        ("=ROUND(1)", FormulaCode.FX008),
        ("=MyName*2", FormulaCode.FX009),
        ("=TODAY()", FormulaCode.FX010),
        ("=1+", FormulaCode.FX001),
    ],
    ids=["unsupported", "arity", "defined-name", "today-without-clock", "syntax"],
)
def test_compile_errors(formula: str, code: FormulaCode) -> None:
    with pytest.raises(FormulaError) as info:
        Calculator(make_form({"S!B2": formula}))
    assert info.value.code == code.name
    assert info.value.message.startswith("[S!B2]")


def test_today_uses_the_injected_clock() -> None:
    form = make_form({"S!A1": "=TODAY()", "S!A2": "=YEAR(TODAY())"})
    got = Calculator(form, today=dt.date(2026, 3, 14)).calculate({})
    assert got == {"S!A1": 46095, "S!A2": 2026}


def test_date_inputs_are_iso_strings() -> None:
    form = make_form({"S!B1": "=EDATE(A1,1)", "S!C1": "=DAY(A1)"}, inputs=("S!A1",))
    form.schema["properties"]["S!A1"] = {"x-kind": "date"}
    assert Calculator(form).calculate({"S!A1": "2026-01-31"}) == {
        "S!B1": 46081,
        "S!C1": 31,
    }


def test_long_chains_do_not_exhaust_the_stack() -> None:
    formula = "=" + "+".join(["A1"] * 2500)  # 7,499 characters, under Excel's limit
    calc = Calculator(make_form({"S!B1": formula}))
    assert calc.calculate({"S!A1": 1}) == {"S!B1": 2500}
